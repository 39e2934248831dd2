"""Prove a backup restores: load it into a fresh database (never the live one), check the
database's integrity, compare every table's row count with the backup's manifest, open the
media archive, then drop the scratch database. Exits non-zero on any difference."""

import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from .backup import (
    pg_connect,
    pg_conninfo,
    pg_counts,
    pg_params,
    read_manifest,
    sqlite_counts,
)


class Command(BaseCommand):
    help = "Restore a backup into a fresh scratch database and compare its row counts."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a directory written by the backup command")
        parser.add_argument(
            "--keep", action="store_true", help="keep the scratch database and say where"
        )

    def handle(self, *args, **options):
        source = Path(options["backup"])
        manifest = read_manifest(source)
        engine = manifest["engine"]
        if engine == "sqlite":
            restored, integrity = self.restore_sqlite(source, options["keep"])
        elif engine == "postgresql":
            restored, integrity = self.restore_postgresql(source, options["keep"])
        else:
            raise CommandError(f"Unknown engine {engine!r} in the manifest.")

        expected = manifest["counts"]
        problems = []
        width = max(map(len, expected | restored), default=10)
        self.stdout.write(f"{'table':<{width}}  {'backed up':>10}  {'restored':>10}")
        for table in sorted(expected | restored):
            want, got = expected.get(table), restored.get(table)
            mark = "" if want == got else "  <-- differs"
            if mark:
                problems.append(table)
            self.stdout.write(f"{table:<{width}}  {want!s:>10}  {got!s:>10}{mark}")
        if integrity != "ok":
            problems.append(f"integrity check: {integrity}")
        media = manifest.get("media_files")
        if media is not None:
            found = self.media_count(source / "media.tar.gz")
            self.stdout.write(f"media files: backed up {media}, in the archive {found}")
            if found != media:
                problems.append("media archive")
        if problems:
            raise CommandError("Restore drill FAILED: " + ", ".join(problems))
        rows = sum(restored.values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restore drill OK: {len(restored)} tables, {rows} rows, integrity {integrity}."
            )
        )

    def restore_sqlite(self, source, keep):
        scratch_dir = Path(tempfile.mkdtemp(prefix="kabar-drill-"))
        scratch = scratch_dir / "restored.sqlite3"
        shutil.copyfile(source / "database.sqlite3", scratch)
        try:
            conn = sqlite3.connect(scratch)
            try:
                integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
                counts = sqlite_counts(conn)
            finally:
                conn.close()
        except sqlite3.DatabaseError as exc:
            counts, integrity = {}, str(exc)
        if keep:
            self.stdout.write(f"Scratch database kept at {scratch}")
        else:
            shutil.rmtree(scratch_dir, ignore_errors=True)
        return counts, integrity

    def restore_postgresql(self, source, keep):
        settings_dict = connection.settings_dict
        name = f"kabar_drill_{secrets.token_hex(4)}"
        with pg_connect(settings_dict, dbname="postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        try:
            params, env = pg_params(settings_dict, dbname=name)
            argv = ["pg_restore", "--no-owner", "--exit-on-error"]
            argv += ["--dbname", pg_conninfo(params)]
            result = subprocess.run(  # noqa: S603
                [*argv, str(source / "database.dump")], env=env, capture_output=True, text=True
            )
            if result.returncode:
                return {}, f"pg_restore failed: {result.stderr.strip()[:500]}"
            with pg_connect(settings_dict, dbname=name) as conn:
                counts = pg_counts(conn)
                integrity = self.pg_amcheck(conn)
            return counts, integrity
        finally:
            if keep:
                self.stdout.write(f"Scratch database kept: {name}")
            else:
                with pg_connect(settings_dict, dbname="postgres", autocommit=True) as admin:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    @staticmethod
    def pg_amcheck(conn):
        """B-tree checks of every public index (the amcheck extension), 'ok' or why not."""
        try:
            conn.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        except Exception as exc:  # not installed: say so rather than pretend
            conn.rollback()
            return f"amcheck unavailable ({exc})"
        indexes = conn.execute(
            "SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
            "JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace "
            "WHERE a.amname = 'btree' AND n.nspname = 'public' AND i.indisvalid"
        ).fetchall()
        for (oid,) in indexes:
            try:
                conn.execute("SELECT bt_index_check(%s, true)", [oid])
            except Exception as exc:
                return f"index {oid}: {exc}"
        return "ok"

    @staticmethod
    def media_count(path):
        try:
            with tarfile.open(path, "r:gz") as archive:
                return sum(1 for member in archive.getmembers() if member.isfile())
        except (OSError, tarfile.TarError):
            return None
