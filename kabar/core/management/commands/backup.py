"""Back up the database (a consistent snapshot), the media files, and a manifest of row
counts that `restore_drill` checks a restore against and `restore` puts back.

A backup holds every commenter's email and address: it is written readable by its owner
only (directories 0700, files 0600), under a name ending in ".partial" until its manifest
is written, and removed if any step fails, so no half-written backup passes for one.

SQLite: SQLite's online backup API, safe while the site runs (WAL readers and writers go
on). PostgreSQL: pg_dump in custom format, run inside an exported snapshot so that the
counts in the manifest are those of exactly the data dumped.
"""

import contextlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.utils import timezone


def read_manifest(folder):
    """The manifest of the backup in `folder`; CommandError if there is none (not a backup,
    or one whose writing never finished)."""
    try:
        return json.loads((folder / "manifest.json").read_text())
    except (OSError, ValueError) as exc:
        raise CommandError(f"{folder} is not a Kabar backup: {exc}") from exc


def pg_params(settings_dict, dbname=None):
    """libpq keyword arguments and environment for the database in `settings_dict`."""
    params = {
        "host": settings_dict.get("HOST") or "",
        "port": str(settings_dict.get("PORT") or ""),
        "user": settings_dict.get("USER") or "",
        "dbname": dbname or settings_dict["NAME"],
    }
    env = dict(os.environ)
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    return {k: v for k, v in params.items() if v}, env


def pg_conninfo(params):
    """libpq's connection string of pg_params' keyword arguments, for pg_dump, pg_restore
    and psql."""
    return " ".join(f"{k}={v}" for k, v in params.items())


def pg_connect(settings_dict, dbname=None, **kwargs):
    import psycopg  # noqa: PLC0415 - optional: installed with kabar[postgres]

    params, _env = pg_params(settings_dict, dbname)
    return psycopg.connect(**params, password=settings_dict.get("PASSWORD") or None, **kwargs)


def pg_counts(conn):
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
    ]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


def sqlite_counts(conn):
    tables = [
        row[0]
        for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]
    return {t: conn.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}  # noqa: S608


@contextlib.contextmanager
def private_files():
    """What is made inside is readable by its owner only: pg_dump's file, SQLite's and
    tarfile's, and the folders (the process's umask, which pg_dump inherits)."""
    previous = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(previous)


class Command(BaseCommand):
    help = "Back up the database and media files into a new directory, with a manifest."

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", help="directory to create the backup in (default: DATA_DIR/backups)"
        )
        parser.add_argument("--no-media", action="store_true", help="leave the media files out")

    def handle(self, *args, **options):
        root = Path(options["output"] or Path(settings.DATA_DIR) / "backups")
        stamp = timezone.now().strftime("%Y%m%d-%H%M%S-%f")
        target = root / f"kabar-{stamp}"
        partial = root / f"kabar-{stamp}.partial"
        vendor = connection.vendor
        if vendor not in {"sqlite", "postgresql"}:
            raise CommandError(f"Backing up a {vendor} database is not supported.")
        with private_files():
            root.mkdir(parents=True, exist_ok=True)
            partial.mkdir()
            try:
                manifest = self.write(partial, vendor, media=not options["no_media"])
                partial.rename(target)
            except BaseException:
                shutil.rmtree(partial, ignore_errors=True)
                raise
        counts = manifest["counts"]
        total = sum(counts.values())
        self.stdout.write(f"Backup written to {target} ({len(counts)} tables, {total} rows).")
        return str(target)

    def write(self, folder, vendor, *, media):
        if vendor == "sqlite":
            counts = self.backup_sqlite(folder / "database.sqlite3")
        else:
            counts = self.backup_postgresql(folder / "database.dump")
        media_files = self.backup_media(folder / "media.tar.gz") if media else None
        manifest = {
            "engine": vendor,
            "created_at": timezone.now().isoformat(),
            "counts": counts,
            "media_files": media_files,
        }
        # Written last: a folder with a manifest is a whole backup.
        (folder / "manifest.json").write_text(json.dumps(manifest, indent=2, sort_keys=True))
        return manifest

    def backup_sqlite(self, path):
        name = str(connection.settings_dict["NAME"])
        destination = sqlite3.connect(path)
        try:
            if Path(name).exists():
                # A connection of its own: a read snapshot, writers carry on (WAL).
                source = sqlite3.connect(f"file:{name}?mode=ro", uri=True, timeout=30)
                try:
                    source.backup(destination)
                finally:
                    source.close()
            else:  # an in-memory database (tests): only Django's connection reaches it
                connection.ensure_connection()
                connection.connection.backup(destination)
            return sqlite_counts(destination)
        finally:
            destination.close()

    def backup_postgresql(self, path):
        settings_dict = connection.settings_dict
        params, env = pg_params(settings_dict)
        with pg_connect(settings_dict) as conn:
            conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
            counts = pg_counts(conn)
            argv = ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}"]
            argv += [f"--file={path}", pg_conninfo(params)]
            # The snapshot lives as long as this transaction: pg_dump runs inside it.
            result = subprocess.run(argv, env=env, capture_output=True, text=True)  # noqa: S603
            conn.rollback()
        if result.returncode:
            raise CommandError(f"pg_dump failed: {result.stderr.strip()}")
        return counts

    def backup_media(self, path):
        media_root = Path(settings.MEDIA_ROOT)
        count = 0
        with tarfile.open(path, "w:gz") as archive:
            if media_root.exists():
                for file in sorted(media_root.rglob("*")):
                    if file.is_file():
                        archive.add(file, arcname=str(file.relative_to(media_root)))
                        count += 1
        return count
