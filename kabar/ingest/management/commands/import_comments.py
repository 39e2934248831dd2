"""Bring comments in from another comment system, onto the threads of their pages' addresses.

    kabar import-comments disqus export.xml.gz [--site blog-teman]
    kabar import-comments isso comments.db --site blog-teman      # or --site https://blog...
    kabar import-comments remark42 backup-blog-20261201.gz [--site blog-teman]

`--site` names the registered site (its key, or an origin; Kabar's own origin for its own
articles). Isso keeps only paths, so it needs one; for Disqus and Remark42, which keep
whole addresses, it makes sure no thread lands on another registered site.
"""

import sys

from django.core.management.base import BaseCommand, CommandError

from kabar.ingest.comments import SYSTEMS, read_source
from kabar.ingest.comments.importer import import_comments, site_named
from kabar.ingest.comments.source import FormatError


class Command(BaseCommand):
    help = "Bring comments in from Disqus, Isso or Remark42, onto the threads of their pages."

    def add_arguments(self, parser):
        parser.add_argument("system", choices=SYSTEMS)
        parser.add_argument("file", help="Disqus's XML export, Isso's database, a Remark42 backup")
        parser.add_argument("--site", default="", help="the registered site's key, or an origin")
        parser.add_argument("--dry-run", action="store_true", help="say what would change")
        parser.add_argument(
            "--learn", action="store_true", help="teach the spam filter from the comments"
        )

    def handle(self, *args, **options):
        system = options["system"]
        if system == "isso" and not options["site"]:
            raise CommandError("Isso keeps only paths: name the site they are on (--site).")
        try:
            site, origin = site_named(options["site"]) if options["site"] else (None, "")
            source = read_source(system, options["file"], origin=origin)
            report = import_comments(
                source,
                site=site,
                dry_run=options["dry_run"],
                learn=options["learn"],
                show_bar=sys.stderr.isatty() or None,
            )
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {exc.filename}") from exc
        except IsADirectoryError as exc:
            raise CommandError(f"{exc.filename} is a folder, not a file") from exc
        except FormatError as exc:
            raise CommandError(f"{options['file']}: {exc}. Nothing was imported.") from exc
        for line in report.lines():
            self.stdout.write(line)
        if report.total("failed", "thread") or report.total("failed"):
            # A non-zero exit status, so that a script or a scheduler running the import
            # notices: the report above says which items.
            raise CommandError(
                "Some threads or comments failed; the rest were imported. "
                "Fix them and run the import again: what is in place stays as it is."
            )
