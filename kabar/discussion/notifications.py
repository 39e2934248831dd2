"""Mail to readers about comments: confirmation links and follow-up notifications, queued
by what a stored or newly approved comment sets off, and the signal receivers that start it."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from kabar.core.memo import RecentMemo

from .mail import KIND_CONFIRM, KIND_REPLY, mail_subject, site_name
from .models import Comment, Commenter, CommentStatus, EmailDelivery, Subscription, normalise_email
from .staff import HELD, staff_round_wake
from .subscriptions import subscription_request
from .tasks import announce_comment, delivery_queue
from .trust import asks_for_proof

logger = logging.getLogger(__name__)


# Queueing.


def confirmation_request(comment, *, subscribing):
    """Mail the commenter a confirmation link, unless that would be one too many: an
    unconfirmed address gets one a day while its owner keeps commenting, and so does a
    trusted one used from a browser it was not confirmed in ("was this you?"); a new
    subscription gets its own, up to CONFIRM_PER_DAY a day."""
    commenter = comment.commenter
    if commenter is None:
        return None
    proving = asks_for_proof(comment)
    if commenter.verified_at is not None and not subscribing and not proving:
        return None
    limit = settings.KABAR_MAIL["CONFIRM_PER_DAY"] if subscribing else 1
    if _confirmations_today(commenter).count() >= limit:
        return None
    if proving:
        subject = _("Was this you? A comment with your email address on %(site)s")
    else:
        subject = _("Confirm your email address for comments on %(site)s")
    return delivery_queue(
        KIND_CONFIRM, commenter.email, mail_subject(subject, site=site_name()), comment
    )


def subscription_ask(email, page):
    """A reader's wish for follow-up mail on `page`, sent without a comment (the JSON API):
    recorded for the address, and a link mailed to confirm it, within CONFIRM_PER_DAY
    confirmation mails a day. Returns the delivery queued, or None (the wish was in force
    already, or the address had its mails for the day)."""
    commenter = _commenter(email)
    if not subscription_request(commenter, page):
        return None
    if _confirmations_today(commenter).count() >= settings.KABAR_MAIL["CONFIRM_PER_DAY"]:
        return None
    subject = _("Confirm your email address for comments on %(site)s")
    return delivery_queue(
        KIND_CONFIRM,
        commenter.email,
        mail_subject(subject, site=site_name()),
        data={"page": page.pk},
    )


def _commenter(email):
    email = normalise_email(email)
    try:
        with transaction.atomic():
            return Commenter.objects.get_or_create(email=email)[0]
    except IntegrityError:  # made meanwhile by another request
        return Commenter.objects.get(email=email)


def _a_day_ago():
    return timezone.now() - timedelta(days=1)


def _day_of(commenter):
    """Since when a confirmation mail counts as today's for `commenter`: a day ago, or when
    its owner confirmed the address, if that was later."""
    since = _a_day_ago()
    if commenter.verified_at is not None:
        since = max(since, commenter.verified_at)
    return since


def _confirmations_since(since):
    return EmailDelivery.objects.filter(kind=KIND_CONFIRM, created_at__gte=since)


def _confirmations_today(commenter):
    """The confirmation mails queued for `commenter`'s address in the last day, those from
    before its owner confirmed it left out."""
    return _confirmations_since(_day_of(commenter)).filter(recipient=commenter.email)


def _followers(comment):
    """The article's confirmed subscriptions that an approved `comment` is news to: never
    its own author's, nor one whose address was not confirmed."""
    subscriptions = Subscription.objects.filter(
        page_id=comment.page_id,
        confirmed_at__isnull=False,
        unsubscribed_at__isnull=True,
        commenter__verified_at__isnull=False,
    ).exclude(commenter__email=comment.author_email.strip().lower())
    if comment.commenter_id is not None:
        subscriptions = subscriptions.exclude(commenter_id=comment.commenter_id)
    return subscriptions


def followers_notify(comment):
    """Queue follow-up mail for an approved comment to the article's confirmed
    subscribers (_followers)."""
    if comment.status != CommentStatus.APPROVED or comment.removed_at is not None:
        return []
    parent_commenter_id = comment.parent.commenter_id if comment.parent_id else None
    title = comment.page.title
    queued = []
    for subscription in _followers(comment).select_related("commenter"):
        if subscription.commenter_id == parent_commenter_id:
            subject = mail_subject(
                _("%(name)s replied to your comment on “%(title)s”"),
                name=comment.author_name,
                title=title,
            )
        else:
            subject = mail_subject(_("New comment on “%(title)s”"), title=title)
        delivery = delivery_queue(KIND_REPLY, subscription.commenter.email, subject, comment)
        if delivery:
            queued.append(delivery)
    return queued


def comment_announce(comment_id, event):
    """Everything a stored or newly approved comment sets off, from its current state."""
    comment = (
        Comment.objects.select_related("page", "commenter", "parent").filter(pk=comment_id).first()
    )
    if comment is None:
        return
    # Never mail an address on behalf of a comment the checks took for spam.
    if event == "stored" and comment.status in (*HELD, CommentStatus.APPROVED):
        subscribing = False
        if comment.notify_replies and comment.commenter_id:
            subscribing = subscription_request(comment.commenter, comment.page)
        # The newsroom's own reply asks its writer to confirm nothing they did not ask for.
        if subscribing or not comment.by_staff:
            confirmation_request(comment, subscribing=subscribing)
    followers_notify(comment)


# Receivers, connected in DiscussionConfig.ready().


def _announce(comment_id, event):
    """Queue the comment's announcement; whether the queue took it."""
    try:
        announce_comment.enqueue(comment_id, event)
    except Exception:
        # The comment is stored; a queue that cannot take the job must not turn the
        # reader's or moderator's request into an error page.
        logger.exception("could not queue notifications for comment %s", comment_id)
        return False
    return True


# When each address last had a confirmation mail queued (within the last day), as this
# process read it, or had a job queued that asks for one: a commenter who keeps writing
# before confirming is asked once a day, and each of their comments learns that here
# instead of from a query or a job of its own. A mail not found is not kept (one queued
# meanwhile is read on the next comment), and one counts only while it is under a day old
# and newer than the address's confirmation.
_asked = RecentMemo(seconds=10 * 60, max_entries=10_000)


def forget_confirmations_asked():
    _asked.forget()


def _latest_confirmations(emails):
    found = dict(
        _confirmations_since(_a_day_ago())
        .filter(recipient__in=emails)
        .values_list("recipient")
        .annotate(latest=Max("created_at"))
    )
    return {email: found.get(email) for email in emails}


def _asked_today(commenter):
    """Whether a confirmation mail was queued for `commenter` in the last day, after its
    owner confirmed the address if they did (_confirmations_today, without a query each
    time)."""
    latest = _asked.get_many([commenter.email], _latest_confirmations)[commenter.email]
    return latest is not None and latest >= _day_of(commenter)


# What a comment may mail its author (comment_announce), as far as what the write loaded
# shows.
NOTHING, CONFIRMATION, UNKNOWN = "nothing", "confirmation", "unknown"


def _mail_for_its_author(comment):
    """NOTHING when no follow-ups were asked for and there is no address to confirm, or its
    owner was asked already today (one such mail a day, confirmation_request); CONFIRMATION
    when that mail is all the comment's job would send; UNKNOWN otherwise. One indexed read
    here spares a job per held comment of an unconfirmed commenter who keeps writing."""
    if comment.commenter_id is None:
        return NOTHING
    if comment.notify_replies or not Comment.commenter.is_cached(comment):
        return UNKNOWN
    if comment.by_staff:
        return NOTHING  # the newsroom's own reply asks its writer to confirm nothing
    commenter = comment.commenter
    if commenter.verified_at is not None and not asks_for_proof(comment):
        return NOTHING
    return NOTHING if _asked_today(commenter) else CONFIRMATION


def on_comment_stored(sender, comment, context=None, **kwargs):
    # The staff hear of it in their digest's round (staff.py), which it wakes if need be.
    if comment.staff_notice:
        staff_round_wake(comment)
    # Spam and trash set off nothing (comment_announce), so they cost no job either; nor
    # does a comment that mails nobody: a held one whose author has nothing to be mailed,
    # or a published one that is also news to no follower of the article (one indexed
    # read instead of a job, which costs the queue's worker several statements to find
    # the same nothing).
    if comment.status not in (*HELD, CommentStatus.APPROVED):
        return
    mail = _mail_for_its_author(comment)
    published = comment.status == CommentStatus.APPROVED
    if published and mail != UNKNOWN and _followers(comment).exists():
        mail = UNKNOWN
    if mail == NOTHING:
        return
    if _announce(comment.pk, "stored") and mail == CONFIRMATION:
        # This job asks them: their next comments, written before it has run (a burst
        # while the worker is busy), need no job of their own. Should it find nothing to
        # send after all (the comment taken for spam meanwhile), a comment after this
        # process's memo is forgotten (minutes) asks again.
        _asked.put(comment.commenter.email, timezone.now())


def on_comment_edited(sender, comment, previous_status=None, **kwargs):
    # An edit that the rules now approve is news to followers as a new approval would be.
    if comment.status == CommentStatus.APPROVED and previous_status != comment.status:
        _announce(comment.pk, "approved")


def on_comments_moderated(sender, comments, previous, **kwargs):
    for comment in comments:
        if comment.status == CommentStatus.APPROVED and previous.get(comment.pk) != comment.status:
            _announce(comment.pk, "approved")
