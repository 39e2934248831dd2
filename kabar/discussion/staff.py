"""Notices to the moderators: a digest of held or new comments, and a page's discussion
switched to premoderation.

The moderators' mail about comments is a digest: the first comment to tell them of opens one
per moderator, due STAFF_DIGEST_SECONDS later, and the comments that follow join it
(tasks.digest_join), so a burst of held comments is one message each, not hundreds.
"""

import functools
import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db.models import Q
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.models import Page

from .mail import KIND_STAFF_HELD, KIND_STAFF_NEW, KIND_STAFF_PREMODERATED, mail_subject, site_name
from .models import CommentStatus
from .policy import site_rules
from .tasks import delivery_queue, digest_join, digests_open

logger = logging.getLogger(__name__)

HELD = (CommentStatus.PENDING, CommentStatus.REPORTED)
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


def digest_subject(kind, count, site):
    with translation.override(settings.LANGUAGE_CODE):
        return str(DIGEST_SUBJECTS[kind] % {"site": site, "count": count})


def _digest_join(kind, comment):
    site = functools.cache(site_name)  # read once, and only if there is a digest to join
    return digest_join(kind, comment.pk, lambda count: digest_subject(kind, count, site()))


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
        subject = mail_subject(STAFF_SUBJECTS[kind], site=site_name(), title=comment.page.title)
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
    subject = mail_subject(
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


def staff_told_at_once(comment, rules):
    """Tell the staff of a held comment that mails nobody else by joining their queued
    digest, with no job for the worker: what a burst of them costs. True too when there is
    nobody to tell (no moderator with an address: the job would find none). False when no
    digest is open (the job opens one) or this failed."""
    try:
        kind = staff_notice_kind(comment, rules or site_rules())
        return kind is None or _digest_join(kind, comment) or not staff_recipients().exists()
    except Exception:
        # The comment is stored and acknowledged: the job will tell the staff instead.
        logger.exception("could not add comment %s to the staff digest", comment.pk)
        return False
