"""`manage.py search_rebuild`: the search index written again from every live public article."""

import time

from django.core.management.base import BaseCommand

from kabar.search.services import search_rebuild


class Command(BaseCommand):
    help = "Rebuild the reader search index from every live public article."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size, **options):
        started = time.monotonic()
        count = search_rebuild(batch_size=batch_size)
        elapsed = time.monotonic() - started
        self.stdout.write(f"Indexed {count} articles in {elapsed:.1f} s.")
