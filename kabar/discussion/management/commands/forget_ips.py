"""Forget commenters' IP addresses (and their keyed hashes and user agents) once they are
older than the retention period in the discussion settings.

Kabar already runs this by itself, at most once an hour, after a comment is stored; on a
quiet site, or to be certain, run it daily from cron as well:

    15 3 * * *  kabar manage forget_ips
"""

from django.core.management.base import BaseCommand, CommandError

from kabar.discussion.policy import site_rules
from kabar.discussion.privacy import comments_forget_ips


class Command(BaseCommand):
    help = (
        "Clear IP address, IP hash and user agent on comments older than the retention "
        "period (Discussion settings: forget commenters' IP addresses after N days)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help="Use this retention instead of the one in the discussion settings.",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 0:
            raise CommandError("--days cannot be negative.")
        retention = site_rules().ip_retention_days if days is None else days
        forgotten = comments_forget_ips(days=retention)
        self.stdout.write(
            f"Forgot the IP addresses of {forgotten} comment(s) older than {retention} day(s)."
        )
