"""Mail about reader comments: confirmation links, follow-up notifications with RFC 8058
one-click unsubscribe, alerts for the moderators, and the privacy links.

Every message is first an EmailDelivery row (kind, recipient, comment; unique together, so
nothing is mailed twice about one comment), then a background task sends it, retrying with
exponential backoff (tasks.delivery_queue); the row is what the admin's delivery log shows.
The moderators' mail about comments is a digest instead: the first comment to tell them of
opens one per moderator, due STAFF_DIGEST_SECONDS later, and the comments that follow join
it (tasks.digest_join), so a burst of held comments is one message each, not hundreds.
Messages are built when they are sent, from the state at that moment: a reply that was
approved and then removed before its turn is not mailed, and a link in a message is signed
only then, so it never lies in the log.

Subscriptions ("Notify me of follow-up comments by email") are per article, as in
WordPress: a confirmed subscriber hears of every comment approved there afterwards, except
their own. A subscription is confirmed only by the link mailed to the address, even when
the address was confirmed before: anyone can type an address into the form, and only its
owner may decide that it receives mail. The same link confirms the address itself.
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import EmailMessage
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.models import Page, Site

from kabar.core import signing
from kabar.core.memo import site_wide
from kabar.core.signing import LinkInvalid

from .models import (
    Comment,
    Commenter,
    CommentStatus,
    DeliveryKind,
    DeliveryStatus,
    EmailDelivery,
    Subscription,
)
from .policy import site_rules
from .privacy import PrivacyAction, privacy_link_make
from .tasks import (
    announce_comment,
    delivery_queue,
    delivery_schedule,
    digest_is_open,
    digest_join,
    digests_close,
    digests_open,
)
from .trust import confirmation_token

logger = logging.getLogger(__name__)

KIND_CONFIRM = DeliveryKind.CONFIRM
KIND_REPLY = DeliveryKind.REPLY
KIND_STAFF_HELD = DeliveryKind.STAFF_HELD
KIND_STAFF_NEW = DeliveryKind.STAFF_NEW
KIND_STAFF_PREMODERATED = DeliveryKind.STAFF_PREMODERATED
KIND_PRIVACY = {
    DeliveryKind.PRIVACY_EXPORT: PrivacyAction.EXPORT,
    DeliveryKind.PRIVACY_ERASE: PrivacyAction.ERASE,
}

# The purpose (salt) of links already mailed: changing it would break them.
UNSUBSCRIBE_SALT = "kabar.discussion.unsubscribe"
HELD = (CommentStatus.PENDING, CommentStatus.REPORTED)
EXCERPT_WORDS = 150
DIGEST_EXCERPT_WORDS = 30
# A staff notice of one comment names its article; a digest of several counts them.
STAFF_SUBJECTS = {
    KIND_STAFF_HELD: _("[%(site)s] Please moderate: “%(title)s”"),
    KIND_STAFF_NEW: _("[%(site)s] New comment on “%(title)s”"),
}
DIGEST_SUBJECTS = {
    KIND_STAFF_HELD: ngettext_lazy(
        "[%(site)s] %(count)s comment awaits moderation",
        "[%(site)s] %(count)s comments await moderation",
        "count",
    ),
    KIND_STAFF_NEW: ngettext_lazy(
        "[%(site)s] %(count)s new comment", "[%(site)s] %(count)s new comments", "count"
    ),
}


class NotSendable(Exception):
    """The message no longer has a reason to go out (comment withdrawn, unsubscribed)."""


# Links.


def absolute_url(path):
    if path.startswith(("http://", "https://")):
        return path
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path


def comment_url(comment):
    return absolute_url(f"{comment.page.get_url() or '/'}#comment-{comment.pk}")


def site_name():
    return site_wide.get(("discussion-site-name",), _site_name)


def _site_name():
    site = Site.objects.filter(is_default_site=True).only("site_name").first()
    return (site and site.site_name) or settings.WAGTAIL_SITE_NAME


def unsubscribe_token(subscription):
    # No expiry: an unsubscribe link must work for as long as mail carrying it exists.
    return signing.make(UNSUBSCRIBE_SALT, {"s": subscription.pk})


def unsubscribe_url(subscription):
    return absolute_url(reverse("discussion:unsubscribe", args=[unsubscribe_token(subscription)]))


def unsubscribe_read(token):
    """The Subscription an unsubscribe token names; LinkInvalid if there is none."""
    data = signing.read(token, UNSUBSCRIBE_SALT)
    if not isinstance(data, dict) or not isinstance(data.get("s"), int):
        raise LinkInvalid
    subscription = (
        Subscription.objects.select_related("page", "commenter").filter(pk=data["s"]).first()
    )
    if subscription is None:
        raise LinkInvalid
    return subscription


# Subscriptions.


def subscription_request(commenter, page):
    """Record a reader's wish for follow-up mail on `page`; True if it awaits confirmation
    (a new wish, or one renewed after unsubscribing), False if already in force."""
    subscription, created = Subscription.objects.get_or_create(page_id=page.pk, commenter=commenter)
    if created:
        return True
    if subscription.confirmed_at and not subscription.unsubscribed_at:
        return False
    Subscription.objects.filter(pk=subscription.pk).update(
        created_at=timezone.now(), confirmed_at=None, unsubscribed_at=None
    )
    return True


def subscription_cancel(subscription, everything=False):
    """Stop follow-up mail for this subscription (or all of its commenter's); returns how
    many subscriptions were active."""
    targets = Subscription.objects.filter(unsubscribed_at__isnull=True)
    if everything:
        targets = targets.filter(commenter_id=subscription.commenter_id)
    else:
        targets = targets.filter(pk=subscription.pk)
    return targets.update(unsubscribed_at=timezone.now())


# Queueing.


def _subject(text, **data):
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % data


def confirmation_request(comment, *, subscribing):
    """Mail the commenter a confirmation link, unless that would be one too many: an
    unconfirmed address gets one a day while its owner keeps commenting, a new
    subscription gets its own, up to CONFIRM_PER_DAY a day."""
    commenter = comment.commenter
    if commenter is None:
        return None
    if commenter.verified_at is not None and not subscribing:
        return None
    since = timezone.now() - timedelta(days=1)
    recent = EmailDelivery.objects.filter(
        kind=KIND_CONFIRM, recipient=commenter.email, created_at__gte=since
    ).count()
    limit = settings.KABAR_MAIL["CONFIRM_PER_DAY"] if subscribing else 1
    if recent >= limit:
        return None
    return delivery_queue(
        KIND_CONFIRM,
        commenter.email,
        _subject(_("Confirm your email address for comments on %(site)s"), site=site_name()),
        comment,
    )


def followers_notify(comment):
    """Queue follow-up mail for an approved comment to the article's confirmed
    subscribers, never to its own author or to an address that was not confirmed."""
    if comment.status != CommentStatus.APPROVED or comment.removed_at is not None:
        return []
    subscriptions = (
        Subscription.objects.filter(
            page_id=comment.page_id,
            confirmed_at__isnull=False,
            unsubscribed_at__isnull=True,
            commenter__verified_at__isnull=False,
        )
        .exclude(commenter__email=comment.author_email.strip().lower())
        .select_related("commenter")
    )
    if comment.commenter_id is not None:
        subscriptions = subscriptions.exclude(commenter_id=comment.commenter_id)
    parent_commenter_id = comment.parent.commenter_id if comment.parent_id else None
    title = comment.page.title
    queued = []
    for subscription in subscriptions:
        if subscription.commenter_id == parent_commenter_id:
            subject = _subject(
                _("%(name)s replied to your comment on “%(title)s”"),
                name=comment.author_name,
                title=title,
            )
        else:
            subject = _subject(_("New comment on “%(title)s”"), title=title)
        delivery = delivery_queue(KIND_REPLY, subscription.commenter.email, subject, comment)
        if delivery:
            queued.append(delivery)
    return queued


def staff_recipients():
    """Active people with an email who may moderate comments."""
    user_model = get_user_model()
    email_field = user_model.get_email_field_name()
    may_moderate = Permission.objects.filter(
        content_type__app_label="discussion", codename="change_comment"
    )
    return (
        user_model.objects.filter(is_active=True)
        .exclude(**{email_field: ""})
        .exclude(**{f"{email_field}__isnull": True})
        .filter(
            Q(is_superuser=True)
            | Q(user_permissions__in=may_moderate)
            | Q(groups__permissions__in=may_moderate)
        )
        .distinct()
        .values_list(email_field, flat=True)
    )


def staff_notice_kind(comment, rules):
    """The kind of staff notice a stored comment calls for, or None: a held one when
    notify_staff_on_held, any new one when notify_staff_on_new; spam and trash are not news."""
    if comment.status in HELD and rules.notify_staff_on_held:
        return KIND_STAFF_HELD
    if comment.status in (*HELD, CommentStatus.APPROVED) and rules.notify_staff_on_new:
        return KIND_STAFF_NEW
    return None


def _digest_subject(kind, count, site):
    with translation.override(settings.LANGUAGE_CODE):
        return str(DIGEST_SUBJECTS[kind] % {"site": site, "count": count})


def _digest_join(kind, comment):
    site = functools.cache(site_name)  # read once, and only if there is a digest to join
    return digest_join(kind, comment.pk, lambda count: _digest_subject(kind, count, site()))


def staff_notify(comment, rules):
    """Tell the moderators of a stored comment (staff_notice_kind): in the digest of that
    kind already queued for them, else in new ones, one per moderator, due
    STAFF_DIGEST_SECONDS from now. Returns the digests it opened."""
    kind = staff_notice_kind(comment, rules)
    if kind is None:
        return []
    # A digest another worker opened between the two steps is joined on the next turn.
    for _attempt in range(3):
        if _digest_join(kind, comment):
            return []
        # Every moderator, its author too: the digest may list others' comments later on,
        # and leaves out the recipient's own when it is sent.
        addresses = sorted({a.strip().lower() for a in staff_recipients() if a.strip()})
        if not addresses:
            return []
        subject = _subject(STAFF_SUBJECTS[kind], site=site_name(), title=comment.page.title)
        delay = settings.KABAR_COMMENTS["STAFF_DIGEST_SECONDS"]
        opened = digests_open(kind, addresses, subject, comment.pk, delay)
        if opened is not None:
            return opened
    logger.warning("could not tell the staff of comment %s: no digest to join or open", comment.pk)
    return []


def staff_notify_premoderated(page_id, reason):
    """Tell each moderator (one message each, so addresses are not shared) that the page's
    discussion now holds every comment, why, and where to switch it back. Returns the
    deliveries queued."""
    page = Page.objects.filter(pk=page_id).only("title").first()
    if page is None:
        return []
    subject = _subject(
        _("[%(site)s] Comments on “%(title)s” are now held for moderation"),
        site=site_name(),
        title=page.title,
    )
    data = {"page": page.pk, "reason": str(reason)}
    addresses = {address.strip().lower() for address in staff_recipients() if address.strip()}
    return [
        delivery_queue(KIND_STAFF_PREMODERATED, address, subject, data=data)
        for address in sorted(addresses)
    ]


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
        confirmation_request(comment, subscribing=subscribing)
        # Who is told is the site's setting (sections do not override it): no need to read
        # the article and its section, once for every comment, to learn it.
        staff_notify(comment, site_rules())
    followers_notify(comment)


# Sending.


def _render(template, context, language=None):
    with translation.override(language or settings.LANGUAGE_CODE):
        return render_to_string(template, {"site_name": site_name(), **context})


def _admin_url(comment):
    try:
        return absolute_url(reverse("discussion_comments:inspect", args=[comment.pk]))
    except NoReverseMatch:
        return absolute_url(reverse("wagtailadmin_home"))


def _comment_context(delivery):
    comment = delivery.comment
    if comment is None:
        raise NotSendable("The comment no longer exists.")
    return {"comment": comment, "comment_url": comment_url(comment), "article": comment.page}


def _confirm_message(delivery):
    context = _comment_context(delivery)
    commenter = Commenter.objects.filter(email=delivery.recipient).first()
    if commenter is None:
        raise NotSendable("The commenter no longer exists.")
    pending = Subscription.objects.filter(
        commenter=commenter, confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ).select_related("page")
    token = confirmation_token(commenter)
    context |= {
        "commenter": commenter,
        "confirm_url": absolute_url(reverse("discussion:confirm", args=[token])),
        "days": settings.KABAR_MAIL["CONFIRM_MAX_AGE"] // 86400,
        "subscriptions": [s.page.title for s in pending],
        "verified": commenter.verified_at is not None,
    }
    return _render("discussion/email/confirm.txt", context), {}


def _reply_message(delivery):
    context = _comment_context(delivery)
    comment = delivery.comment
    if comment.status != CommentStatus.APPROVED or comment.removed_at is not None:
        raise NotSendable("The comment is no longer public.")
    subscription = (
        Subscription.objects.filter(
            page_id=comment.page_id,
            commenter__email=delivery.recipient,
            commenter__verified_at__isnull=False,
            confirmed_at__isnull=False,
            unsubscribed_at__isnull=True,
        )
        .select_related("commenter")
        .first()
    )
    if subscription is None:
        raise NotSendable("The recipient unsubscribed before it was sent.")
    link = unsubscribe_url(subscription)
    context |= {
        "recipient_name": subscription.commenter.name,
        "reply_to_you": comment.parent_id is not None
        and comment.parent.commenter_id == subscription.commenter_id,
        "excerpt": Truncator(comment.body).words(EXCERPT_WORDS),
        "unsubscribe_url": link,
    }
    # RFC 8058: a mail client may unsubscribe with one POST, without a page.
    headers = {
        "List-Unsubscribe": f"<{link}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    return _render("discussion/email/reply.txt", context), headers


def _desk_url():
    try:
        return absolute_url(reverse("discussion_comments:list"))
    except NoReverseMatch:
        return absolute_url(reverse("wagtailadmin_home"))


def _staff_comments(delivery):
    """The comments a staff notice lists that are still news to its recipient: a held one
    still held, a new one not thrown out since, none withdrawn, none of the recipient's own."""
    ids = delivery.data.get("comments") or [delivery.comment_id]
    statuses = HELD if delivery.kind == KIND_STAFF_HELD else (*HELD, CommentStatus.APPROVED)
    return list(
        Comment.objects.filter(
            pk__in=[pk for pk in ids if pk], status__in=statuses, removed_at__isnull=True
        )
        .exclude(author_email__iexact=delivery.recipient)
        .select_related("page")
        .order_by("created_at", "pk")
    )


def _staff_message(delivery):
    held = delivery.kind == KIND_STAFF_HELD
    comments = _staff_comments(delivery)
    more = delivery.data.get("more", 0)
    if not comments and not more:
        raise NotSendable("Every comment it listed was moderated already.")
    # The subject says what the message lists now, in the mail and in the delivery log.
    if len(comments) == 1 and not more:
        [comment] = comments
        delivery.subject = _subject(
            STAFF_SUBJECTS[delivery.kind], site=site_name(), title=comment.page.title
        )
        context = {
            "comment": comment,
            "comment_url": comment_url(comment),
            "article": comment.page,
            "held": held,
            "excerpt": Truncator(comment.body).words(EXCERPT_WORDS),
            "admin_url": _admin_url(comment),
        }
        return _render("discussion/email/staff.txt", context), {}
    count = len(comments) + more
    delivery.subject = _digest_subject(delivery.kind, count, site_name())
    entries = [
        {
            "comment": comment,
            "excerpt": Truncator(" ".join(comment.body.split())).words(DIGEST_EXCERPT_WORDS),
            "reasons": "; ".join(
                reason.get("detail") or reason.get("rule", "") for reason in comment.reasons or ()
            ),
            "admin_url": _admin_url(comment),
        }
        for comment in comments
    ]
    context = {
        "held": held,
        "count": count,
        "entries": entries,
        "more": more,
        "desk_url": _desk_url(),
    }
    return _render("discussion/email/staff_digest.txt", context), {}


def _premoderated_message(delivery):
    page = Page.objects.filter(pk=delivery.data.get("page")).first()
    if page is None:
        raise NotSendable("The page no longer exists.")
    context = {
        "title": page.title,
        "reason": delivery.data.get("reason", ""),
        "url": page.get_full_url() or "",
        "edit_url": absolute_url(reverse("wagtailadmin_pages:edit", args=[page.pk])),
    }
    return _render("discussion/email/premoderated.txt", context), {}


def _privacy_message(delivery):
    # Found by address: erasing it renames both the commenter and the delivery.
    commenter = Commenter.objects.filter(email=delivery.recipient).first()
    if commenter is None:
        raise NotSendable("Nothing is kept under this address any more.")
    action = KIND_PRIVACY[delivery.kind]
    token = privacy_link_make(commenter, action)
    context = {
        "action": action,
        "link": absolute_url(reverse("discussion:privacy_link", args=[token])),
    }
    body = _render("discussion/privacy/email_body.txt", context, delivery.data.get("language"))
    return body, {}


MESSAGE_BUILDERS = {
    KIND_CONFIRM: _confirm_message,
    KIND_REPLY: _reply_message,
    KIND_STAFF_HELD: _staff_message,
    KIND_STAFF_NEW: _staff_message,
    KIND_STAFF_PREMODERATED: _premoderated_message,
    **dict.fromkeys(KIND_PRIVACY, _privacy_message),
}


def message_build(delivery):
    """The EmailMessage for a delivery, as things stand now (a staff digest's subject
    included); NotSendable if it should not go out any more."""
    # An erased commenter's placeholder address (RFC 2606's .invalid) reaches nobody.
    if delivery.recipient.endswith(".invalid"):
        raise NotSendable("The address was erased.")
    build = MESSAGE_BUILDERS.get(delivery.kind)
    if build is None:
        raise NotSendable(f"Unknown kind of message: {delivery.kind}")
    body, headers = build(delivery)
    return EmailMessage(
        subject=delivery.subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[delivery.recipient],
        headers={"Auto-Submitted": "auto-generated", **headers},
    )


def backoff_delay(attempts):
    """Seconds before try number attempts + 1: BACKOFF_SECONDS, doubling, capped."""
    mail = settings.KABAR_MAIL
    return min(mail["BACKOFF_SECONDS"] * 2 ** (attempts - 1), mail["BACKOFF_MAX_SECONDS"])


def _delivery(delivery_id):
    return (
        EmailDelivery.objects.select_related("comment__page", "comment__parent")
        .filter(pk=delivery_id)
        .first()
    )


def deliver(delivery_id):
    """Try once to send a queued delivery; on failure, schedule the next try with backoff
    or, after MAX_ATTEMPTS, mark it failed. Returns the delivery's status."""
    delivery = _delivery(delivery_id)
    if delivery is not None and digest_is_open(delivery):
        # The first of a round of staff digests to go closes the round; its list is final.
        digests_close(delivery.kind, delivery.next_attempt_at)
        delivery = _delivery(delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.QUEUED:
        return delivery.status if delivery else None
    now = timezone.now()
    # Claim this attempt, so two workers never send the same message.
    claimed = EmailDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.QUEUED, attempts=delivery.attempts
    ).update(attempts=delivery.attempts + 1, last_attempt_at=now, next_attempt_at=None)
    if not claimed:
        return None
    attempts = delivery.attempts + 1
    try:
        message_build(delivery).send(fail_silently=False)
    except NotSendable as exc:
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error=f"Not sent: {exc}"
        )
        return DeliveryStatus.FAILED
    except Exception as exc:  # a mail server's failure (or our own) is worth another try
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if attempts >= settings.KABAR_MAIL["MAX_ATTEMPTS"]:
            EmailDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, last_error=error
            )
            logger.warning("delivery %s failed after %s attempts: %s", delivery.pk, attempts, error)
            return DeliveryStatus.FAILED
        retry_at = timezone.now() + timedelta(seconds=backoff_delay(attempts))
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            last_error=error, next_attempt_at=retry_at
        )
        logger.info(
            "delivery %s attempt %s failed, retrying at %s", delivery.pk, attempts, retry_at
        )
        delivery_schedule(delivery.pk, run_after=retry_at)
        return DeliveryStatus.QUEUED
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), subject=delivery.subject[:255]
    )
    return DeliveryStatus.SENT


# Receivers, connected in DiscussionConfig.ready().


def _announce(comment_id, event):
    try:
        announce_comment.enqueue(comment_id, event)
    except Exception:
        # The comment is stored; a queue that cannot take the job must not turn the
        # reader's or moderator's request into an error page.
        logger.exception("could not queue notifications for comment %s", comment_id)


def _nothing_for_its_author(comment):
    """Whether a stored comment mails its author nothing (comment_announce): no follow-ups
    asked for, and no address to confirm, as far as what the write loaded shows."""
    if comment.commenter_id is None:
        return True
    if comment.notify_replies or not Comment.commenter.is_cached(comment):
        return False
    return comment.commenter.verified_at is not None


def _staff_told_at_once(comment, rules):
    """Tell the staff of a held comment that mails nobody else by joining their queued
    digest, with no job for the worker: what a burst of them costs. False when no digest
    is open (the job opens one) or this failed."""
    try:
        kind = staff_notice_kind(comment, rules or site_rules())
        return kind is None or _digest_join(kind, comment)
    except Exception:
        # The comment is stored and acknowledged: the job will tell the staff instead.
        logger.exception("could not add comment %s to the staff digest", comment.pk)
        return False


def on_comment_stored(sender, comment, context=None, **kwargs):
    # Spam and trash set off nothing (comment_announce), so they cost no job either.
    if comment.status not in (*HELD, CommentStatus.APPROVED):
        return
    # The page's rules the comment was judged by: sections do not change who is told.
    rules = getattr(context, "rules", None)
    staff_only = comment.status in HELD and _nothing_for_its_author(comment)
    if staff_only and _staff_told_at_once(comment, rules):
        return
    _announce(comment.pk, "stored")


def on_comment_edited(sender, comment, previous_status=None, **kwargs):
    # An edit that the rules now approve is news to followers as a new approval would be.
    if comment.status == CommentStatus.APPROVED and previous_status != comment.status:
        _announce(comment.pk, "approved")


def on_comments_moderated(sender, comments, previous, **kwargs):
    for comment in comments:
        if comment.status == CommentStatus.APPROVED and previous.get(comment.pk) != comment.status:
            _announce(comment.pk, "approved")
