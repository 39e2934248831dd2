"""Put a backup back: the database as it was when the backup was taken, and its media files.

The backup is proved first by `restore_drill` (restored into a scratch database, its
integrity checked, every table's count compared with the manifest); a backup that fails
the drill is refused and nothing is touched. Then, with the site stopped:

- SQLite: SQLite's backup API copies the backup into the live file, in one transaction;
- PostgreSQL: the public schema is dropped and the dump loaded in its place, in one
  transaction (psql --single-transaction): a failure leaves the database as it was;
- media: the archive's files are written into MEDIA_ROOT (files only, no link, nothing
  outside it), over the files of the same name.

Then every cached page is made stale. Caches in front (a CDN) cannot be told "everything":
purge them by hand.
"""

import sqlite3
import subprocess
import tarfile
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor

from kabar.core.purge import front_caches_configured, purge_everything

from .backup import pg_conninfo, pg_params, read_manifest


class Command(BaseCommand):
    help = "Put a backup back into the live database and media folder (stop the site first)."

    def add_arguments(self, parser):
        parser.add_argument("backup", help="a directory written by the backup command")
        parser.add_argument(
            "--noinput",
            "--no-input",
            action="store_false",
            dest="interactive",
            help="do not ask for confirmation",
        )

    def handle(self, *args, **options):
        source = Path(options["backup"])
        manifest = read_manifest(source)
        vendor = connection.vendor
        if manifest["engine"] != vendor:
            raise CommandError(
                f"This is a backup of a {manifest['engine']} database and the site runs on "
                f"{vendor}: restore it on a site of the same kind, then move the data over."
            )
        # Proved before anything is touched: each raises CommandError.
        media_root = Path(settings.MEDIA_ROOT)
        archive = source / "media.tar.gz" if manifest.get("media_files") is not None else None
        if archive is not None:
            check_media(archive, media_root)
        call_command("restore_drill", str(source), stdout=self.stdout, stderr=self.stderr)
        if options["interactive"] and not self.confirmed(source, manifest):
            raise CommandError("Restore cancelled: nothing was changed.")

        connections.close_all()
        if vendor == "sqlite":
            self.restore_sqlite(source / "database.sqlite3")
        else:
            self.restore_postgresql(source / "database.dump")
        media = None if archive is None else extract_media(archive, media_root)
        purge_everything()

        said = f"Restored the database of {manifest['created_at']}"
        if media is not None:
            said += f" and {media} media files"
        self.stdout.write(self.style.SUCCESS(said + "."))
        if self.unapplied_migrations():
            self.stdout.write(
                "The backup is older than this version of Kabar: run `kabar manage migrate`."
            )
        if front_caches_configured():
            self.stdout.write("Purge the cache in front of the site (the CDN) by hand.")

    def confirmed(self, source, manifest):
        self.stdout.write(
            f"This replaces everything in the site's database ({connection.vendor}) with the "
            f"backup {source} of {manifest['created_at']}. Stop the site before going on."
        )
        return input("Type 'yes' to restore: ").strip().lower() == "yes"

    @staticmethod
    def restore_sqlite(dump):
        name = str(connection.settings_dict["NAME"])
        source = sqlite3.connect(f"file:{dump}?mode=ro", uri=True)
        live = sqlite3.connect(name, timeout=30)
        try:
            source.backup(live)
        except sqlite3.Error as exc:
            raise CommandError(f"The database could not be written: {exc}") from exc
        finally:
            live.close()
            source.close()

    @staticmethod
    def restore_postgresql(dump):
        params, env = pg_params(connection.settings_dict)
        conninfo = pg_conninfo(params)
        script = subprocess.run(  # noqa: S603
            ["pg_restore", "--no-owner", "--no-acl", "--file=-", str(dump)],  # noqa: S607
            env=env,
            capture_output=True,
        )
        if script.returncode:
            raise CommandError(f"pg_restore failed: {script.stderr.decode()[:500]}")
        loaded = subprocess.run(  # noqa: S603
            [  # noqa: S607
                "psql",
                "--no-psqlrc",
                "--quiet",
                "--single-transaction",
                "--set=ON_ERROR_STOP=1",
                "--command=DROP SCHEMA public CASCADE; CREATE SCHEMA public",
                "--file=-",
                conninfo,
            ],
            input=script.stdout,
            env=env,
            capture_output=True,
        )
        if loaded.returncode:
            raise CommandError(
                "The database was not changed: loading the backup failed: "
                + loaded.stderr.decode(errors="replace").strip()[:500]
            )

    @staticmethod
    def unapplied_migrations():
        executor = MigrationExecutor(connection)
        return executor.migration_plan(executor.loader.graph.leaf_nodes())


def _open(archive_path):
    try:
        return tarfile.open(archive_path, "r:gz")
    except (OSError, tarfile.TarError) as exc:
        raise CommandError(f"The media archive could not be read: {exc}") from exc


def check_media(archive_path, media_root):
    """CommandError unless every member of the archive is a plain file or folder whose name
    stays under `media_root` (no link, no absolute name, no "..")."""
    root = media_root.resolve()
    with _open(archive_path) as archive:
        for member in archive.getmembers():
            name = PurePosixPath(member.name)
            if (
                name.is_absolute()
                or ".." in name.parts
                or not (member.isfile() or member.isdir())
                or not (root / name).resolve().is_relative_to(root)
            ):
                raise CommandError(
                    f"The media archive holds {member.name!r}: nothing was restored."
                )


def extract_media(archive_path, media_root):
    """Write the archive's files under `media_root` (checked by check_media); how many."""
    written = 0
    with _open(archive_path) as archive:
        for member in archive:
            if not member.isfile():
                continue
            path = media_root / member.name
            path.parent.mkdir(parents=True, exist_ok=True)
            with archive.extractfile(member) as data, open(path, "wb") as out:
                while chunk := data.read(1 << 20):
                    out.write(chunk)
            written += 1
    return written
