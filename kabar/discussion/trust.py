"""Who a commenter is to Kabar, and how far their comments are trusted.

Trust is earned, never typed: an address is trusted only once its owner has clicked the
signed link mailed to it (Commenter.verified_at) and moderators have approved enough of its
comments (Rules.trust_after_approved), and it is lost when a moderator marks one of its
comments as spam. A known name and email that were never confirmed earn nothing, which is
where WordPress's "comment author must have a previously approved comment" rule can be
walked through by anyone who knows a regular's name and address. Nor does a trusted
address by itself: its comments are published, and its stored name changed, only from a
browser its owner confirmed it in (own.py's trusted-browser proof); from any other, the
comment is held and the owner is asked by mail whether it was them.

The approved / rejected counters on Commenter are a summary for listings, kept in step by
comment_submit and the receivers below. What publishes a comment is a count of the
address's approved comments, so trust cannot drift with them; a counter that says too few
only spares that count, and can at worst hold a comment for a moderator.
"""

import math
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from kabar.core import rows, signing
from kabar.core.signing import LinkInvalid

from .models import (
    INSERTED,
    Comment,
    Commenter,
    CommentStatus,
    Subscription,
    normalise_email,
)
from .own import address_proof

# The purpose (salt) of links already mailed: changing it would break them.
CONFIRM_SALT = "kabar.discussion.confirm"
REJECTED = frozenset({CommentStatus.SPAM, CommentStatus.TRASH})
# The reason a trusted address's comment is held: sent from a browser without its proof.
UNPROVEN_BROWSER = "unproven_browser"
MODERATE_PERMISSION = "discussion.change_comment"


def _history_sql():
    # Table names from the models, the status and the cap as parameters: nothing a reader
    # typed.
    comments, commenters = Comment._meta.db_table, Commenter._meta.db_table
    mine = f"c.commenter_id = {commenters}.id"
    counter = f"{commenters}.approved_count"
    # The commenter's first comments in its index's order (status, then id), approved ones
    # first: 'approved' sorts before every other status (test_trust checks it). Read in an
    # order only that index gives, the database takes them from it and nowhere else: left
    # to find "any few" of them, PostgreSQL read the table or another index from its start
    # on a site whose few regulars wrote most comments (it then expects any address's
    # comments soon), every row of it for an address whose comments are the newest, or none.
    first = f"SELECT c.status FROM {comments} c WHERE {mine} ORDER BY c.status, c.id LIMIT"  # noqa: S608
    return (
        # Counted only when the listings' counter says the address has any approved, and
        # then only up to enough: the comments of an address with none approved are not
        # walked at all, those of a regular with thousands only until enough are found.
        f"CASE WHEN {counter} > 0 THEN (SELECT COUNT(*) FROM ({first} %s) firsts"  # noqa: S608
        " WHERE firsts.status = %s) ELSE 0 END",
        f"({first} 1) IS NOT NULL",
    )


APPROVED_SQL, HAS_COMMENTS_SQL = _history_sql()


def _commenter_with_history(email, enough, alongside=None):
    """The Commenter for `email`, or None, read with what the trust decision counts in the
    same query: `approved_comments`, how many of its comments are approved as far as
    `enough` (no decision needs more), and `has_comments`; and `alongside`'s value (a
    rows.Alongside), given to it, whether or not there is a Commenter.

    The approved comments are counted only when the listings' counter (approved_count)
    says there are any: when it says none, none are taken. A counter that drifted low can
    so hold a comment, for a moderator to approve, and never publish one: what publishes
    is the count. Plain SQL, its row read into a Commenter
    (kabar.core.rows): a queryset with Subquery and Exists costs several times what the
    database spends answering, on every comment posted."""
    commenter_of = rows.reader(Commenter)
    table = connection.ops.quote_name(Commenter._meta.db_table)
    params = [enough, CommentStatus.APPROVED.value]
    if alongside is None:
        sql = f"{APPROVED_SQL}, {HAS_COMMENTS_SQL} FROM {table} WHERE email = %s"  # noqa: S608
    else:
        # A row whether or not the address is known: the value alongside is wanted anyway.
        sql = (
            f"{APPROVED_SQL}, {HAS_COMMENTS_SQL}, {alongside.sql}"  # noqa: S608
            f" FROM (SELECT 1) AS one LEFT JOIN {table} ON {table}.email = %s"
        )
        params += alongside.params
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {commenter_of.select}, {sql}", [*params, email])  # noqa: S608
        row = cursor.fetchone()
    if alongside is not None:
        alongside.receive(row[-1])
        row = row[:-1] if row[0] is not None else None
    if row is None:
        return None
    commenter = commenter_of(row)
    commenter.approved_comments, commenter.has_comments = row[-2], bool(row[-1])
    return commenter


def is_staff(user):
    """Whether `user` (or None) is a signed-in staff member."""
    return user is not None and getattr(user, "is_authenticated", False) and user.is_staff


def may_moderate(user):
    """Whether `user` (or None) may moderate reader comments: what they write is the
    newsroom's (Comment.by_staff)."""
    return bool(getattr(user, "is_authenticated", False) and user.has_perm(MODERATE_PERMISSION))


def address_proven(author):
    """Whether the poster proved `author.email` is theirs: signed in as staff, or posting
    from a browser its owner confirmed it in."""
    return is_staff(author.user) or address_proof(author.email) in author.proofs


def asks_for_proof(comment):
    """Whether `comment` was held only for want of its browser's proof (the owner is then
    asked by mail whether it was them)."""
    return any(reason.get("rule") == UNPROVEN_BROWSER for reason in comment.reasons or ())


def commenter_for(author, rules, alongside=None):
    """The Commenter row for an author's email, created on first sight, with its history
    read in the same query (_commenter_with_history; approved comments counted as far as
    `rules` need), and `alongside` read with it. The name it keeps changes only with the
    address's proof (address_proven)."""
    email = normalise_email(author.email)
    # At least one: whether it has any approved comment is asked too (spam/burst.py).
    commenter = _commenter_with_history(
        email, enough=max(rules.trust_after_approved, 1), alongside=alongside
    )
    created = False
    if commenter is None:
        commenter, created = Commenter.objects.get_or_create(
            email=email, defaults={"name": author.name}
        )
        if created:
            commenter.approved_comments, commenter.has_comments = 0, False
    if not created and commenter.name != author.name and address_proven(author):
        Commenter.objects.filter(pk=commenter.pk).update(name=author.name)
        commenter.name = author.name
    return commenter


def _reason(rule, effect, detail="", **data):
    # Stored in the newsroom's language, whichever language the reader chose.
    with translation.override(settings.LANGUAGE_CODE):
        text = str(detail) % data if data else str(detail)
    return {"rule": rule, "effect": effect, "detail": text}


def approved_comments_of(commenter):
    return Comment.objects.filter(commenter=commenter, status=CommentStatus.APPROVED).count()


def is_trusted(commenter, rules, approved=None):
    """Whether `commenter`'s comments are published without waiting for a moderator."""
    if commenter is None or commenter.trust_revoked_at is not None:
        return False
    if commenter.manually_trusted:
        return True
    if commenter.verified_at is None:
        return False
    if approved is None:
        approved = approved_comments_of(commenter)
    return approved >= rules.trust_after_approved


def status_for_author(commenter, author, rules):
    """(status, reasons) from who is writing: staff and trusted commenters posting from a
    browser that proves the address are published, everyone else waits for a moderator
    with a reason that says why."""
    if is_staff(author.user):
        return staff_verdict()
    status, reasons = _status_earned(commenter, rules)
    if status == CommentStatus.APPROVED and not address_proven(author):
        return CommentStatus.PENDING, [
            _reason(
                UNPROVEN_BROWSER,
                "hold",
                _(
                    "A trusted address, sent from a browser where its owner has not "
                    "confirmed it: anyone could be typing it. The owner is asked by email."
                ),
            )
        ]
    return status, reasons


def staff_verdict():
    """(status, reasons) of what the newsroom's staff write: published."""
    return CommentStatus.APPROVED, [_reason("staff", "approve")]


def _status_earned(commenter, rules):
    """(status, reasons) from what the address has earned, whoever is typing it."""
    held = CommentStatus.PENDING
    if commenter.trust_revoked_at is not None:
        return held, [
            _reason("trust_revoked", "hold", _("A comment from this address was marked as spam."))
        ]
    if commenter.manually_trusted:
        return CommentStatus.APPROVED, [
            _reason("trusted_commenter", "approve", _("Trusted by a moderator."))
        ]
    # As read by commenter_for when it was (counted only as far as the rules need), else
    # counted now.
    approved = getattr(commenter, "approved_comments", None)
    if approved is None:
        approved = approved_comments_of(commenter)
    if commenter.verified_at is not None:
        if approved >= rules.trust_after_approved:
            return CommentStatus.APPROVED, [
                _reason(
                    "trusted_commenter",
                    "approve",
                    _("Confirmed email address with %(count)s approved comments."),
                    # For the moderators to read: the listings' counter, when the count
                    # stopped short of it.
                    count=max(approved, commenter.approved_count),
                )
            ]
        return held, [
            _reason(
                "verified_new",
                "hold",
                _("Confirmed email address; %(count)s of %(needed)s approved comments needed."),
                count=approved,
                needed=rules.trust_after_approved,
            )
        ]
    known_before = getattr(commenter, "has_comments", None)
    if known_before is None:
        known_before = Comment.objects.filter(commenter=commenter).exists()
    if approved or known_before:
        return held, [
            _reason(
                "unverified_known",
                "hold",
                _(
                    "This name and email have been used before, but the address has not "
                    "been confirmed, so anyone could be typing it."
                ),
            )
        ]
    return held, [_reason("first_comment", "hold", _("First comment from this address."))]


# Confirmation links.


def confirmation_token(commenter, now=None):
    """A signed, timestamped token naming the commenter (never the address) and the moment
    it was issued; it confirms subscriptions asked for up to that moment, not later ones
    someone else may have typed in with this address."""
    issued = math.ceil((now or timezone.now()).timestamp())
    return signing.make(CONFIRM_SALT, {"c": commenter.pk, "t": issued}, compress=True)


@dataclass(frozen=True)
class Confirmation:
    commenter: Commenter
    issued_at: float


def confirmation_read(token):
    """The Confirmation a token stands for; LinkExpired or LinkInvalid otherwise."""
    data = signing.read(token, CONFIRM_SALT, max_age=settings.KABAR_MAIL["CONFIRM_MAX_AGE"])
    if not isinstance(data, dict) or not isinstance(data.get("c"), int):
        raise LinkInvalid
    issued = data.get("t")
    if not isinstance(issued, int) or issued > time.time() + 60:
        raise LinkInvalid
    commenter = Commenter.objects.filter(pk=data["c"]).first()
    if commenter is None:
        raise LinkInvalid
    return Confirmation(commenter=commenter, issued_at=issued)


def commenter_confirm(confirmation):
    """Mark the address as its owner's and confirm the reply subscriptions asked for before
    the link was issued. Returns the subscriptions confirmed now."""
    commenter = confirmation.commenter
    issued = datetime.fromtimestamp(confirmation.issued_at, tz=UTC)
    now = timezone.now()
    with transaction.atomic():
        Commenter.objects.filter(pk=commenter.pk, verified_at__isnull=True).update(verified_at=now)
        pending = Subscription.objects.filter(
            commenter=commenter,
            confirmed_at__isnull=True,
            unsubscribed_at__isnull=True,
            created_at__lte=issued,
        )
        confirmed = list(pending.select_related("page"))
        pending.filter(pk__in=[s.pk for s in confirmed]).update(confirmed_at=now)
    commenter.refresh_from_db()
    return confirmed


# Moderators' view of a commenter.


@dataclass(frozen=True)
class CommenterHistory:
    approved: int
    pending: int
    rejected: int
    verified: bool
    trusted_by_moderator: bool
    trust_revoked: bool


def commenter_history(commenter):
    """How moderators have judged this commenter's comments, counted from the comments."""
    counts = Comment.objects.filter(commenter=commenter).aggregate(
        approved=Count("pk", filter=Q(status=CommentStatus.APPROVED)),
        pending=Count("pk", filter=Q(status__in=[CommentStatus.PENDING, CommentStatus.REPORTED])),
        rejected=Count("pk", filter=Q(status__in=list(REJECTED))),
    )
    return CommenterHistory(
        **counts,
        verified=commenter.verified_at is not None,
        trusted_by_moderator=commenter.manually_trusted,
        trust_revoked=commenter.trust_revoked_at is not None,
    )


def commenter_trust(commenter, by=None):
    """ "Approve and trust": a moderator vouches for this commenter, which also lifts a
    revocation. Their later comments are published at once."""
    Commenter.objects.filter(pk=commenter.pk).update(manually_trusted=True, trust_revoked_at=None)
    commenter.manually_trusted, commenter.trust_revoked_at = True, None
    return commenter


def commenter_revoke_trust(commenter_ids, when=None):
    """A comment marked spam takes its author's trust away, a moderator's vouching too."""
    Commenter.objects.filter(pk__in=commenter_ids).update(
        trust_revoked_at=when or timezone.now(), manually_trusted=False
    )


def _count_delta(status):
    return (int(status == CommentStatus.APPROVED), int(status in REJECTED))


def counted_status(status):
    """Whether a comment in `status` counts in its commenter's counters."""
    return any(_count_delta(status))


def commenters_recount(changes):
    """Apply (commenter_id, previous_status, new_status) transitions to the counters;
    previous_status is None for a new comment."""
    deltas = {}
    for commenter_id, previous, new in changes:
        if commenter_id is None:
            continue
        before = _count_delta(previous) if previous is not None else (0, 0)
        after = _count_delta(new)
        approved, rejected = deltas.get(commenter_id, (0, 0))
        deltas[commenter_id] = (
            approved + after[0] - before[0],
            rejected + after[1] - before[1],
        )
    for commenter_id, (approved, rejected) in deltas.items():
        if approved or rejected:
            Commenter.objects.filter(pk=commenter_id).update(**_counters_moved(approved, rejected))


def _counters_moved(approved, rejected):
    return {
        "approved_count": Greatest(F("approved_count") + approved, Value(0)),
        "rejected_count": Greatest(F("rejected_count") + rejected, Value(0)),
    }


def commenter_counts_inserted(status):
    """(sql, params): the UPDATE that counts a new comment in `status` in its commenter's
    counters, for Comment.insert_unless's `also` (the comment is the row it names
    INSERTED), so that the row and the counters are written in one statement. Compiled
    once per database and status."""
    key = (connection.alias, status)
    found = _COUNTS_INSERTED.get(key)
    if found is None:
        commenters = Commenter.objects.filter(
            # A constant: the table name insert_unless gives the row.
            pk__in=RawSQL(f"SELECT commenter_id FROM {INSERTED}", ())  # noqa: S608, S611
        )
        found = _COUNTS_INSERTED[key] = rows.update_sql(
            commenters, _counters_moved(*_count_delta(status))
        )
    return found


_COUNTS_INSERTED = {}


def _counted(condition):
    comments = Comment.objects.filter(condition, commenter=OuterRef("pk")).order_by()
    return Coalesce(Subquery(comments.values("commenter").annotate(n=Count("pk")).values("n")), 0)


def commenters_recount_all():
    """Every commenter's approved and rejected counters counted again from their comments:
    after comments were deleted with their article (the counters keep them), or an
    after-commit update of the counters was lost. The number of commenters whose counters
    changed. Trust does not wait for this (what publishes is a count of the comments); the
    listings, and which addresses have their approved comments counted, do."""
    approved = _counted(Q(status=CommentStatus.APPROVED))
    rejected = _counted(Q(status__in=list(REJECTED)))
    return Commenter.objects.exclude(approved_count=approved, rejected_count=rejected).update(
        approved_count=approved, rejected_count=rejected
    )


# Receivers, connected in DiscussionConfig.ready().


def trust_states(commenter_ids):
    """[(commenter id, trusted by a moderator, trust revoked at as ISO text or None)], for
    an undo to put back (commenters_restore_trust): JSON, as a session keeps it."""
    rows = Commenter.objects.filter(pk__in=commenter_ids).values_list(
        "pk", "manually_trusted", "trust_revoked_at"
    )
    return [[pk, trusted, when.isoformat() if when else None] for pk, trusted, when in rows]


def commenters_restore_trust(states):
    """Commenters' trust as trust_states recorded it: an undone spam mark takes nothing."""
    for pk, trusted, revoked in states:
        Commenter.objects.filter(pk=pk).update(
            manually_trusted=bool(trusted),
            trust_revoked_at=datetime.fromisoformat(revoked) if revoked else None,
        )


def on_comments_moderated(sender, comments, previous, by=None, action=None, **kwargs):
    commenters_recount([(c.commenter_id, previous.get(c.pk), c.status) for c in comments])
    if action == "undo":
        # An undo puts trust back as it was (commenters_restore_trust); it takes none.
        return
    spammed = {
        c.commenter_id
        for c in comments
        if c.status == CommentStatus.SPAM
        and previous.get(c.pk) != CommentStatus.SPAM
        and c.commenter_id is not None
    }
    if spammed:
        commenter_revoke_trust(spammed)


def on_comment_edited(sender, comment, previous_status=None, **kwargs):
    # An author's edit runs the rules again, so it can move a comment in or out of approval.
    if previous_status is not None and previous_status != comment.status:
        commenters_recount([(comment.commenter_id, previous_status, comment.status)])


def on_comment_removed(sender, comment, previous_status=None, **kwargs):
    # Removed by its own author: no longer approved, yet no moderator rejected it.
    if previous_status == CommentStatus.APPROVED:
        commenters_recount([(comment.commenter_id, previous_status, CommentStatus.PENDING)])
