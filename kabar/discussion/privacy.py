"""A commenter's control over what Kabar keeps about them: an export or an erasure of
everything stored under their email address, each confirmed through a signed, single-use
link mailed to that address (WordPress's privacy tools), and IP addresses forgotten after
the retention period."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import models, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_tasks import task
from wagtail.models import ModelLogEntry

from kabar.core import signing
from kabar.core.hashing import keyed_hash
from kabar.core.memo import RecentMemo
from kabar.core.signing import LinkInvalid

from . import signals
from .models import (
    Comment,
    Commenter,
    CommentStatus,
    DeliveryKind,
    EmailDelivery,
    Subscription,
    normalise_email,
)
from .policy import site_rules
from .tasks import BACKEND as TASK_BACKEND
from .tasks import deliveries_sweep, delivery_queue, forget_task_arguments, prune_task_results

logger = logging.getLogger(__name__)

# The purpose (salt) of links already mailed: changing it would break them.
LINK_SALT = "kabar.discussion.privacy"
# How long an export or erasure link works (once).
LINK_MAX_AGE = 60 * 60 * 24
# At most one privacy mail per address in this many seconds, so the form cannot be used
# to flood somebody's inbox.
REQUEST_INTERVAL = 5 * 60
# The comment_stored receiver forgets old IPs at most this often.
FORGET_IPS_EVERY = 60 * 60
FORGET_IPS_CACHE_KEY = "kabar:discussion:forget-ips"


class LinkUsed(LinkInvalid):
    """Genuine, but opened already: each mailed link gives one export."""

    message = _("This link has been used already. Please ask for a new one.")


class PrivacyAction(models.TextChoices):
    EXPORT = "export", _("Send me a copy of my data (export)")
    ERASE = "erase", _("Erase my personal data")


DELIVERY_KINDS = {
    PrivacyAction.EXPORT: DeliveryKind.PRIVACY_EXPORT,
    PrivacyAction.ERASE: DeliveryKind.PRIVACY_ERASE,
}


def _email_tag(email):
    # Binds a link to the address it was sent to: once the address is erased, it stops working.
    return keyed_hash(normalise_email(email), "privacy-link")[:24]


def _commenter_with_data(email):
    """The Commenter for `email` if Kabar holds anything under that address. Comments from
    before commenter records (an import) get one, so the link has something to name."""
    commenter = Commenter.objects.filter(email=email).first()
    if commenter is None and Comment.objects.filter(author_email__iexact=email).exists():
        commenter, _created = Commenter.objects.get_or_create(email=email)
    return commenter


def privacy_link_make(commenter, action, delivery=None):
    """A signed token naming the commenter, the action and the delivery that mails it (the
    link is used up with it); it carries no email address, so neither a server log nor a
    browser history learns one from the link."""
    payload = {"c": commenter.pk, "e": _email_tag(commenter.email), "a": str(action)}
    if delivery is not None:
        payload["d"] = delivery.pk
    return signing.make(LINK_SALT, payload)


@dataclass(frozen=True)
class PrivacyLink:
    commenter: Commenter
    action: PrivacyAction
    delivery_id: int | None


def privacy_link_read(token):
    """The PrivacyLink a token stands for, or LinkInvalid / LinkExpired / LinkUsed."""
    data = signing.read(token, LINK_SALT, max_age=LINK_MAX_AGE)
    if not isinstance(data, dict) or data.get("a") not in PrivacyAction.values:
        raise LinkInvalid()
    commenter_id, delivery_id = data.get("c"), data.get("d")
    if not isinstance(commenter_id, int) or not isinstance(delivery_id, int | None):
        raise LinkInvalid()
    commenter = Commenter.objects.filter(pk=commenter_id).first()
    if commenter is None or _email_tag(commenter.email) != data.get("e"):
        raise LinkInvalid()
    action = PrivacyAction(data["a"])
    if action == PrivacyAction.EXPORT:
        if delivery_id is None:
            raise LinkInvalid()
        if not _export_link_delivery(delivery_id).exists():
            raise LinkUsed()
    return PrivacyLink(commenter=commenter, action=action, delivery_id=delivery_id)


def _export_link_delivery(delivery_id):
    # The mail that carried an export link not used yet. An erasure link needs no such
    # record: the erasure changes the address its token is bound to.
    return EmailDelivery.objects.filter(
        pk=delivery_id, kind=DeliveryKind.PRIVACY_EXPORT, data__link_used__isnull=True
    )


def privacy_link_use(link):
    """Use up an export link: True for the one request that does, False for any other."""
    if link.action != PrivacyAction.EXPORT:
        return True
    with transaction.atomic():
        delivery = _export_link_delivery(link.delivery_id).select_for_update().first()
        if delivery is None:
            return False
        delivery.data["link_used"] = timezone.now().isoformat()
        delivery.save(update_fields=["data"])
    return True


def privacy_request_send(email, action):
    """Queue the request for `action` on `email`; the queue looks the address up and, if
    Kabar holds data under it, mails a link, which the mail queue signs when it sends it.
    The request does the same work whatever the address, and waits for no lookup and no
    mail server, so the page never reveals (not even by its timing) whether it is known."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    action = str(PrivacyAction(action))
    try:
        privacy_request_task.enqueue(normalise_email(email), action, language)
    except Exception:
        # The reader is answered the same; they may ask again.
        logger.exception("could not queue a privacy request")


@task(backend=TASK_BACKEND)
def privacy_request_task(email, action, language):
    """Mail a confirmation link for `action` to `email` if Kabar holds data under it, at
    most one in REQUEST_INTERVAL per address, so the form cannot flood an inbox. Returns
    whether a mail was queued. The address leaves the queue's row as the request is
    answered: an erased address, or one Kabar never held, is not kept there for days."""
    try:
        return _privacy_request(email, action, language)
    finally:
        forget_task_arguments(privacy_request_task, email)


def _privacy_request(email, action, language):
    if not cache.add(f"kabar:privacy:{keyed_hash(email, 'privacy-request')}", 1, REQUEST_INTERVAL):
        return False
    commenter = _commenter_with_data(email)
    if commenter is None:
        return False
    action = PrivacyAction(action)
    with translation.override(language):
        subject = render_to_string("discussion/privacy/email_subject.txt", {"action": action})
    # The message is written when it is sent, in the language the reader asked in.
    delivery_queue(DELIVERY_KINDS[action], email, subject, data={"language": language})
    return True


def _comments_of(commenter):
    return Comment.objects.filter(Q(commenter=commenter) | Q(author_email__iexact=commenter.email))


def _iso(value):
    return value.isoformat() if value else None


def personal_data_export(commenter):
    """Everything Kabar stores under the commenter's address, as JSON-ready data."""
    comments = _comments_of(commenter).select_related("page").order_by("created_at", "pk")
    subscriptions = commenter.subscriptions.select_related("page").order_by("created_at")
    deliveries = EmailDelivery.objects.filter(recipient__iexact=commenter.email).order_by(
        "created_at"
    )
    return {
        "email": commenter.email,
        "exported_at": _iso(timezone.now()),
        "commenter": {
            "email": commenter.email,
            "name": commenter.name,
            "first_seen": _iso(commenter.created_at),
            "email_verified": _iso(commenter.verified_at),
            "approved_comments": commenter.approved_count,
            "rejected_comments": commenter.rejected_count,
            "trusted_by_moderator": commenter.manually_trusted,
            "trust_revoked": _iso(commenter.trust_revoked_at),
        },
        "comments": [
            {
                "id": comment.pk,
                "article": {"title": comment.page.title, "url": comment.page.full_url},
                "in_reply_to": comment.parent_id,
                "text": comment.body,
                "status": comment.status,
                "name": comment.author_name,
                "email": comment.author_email,
                "website": comment.author_url,
                "ip_address": comment.ip_address,
                "ip_hash": comment.ip_hash,
                "user_agent": comment.user_agent,
                "submitted": _iso(comment.created_at),
                "edited": _iso(comment.edited_at),
                "removed_by_author": _iso(comment.removed_at),
                "notify_of_replies": comment.notify_replies,
            }
            for comment in comments
        ],
        "subscriptions": [
            {
                "article": {"title": sub.page.title, "url": sub.page.full_url},
                "created": _iso(sub.created_at),
                "confirmed": _iso(sub.confirmed_at),
                "unsubscribed": _iso(sub.unsubscribed_at),
            }
            for sub in subscriptions
        ],
        "email_deliveries": [
            {
                "kind": delivery.kind,
                "subject": delivery.subject,
                "status": delivery.status,
                "queued": _iso(delivery.created_at),
                "sent": _iso(delivery.sent_at),
            }
            for delivery in deliveries
        ],
    }


ERASED_EMAIL_DOMAIN = "anonymous.invalid"


def erased_email(commenter):
    # Unique per commenter (Commenter.email is unique) and undeliverable: .invalid is
    # reserved (RFC 2606), so no mail can ever reach anybody through it.
    return f"erased-{commenter.pk}@{ERASED_EMAIL_DOMAIN}"


def erased_hash(email):
    """The keyed hash an erased address is remembered by (Commenter.erased_hash)."""
    return keyed_hash(email.lower(), "erased-email")


def erased_commenter(email):
    """The commenter whose data was erased under `email`, or None."""
    if not email:
        return None
    return Commenter.objects.filter(erased_hash=erased_hash(email)).first()


def erased_values(commenter, *, rules=None):
    """What an erasure leaves of a comment by `commenter`, as Comment field values: the
    author anonymised, and, where the site's rules do not keep the texts
    (erase_keeps_text), the text replaced by a marker and the comment in the trash (its
    removed_at is for the caller to set)."""
    rules = rules or site_rules()
    # Stored, not rendered: written once in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        anonymous = gettext("Anonymous")
        removed_text = gettext("[Removed at the commenter's request.]")
    values = {
        "commenter": commenter,
        "author_name": anonymous,
        "author_email": erased_email(commenter),
        "author_url": "",
        "ip_address": None,
        "ip_hash": "",
        "user_agent": "",
        "notify_replies": False,
    }
    if not rules.erase_keeps_text:
        values.update(body=removed_text, status=CommentStatus.TRASH)
    return values


def is_erased(comment):
    """Whether `comment`'s author had their personal data erased (personal_data_erase)."""
    return is_erased_placeholder(comment.author_email or "")


def is_erased_placeholder(email):
    """Whether `email` is the placeholder an erasure left (erased_email)."""
    return email.startswith("erased-") and email.endswith(f"@{ERASED_EMAIL_DOMAIN}")


def personal_data_erase(commenter, *, now=None):
    """Anonymise everything stored under the commenter's address: names become
    "Anonymous", the email an undeliverable placeholder, website, IP, IP hash and user
    agent are cleared, subscriptions deleted. Texts stay or go by `erase_keeps_text`; a
    text that goes is replaced by a marker and the comment leaves public view like one its
    author deleted (a placeholder while it has replies). Returns the number of comments."""
    now = now or timezone.now()
    with transaction.atomic():
        commenter = Commenter.objects.select_for_update().get(pk=commenter.pk)
        email = commenter.email
        comments = _comments_of(commenter)
        comment_ids = list(comments.values_list("pk", flat=True))
        page_ids = set(comments.values_list("page_id", flat=True))
        changes = erased_values(commenter)
        Comment.objects.filter(pk__in=comment_ids).update(**changes)
        if "body" in changes:  # the texts went too: removed, as their authors remove them
            Comment.objects.filter(pk__in=comment_ids, removed_at__isnull=True).update(
                removed_at=now
            )
        _relabel_audit_entries(comment_ids)
        Subscription.objects.filter(commenter=commenter).delete()
        placeholder = changes["author_email"]
        EmailDelivery.objects.filter(recipient__iexact=email).update(recipient=placeholder)
        if not is_erased_placeholder(email):  # erased once already: its hash is kept
            commenter.erased_hash = erased_hash(email)
        commenter.email, commenter.name = placeholder, changes["author_name"]
        commenter.verified_at, commenter.manually_trusted = None, False
        commenter.save(
            update_fields=["email", "name", "verified_at", "manually_trusted", "erased_hash"]
        )
    logger.info(
        "personal data of commenter %s erased (%s comments)", commenter.pk, len(comment_ids)
    )
    transaction.on_commit(
        lambda: signals.comments_erased.send(Comment, comment_ids=comment_ids, page_ids=page_ids)
    )
    return len(comment_ids)


def _relabel_audit_entries(comment_ids):
    """The moderation log names each comment as "name: text…" (Wagtail keeps the label it
    had when logged); give those entries the anonymised label."""
    content_type = ContentType.objects.get_for_model(Comment)
    logged = set(
        ModelLogEntry.objects.filter(
            content_type=content_type, object_id__in=[str(pk) for pk in comment_ids]
        ).values_list("object_id", flat=True)
    )
    for comment in Comment.objects.filter(pk__in=[int(pk) for pk in logged]):
        ModelLogEntry.objects.filter(content_type=content_type, object_id=str(comment.pk)).update(
            label=str(comment)
        )


def comments_forget_ips(*, now=None, days=None):
    """Clear IP address, IP hash and user agent on comments older than the retention
    period (DiscussionSettings.ip_retention_days unless `days` is given). Returns how many
    comments changed."""
    if days is None:
        days = site_rules().ip_retention_days
    cutoff = (now or timezone.now()) - timedelta(days=days)
    stale = Comment.objects.filter(created_at__lt=cutoff).filter(
        Q(ip_address__isnull=False) | ~Q(ip_hash="") | ~Q(user_agent="")
    )
    return stale.update(ip_address=None, ip_hash="", user_agent="")


@task(backend=TASK_BACKEND)
def forget_ips_task():
    forgotten = comments_forget_ips()
    if forgotten:
        logger.info("forgot the IP addresses of %s comments", forgotten)
    # Mail no task would send (its try cut off by a worker killed since): sent again.
    deliveries_sweep()
    # The queue's own finished rows would otherwise pile up forever.
    pruned = prune_task_results()
    if pruned:
        logger.info("pruned %s finished task rows", pruned)
    return forgotten


# Whether this process asked the shared cache lately if the retention is due: it asks at
# most once a minute (each ask is a write to the cache, on every comment posted otherwise).
_retention_asked = RecentMemo(seconds=60, max_entries=1)


def forget_retention_asked():
    _retention_asked.forget()


def forget_ips_now_and_then(sender, **kwargs):
    """comment_stored receiver: the retention runs without any cron set-up, at most once an
    hour per cache, on the background queue (a first run over a large imported archive
    must not hold up a reader's request), and never troubles the request that set it off."""
    _retention_asked.get_many(["asked"], _retention_ask)


def _retention_ask(keys):
    if cache.add(FORGET_IPS_CACHE_KEY, 1, FORGET_IPS_EVERY):
        try:
            forget_ips_task.enqueue()
        except Exception:
            logger.exception("could not queue forgetting old IP addresses")
    return dict.fromkeys(keys, True)
