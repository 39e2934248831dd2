"""Writes to reader comments. Views, forms and admin hooks call these, never the model."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .models import Comment, CommentStatus

logger = logging.getLogger(__name__)


class CommentsClosed(Exception):
    """The article does not take new comments."""

    message = _("Comments are closed on this article.")


@dataclass(frozen=True)
class Commenter:
    name: str
    email: str
    url: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    user: object = None


def thread_depth_limit():
    return settings.KABAR_COMMENTS["THREAD_DEPTH"]


def attach_point(parent):
    """The comment a reply really hangs from: at the depth limit, a reply goes beside
    the comment it answers (under that comment's parent), as WordPress does."""
    limit = thread_depth_limit()
    while parent is not None and parent.depth >= limit:
        parent = parent.parent
    return parent


def moderation_status_for(page, commenter):
    """WordPress's default rule: staff and commenters with an approved comment under the
    same name and email are published at once; everyone else waits for a moderator."""
    user = commenter.user
    if user is not None and user.is_authenticated and user.is_staff:
        return CommentStatus.APPROVED
    known = Comment.objects.filter(
        author_email__iexact=commenter.email,
        author_name=commenter.name,
        status=CommentStatus.APPROVED,
    ).exists()
    return CommentStatus.APPROVED if known else CommentStatus.PENDING


def comment_submit(*, page, commenter, body, parent=None):
    """Store a reader's comment with the status the moderation rules give it."""
    article = page.specific
    if not getattr(article, "comments_open", False):
        raise CommentsClosed()
    if parent is not None and parent.page_id != page.pk:
        raise ValidationError({"parent": _("That comment belongs to another article.")})
    parent = attach_point(parent)
    comment = Comment(
        page_id=page.pk,
        parent=parent,
        depth=parent.depth + 1 if parent else 1,
        body=body,
        author_name=commenter.name,
        author_email=commenter.email,
        author_url=commenter.url,
        ip_address=commenter.ip_address,
        user_agent=commenter.user_agent[:500],
        user=commenter.user if getattr(commenter.user, "is_authenticated", False) else None,
        status=moderation_status_for(page, commenter),
    )
    comment.full_clean()
    with transaction.atomic():
        comment.save()
    logger.debug("comment %s on page %s stored as %s", comment.pk, page.pk, comment.status)
    return comment


def comments_set_status(comment_ids, status, *, by=None):
    """Moderate one or many comments; returns how many changed."""
    if status not in CommentStatus.values:
        raise ValueError(f"unknown comment status {status!r}")
    with transaction.atomic():
        changed = (
            Comment.objects.filter(pk__in=list(comment_ids))
            .exclude(status=status)
            .update(status=status, moderated_at=timezone.now(), moderated_by=by)
        )
    return changed


def comment_approve(comment, *, by=None):
    return comments_set_status([comment.pk], CommentStatus.APPROVED, by=by)


def comment_mark_spam(comment, *, by=None):
    return comments_set_status([comment.pk], CommentStatus.SPAM, by=by)


def comment_trash(comment, *, by=None):
    return comments_set_status([comment.pk], CommentStatus.TRASH, by=by)
