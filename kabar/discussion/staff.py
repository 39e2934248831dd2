"""Notices to the moderators: a digest of held or new comments, and a page's discussion
switched to premoderation.

The moderators' mail about comments is a digest. A comment they should hear of is stored
with the digest it waits for (Comment.staff_notice, in the comment's own INSERT); the first
such comment wakes a round for STAFF_DIGEST_SECONDS later (tasks.staff_digest_round), and
that round tells each moderator of every comment waiting by then, in one message per kind.
So a burst of held comments is one message each, and costs the requests no second write and
no job of their own.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.models import Page

from kabar.core.schedule import Rounds

from .mail import KIND_STAFF_HELD, KIND_STAFF_NEW, KIND_STAFF_PREMODERATED, mail_subject, site_name
from .models import Comment, CommentStatus
from .tasks import delivery_queue, staff_digest_round

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


DIGEST_KINDS = (KIND_STAFF_HELD, KIND_STAFF_NEW)
# A digest lists at most this many comments and counts the rest: its row stays small however
# long the burst.
DIGEST_MAX_LISTED = 50
# The rounds' pk lists are sent in slices of this size (SQLite's limit on a statement's
# parameters is far above it).
CLAIM_BATCH = 500
# The digest rounds: each queued for the deadline of the first comment it is to tell (the
# process remembers the one it queued or found, so later comments need not ask the queue).
STAFF_ROUND = Rounds(staff_digest_round, remember=True)


def staff_round_wake(comment):
    """After a comment waiting for a staff notice is committed: make sure a round tells the
    moderators by STAFF_DIGEST_SECONDS after it. A queue that cannot defer (inline tasks)
    runs the round now. Never raises: the comment is stored, and the next round, or the
    sweep at the worker's start, still finds it."""
    when = comment.created_at + timedelta(seconds=settings.KABAR_COMMENTS["STAFF_DIGEST_SECONDS"])
    try:
        if not STAFF_ROUND.can_defer():
            staff_digest_round.enqueue()
            return timezone.now()
        return STAFF_ROUND.wake_by(when)
    except Exception:
        logger.exception("could not wake the staff digest round for comment %s", comment.pk)
        return None


def staff_round_sweep():
    """At a worker's start: wake the round for the comments still waiting to be told (a
    round that failed, or one lost with the worker's queue). Never raises."""
    try:
        first = waiting_for_staff().order_by("created_at").first()
        if first is not None:
            staff_round_wake(first)
    except Exception:
        logger.exception("the start-up sweep of staff digests failed")


def waiting_for_staff():
    return Comment.objects.exclude(staff_notice="")


def staff_digests_send():
    """Tell the moderators of every comment waiting for it: per kind, one digest each,
    listing the first DIGEST_MAX_LISTED and counting the rest, queued to go now. The
    comments are claimed in the round's transaction, so each is told once; one stored a
    moment later waits for the round it wakes. Returns the deliveries queued."""
    with transaction.atomic():
        waiting = list(
            waiting_for_staff().select_for_update().order_by("pk").values_list("pk", "staff_notice")
        )
        if not waiting:
            return []
        ids = [pk for pk, _kind in waiting]
        for start in range(0, len(ids), CLAIM_BATCH):
            Comment.objects.filter(pk__in=ids[start : start + CLAIM_BATCH]).update(staff_notice="")
        addresses = sorted({a.strip().lower() for a in staff_recipients() if a.strip()})
        site = site_name()
        queued = []
        for kind in DIGEST_KINDS:
            told = [pk for pk, notice in waiting if notice == kind]
            if not told or not addresses:
                continue
            data = {"comments": told[:DIGEST_MAX_LISTED]}
            if len(told) > DIGEST_MAX_LISTED:
                data["more"] = len(told) - DIGEST_MAX_LISTED
            subject = digest_subject(kind, len(told), site)
            queued += [delivery_queue(kind, address, subject, data=data) for address in addresses]
    return queued


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
