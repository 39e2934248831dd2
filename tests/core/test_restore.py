"""`backup` then `restore` on a real site in its own processes (a SQLite file, a PostgreSQL
database of its own): what changed after the backup is undone, media files come back, the
backup is readable by its owner only, and a bad backup changes nothing."""

import json
import os
import secrets
import subprocess
import sys
import tarfile
from io import BytesIO
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.core.test_production_settings import MAKE_ARTICLE, ROOT, SITE_SETTINGS, clean_env

SETTINGS_MODULE = "kabar_restoretest_settings"

ADD_COMMENT = """
import sys, django
django.setup()
from kabar.news.models import ArticlePage
from tests import builders
builders.submit(ArticlePage.objects.get(), body=sys.argv[1], approve=True)
"""

SNAPSHOT = """
import json, django
django.setup()
from kabar.discussion.models import Comment
from kabar.news.models import ArticlePage
print(json.dumps({
    "bodies": sorted(Comment.objects.values_list("body", flat=True)),
    "title": ArticlePage.objects.get().title,
}))
"""

RETITLE = """
import django
django.setup()
from kabar.news.models import ArticlePage
ArticlePage.objects.update(title="Judul yang diganti setelah cadangan")
"""


class Site:
    def __init__(self, data_dir, **env):
        data_dir.mkdir()
        (data_dir / f"{SETTINGS_MODULE}.py").write_text(SITE_SETTINGS)
        self.dir = data_dir
        self.media = data_dir / "media"
        self.env = clean_env(
            KABAR_DATA_DIR=str(data_dir),
            DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
            PYTHONPATH=os.pathsep.join([str(data_dir), str(ROOT)]),
            ALLOWED_HOSTS="testserver",
            KABAR_HTTPS="false",
            **env,
        )

    def result(self, *argv, stdin=None):
        return subprocess.run(  # noqa: S603
            [sys.executable, *map(str, argv)],
            env=self.env, cwd=ROOT, capture_output=True, text=True, timeout=300, input=stdin,
        )  # fmt: skip

    def run(self, *argv):
        result = self.result(*argv)
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        return result.stdout

    def manage(self, *argv):
        return self.run("manage.py", *argv)

    def snapshot(self):
        return json.loads(self.run("-c", SNAPSHOT).strip().splitlines()[-1])

    def build(self):
        self.manage("migrate", "--noinput", "-v0")
        self.run("-c", MAKE_ARTICLE)
        self.run("-c", ADD_COMMENT, "Komentar yang sudah ada sebelum cadangan dibuat.")
        (self.media / "original_images").mkdir(parents=True, exist_ok=True)
        (self.media / "original_images" / "foto.jpg").write_bytes(b"bukan gambar sungguhan")

    def backup(self, output):
        said = self.manage("backup", "--output", output)
        return Path(said.split("Backup written to ", 1)[1].split(" (", 1)[0])


def modes(folder):
    return {path.name: oct(path.stat().st_mode & 0o777) for path in [folder, *folder.iterdir()]}


def restore_undoes_what_changed(site, tmp_path):
    site.build()
    before = site.snapshot()
    target = site.backup(tmp_path / "cadangan")

    # Readable by its owner only: it holds every commenter's email and address.
    assert set(modes(target).values()) <= {"0o700", "0o600"}, modes(target)
    assert oct((tmp_path / "cadangan").stat().st_mode & 0o777) == "0o700"
    assert not list((tmp_path / "cadangan").glob("*.partial"))

    site.run("-c", ADD_COMMENT, "Komentar yang datang setelah cadangan.")
    site.run("-c", RETITLE)
    (site.media / "original_images" / "foto.jpg").unlink()
    assert site.snapshot() != before

    asked = site.result("manage.py", "restore", target, stdin="no\n")
    assert asked.returncode != 0
    assert "nothing was changed" in asked.stderr
    assert site.snapshot() != before

    said = site.manage("restore", "--noinput", target)
    assert "Restore drill OK" in said
    assert "1 media files" in said
    assert site.snapshot() == before
    assert (site.media / "original_images" / "foto.jpg").read_bytes() == b"bukan gambar sungguhan"
    # The restored site serves and takes comments as before.
    site.run("-c", ADD_COMMENT, "Komentar pertama setelah pemulihan.")
    assert len(site.snapshot()["bodies"]) == 2
    return target


def media_archive_of(target, name, **member):
    """Rewrite the backup's media archive to hold one member `name`."""
    with tarfile.open(target / "media.tar.gz", "w:gz") as archive:
        info = tarfile.TarInfo(name)
        for key, value in member.items():
            setattr(info, key, value)
        data = b"ditulis di luar folder media"
        info.size = 0 if info.issym() else len(data)
        archive.addfile(info, None if info.issym() else BytesIO(data))
    manifest = json.loads((target / "manifest.json").read_text())
    manifest["media_files"] = 1
    (target / "manifest.json").write_text(json.dumps(manifest))


def refused_changes_nothing(site, target, message):
    site.run("-c", RETITLE)
    changed = site.snapshot()
    result = site.result("manage.py", "restore", "--noinput", target)
    assert result.returncode != 0
    assert message in result.stderr
    assert "Traceback" not in result.stderr
    assert site.snapshot() == changed


@pytest.mark.sqlite  # a SQLite file of its own
def test_sqlite_restore_brings_back_the_database_and_media_and_refuses_bad_backups(tmp_path):
    site = Site(tmp_path / "site")
    target = restore_undoes_what_changed(site, tmp_path)

    media_archive_of(target, "../../keluar.txt", type=tarfile.REGTYPE)
    refused_changes_nothing(site, target, "nothing was restored")
    assert not (tmp_path / "keluar.txt").exists()
    media_archive_of(target, "tautan", type=tarfile.SYMTYPE, linkname="/etc/passwd")
    refused_changes_nothing(site, target, "nothing was restored")

    # A damaged database file fails the drill: the live site is not touched.
    media_archive_of(target, "original_images/foto.jpg", type=tarfile.REGTYPE)
    dump = target / "database.sqlite3"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 3])
    refused_changes_nothing(site, target, "Restore drill FAILED")
    # A folder that is not a whole backup (no manifest: its writing never finished).
    (target / "manifest.json").unlink()
    refused_changes_nothing(site, target, "is not a Kabar backup")


@pytest.fixture
def pg_database():
    server = urlsplit(os.environ["KABAR_TEST_DATABASE_URL"])
    import psycopg  # noqa: PLC0415 - installed with kabar[postgres], only for this pass

    name = f"kabar_restore_{secrets.token_hex(4)}"
    admin_url = urlunsplit(server._replace(path="/postgres"))
    with psycopg.connect(admin_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit(server._replace(path=f"/{name}"))
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.mark.postgres
def test_postgresql_restore_brings_back_the_database_and_refuses_another_engine(
    tmp_path, pg_database
):
    site = Site(tmp_path / "site", DATABASE_URL=pg_database)
    target = restore_undoes_what_changed(site, tmp_path)

    # A SQLite site's backup is not loaded into PostgreSQL.
    manifest = json.loads((target / "manifest.json").read_text())
    (target / "manifest.json").write_text(json.dumps({**manifest, "engine": "sqlite"}))
    refused_changes_nothing(site, target, "backup of a sqlite database")
    # A dump cut short fails the drill: the live database is not touched.
    (target / "manifest.json").write_text(json.dumps(manifest))
    dump = target / "database.dump"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    refused_changes_nothing(site, target, "Restore drill FAILED")
