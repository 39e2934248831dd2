"""`manage.py site_address [URL]`: point the default Wagtail Site at the site's public address."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from kabar.core.site_address import site_address_set
from kabar.core.siteurl import parse_site_url


class Command(BaseCommand):
    help = (
        "Set the default Site's hostname and port from URL (default: WAGTAILADMIN_BASE_URL, "
        "which production reads from KABAR_SITE_URL), so every absolute link uses it."
    )

    def add_arguments(self, parser):
        parser.add_argument("url", nargs="?", help="e.g. https://kabar.example.id")

    def handle(self, *args, **options):
        url = options["url"] or settings.WAGTAILADMIN_BASE_URL
        try:
            address = parse_site_url(url)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        if site_address_set(address.url):
            self.stdout.write(f"The default Site's address is now {address.url}")
