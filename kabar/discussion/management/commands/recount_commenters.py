"""Count every commenter's approved and rejected comments again, from the comments:

    kabar manage recount_commenters

The counters are kept in step as comments are moderated; comments deleted with their
article, or an update lost when a process stopped right after a moderation, leave them
off. Trust never rests on them alone (a comment is published only on a count of the
address's approved comments), but the listings show them, and an address whose counter
says it has no approved comment has its comments held. Safe to run at any time; run it
after deleting articles with discussions.
"""

from django.core.management.base import BaseCommand

from kabar.discussion.trust import commenters_recount_all


class Command(BaseCommand):
    help = "Count every commenter's approved and rejected comments again from the comments."

    def handle(self, *args, **options):
        changed = commenters_recount_all()
        self.stdout.write(f"Counted again: {changed} commenter(s) had other figures.")
