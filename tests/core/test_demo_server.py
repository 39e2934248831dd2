"""`kabar demo` sets the demo up and serves it with granian, as production is served; its
static files are collected only when they changed, and uploaded images are served."""

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

import pytest
from django.test import Client
from django.urls import clear_url_caches
from wagtail.models import Site

import kabar
from kabar import cli
from kabar.news.models import HomePage


def demo_args(*argv):
    return argparse.Namespace(addr="127.0.0.1:8123", reload="--reload" in argv, no_serve=False)


def test_the_demo_is_served_by_granian_with_one_worker_and_no_reloading():
    argv = cli._demo_server_argv(demo_args())

    assert argv[:3] == [sys.executable, "-m", "granian"]
    assert argv[-1] == "kabar.wsgi:application"
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert argv[argv.index("--port") + 1] == "8123"
    assert argv[argv.index("--workers") + 1] == "1"
    assert "--reload" not in argv
    assert "runserver" not in argv


def test_reload_watches_kabars_own_code_only_when_asked():
    argv = cli._demo_server_argv(demo_args("--reload"))

    assert "--reload" in argv
    # Not the working directory: var/ (database, media) changes on every request.
    assert argv[argv.index("--reload-paths") + 1] == os.path.dirname(kabar.__file__)
    assert argv[-1] == "kabar.wsgi:application"


def test_demo_settings_look_like_production():
    demo = importlib.import_module("kabar.settings.demo")

    assert demo.DEBUG is False
    assert demo.WHITENOISE_USE_FINDERS is False
    assert demo.KABAR_SERVE_MEDIA is True
    assert demo.STORAGES["staticfiles"]["BACKEND"].endswith("CompressedManifestStaticFilesStorage")


@pytest.mark.django_db
def test_demo_no_serve_sets_up_and_collects_static_files_once(settings, tmp_path):
    settings.STATIC_ROOT = tmp_path / "static"
    sources = tmp_path / "sources"
    sources.mkdir()
    (sources / "extra.css").write_text("body { color: black; }")
    settings.STATICFILES_DIRS = [*settings.STATICFILES_DIRS, sources]

    cli.main(["demo", "--no-serve"])

    assert HomePage.objects.live().exists()
    assert Site.objects.get(is_default_site=True).root_page.specific_class is HomePage
    collected = settings.STATIC_ROOT / "css" / "kabar.css"
    assert collected.exists()
    # Nothing changed since: the next start does not collect again.
    collected.unlink()
    cli._collect_static_when_changed()
    assert not collected.exists()
    # A changed source file is collected at the next start.
    (sources / "extra.css").write_text("body { color: navy; }")
    later = time.time() + 5  # an edit made after the collection, not within its second
    os.utime(sources / "extra.css", (later, later))
    cli._collect_static_when_changed()
    assert collected.exists()
    assert (settings.STATIC_ROOT / "extra.css").read_text() == "body { color: navy; }"


@pytest.fixture
def urls_with_media(settings):
    """kabar.urls as built when settings.KABAR_SERVE_MEDIA is on (it is read at import)."""

    def build(serve_media):
        settings.KABAR_SERVE_MEDIA = serve_media
        importlib.reload(importlib.import_module("kabar.urls"))
        clear_url_caches()

    yield build
    build(False)


@pytest.mark.django_db
def test_uploaded_files_are_served_only_when_the_settings_say_so(settings, urls_with_media, home):
    media = Path(settings.MEDIA_ROOT) / "images"
    media.mkdir(parents=True, exist_ok=True)
    (media / "uji.txt").write_bytes(b"isi berkas")

    urls_with_media(True)
    served = Client().get("/media/images/uji.txt")
    assert served.status_code == 200
    assert b"".join(served.streaming_content) == b"isi berkas"
    assert Client().get("/media/../settings.py").status_code == 400  # refused, not read

    urls_with_media(False)
    assert Client().get("/media/images/uji.txt").status_code == 404


def test_a_worker_has_two_threads_on_a_database_server_and_one_on_sqlite():
    """On PostgreSQL a worker would otherwise idle through each round trip; on SQLite a
    second thread would only wait for the one write lock."""
    assert cli.default_threads({"ENGINE": "django.db.backends.sqlite3"}) == 1
    assert cli.default_threads({"ENGINE": "django.db.backends.postgresql"}) == 2
    args = argparse.Namespace(
        bind="127.0.0.1:8124", workers=2, threads=2, server="granian", access_log=False
    )
    argv = cli._server_argv(args)
    assert argv[argv.index("--blocking-threads") + 1] == "2"
