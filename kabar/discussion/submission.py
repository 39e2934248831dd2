"""The one path from posted fields to a stored comment or a refusal. The HTML form's view
calls it, and so will every other way in (the JSON API): each checks the same things in the
same order and gives the same answers.

`submit()` takes the posted fields and what the request says about the reader (`Facts`),
and returns an `Outcome`: the stored comment with its status and the address that shows
it, or a refusal with its HTTP status, the form with its errors (the reader's text kept)
and any message for the whole form."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from kabar.core.dbguard import DATABASE_DOWN
from kabar.core.ids import parse_id
from kabar.core.security import cross_site_message

from . import targets
from .display import comment_url
from .forms import REPLY_UNAVAILABLE, CommentForm
from .models import Comment, CommentStatus
from .policy import Rules, is_open_now, rules_for
from .services import CommentAuthor, CommentsClosed, SubmitContext, comment_submit
from .spam.throttle import admit
from .validation import COMMENT_FIELDS

logger = logging.getLogger(__name__)

NOT_ATTACHED = _("This form is not attached to an article.")
NO_COMMENTS_HERE = _("This page does not take comments.")
# Django decodes form posts leniently, turning invalid UTF-8 into U+FFFD without a word;
# we would rather tell the reader, under the field it was typed in, than store text they
# did not write.
UNDECODABLE = _(
    "Your comment could not be read: it contains characters that are not valid "
    "text (invalid UTF-8). Please retype the part that was pasted and send it again."
)
UNDECODABLE_FIELD = _(
    "This could not be read: it contains characters that are not valid text (invalid "
    "UTF-8). Please type it again."
)


@dataclass(frozen=True)
class Facts:
    """What the request says about the reader, read by the entry point."""

    ip_address: str | None = None
    user_agent: str = ""
    user: object = None
    # The comments this browser sent ({id: created}), from its own-comments proof.
    own: dict = field(default_factory=dict)
    # The addresses confirmed in this browser, from its trusted-browser proof.
    proofs: frozenset = frozenset()
    # The Origin / Referer check failed: a post from another site.
    cross_site: bool = False
    # The names of the posted fields that were not valid UTF-8.
    undecodable: frozenset = frozenset()
    # Whether the reader passes the page's view restrictions (password, sign-in).
    may_view: Callable = lambda restrictions: True


@dataclass
class Outcome:
    status: int
    target: object = None
    form: CommentForm | None = None
    comment: Comment | None = None
    # For the whole form (closed, sent from another site), not for one field.
    error: str = ""
    retry_after: int = 0
    rules: Rules | None = None
    # The author's comments waiting for moderation, the stored one among them: they count
    # in the page of the thread the comment shows on.
    own_pending_ids: tuple = ()

    @property
    def stored(self):
        return self.comment is not None

    @cached_property
    def address(self):
        """Where the stored comment shows (its page of the thread and anchor). Worked out
        when asked for: the form's redirect needs it, the JSON API's answer does not (one
        query fewer)."""
        target, comment = self.target, self.comment
        try:
            shown = comment_url(
                target,
                comment,
                rules=self.rules,
                own_pending_ids=list(self.own_pending_ids),
                just_stored=True,
            )
        except DATABASE_DOWN:
            # Committed already: the author is told it is saved, at the page's first page.
            logger.warning("database gone after comment %s was stored", comment.pk)
            shown = None
        return shown or f"{targets.page_url(target)}#comment-{comment.pk}"


def submit(data, facts, *, target=None):
    """Check and store the comment posted as `data` (the form's fields). `target`: the live
    page `data` names, when the caller has just read it (targets.live_target: the JSON
    API found it from the thread's address), so it is not read again."""
    page_id = parse_id(data.get("page", ""))
    if page_id is None:
        return Outcome(400, error=NOT_ATTACHED)
    if target is None or target.pk != page_id:
        target = targets.live_target(page_id)
    if target is None:
        if Page.objects.live().filter(pk=page_id).exists():
            return Outcome(400, error=NO_COMMENTS_HERE)
        return Outcome(404)
    if not facts.may_view(target.discussion_view_restrictions()):
        # A password or sign-in protects the page: no comment, and no copy of it sent
        # back with the form, for a reader who has not passed it.
        return Outcome(404)

    form = CommentForm(data, page_id=target.pk)

    def refuse(status, error="", **kwargs):
        return Outcome(status, target=target, form=form, error=error, **kwargs)

    if facts.cross_site:
        form.is_valid()
        return refuse(403, cross_site_message())
    if facts.undecodable:
        form.is_valid()
        typed = {name for name in facts.undecodable if name in COMMENT_FIELDS}
        for name in typed:
            form.add_error(name, UNDECODABLE if name == "body" else UNDECODABLE_FIELD)
        if facts.undecodable - typed:
            form.add_error(None, UNDECODABLE)
        return refuse(400)
    # The rules in force, read once for the whole submission.
    rules = rules_for(target)
    is_open, why = is_open_now(target, rules)
    if not is_open:
        return refuse(403, why)
    if not form.is_valid():
        return refuse(400)

    cleaned = form.cleaned_data
    parent = None
    if cleaned["parent"]:
        parent = Comment.objects.filter(pk=cleaned["parent"], page=target).first()
        if parent is None or parent.status != CommentStatus.APPROVED:
            form.add_error(None, REPLY_UNAVAILABLE)
            return refuse(400)
    author = CommentAuthor(
        name=cleaned["author_name"],
        email=cleaned["author_email"],
        url=cleaned["author_url"],
        ip_address=facts.ip_address,
        user_agent=facts.user_agent,
        user=facts.user,
        proofs=facts.proofs,
    )
    admission = admit(page_id=target.pk, author=author, body=cleaned["body"], rules=rules)
    if admission.refused:
        form.add_error(admission.field_name, admission.message)
        return refuse(admission.status, retry_after=admission.retry_after)
    try:
        comment = comment_submit(
            page=target,
            author=author,
            body=cleaned["body"],
            parent=parent,
            context=SubmitContext(
                notify_replies=cleaned["notify_replies"],
                form_age_seconds=form.form_age_seconds,
                honeypot_filled=form.honeypot_filled,
                extra=admission.findings,
                # The form's fields run COMMENT_FIELDS' rules.
                fields_checked=True,
            ),
            rules=rules,
        )
    except CommentsClosed as exc:
        admission.release()
        return refuse(403, exc.message)
    except ValidationError as exc:
        admission.release()
        for name, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(name if name in form.fields else None, message)
        return refuse(400)

    return Outcome(
        201,
        target=target,
        form=form,
        comment=comment,
        rules=rules,
        own_pending_ids=(*facts.own, comment.pk),
    )
