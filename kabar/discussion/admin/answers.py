"""How the desk's views answer: JSON for desk.js, which asks for it, with the new counts
for the queue tabs; a redirect and a message for a plain form post."""

from django.db.models import Count, Q

from ..models import Comment, CommentStatus


def wants_json(request):
    """desk.js asks for JSON; a plain form post (no JavaScript) gets a redirect."""
    return "application/json" in request.headers.get("Accept", "")


def queue_counts():
    """{status: number of comments} for the queue tabs, in one query."""
    return Comment.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in CommentStatus.values}
    )
