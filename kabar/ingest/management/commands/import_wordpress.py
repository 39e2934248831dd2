"""manage.py import_wordpress FILE [--uploads DIR] [--dry-run] [--learn]"""

import sys

from django.core.management.base import BaseCommand, CommandError

from kabar.ingest.wordpress.importer import ItemFailed, import_wordpress
from kabar.ingest.wordpress.wxr import WXRError


class Command(BaseCommand):
    help = "Bring a WordPress site in from its export (WXR): posts, pages, comments, old links."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the export file WordPress wrote (Tools > Export)")
        parser.add_argument("--uploads", help="the site's wp-content/uploads folder")
        parser.add_argument("--dry-run", action="store_true", help="say what would change")
        parser.add_argument(
            "--learn", action="store_true", help="teach the spam filter from the comments"
        )

    def handle(self, *args, **options):
        try:
            report = import_wordpress(
                options["file"],
                uploads=options.get("uploads"),
                dry_run=options["dry_run"],
                learn=options["learn"],
                show_bar=sys.stderr.isatty() or None,
            )
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {exc.filename}") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{exc.filename} is a folder, not a file") from exc
        except (WXRError, ItemFailed) as exc:
            raise CommandError(str(exc)) from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.total("failed"):
            # A non-zero exit status, so that a script or a scheduler running the import
            # notices: the report above says which items.
            raise CommandError(
                f"{report.total('failed')} item(s) failed; the rest were imported. "
                "Fix them and run the import again: what is in place stays as it is."
            )
