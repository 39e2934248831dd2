"""Writes to reader comments. Views, forms and admin hooks call these, never the model."""

import contextlib
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Revision

from kabar.core.hashing import keyed_hash

from . import signals, targets
from .models import (
    BODY_MAX_LENGTH,
    Comment,
    Commenter,
    CommentStatus,
    Report,
    can_insert_also,
    can_insert_unless,
    normalise_email,
)
from .own import created_stamp
from .policy import Rules, is_open_now, rules_for, rules_for_page
from .privacy import erased_commenter, erased_values, is_erased
from .selectors import CHECKS_VERDICTS, held_for_author
from .spam import assess
from .spam.classifier import counts_alongside, learn_from_decisions, lessons_of
from .spam.rules import duplicate_query, find_duplicate
from .staff import HELD, staff_notice_kind
from .targets import DiscussionState
from .trust import (
    address_proven,
    commenter_counts_inserted,
    commenter_for,
    commenter_trust,
    commenters_recount,
    commenters_restore_trust,
    counted_status,
    is_staff,
    is_trusted,
    may_moderate,
    staff_verdict,
    status_for_author,
    trust_states,
)
from .validation import COMMENT_FIELDS, comment_fields_validate

logger = logging.getLogger(__name__)


class CommentsClosed(Exception):
    """The article does not take new comments (closed, too old, or outside its hours)."""

    def __init__(self, message=None):
        self.message = message or _("Comments are closed on this article.")
        super().__init__(self.message)


# WordPress's words, which readers of comment sections know.
DUPLICATE_MESSAGE = _("Duplicate comment detected; it looks as though you’ve already said that!")


@dataclass(frozen=True)
class CommentAuthor:
    """What the reader typed about themselves, and what the request says about them."""

    name: str
    email: str
    url: str = ""
    ip_address: str | None = None
    user_agent: str = ""
    user: object = None
    # The addresses this browser proved its owner confirmed in it (own.trusted_proofs):
    # without the proof for `email`, nothing that address earned is used.
    proofs: frozenset = frozenset()


@dataclass
class SubmitContext:
    """Facts about the submission that are not part of the comment: the form's age,
    whether the honeypot was filled, the reader's wish for reply notifications, and the
    rules it was judged by (set by comment_submit, for the receivers after commit)."""

    form_age_seconds: float | None = None
    honeypot_filled: bool = False
    notify_replies: bool = False
    extra: dict = field(default_factory=dict)
    rules: Rules | None = None
    # Written on the moderators' desk by someone allowed to moderate (the caller checked):
    # published at once, whatever a check would say, and marked as the newsroom's.
    from_desk: bool = False
    # The caller ran the reader's fields through their rules (validation.COMMENT_FIELDS)
    # already: the comment form does (submission.submit). Not checked again.
    fields_checked: bool = False


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


# Foreign keys whose model validation would query for the row: the caller loaded it.
LOADED_RELATIONS = ["page", "parent", "user", "commenter", "moderated_by"]
body_max_length = MaxLengthValidator(BODY_MAX_LENGTH)


def comment_validate(comment, *, checked=False):
    """What full_clean() checks, without its queries: each field in Python (lengths,
    email, web address, status), related rows as loaded by the caller, and the table's
    check constraints restated (the database still enforces them). `checked`: the
    reader's fields (COMMENT_FIELDS) passed their own rules already, on the comment form,
    which hold them to more than their model fields do: each is checked once."""
    exclude = [*LOADED_RELATIONS, *COMMENT_FIELDS] if checked else LOADED_RELATIONS
    comment.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    if checked:
        return
    # The other constraints (name, email, status, depth) are covered by the fields above.
    try:
        body_max_length(comment.body)
    except ValidationError as exc:
        raise ValidationError({"body": exc.error_list}) from None


def _apply_moderation(comment, *, author, article, rules, context):
    """Set the comment's commenter, status, reasons and score from who wrote it and what
    it says. The one assessment both a new comment and an author's edit go through."""
    # Read with its comment history in the same query (trust and burst guard use it), and
    # with the learned counts the spam checks below will want.
    alongside = None if context.from_desk else counts_alongside(comment)
    comment.commenter = commenter_for(author, rules, alongside=alongside)
    if context.from_desk:
        comment.status, comment.reasons = staff_verdict()
        comment.spam_score = None
        return
    trust_status, trust_reasons = status_for_author(comment.commenter, author, rules)
    verdict = assess(comment, article=article, rules=rules, context=context)
    comment.status = most_severe(trust_status, verdict.status)
    comment.reasons = [*trust_reasons, *verdict.reasons]
    comment.spam_score = verdict.score


def _duplicate_error():
    return ValidationError({"body": ValidationError(DUPLICATE_MESSAGE, code="duplicate")})


def _same_author(comment, proven):
    """The duplicate check's terms for `comment`. The same author is the same network
    address, or the same email only when the poster `proven` it is theirs: a guessed
    address must not learn what its owner wrote."""
    return {
        "page_id": comment.page_id,
        "body": comment.body,
        "email": comment.author_email if proven else "",
        "ip_hash": comment.ip_hash,
        "exclude_pk": comment.pk,
    }


def refuse_duplicate(comment, *, proven):
    """ValidationError if the same author already said this on this article."""
    if find_duplicate(**_same_author(comment, proven)) is not None:
        raise _duplicate_error()


def store_unless_duplicate(comment, *, proven):
    """Store the new `comment` and count it in its author's counters, or raise
    refuse_duplicate's ValidationError. Where the database allows, in one statement
    (Comment.insert_unless): the check and the row, and on PostgreSQL the counters too;
    elsewhere the row and the counters in one transaction."""
    counted = comment.commenter_id is not None and counted_status(comment.status)
    check = duplicate_query(**_same_author(comment, proven))
    one = check is not None and can_insert_unless(connection)
    also = (
        commenter_counts_inserted(comment.status)
        if one and counted and can_insert_also(connection)
        else None
    )
    # The counters in a statement of their own, with the row in one transaction.
    recount = counted and also is None
    with _write_together(recount):
        if not one:
            if check is not None:
                refuse_duplicate(comment, proven=proven)
            comment.save()
        elif not comment.insert_unless(check, also=also):
            raise _duplicate_error()
        if recount:
            commenters_recount([(comment.commenter_id, None, comment.status)])


def _write_together(needed):
    """The transaction a new comment needs: one only where its author's counters change
    in a statement of their own (`needed`). Its duplicate check needs none: it is part of
    the INSERT (store_unless_duplicate), and one statement is atomic on SQLite by itself
    (a writing statement takes the database's one write lock before it reads). A
    transaction around it would cost a round trip at each end on PostgreSQL, where READ
    COMMITTED would not keep an identical post from coming between the check and the row
    either."""
    return transaction.atomic() if needed else contextlib.nullcontext()


def comment_submit(*, page, author, body, parent=None, context=None, rules=None):
    """Store a reader's comment with the status the moderation rules give it. `rules` are
    the page's (policy.rules_for), when the caller has read them already."""
    context = context or SubmitContext()
    if not context.fields_checked:
        # The form's rules, for every caller that did not run them.
        comment_fields_validate(
            body=body, author_name=author.name, author_email=author.email, author_url=author.url
        )
    article = targets.as_target(page)
    if article is None:
        raise CommentsClosed()
    rules = rules or rules_for(article)
    context.rules = rules
    is_open, why = is_open_now(article, rules)
    if not is_open:
        raise CommentsClosed(why)
    if parent is not None and parent.page_id != page.pk:
        raise ValidationError({"parent": _("That comment belongs to another article.")})
    parent = attach_point(parent, rules.thread_depth)
    comment = Comment(
        page=article,
        parent=parent,
        depth=parent.depth + 1 if parent else 1,
        body=body,
        author_name=author.name,
        author_email=author.email,
        author_url=author.url,
        ip_address=author.ip_address,
        ip_hash=keyed_hash(author.ip_address, "ip") if author.ip_address else "",
        user_agent=author.user_agent[:500],
        user=author.user if getattr(author.user, "is_authenticated", False) else None,
        by_staff=context.from_desk or may_moderate(author.user),
        notify_replies=context.notify_replies,
    )
    comment_validate(comment, checked=context.fields_checked)
    # Judged before the write transaction, which on SQLite holds the database's one write
    # lock that every other process's comment waits for: it takes only what must be
    # atomic, the duplicate check, the row and its author's counters.
    _apply_moderation(comment, author=author, article=article, rules=rules, context=context)
    # The staff digest it waits for, if any, is written with the comment: no second write.
    comment.staff_notice = staff_notice_kind(comment, rules) or ""
    # The commenter's counters change with the comment, in the same statement or
    # transaction.
    store_unless_duplicate(comment, proven=address_proven(author))
    logger.debug("comment %s on page %s stored as %s", comment.pk, page.pk, comment.status)
    # After-commit work (purges, mail, counters) is robust here and below: the comment is
    # stored by then, and a failure there (the database gone a moment later, a cache down)
    # is logged instead of turning the author's acknowledged comment into an error page.
    transaction.on_commit(
        lambda: signals.comment_stored.send(Comment, comment=comment, context=context), robust=True
    )
    return comment


@dataclass(frozen=True)
class ImportedComment:
    """A comment as another system kept it: its words, who wrote it, when, and its status
    there. `author_email` is None when it had none (it is then never mailed or merged).
    Text as a page can show it: the importers leave out what XML cannot hold (NUL above
    all) before they judge a comment empty or its author nameless."""

    body: str
    author_name: str
    author_email: str | None
    created_at: object
    status: str
    author_url: str = ""
    ip_address: str | None = None
    user: object = None
    # Deleted there: kept in the trash as the placeholder an author's own removal leaves
    # (removed_at), so that any replies keep their place.
    removed: bool = False


# An address that can receive no mail (RFC 2606), for comments that came without one.
NO_EMAIL_DOMAIN = "no-email.invalid"
_IMPORTED_FIELDS = (
    "body", "author_name", "author_email", "author_url", "ip_address", "status", "removed_at",
)  # fmt: skip


def comment_import(*, page, data, key, parent=None, existing=None, counters=None):
    """Store a comment brought in from another system (or bring one stored earlier up to
    date) exactly as it was there: its date and status kept, no spam check, no mail, no
    lesson for the spam filter. `key` makes a missing address unique. Returns (comment,
    "created" | "updated" | "unchanged"). Commenters are merged by address; their counters
    change now, or, given a `counters` list, when the caller passes it to
    commenters_recount (once for many comments)."""
    recount = commenters_recount if counters is None else counters.extend
    email = normalise_email(data.author_email) if data.author_email else ""
    values = {
        "body": data.body,
        "author_name": data.author_name,
        "author_email": email or f"{key}@{NO_EMAIL_DOMAIN}",
        "author_url": data.author_url,
        "ip_address": data.ip_address or None,
        "status": data.status,
        "removed_at": (
            ((existing and existing.removed_at) or timezone.now()) if data.removed else None
        ),
    }
    if existing is not None:
        if is_erased(existing):
            # Its author had their data erased here: an export made before that still
            # holds it, and must not bring it back.
            return existing, "unchanged"
        if existing.ip_address is None:
            # Forgotten here at the end of the retention period (or never known): an
            # import does not bring an address back.
            values["ip_address"] = None
        changed = [name for name in _IMPORTED_FIELDS if getattr(existing, name) != values[name]]
        if not changed:
            return existing, "unchanged"
        previous = existing.status
        for name in changed:
            setattr(existing, name, values[name])
        existing.ip_hash = keyed_hash(values["ip_address"], "ip") if values["ip_address"] else ""
        comment_validate(existing)
        existing.save(update_fields=[*changed, "ip_hash"])
        recount([(existing.commenter_id, previous, existing.status)])
        return existing, "updated"
    comment = Comment(
        page=page,
        parent=parent,
        depth=parent.depth + 1 if parent else 1,
        created_at=data.created_at,
        user=data.user,
        ip_hash=keyed_hash(values["ip_address"], "ip") if values["ip_address"] else "",
        **values,
    )
    if erased := erased_commenter(email):
        # Its author had their data erased here: the comment comes in as the erasure left
        # their others, never with the address, name or IP address the export holds.
        for name, value in erased_values(erased).items():
            setattr(comment, name, value)
        if comment.status == CommentStatus.TRASH and comment.removed_at is None:
            comment.removed_at = timezone.now()
    elif email:
        comment.commenter, _ = Commenter.objects.get_or_create(
            email=email, defaults={"name": data.author_name, "created_at": data.created_at}
        )
    comment_validate(comment)
    comment.save()
    recount([(comment.commenter_id, None, comment.status)])
    return comment, "created"


def comments_imported(page_ids, *, learn=False, comments=()):
    """After an import commits: the pages' threads are renewed and purged; with `learn`,
    the spam filter learns from the imported decisions (approved as ham, spam as spam)."""
    page_ids = sorted(set(page_ids))
    if learn and comments:
        learn_from_decisions(list(comments))
    if page_ids:
        transaction.on_commit(
            lambda: signals.comments_imported.send(Comment, page_ids=page_ids), robust=True
        )


def comments_set_status(comment_ids, status, *, by=None, action=None, lessons=None):
    """Moderate one or many comments; returns how many changed. `action` names the
    decision for the audit log when the status alone does not ("approve_and_trust");
    `lessons` is what the spam filter is to know of them after, for an undo (comments_undo)."""
    if status not in CommentStatus.values:
        raise ValueError(f"unknown comment status {status!r}")
    comment_ids = list(comment_ids)
    with transaction.atomic():
        targets = list(
            Comment.objects.select_for_update().filter(pk__in=comment_ids).exclude(status=status)
        )
        previous = {c.pk: c.status for c in targets}
        now = timezone.now()
        Comment.objects.filter(pk__in=previous).update(
            status=status, moderated_at=now, moderated_by=by
        )
        for comment in targets:
            comment.status, comment.moderated_at, comment.moderated_by = status, now, by
        if status == CommentStatus.APPROVED and len(previous) < len(set(comment_ids)):
            # Approved again after readers reported it: kept, the reports seen (the desk
            # lists a comment reported since it was last moderated). No status changed;
            # asked only when some of them were approved already.
            Comment.objects.filter(pk__in=comment_ids, status=status, report_count__gt=0).exclude(
                pk__in=previous
            ).update(moderated_at=now, moderated_by=by)
    if targets:
        transaction.on_commit(
            lambda: signals.comments_moderated.send(
                Comment,
                comments=targets,
                previous=previous,
                by=by,
                action=action,
                lessons=lessons,
            ),
            robust=True,
        )
    return len(targets)


def comment_approve(comment, *, by=None):
    return comments_set_status([comment.pk], CommentStatus.APPROVED, by=by)


def comment_mark_spam(comment, *, by=None):
    return comments_set_status([comment.pk], CommentStatus.SPAM, by=by)


def comment_trash(comment, *, by=None):
    return comments_set_status([comment.pk], CommentStatus.TRASH, by=by)


def moderation_before(comment_ids, status):
    """What an undo of moving these comments to `status` puts back besides their statuses
    (comments_undo), read before the move: what the spam filter had learned of each, and
    for a spam mark, which takes trust away, their authors' trust. JSON, for a session."""
    lessons = lessons_of(comment_ids)
    before = {"lessons": [[pk, lessons.get(pk)] for pk in comment_ids], "trust": []}
    if status == CommentStatus.SPAM:
        authors = Comment.objects.filter(pk__in=list(comment_ids)).values("commenter_id")
        before["trust"] = trust_states(authors)
    return before


def comments_undo(previous, *, status, lessons, trust=(), by=None):
    """Take a moderation back: each comment of `previous` ({pk: its status before}) that
    is still in `status` returns to its status before; the spam filter to what it had
    learned of it (`lessons`, {pk: "ham", "spam" or None}, read by lessons_of before the
    moderation); its author's trust to `trust` (trust.trust_states, read before a spam
    mark). Returns how many went back."""
    with transaction.atomic():
        still = (
            Comment.objects.select_for_update()
            .filter(pk__in=list(previous), status=status)
            .values_list("pk", flat=True)
        )
        back = {}
        for pk in still:
            back.setdefault(previous[pk], []).append(pk)
        changed = sum(
            comments_set_status(
                pks, old, by=by, action="undo", lessons={pk: lessons.get(pk) for pk in pks}
            )
            for old, pks in back.items()
        )
        if changed and trust:
            commenters_restore_trust(trust)
    return changed


# What a moderator may answer from the desk: a published comment or one waiting for them.
REPLYABLE = (CommentStatus.APPROVED, *HELD)


def staff_author(user):
    """The author of a staff member's reply from the desk: their name as the newsroom
    shows it (never their login name), and their address, which nobody outside sees."""
    name = user.get_full_name().strip()
    if not name:
        with translation.override(settings.LANGUAGE_CODE):
            # Translators: the name on a reply from a staff member who gave no name.
            name = str(_("Newsroom"))
    email = normalise_email(user.email) or f"staff-{user.pk}@{NO_EMAIL_DOMAIN}"
    return CommentAuthor(name=name, email=email, user=user)


def comment_reply_as_staff(parent, *, body, by):
    """A moderator's reply to `parent` from the desk: stored as every comment is, published
    at once and marked as the newsroom's. A reply to a held comment approves that comment
    too, as WordPress's "Approve and Reply" does: an answer under a hidden comment would be
    hidden with it. Returns (reply, whether `parent` was approved now)."""
    if parent.status not in REPLYABLE or parent.removed_at is not None:
        raise ValidationError(
            _("Only a published comment, or one waiting for moderation, can be answered.")
        )
    with transaction.atomic():
        reply = comment_submit(
            page=parent.page,
            author=staff_author(by),
            body=body,
            parent=parent,
            context=SubmitContext(from_desk=True),
        )
        approved = parent.status in HELD and bool(
            comments_set_status([parent.pk], CommentStatus.APPROVED, by=by)
        )
    return reply, approved


def _discussion_switch(target, to, *, from_states):
    """Switch `target`'s discussion to `to` when it is in one of `from_states`; True if it
    switched. Not an editorial revision, so it does not publish one: the live row is
    updated in place, and the latest revision's copy of the field too, so that an editor
    publishing the draft later sees the new state rather than silently switching it back."""
    model = type(target)
    with transaction.atomic():
        switched = model.objects.filter(pk=target.pk, discussion__in=from_states).update(
            discussion=to
        )
        if not switched:
            return False
        latest = model.objects.filter(pk=target.pk).values_list("latest_revision_id", flat=True)[0]
        revision = Revision.objects.filter(pk=latest).first() if latest else None
        if revision is not None and revision.content.get("discussion") in from_states:
            revision.content["discussion"] = to
            revision.save(update_fields=["content"])
    target.discussion = to
    transaction.on_commit(lambda: targets.page_changed(target), robust=True)
    return True


def discussion_premoderate(target, *, reason):
    """Hold every new comment on `target` from now on (the burst guard's move) and announce
    it after commit (the staff are told). True if it switched, False if it was not open."""
    if not _discussion_switch(
        target, DiscussionState.PREMODERATED, from_states=[DiscussionState.OPEN]
    ):
        return False
    logger.info("page %s switched to pre-moderation: %s", target.pk, reason)
    transaction.on_commit(
        lambda: signals.discussion_premoderated.send(Comment, target=target, reason=reason),
        robust=True,
    )
    return True


def discussion_close(target):
    """Close `target` to new comments, its comments staying (an importer's move for a
    thread the other system had closed). True if it switched, False if closed already."""
    return _discussion_switch(
        target,
        DiscussionState.CLOSED,
        from_states=[DiscussionState.OPEN, DiscussionState.PREMODERATED],
    )


def comments_approve_and_trust(comment_ids, *, by=None):
    """Approve the comments and vouch for their authors, whose later comments are then
    published at once (a spam mark takes that away again). Returns how many changed."""
    with transaction.atomic():
        commenter_ids = set(
            Comment.objects.filter(pk__in=list(comment_ids), commenter__isnull=False).values_list(
                "commenter_id", flat=True
            )
        )
        for commenter in Commenter.objects.filter(pk__in=commenter_ids):
            commenter_trust(commenter, by)
        return comments_set_status(
            comment_ids, CommentStatus.APPROVED, by=by, action="approve_and_trust"
        )


def comment_approve_and_trust(comment, *, by=None):
    return comments_approve_and_trust([comment.pk], by=by)


def comment_report(comment, reason, reporter_hash, *, commenter=None, user=None):
    """A reader's report, counted once per reader (`reporter_hash`); False when this
    reader had already reported it. Every report waits for a moderator on the desk. Only
    readers with a history — staff (`user`), trusted commenters (`commenter`, as the
    reporter's browser proved) — can hold an approved comment as REPORTED before one has
    looked: reports_to_hold of them since it was last moderated, and never a staff
    member's or a trusted commenter's comment. A crowd of strangers hides nothing."""
    rules = rules_for_page(comment.page)
    trusted = is_staff(user) or is_trusted(commenter, rules)
    report = Report(
        comment=comment, reason=reason[:500], reporter_hash=reporter_hash, trusted=trusted
    )
    report.full_clean(exclude=["comment"], validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            report.save()
            Comment.objects.filter(pk=comment.pk).update(report_count=F("report_count") + 1)
    except IntegrityError:
        return False
    comment.refresh_from_db(fields=["report_count", "status", "moderated_at"])
    if trusted and _reports_hide(comment, rules):
        comments_set_status([comment.pk], CommentStatus.REPORTED, by=None, action="report")
        comment.status = CommentStatus.REPORTED
    return True


def _reports_hide(comment, rules):
    """Whether readers with a history have reported `comment` often enough, since a
    moderator last decided on it, to hold it; its author's standing protects it."""
    if comment.status != CommentStatus.APPROVED:
        return False
    if (comment.user_id and comment.user.is_staff) or is_trusted(comment.commenter, rules):
        return False
    reports = comment.reports.filter(trusted=True)
    if comment.moderated_at is not None:
        reports = reports.filter(created_at__gt=comment.moderated_at)
    return reports.count() >= rules.reports_to_hold


class CommentChangeRefused(Exception):
    """The author may no longer edit or delete this comment (window passed, or it was
    removed or moderated away)."""

    def __init__(self, message, comment=None):
        self.message, self.comment = message, comment
        super().__init__(message)


NOT_YOURS = _("You can only change a comment from the browser it was sent from.")


# What an author may still change: not what a moderator marked spam or trash. What the
# checks marked so is theirs to change as a held comment is (selectors.HELD_FOR_AUTHOR).
AUTHOR_CHANGEABLE = (CommentStatus.APPROVED, CommentStatus.PENDING, CommentStatus.REPORTED)


def author_may_change(comment):
    """Whether the status lets its author edit or delete `comment` (the window aside)."""
    if comment.removed_at is not None:
        return False
    return comment.status in AUTHOR_CHANGEABLE or held_for_author(comment)


def edit_deadline(comment, rules):
    return comment.created_at + timedelta(minutes=rules.edit_window_minutes)


def check_author_may_change(comment, rules, now):
    if not author_may_change(comment):
        raise CommentChangeRefused(_("This comment can no longer be changed."))
    if now > edit_deadline(comment, rules):
        raise CommentChangeRefused(
            _(
                "The time for changing this comment has passed: a comment can be edited "
                "or deleted for %(minutes)s minutes after it is sent."
            )
            % {"minutes": rules.edit_window_minutes}
        )


def comment_to_change(own, comment_id, *, now=None):
    """(comment, rules) when `own` (the proof of the browser asking, {id: created stamp}
    as kabar.discussion.own reads it) names the comment and its author may still change
    it; CommentChangeRefused otherwise, and None when there is no such comment on a live
    page. The proof is checked before the database is asked, so a stranger learns nothing
    about which comments exist."""
    if comment_id not in own:
        raise CommentChangeRefused(NOT_YOURS)
    comment = Comment.objects.select_related("page").filter(pk=comment_id).first()
    if comment is None or not comment.page.live:
        return None
    if own[comment_id] != created_stamp(comment):
        raise CommentChangeRefused(NOT_YOURS)
    rules = rules_for_page(comment.page)
    try:
        check_author_may_change(comment, rules, now or timezone.now())
    except CommentChangeRefused as exc:
        exc.comment = comment
        raise
    return comment, rules


def comment_edit(comment, *, body, now=None, proofs=frozenset()):
    """The author's own edit inside the edit window: new text, the moderation rules run
    again on it (so an approved comment can go back to pending, spam or trash), and
    `edited_at` set. `proofs` are the editing browser's (CommentAuthor.proofs). Returns
    the comment as stored."""
    comment_fields_validate(body=body)
    now = now or timezone.now()
    article = targets.as_target(comment.page)
    rules = rules_for_page(comment.page)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        check_author_may_change(locked, rules, now)
        if locked.body == body:
            return locked
        previous_body, previous_status = locked.body, locked.status
        locked.body = body
        locked.full_clean()
        author = CommentAuthor(
            name=locked.author_name,
            email=locked.author_email,
            url=locked.author_url,
            ip_address=locked.ip_address,
            user_agent=locked.user_agent,
            user=locked.user,
            proofs=proofs,
        )
        refuse_duplicate(locked, proven=address_proven(author))
        # Checks that look at earlier comments (duplicates, flood) skip this one.
        context = SubmitContext(notify_replies=locked.notify_replies, extra={"edit_of": locked.pk})
        _apply_moderation(locked, author=author, article=article, rules=rules, context=context)
        reported = CommentStatus.REPORTED
        if previous_status == reported and SEVERITY[locked.status] <= SEVERITY[reported]:
            # Readers' reports hold it for a moderator; an edit does not clear them.
            locked.status = reported
        elif previous_status in CHECKS_VERDICTS:
            # Nor the checks' spam or trash verdict, which its author is never told of.
            locked.status = most_severe(locked.status, previous_status)
        locked.edited_at = now
        locked.save(
            update_fields=["body", "commenter", "status", "reasons", "spam_score", "edited_at"]
        )
    logger.debug("comment %s edited by its author, now %s", locked.pk, locked.status)
    transaction.on_commit(
        lambda: signals.comment_edited.send(
            Comment,
            comment=locked,
            previous_body=previous_body,
            previous_status=previous_status,
            by_author=True,
        ),
        robust=True,
    )
    return locked


def comment_remove_by_author(comment, *, now=None):
    """The author's own deletion inside the edit window. The row stays, in the trash with
    `removed_at` set, so moderators keep an audit of what was said; its text and name are
    never shown again. While it has approved replies the thread shows a "comment deleted"
    placeholder in its place so the replies keep their context."""
    now = now or timezone.now()
    rules = rules_for_page(comment.page)
    with transaction.atomic():
        locked = Comment.objects.select_for_update().get(pk=comment.pk)
        check_author_may_change(locked, rules, now)
        previous_status = locked.status
        locked.status, locked.removed_at = CommentStatus.TRASH, now
        locked.save(update_fields=["status", "removed_at"])
    logger.debug("comment %s removed by its author", locked.pk)
    transaction.on_commit(
        lambda: signals.comment_removed.send(
            Comment, comment=locked, page_id=locked.page_id, previous_status=previous_status
        ),
        robust=True,
    )
    return locked
