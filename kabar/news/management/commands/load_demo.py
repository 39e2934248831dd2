"""`manage.py load_demo`: fill a fresh site with Kabar's demo content, safely rerunnable."""

from django.core.management.base import BaseCommand

from kabar.news.demo import load_demo


class Command(BaseCommand):
    help = "Load Kabar's demo sections, articles, authors, images and discussions."

    def handle(self, *args, **options):
        counts = load_demo(stdout=self.stdout if options["verbosity"] > 1 else None)
        summary = ", ".join(f"{name}: {count}" for name, count in counts.items())
        self.stdout.write(self.style.SUCCESS(f"Demo content loaded ({summary})."))
