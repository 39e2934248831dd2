"""Prepare the demo site: migrate, load the demo content, point the default Site at the address
the demo is served from, make sure a staff user exists."""

import os
import secrets

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand

from kabar.core.site_address import site_address_set

DEMO_USERNAME = "redaksi"


class Command(BaseCommand):
    help = "Migrate, load the demo content and create the demo staff user (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--site-url",
            help="the address the demo is served from (default: WAGTAILADMIN_BASE_URL)",
        )

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        counts = call_command("load_demo", verbosity=0)
        if counts:
            self.stdout.write(counts)
        # Canonical links, the sitemap and feeds are written on the default Site's address.
        site_address_set(options["site_url"] or settings.WAGTAILADMIN_BASE_URL)
        self.ensure_staff_user()

    def ensure_staff_user(self):
        User = get_user_model()
        if User.objects.filter(username=DEMO_USERNAME).exists():
            self.stdout.write(
                f"Staff user '{DEMO_USERNAME}' exists; its password was shown when it was made "
                "(reset it with: kabar manage changepassword redaksi)."
            )
            return
        password = os.environ.get("KABAR_DEMO_PASSWORD") or secrets.token_urlsafe(12)
        User.objects.create_superuser(DEMO_USERNAME, "redaksi@example.org", password)
        if os.environ.get("KABAR_DEMO_PASSWORD"):
            self.stdout.write(
                f"Created staff user '{DEMO_USERNAME}' with the password from KABAR_DEMO_PASSWORD."
            )
        else:
            self.stdout.write(
                self.style.SUCCESS(
                    f"Created staff user '{DEMO_USERNAME}' with password: {password}\n"
                    "It is shown only this once."
                )
            )
