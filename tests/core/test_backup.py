"""`backup` and `restore_drill` on the suite's PostgreSQL database."""

import json
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from kabar.discussion.models import Comment
from tests import builders

# Not a transactional test on purpose: it would flush the database (Wagtail's root page
# included) for the transactional tests after it. pg_dump sees the committed data: what
# the migrations wrote, not this test's rows.
# On SQLite the suite's database lives in memory inside the test's open transaction, which
# a backup cannot read; test_production_settings.py backs up a real SQLite file instead.
# The `postgres` marker leaves these tests out of the SQLite pass (tests/conftest.py).
pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def content(article):
    for n in range(3):
        builders.submit(article, body=f"Komentar cadangan nomor {n}.", approve=n < 2)
    return article


def backup(tmp_path, *args):
    out = StringIO()
    target = call_command("backup", "--output", str(tmp_path), *args, stdout=out)
    return Path(target), out.getvalue()


def drill(path):
    out = StringIO()
    call_command("restore_drill", str(path), stdout=out)
    return out.getvalue()


def test_backup_writes_database_media_and_a_manifest_of_counts(content, tmp_path, settings):
    media = Path(settings.MEDIA_ROOT) / "original_images"
    media.mkdir(parents=True, exist_ok=True)
    (media / "foto.txt").write_text("bukan gambar, hanya berkas uji")
    target, said = backup(tmp_path)
    manifest = json.loads((target / "manifest.json").read_text())
    counts = manifest["counts"]
    assert counts["django_migrations"] > 10
    assert counts["wagtailcore_page"] >= 1
    assert counts["discussion_comment"] == 0  # this test's rows are not committed
    assert manifest["media_files"] >= 1
    assert (target / "media.tar.gz").exists()
    assert any((target / name).exists() for name in ("database.sqlite3", "database.dump"))
    assert "Backup written" in said


def test_restore_drill_restores_into_a_fresh_database_and_counts_match(content, tmp_path):
    target, _said = backup(tmp_path, "--no-media")
    said = drill(target)
    assert "Restore drill OK" in said
    assert "discussion_comment" in said
    assert "wagtailcore_page" in said
    # The live database was not touched by the drill.
    assert Comment.objects.count() == 3


def test_restore_drill_fails_when_counts_differ(content, tmp_path):
    target, _said = backup(tmp_path, "--no-media")
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["counts"]["wagtailcore_page"] += 1
    (target / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(CommandError, match="wagtailcore_page"):
        drill(target)


def test_restore_drill_fails_on_a_damaged_backup(content, tmp_path):
    target, _said = backup(tmp_path, "--no-media")
    dump = next(p for p in target.iterdir() if p.name.startswith("database."))
    data = bytearray(dump.read_bytes())
    dump.write_bytes(bytes(data[: len(data) // 3]))
    with pytest.raises(CommandError, match="FAILED"):
        drill(target)


def test_restore_drill_refuses_what_is_not_a_backup(tmp_path):
    with pytest.raises(CommandError, match="not a Kabar backup"):
        drill(tmp_path)


def test_a_backup_that_fails_half_way_leaves_nothing_behind(content, tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path / "no-programs-here"))  # no pg_dump to run
    with pytest.raises((CommandError, OSError)):
        backup(tmp_path / "cadangan")
    # No folder that could pass for a backup, whole or partial.
    assert list((tmp_path / "cadangan").iterdir()) == []
