"""Writes to reader comments. Views, forms and admin hooks call these, never the model."""

import logging
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from . import signals
from .models import Comment, CommentStatus
from .policy import is_open_now, rules_for

logger = logging.getLogger(__name__)


class CommentsClosed(Exception):
    """The article does not take new comments (closed, too old, or outside its hours)."""

    def __init__(self, message=None):
        self.message = message or _("Comments are closed on this article.")
        super().__init__(self.message)


@dataclass(frozen=True)
class CommentAuthor:
    """What the reader typed about themselves, and what the request says about them."""

    name: str
    email: str
    url: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    user: object = None


@dataclass
class SubmitContext:
    """Facts about the submission that are not part of the comment: the form's age,
    whether the honeypot was filled, the reader's wish for reply notifications."""

    form_age_seconds: float | None = None
    honeypot_filled: bool = False
    notify_replies: bool = False
    extra: dict = field(default_factory=dict)


# Severity order: a comment ends up with the most severe status any check gave it.
SEVERITY = {
    CommentStatus.APPROVED: 0,
    CommentStatus.PENDING: 1,
    CommentStatus.REPORTED: 1,
    CommentStatus.SPAM: 2,
    CommentStatus.TRASH: 3,
}


def most_severe(*statuses):
    return max(statuses, key=lambda status: SEVERITY[status])


def attach_point(parent, depth_limit):
    """The comment a reply really hangs from: at the depth limit, a reply goes beside
    the comment it answers (under that comment's parent), as WordPress does."""
    while parent is not None and parent.depth >= depth_limit:
        parent = parent.parent
    return parent


def comment_submit(*, page, author, body, parent=None, context=None):
    """Store a reader's comment with the status the moderation rules give it."""
    from .spam import assess
    from .trust import commenter_for, status_for_author

    context = context or SubmitContext()
    article = page.specific
    if not hasattr(article, "comments_open"):
        raise CommentsClosed()
    rules = rules_for(article)
    is_open, why = is_open_now(article, rules)
    if not is_open:
        raise CommentsClosed(why)
    if parent is not None and parent.page_id != page.pk:
        raise ValidationError({"parent": _("That comment belongs to another article.")})
    parent = attach_point(parent, rules.thread_depth)
    comment = Comment(
        page_id=page.pk,
        parent=parent,
        depth=parent.depth + 1 if parent else 1,
        body=body,
        author_name=author.name,
        author_email=author.email,
        author_url=author.url,
        ip_address=author.ip_address,
        user_agent=author.user_agent[:500],
        user=author.user if getattr(author.user, "is_authenticated", False) else None,
        notify_replies=context.notify_replies,
    )
    comment.full_clean()
    with transaction.atomic():
        comment.commenter = commenter_for(author)
        trust_status, trust_reasons = status_for_author(comment.commenter, author, rules)
        verdict = assess(comment, article=article, rules=rules, context=context)
        comment.status = most_severe(trust_status, verdict.status)
        comment.reasons = [*trust_reasons, *verdict.reasons]
        comment.spam_score = verdict.score
        comment.save()
    logger.debug("comment %s on page %s stored as %s", comment.pk, page.pk, comment.status)
    transaction.on_commit(
        lambda: signals.comment_stored.send(Comment, comment=comment, context=context)
    )
    return comment


def comments_set_status(comment_ids, status, *, by=None):
    """Moderate one or many comments; returns how many changed."""
    if status not in CommentStatus.values:
        raise ValueError(f"unknown comment status {status!r}")
    with transaction.atomic():
        targets = list(
            Comment.objects.select_for_update()
            .filter(pk__in=list(comment_ids))
            .exclude(status=status)
        )
        previous = {c.pk: c.status for c in targets}
        now = timezone.now()
        Comment.objects.filter(pk__in=previous).update(
            status=status, moderated_at=now, moderated_by=by
        )
        for comment in targets:
            comment.status, comment.moderated_at, comment.moderated_by = status, now, by
    if targets:
        transaction.on_commit(
            lambda: signals.comments_moderated.send(
                Comment, comments=targets, previous=previous, by=by
            )
        )
    return len(targets)


def comment_approve(comment, *, by=None):
    return comments_set_status([comment.pk], CommentStatus.APPROVED, by=by)


def comment_mark_spam(comment, *, by=None):
    return comments_set_status([comment.pk], CommentStatus.SPAM, by=by)


def comment_trash(comment, *, by=None):
    return comments_set_status([comment.pk], CommentStatus.TRASH, by=by)
