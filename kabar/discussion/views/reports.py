"""Readers reporting a comment: a small form per comment, one report per reader."""

from django import forms
from django.db import models
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from kabar.core import ratelimit
from kabar.core.clientip import client_ip, client_key
from kabar.core.hashing import keyed_hash

from .. import targets
from ..models import Comment, Commenter, CommentStatus
from ..own import address_proof, remembered_email, trusted_proofs
from ..selectors import comment_is_visible
from ..services import comment_report
from .comments import may_view

# Readers are many and reports are cheap to send: a client may report this many comments
# an hour, enough for a reader clearing a spammed thread, too few to bury a discussion.
REPORT_LIMIT = ratelimit.Limit("report", 30, 60 * 60)
NOTE_MAX_LENGTH = 400


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


def _reportable(request, comment_id):
    """The comment and its article, if this reader sees the comment: approved, in its
    thread, on a live article whose view restrictions they pass. Http404 otherwise."""
    comment = get_object_or_404(
        Comment.objects.select_related("page").filter(status=CommentStatus.APPROVED),
        pk=comment_id,
    )
    article = targets.as_target(comment.page)
    if (
        article is None
        or not article.live
        or not may_view(request, article.discussion_view_restrictions())
        or not comment_is_visible(comment)
    ):
        raise Http404
    return comment, article


@never_cache
@require_http_methods(["GET", "POST"])
def comment_report_view(request, comment_id):
    comment, article = _reportable(request, comment_id)
    context = {"comment": comment, "article": article}
    if request.method == "GET":
        return render(
            request, "discussion/report.html", {**context, "form": ReportForm()}, status=200
        )

    form = ReportForm(request.POST)
    if not form.is_valid():
        return render(request, "discussion/report.html", {**context, "form": form}, status=400)
    identity = client_key(client_ip(request))
    if ratelimit.enabled():
        decision = ratelimit.hit(REPORT_LIMIT, identity)
        if not decision.allowed:
            form.add_error(
                None, _("You have sent many reports in a short time. Please try again later.")
            )
            response = render(
                request, "discussion/report.html", {**context, "form": form}, status=429
            )
            response["Retry-After"] = str(decision.retry_after)
            return response
    reporter, commenter = reporter_of(request)
    counted = comment_report(
        comment, form.reason_text(), reporter, commenter=commenter, user=request.user
    )
    return render(
        request,
        "discussion/report_done.html",
        {**context, "already_reported": not counted},
        status=200,
    )
