"""The EmailMessage for each kind of delivery, built from the state at the moment it is sent.

Messages are built when they are sent, from the state at that moment: a reply that was
approved and then removed before its turn is not mailed, and a link in a message is signed
only then, so it never lies in the log.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.text import Truncator
from wagtail.models import Page

from .mail import (
    KIND_CONFIRM,
    KIND_REPLY,
    KIND_STAFF_HELD,
    KIND_STAFF_NEW,
    KIND_STAFF_PREMODERATED,
    absolute_url,
    comment_url,
    mail_subject,
    site_name,
)
from .models import Comment, Commenter, CommentStatus, DeliveryKind, Subscription
from .privacy import PrivacyAction, privacy_link_make
from .staff import HELD, STAFF_SUBJECTS, digest_subject
from .subscriptions import unsubscribe_url
from .trust import asks_for_proof, confirmation_token

KIND_PRIVACY = {
    DeliveryKind.PRIVACY_EXPORT: PrivacyAction.EXPORT,
    DeliveryKind.PRIVACY_ERASE: PrivacyAction.ERASE,
}
EXCERPT_WORDS = 150
DIGEST_EXCERPT_WORDS = 30


class NotSendable(Exception):
    """The message no longer has a reason to go out (comment withdrawn, unsubscribed)."""


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
    if delivery.comment_id is None:
        # Follow-up mail asked for without a comment (notifications.subscription_ask).
        page = Page.objects.filter(pk=delivery.data.get("page")).first()
        if page is None:
            raise NotSendable("The page no longer exists.")
        context = {"comment": None, "article": page}
    else:
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
        "proving": delivery.comment is not None and asks_for_proof(delivery.comment),
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
        delivery.subject = mail_subject(
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
    delivery.subject = digest_subject(delivery.kind, count, site_name())
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
    token = privacy_link_make(commenter, action, delivery)
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
