"""The burst guard: an article that suddenly draws a crowd of first-time commenters (a
spam run, a brigade from elsewhere) switches itself to pre-moderation and tells the staff.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Exists, OuterRef
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from ..models import Comment, CommentStatus

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
    """The article (as loaded when the comment was submitted) if the comment carries it;
    else read now."""
    from kabar.news.models import ArticlePage

    if Comment.page.is_cached(comment) and isinstance(comment.page, ArticlePage):
        return comment.page
    return ArticlePage.objects.filter(pk=comment.page_id).first()


def burst_check(comment, rules=None):
    """Switch the comment's article to pre-moderation if this comment completes a burst;
    True when it did. `rules` are those the comment was judged by, if known."""
    from kabar.news.models import Discussion

    from ..policy import rules_for
    from ..services import article_switch_to_premoderation

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
    if article is None or article.discussion != Discussion.OPEN:
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
    return article_switch_to_premoderation(article, reason=str(detail))


def staff_addresses():
    from ..notifications import staff_recipients

    return sorted({address.strip() for address in staff_recipients() if address.strip()})


def staff_tell_premoderated(article_id, reason):
    """Mail each moderator (one message each, so addresses are not shared) that the
    article is now pre-moderated, why, and where to switch it back."""
    from kabar.news.models import ArticlePage

    article = ArticlePage.objects.filter(pk=article_id).first()
    recipients = staff_addresses()
    if article is None or not recipients:
        return 0
    base = settings.WAGTAILADMIN_BASE_URL.rstrip("/")
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("[%(site)s] Comments on “%(title)s” are now held for moderation") % {
            "site": settings.WAGTAIL_SITE_NAME,
            "title": article.title,
        }
        body = _(
            "The burst guard switched the article “%(title)s” to pre-moderation: every new "
            "comment there now waits for a moderator.\n\n"
            "Why: %(reason)s\n\n"
            "Article: %(url)s\n"
            "Switch it back (Settings tab, Discussion): %(edit_url)s\n"
        ) % {
            "title": article.title,
            "reason": reason,
            "url": article.get_full_url() or "",
            "edit_url": base + reverse("wagtailadmin_pages:edit", args=[article.pk]),
        }
    subject = " ".join(str(subject).split())
    messages = [
        EmailMessage(
            subject=subject,
            body=str(body),
            from_email=settings.DEFAULT_FROM_EMAIL,
            to=[address],
            headers={"Auto-Submitted": "auto-generated"},
        )
        for address in recipients
    ]
    try:
        return get_connection().send_messages(messages) or 0
    except Exception:
        # The switch itself is done; a mail server that is down must not undo it.
        logger.exception("could not tell staff that article %s is pre-moderated", article_id)
        return 0
