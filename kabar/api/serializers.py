"""What the API tells about threads and comments, field by field: every answer is built from
these allow-lists, never from a model's fields, so a field added to Comment (or the email,
address and user agent it already holds) cannot reach a client unless it is named here."""

import functools
from dataclasses import dataclass, field
from datetime import UTC

from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from kabar.core.site_address import site_root_url
from kabar.discussion.forms import CommentForm
from kabar.discussion.identicons import comment_avatar_url
from kabar.discussion.models import CommentOrder, CommentStatus
from kabar.discussion.own import created_stamp
from kabar.discussion.reports import NOTE_MAX_LENGTH, ReportReason
from kabar.discussion.services import author_may_change, edit_deadline
from kabar.discussion.spam import tokens
from kabar.discussion.targets import DiscussionState
from kabar.discussion.templatetags.discussion import comment_body
from kabar.discussion.validation import COMMENT_FIELDS

COMMENT_KEYS = (
    "id",
    "parent",
    "depth",
    "status",
    "author",
    "body_html",
    "created",
    "edited",
    "permalink",
    "own",
    "replies",
)
AUTHOR_KEYS = ("name", "url", "avatar", "staff")
OWN_KEYS = ("body", "editable_until")
THREAD_KEYS = (
    "id",
    "title",
    "url",
    "kabar_url",
    "discussion",
    "comments_open",
    "closed_reason",
    "count",
)
FORM_FIELDS = ("body", "author_name", "author_email", "author_url", "notify_replies")
HONEYPOT = "subject"
APPROVED, PENDING, REMOVED = "approved", "pending", "removed"


def timestamp(moment):
    """ISO 8601 in UTC, to the second: "2026-12-03T08:24:00Z"."""
    if moment is None:
        return None
    return moment.astimezone(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


@dataclass
class Reader:
    """Who comments are shown to: `origin` ("https://kabar.example") makes Kabar's own
    addresses absolute (the answer is read on another site), `own` is their proof
    ({id: created stamp}), `rules` the thread's."""

    origin: str
    rules: object
    own: dict = field(default_factory=dict)
    now: object = field(default_factory=timezone.now)

    @classmethod
    def of(cls, request, rules, own=None):
        # The site's own address, as its pages, feeds and mails give it: never what the
        # request's Host or X-Forwarded-Proto header claimed.
        return cls(origin=site_root_url(request), rules=rules, own=own or {})

    def link(self, url):
        return url if url.startswith(("https://", "http://")) else self.origin + url

    def is_own(self, comment):
        return self.own.get(comment.pk) == created_stamp(comment)


# A thread's answer names a permalink per comment: the address worked out once, not reversed
# fifty times.
_MARKER = 9_876_543_210


@functools.cache
def _permalink_pattern(script_prefix):
    return reverse("discussion:permalink", args=[_MARKER]).replace(str(_MARKER), "{}")


def permalink(comment):
    return _permalink_pattern(get_script_prefix()).format(comment.pk)


def comment_json(comment, reader):
    """A comment and its replies (`comment.children`, as the thread selectors attach
    them) as the API shows them to `reader`."""
    removed = getattr(comment, "is_tombstone", False) or comment.removed_at is not None
    if removed:
        status = REMOVED
    elif comment.status == CommentStatus.APPROVED:
        status = APPROVED
    else:
        # Held, or taken for spam by the checks: to its author it is awaiting moderation.
        status = PENDING
    return {
        "id": comment.pk,
        "parent": comment.parent_id,
        "depth": comment.depth,
        "status": status,
        "author": None if removed else _author(comment, reader),
        "body_html": "" if removed else str(comment_body(comment.body)),
        "created": timestamp(comment.created_at),
        "edited": timestamp(comment.edited_at),
        "permalink": reader.link(permalink(comment)) if status == APPROVED else None,
        "own": own_json(comment, reader) if not removed and reader.is_own(comment) else None,
        "replies": [comment_json(c, reader) for c in getattr(comment, "children", ())],
    }


def _author(comment, reader):
    avatar = comment_avatar_url(comment, gravatar=reader.rules.gravatar_enabled)
    return {
        "name": comment.author_name,
        "url": comment.author_url or None,
        "avatar": reader.link(avatar),
        "staff": bool(comment.by_staff),
    }


def own_json(comment, reader):
    """What only the comment's author is shown: the text as typed (to edit it), and until
    when it may be changed (None: no longer)."""
    deadline = edit_deadline(comment, reader.rules)
    changeable = author_may_change(comment) and reader.now <= deadline
    return {"body": comment.body, "editable_until": timestamp(deadline) if changeable else None}


def discussion_state(target):
    """What the thread's page and its site together make of it: open, premoderated, closed."""
    if not target.comments_open:
        return DiscussionState.CLOSED.value
    if target.discussion_premoderated:
        return DiscussionState.PREMODERATED.value
    return DiscussionState.OPEN.value


def thread_json(target, *, address, kabar_url, is_open, why, count):
    return {
        "id": target.pk,
        "title": target.discussion_title(),
        "url": address,
        "kabar_url": kabar_url,
        "discussion": discussion_state(target),
        "comments_open": is_open,
        "closed_reason": "" if is_open else str(why),
        "count": count,
    }


def pagination_json(comment_page, *, newest_first):
    return {
        "page": comment_page.number,
        "pages": comment_page.paginator.num_pages,
        "per_page": comment_page.paginator.per_page,
        "top_level": comment_page.paginator.count,
        "order": CommentOrder.NEWEST.value if newest_first else CommentOrder.OLDEST.value,
    }


def form_json(target, rules):
    """What the comment form needs: the signed token (page and time, nothing about the
    reader), the fields with their labels and limits, and the report form's reasons."""
    fields = CommentForm.base_fields
    described = {}
    for name in FORM_FIELDS:
        rules_of = COMMENT_FIELDS.get(name)
        limit = _max_length(rules_of) if rules_of else None
        described[name] = {
            "label": str(fields[name].label),
            "required": bool(rules_of and rules_of.required),
            "max_length": limit,
        }
    return {
        "token": tokens.issue(target.pk),
        "honeypot": HONEYPOT,
        "fields": described,
        "email_note": _("Your email address will not be published."),
        "reply_depth": rules.thread_depth,
        "edit_window_minutes": rules.edit_window_minutes,
        "report_reasons": [
            {"value": value, "label": str(label)} for value, label in ReportReason.choices
        ],
        "report_detail_max_length": NOTE_MAX_LENGTH,
    }


def _max_length(rules):
    for validator in rules.validators:
        limit = getattr(validator, "limit_value", None)
        if isinstance(limit, int):
            return limit
    return None
