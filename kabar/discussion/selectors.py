"""Reads of reader comments: public threads, counts and the moderation queue."""

from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce

from .models import Comment, CommentStatus


def comments_public_for(page, *, own_pending_ids=()):
    """The article's approved comments as a tree, plus the held comments whose ids the
    reader's own signed cookie names (shown to their author only). One query."""
    visible = Q(status=CommentStatus.APPROVED)
    if own_pending_ids:
        visible |= Q(status=CommentStatus.PENDING, pk__in=list(own_pending_ids))
    comments = list(
        Comment.objects.filter(visible, page=page)
        .only(
            "pk",
            "page_id",
            "parent_id",
            "depth",
            "body",
            "author_name",
            "author_url",
            "status",
            "created_at",
        )
        .order_by("created_at", "pk")
    )
    return build_tree(comments)


def build_tree(comments):
    """Attach each comment to its parent; a reply whose parent is not shown is dropped, so
    nothing hidden can be inferred from the thread's shape."""
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:
        comment.children = []
    for comment in comments:
        if comment.parent_id is None:
            roots.append(comment)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].children.append(comment)
    return roots


def count_tree(roots):
    return sum(1 + count_tree(c.children) for c in roots)


def approved_count_for(page):
    return Comment.objects.filter(page=page, status=CommentStatus.APPROVED).count()


def with_comment_counts(queryset):
    """Annotate `comment_count` (approved comments) with one correlated subquery."""
    counts = (
        Comment.objects.filter(page=OuterRef("pk"), status=CommentStatus.APPROVED)
        .order_by()
        .values("page")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        comment_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


def pending_count():
    return Comment.objects.filter(status=CommentStatus.PENDING).count()
