"""The burst guard: an article that suddenly draws a crowd of first-time commenters (a
spam run, a brigade from elsewhere) switches itself to pre-moderation and tells the staff.
"""

import logging
from datetime import timedelta

from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from .. import targets
from ..models import Comment, CommentStatus
from ..policy import rules_for
from ..services import discussion_premoderate
from ..staff import staff_notify_premoderated
from ..targets import DiscussionState

logger = logging.getLogger(__name__)


def newcomer_comments(page_id, since, *, more_than=None):
    """Comments on the article since `since` whose commenter had no approved comment
    anywhere (staff excluded). Spam and trash count: a spam run is exactly a burst.
    With `more_than`, counting stops at more_than + 1, so the cost of asking "over the
    limit?" does not grow with a busy article's traffic."""
    approved_history = Comment.objects.filter(
        commenter=OuterRef("commenter"), status=CommentStatus.APPROVED
    )
    comments = (
        Comment.objects.filter(page_id=page_id, created_at__gte=since)
        .exclude(user__is_staff=True)
        .exclude(Exists(approved_history))
    )
    if more_than is not None:
        comments = comments.order_by().values("pk")[: more_than + 1]
    return comments.count()


def _submitted_to(comment):
    """The page (as loaded when the comment was submitted) if the comment carries it;
    else read now."""
    if Comment.page.is_cached(comment) and targets.is_target(comment.page):
        return comment.page
    return targets.as_target(Page.objects.filter(pk=comment.page_id).first())


def burst_check(comment, rules=None):
    """Switch the comment's article to pre-moderation if this comment completes a burst;
    True when it did. `rules` are those the comment was judged by, if known."""
    if comment.user_id and getattr(comment.user, "is_staff", False):
        return False
    commenter = comment.commenter if Comment.commenter.is_cached(comment) else None
    if getattr(commenter, "approved_comments", 0):
        # Read when it was judged: an author with approved history is not a newcomer, so
        # this comment adds nothing to a burst.
        return False
    article = _submitted_to(comment)
    # An article switched meanwhile by another request is switched only once: the switch
    # itself is conditional.
    if article is None or article.discussion != DiscussionState.OPEN:
        return False
    rules = rules or rules_for(article)
    if rules.premoderate_all or not rules.burst_comments or not rules.burst_minutes:
        return False
    since = timezone.now() - timedelta(minutes=rules.burst_minutes)
    if newcomer_comments(article.pk, since, more_than=rules.burst_comments) <= rules.burst_comments:
        return False
    received = newcomer_comments(article.pk, since)
    detail = _(
        "%(count)s comments from new commenters in the last %(minutes)s minutes "
        "(the limit is %(limit)s)."
    ) % {"count": received, "minutes": rules.burst_minutes, "limit": rules.burst_comments}
    return discussion_premoderate(article, reason=str(detail))


def staff_tell_premoderated(page_id, reason):
    """Tell each moderator that the page now holds every comment, through the mail queue
    (after commit, retried, shown in the delivery log). Returns how many were queued."""
    return len(staff_notify_premoderated(page_id, reason))
