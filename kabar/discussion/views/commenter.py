"""The commenter in control: editing and deleting one's own comment from the browser it
was sent from, asking for an export or erasure of one's data, and the identicon avatars."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from kabar.core import ratelimit
from kabar.core.clientip import client_ip, client_key
from kabar.core.signing import LinkInvalid

from .. import privacy
from ..forms import CommentForm
from ..identicons import KEY_PATTERN, identicon_svg
from ..models import EMAIL_MAX_LENGTH, CommentStatus
from ..own import COMMENTER_COOKIE, own_comments, store_own_comments, trusted_proofs
from ..services import (
    CommentChangeRefused,
    comment_edit,
    comment_remove_by_author,
    comment_to_change,
    edit_deadline,
)
from ..submission import UNDECODABLE
from .comments import undecodable_fields

AVATAR_MAX_AGE = 60 * 60 * 24 * 365
# Privacy requests from one client: each address also gets at most one mail in five
# minutes (privacy.REQUEST_INTERVAL), whoever asks.
PRIVACY_LIMIT = ratelimit.Limit("privacy-request", 10, 60 * 60)


class CommentEditForm(forms.Form):
    body = CommentForm.base_fields["body"]


class PrivacyRequestForm(forms.Form):
    email = forms.EmailField(
        label=gettext_lazy("Email address you commented with"),
        max_length=EMAIL_MAX_LENGTH,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "size": 30}),
        error_messages={
            "required": gettext_lazy("Please enter your email address."),
            "invalid": gettext_lazy("Please enter a valid email address."),
        },
    )
    action = forms.ChoiceField(
        label=gettext_lazy("What would you like?"),
        choices=privacy.PrivacyAction.choices,
        initial=privacy.PrivacyAction.EXPORT,
        widget=forms.RadioSelect,
    )


def _private(response):
    """Pages for one reader only: never stored by a cache, never leaking their address
    (nor a link's token) to another site. "same-origin", not "no-referrer": under that,
    a browser names no origin on the page's own form ("Origin: null"), and the form
    check refused every edit, deletion and data request."""
    response["Cache-Control"] = "private, no-store, max-age=0"
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex"
    return response


def _page(request, template, context=None, status=200):
    return _private(render(request, template, context or {}, status=status))


def _refused(request, message, comment=None):
    return _page(
        request,
        "discussion/commenter/refused.html",
        {"message": message, "comment": comment},
        status=403,
    )


class Refused(Exception):
    def __init__(self, message, comment=None):
        self.message, self.comment = message, comment
        super().__init__(message)


def _own_comment(request, comment_id):
    """(comment, rules) when this browser sent the comment and its author may still change
    it; otherwise Refused (Http404 when there is no such comment)."""
    try:
        found = comment_to_change(own_comments(request), comment_id)
    except CommentChangeRefused as exc:
        raise Refused(exc.message, exc.comment) from exc
    if found is None:
        raise Http404
    return found


@never_cache
@require_http_methods(["GET", "POST"])
def comment_edit_view(request, comment_id):
    try:
        comment, rules = _own_comment(request, comment_id)
    except Refused as exc:
        return _refused(request, exc.message, exc.comment)
    if request.method == "POST":
        form = CommentEditForm(request.POST)
        if "body" in undecodable_fields(request):
            form.is_valid()
            form.add_error("body", UNDECODABLE)
        elif form.is_valid():
            try:
                comment = comment_edit(
                    comment, body=form.cleaned_data["body"], proofs=trusted_proofs(request)
                )
            except CommentChangeRefused as exc:
                return _refused(request, exc.message, comment)
            except ValidationError as exc:
                for message in exc.message_dict.get("body", exc.messages):
                    form.add_error("body", message)
            else:
                response = HttpResponseRedirect(f"{comment.page.url}#comment-{comment.pk}")
                store_own_comments(request, response)
                return response
        status = 400
    else:
        form = CommentEditForm(initial={"body": comment.body})
        status = 200
    context = {"comment": comment, "form": form, "deadline": edit_deadline(comment, rules)}
    return _page(request, "discussion/commenter/edit.html", context, status=status)


@never_cache
@require_http_methods(["GET", "POST"])
def comment_delete_view(request, comment_id):
    try:
        comment, _rules = _own_comment(request, comment_id)
    except Refused as exc:
        return _refused(request, exc.message, exc.comment)
    if request.method == "POST":
        try:
            comment_remove_by_author(comment)
        except CommentChangeRefused as exc:
            return _refused(request, exc.message, comment)
        response = HttpResponseRedirect(f"{comment.page.url}#comments")
        store_own_comments(request, response, forget=comment)
        return response
    has_replies = comment.replies.filter(status=CommentStatus.APPROVED).exists()
    context = {"comment": comment, "has_replies": has_replies}
    return _page(request, "discussion/commenter/delete.html", context)


@require_safe
def avatar(request, key):
    """An identicon; the key in its address is all it is drawn from, so it never changes."""
    if not KEY_PATTERN.match(key):
        raise Http404
    response = HttpResponse(identicon_svg(key), content_type="image/svg+xml")
    response["Cache-Control"] = f"public, max-age={AVATAR_MAX_AGE}, immutable"
    # Shown as an <img>, but a document of its own when opened: let it run nothing.
    response["Content-Security-Policy"] = "default-src 'none'"
    return response


@never_cache
@require_http_methods(["GET", "POST"])
def privacy_request(request):
    """Ask for an export or erasure. The answer is the same whether or not the address is
    known, and whether or not a mail went out."""
    if request.method == "POST":
        form = PrivacyRequestForm(request.POST)
        if form.is_valid() and ratelimit.enabled():
            decision = ratelimit.hit(PRIVACY_LIMIT, client_key(client_ip(request)))
            if not decision.allowed:
                form.add_error(
                    None, _("You have sent many requests in a short time. Please try later.")
                )
                response = _page(
                    request, "discussion/privacy/request.html", {"form": form}, status=429
                )
                response["Retry-After"] = str(decision.retry_after)
                return response
        if form.is_valid():
            privacy.privacy_request_send(form.cleaned_data["email"], form.cleaned_data["action"])
            return _page(request, "discussion/privacy/request_sent.html")
        return _page(request, "discussion/privacy/request.html", {"form": form}, status=400)
    return _page(request, "discussion/privacy/request.html", {"form": PrivacyRequestForm()})


@never_cache
@require_http_methods(["GET", "POST"])
def privacy_link(request, token):
    """Where the mailed link leads: a page that asks once more, because mail scanners open
    links on their own; its button downloads the export (once) or erases."""
    try:
        link = privacy.privacy_link_read(token)
    except LinkInvalid as exc:
        return _link_invalid(request, exc.message)
    export = link.action == privacy.PrivacyAction.EXPORT
    if request.method != "POST":
        template = "export_confirm.html" if export else "erase_confirm.html"
        return _page(request, f"discussion/privacy/{template}", {"token": token})
    if export:
        if not privacy.privacy_link_use(link):
            return _link_invalid(request, privacy.LinkUsed.message)
        data = privacy.personal_data_export(link.commenter)
        response = HttpResponse(
            json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
            content_type="application/json; charset=utf-8",
        )
        stamp = timezone.localdate().isoformat()
        response["Content-Disposition"] = f'attachment; filename="kabar-data-{stamp}.json"'
        return _private(response)
    count = privacy.personal_data_erase(link.commenter)
    response = _page(request, "discussion/privacy/erased.html", {"count": count})
    # "Save my name, email, and website in this browser": not any more.
    response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")
    return response


def _link_invalid(request, message):
    return _page(request, "discussion/privacy/link_invalid.html", {"message": message}, status=400)
