"""Take wire items in as draft articles: from every due source, one named source, or a feed
address or folder given on the command line.

    kabar ingest                                  # every active source that is due
    kabar ingest --source Reuters                 # that source, due or not
    kabar ingest https://wire.example.org/feed.xml --section dunia --credit Reuters
    kabar ingest /srv/kabar/wire-drop --section dunia --credit AFP

A location no source has yet becomes a source in that section with that credit, switched
off for the schedule (the command, run by hand or from cron, checks it); an editor may
switch it on in the admin's wire desk.
"""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from kabar.ingest.models import WireSource
from kabar.ingest.tasks import wire_schedule_start
from kabar.ingest.wire_services import (
    wire_check_due,
    wire_source_check,
    wire_source_for_location,
)
from kabar.news.models import SectionPage


class Command(BaseCommand):
    help = (
        "Take new items from wire feeds (RSS 2.0, Atom, ninjs) or drop folders in as draft "
        "articles. With no location and no --source, check every active source that is due."
    )

    def add_arguments(self, parser):
        parser.add_argument("location", nargs="?", help="A feed address or a folder.")
        parser.add_argument("--source", help="Check the wire source with this name now.")
        parser.add_argument(
            "--section", help="Slug of the section new drafts go to (a new location only)."
        )
        parser.add_argument(
            "--credit", help="Credit shown on the articles, e.g. Reuters (a new location only)."
        )

    def handle(self, *args, location=None, source=None, section=None, credit=None, **options):
        if location and source:
            raise CommandError("Give a location or --source, not both.")
        if source:
            results = [wire_source_check(self._named_source(source))]
        elif location:
            if "://" not in location:
                location = str(Path(location).resolve())  # sources name folders by full path
            results = [wire_source_check(self._source_at(location, section, credit))]
        else:
            results = wire_check_due()
            if not results:
                self.stdout.write("No wire source is due.")
        # Every run makes sure the schedule is going (a no-op when it is).
        wire_schedule_start()
        for result in results:
            self._report(result)
        failed = [result for result in results if result.error]
        if failed:
            raise CommandError(
                "; ".join(f"{result.source.name}: {result.error}" for result in failed)
            )

    def _named_source(self, name):
        found = list(WireSource.objects.filter(name__iexact=name).select_related("section"))
        if len(found) != 1:
            known = ", ".join(WireSource.objects.values_list("name", flat=True)) or "none"
            raise CommandError(f"No single wire source is named {name!r} (sources: {known}).")
        return found[0]

    def _source_at(self, location, section_slug, credit):
        source, _created = wire_source_for_location(location)
        if source is not None:
            return source
        if not (section_slug and credit):
            raise CommandError(
                "No wire source reads this location yet: give --section SLUG and --credit NAME."
            )
        sections = list(SectionPage.objects.filter(slug=section_slug))
        if len(sections) != 1:
            raise CommandError(f"No single section has the slug {section_slug!r}.")
        try:
            source, _created = wire_source_for_location(
                location, section=sections[0], credit=credit
            )
        except ValidationError as exc:
            raise CommandError("; ".join(exc.messages)) from exc
        self.stdout.write(f"New wire source {source.name!r} (not scheduled; see the wire desk).")
        return source

    def _report(self, result):
        self.stdout.write(
            f"{result.source.name}: {len(result.new)} new, "
            f"{result.duplicates} duplicate(s) skipped, {len(result.skipped)} bad item(s) skipped."
        )
        for skipped in result.skipped:
            self.stdout.write(f"  skipped {skipped}")
