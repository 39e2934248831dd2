"""Readers reporting a comment: what may be reported, the form, who reports, and the limit
on reports from one address. The HTML form's view and the JSON API both answer through
these, so a report counts the same whichever way it came."""

from dataclasses import dataclass

from django import forms
from django.db import models
from django.utils.translation import gettext_lazy as _

from kabar.core import ratelimit
from kabar.core.clientip import client_ip, client_key
from kabar.core.hashing import keyed_hash

from . import targets
from .models import Comment, Commenter, CommentStatus
from .own import address_proof, remembered_email, trusted_proofs
from .selectors import comment_is_visible
from .services import comment_report

# Readers are many and reports are cheap to send: a client may report this many comments
# an hour, enough for a reader clearing a spammed thread, too few to bury a discussion.
REPORT_LIMIT = ratelimit.Limit("report", 30, 60 * 60)
NOTE_MAX_LENGTH = 400
TOO_MANY_REPORTS = _("You have sent many reports in a short time. Please try again later.")


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive, hateful or harassing")
    PERSONAL = "personal", _("Reveals someone's personal information")
    ILLEGAL = "illegal", _("Unlawful content")
    OFF_TOPIC = "off_topic", _("Off topic")
    OTHER = "other", _("Something else")


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("What is wrong with this comment?"),
        choices=ReportReason.choices,
        error_messages={
            "required": _("Please choose a reason."),
            "invalid_choice": _("Please choose a reason."),
        },
    )
    note = forms.CharField(
        label=_("Anything moderators should know (optional)"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 45, "dir": "auto"}),
    )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("reason") == ReportReason.OTHER and not cleaned.get("note", "").strip():
            self.add_error("note", _("Please say what is wrong with the comment."))
        return cleaned

    def reason_text(self):
        """What is stored: the reason's code, then the reader's own words if any."""
        reason, note = self.cleaned_data["reason"], self.cleaned_data["note"].strip()
        return f"{reason}: {note}" if note else reason


def reportable(comment_id, may_view):
    """(comment, page) if readers see the comment: approved, in its thread, on a live page
    whose view restrictions the reader passes (`may_view(restrictions)`); else None."""
    comment = (
        Comment.objects.select_related("page")
        .filter(status=CommentStatus.APPROVED, pk=comment_id)
        .first()
    )
    if comment is None:
        return None
    page = targets.as_target(comment.page)
    if (
        page is None
        or not page.live
        or not may_view(page.discussion_view_restrictions())
        or not comment_is_visible(comment)
    ):
        return None
    return comment, page


def reporter_of(request):
    """(hash, commenter): who reports, as far as Kabar needs to know. A reader whose browser
    proves a commenter's address (the details it remembers, and the proof the confirmation
    link left in it) is that commenter wherever they are; anyone else is their address.
    Either way a keyed hash made for reports only, never matched against commenters' IP
    hashes."""
    email = remembered_email(request)
    if email and address_proof(email) in trusted_proofs(request):
        commenter = Commenter.objects.filter(email=email).first()
        if commenter is not None:
            return keyed_hash(f"commenter:{commenter.pk}", "report"), commenter
    address = client_key(client_ip(request)) or "unknown"
    return keyed_hash(address, "report"), None


@dataclass(frozen=True)
class Reported:
    # False when this reader had reported the comment already.
    counted: bool = False
    # Refused: too many reports from this address; seconds until it may report again.
    retry_after: int = 0


def report_send(request, comment, reason, *, user=None):
    """Count the report (`reason`, as ReportForm.reason_text gives it) of the reader of
    `request`, signed in as `user` if at all, within REPORT_LIMIT."""
    if ratelimit.enabled():
        decision = ratelimit.hit(REPORT_LIMIT, client_key(client_ip(request)))
        if not decision.allowed:
            return Reported(retry_after=decision.retry_after)
    reporter, commenter = reporter_of(request)
    counted = comment_report(comment, reason, reporter, commenter=commenter, user=user)
    return Reported(counted=counted)
