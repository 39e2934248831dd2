"""Which way dependencies point (DESIGN.md), as `make lint` and `make test` enforce it with
import-linter's contracts in pyproject.toml: they hold today, and a forbidden import —
even one inside a function — breaks them."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(tree):
    """Run the project's contracts over the `kabar` package found in `tree`."""
    shutil.copy(ROOT / "pyproject.toml", tree / "pyproject.toml")
    return subprocess.run(  # noqa: S603 - the project's own lint command
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=tree,
        env={**os.environ, "PYTHONPATH": str(tree)},
        capture_output=True,
        text=True,
        timeout=300,
    )


@pytest.fixture
def tree(tmp_path):
    """A copy of the package to break."""
    shutil.copytree(ROOT / "kabar", tmp_path / "kabar", ignore=shutil.ignore_patterns("locale"))
    return tmp_path


def add_function_import(module, imported):
    with module.open("a") as source:
        source.write(f"\n\ndef _forbidden():\n    import {imported}  # noqa\n")


def test_the_contracts_hold_for_the_code_as_it_is(tree):
    result = lint_imports(tree)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


def test_core_importing_an_app_breaks_the_lint(tree):
    add_function_import(tree / "kabar/core/purge.py", "kabar.news.models")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "core knows no app and nothing that wires apps together BROKEN" in result.stdout
    assert "kabar.core.purge -> kabar.news.models" in result.stdout


def test_discussion_importing_news_breaks_the_lint(tree):
    add_function_import(tree / "kabar/discussion/services.py", "kabar.news.models")
    result = lint_imports(tree)
    assert result.returncode != 0
    assert "kabar.discussion.services -> kabar.news.models" in result.stdout
