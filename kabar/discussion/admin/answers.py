"""How the desk's views answer: JSON for desk.js, which asks for it, with the new counts
for the queue tabs; a redirect and a message for a plain form post."""

from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.urls import reverse
from wagtail.admin.utils import get_valid_next_url_from_request

from ..models import Comment, CommentStatus


def wants_json(request):
    """desk.js asks for JSON; a plain form post (no JavaScript) gets a redirect."""
    return "application/json" in request.headers.get("Accept", "")


def queue_counts():
    """{status: number of comments} for the queue tabs, in one query."""
    return Comment.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in CommentStatus.values}
    )


class BackToDesk:
    """For a desk view with `index_url_name`: where the moderator goes after, the checked
    `next` address or the desk. A plain HttpResponseRedirect: Django's redirect() would
    take a `next` such as "abc" for a view's name (NoReverseMatch, a 500)."""

    index_url_name = None

    def next_url(self):
        return get_valid_next_url_from_request(self.request) or reverse(self.index_url_name)

    def back(self):
        return HttpResponseRedirect(self.next_url())
