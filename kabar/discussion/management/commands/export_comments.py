"""Export a registered site's threads and comments, for keeping or for moving elsewhere:

    kabar export-comments blog-teman > blog-teman.json
    kabar export-comments blog-teman --format disqus --output blog-teman.xml

The export holds the commenters' addresses and IPs (the site owner's data): keep it as
private as the database. JSON is Kabar's own shape (kabar.discussion.export_schema);
`disqus` is Disqus's export format, which Isso, Remark42 and Kabar import.
"""

import os
import sys
import tempfile

from django.core.management.base import BaseCommand, CommandError

from kabar.discussion.export import site_export_disqus, site_export_json
from kabar.discussion.models import ExternalSite

WRITERS = {"json": site_export_json, "disqus": site_export_disqus}


class Command(BaseCommand):
    help = "Export a registered site's threads and comments as JSON or Disqus-style XML."

    def add_arguments(self, parser):
        parser.add_argument("site", help="the registered site's key")
        parser.add_argument("--format", choices=sorted(WRITERS), default="json")
        parser.add_argument("--output", help="a file to write (default: standard output)")

    def handle(self, *args, **options):
        site = ExternalSite.objects.filter(slug=options["site"]).first()
        if site is None:
            raise CommandError(f"No registered site has the key {options['site']!r}.")
        write = WRITERS[options["format"]]
        if not options["output"]:
            try:
                write(site, _Unended(self.stdout))
            except BrokenPipeError:  # `| head`: the reader has what it wanted
                _quiet_stdout()
            return
        if os.path.isdir(options["output"]):
            raise CommandError(f"{options['output']} is a folder: name a file to write.")
        self._write_file(options["output"], lambda out: write(site, out))
        self.stderr.write(f"Written: {options['output']}")

    def _write_file(self, path, write):
        """Written beside the target and renamed into place: a failed export leaves no
        half-written file (and an earlier one as it was). Readable by its owner only, as
        mkstemp makes it."""
        folder = os.path.dirname(os.path.abspath(path))
        try:
            handle, partial = tempfile.mkstemp(dir=folder, prefix=".export-", suffix=".part")
        except OSError as exc:
            raise CommandError(f"Cannot write in {folder}: {exc.strerror}") from exc
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                write(out)
            os.replace(partial, path)
        except BaseException:
            os.unlink(partial)
            raise


class _Unended:
    """The command's standard output as a plain text stream: the writers send pieces."""

    def __init__(self, wrapper):
        self.wrapper = wrapper

    def write(self, text):
        self.wrapper.write(text, ending="")


def _quiet_stdout():
    """After a broken pipe: standard output pointed at nothing, so that Python's own
    flush at exit fails no more (the documented way, "Note on SIGPIPE")."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
