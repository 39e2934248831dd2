"""The comment POST endpoint and the discussion part of an article page's context."""

import json
from urllib.parse import parse_qsl, quote

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from wagtail.models import Page

from .forms import CommentForm
from .models import Comment, CommentStatus
from .policy import is_open_now
from .selectors import comments_public_for, count_tree
from .services import CommentAuthor, CommentsClosed, comment_submit

PENDING_COOKIE = "kabar_pending"
PENDING_SALT = "kabar.discussion.pending"
PENDING_KEEP = 20
COMMENTER_COOKIE = "kabar_commenter"


def own_pending_ids(request):
    """Ids of held comments this browser sent, from a signed cookie only it has."""
    try:
        raw = request.get_signed_cookie(
            PENDING_COOKIE,
            salt=PENDING_SALT,
            max_age=settings.KABAR_COMMENTS["PENDING_COOKIE_AGE"],
        )
    except (KeyError, signing.BadSignature):
        return []
    return [int(part) for part in raw.split(",") if part.isdigit()][-PENDING_KEEP:]


def _reply_target(request, page):
    raw = request.GET.get("replytocom", "")
    if not raw.isdigit():
        return None
    return (
        Comment.objects.filter(pk=int(raw), page=page, status=CommentStatus.APPROVED)
        .only("pk", "author_name")
        .first()
    )


def discussion_context(request, page, form=None, error=None):
    pending_ids = own_pending_ids(request)
    thread = comments_public_for(page, own_pending_ids=pending_ids)
    reply_to = None
    if form is None:
        reply_to = _reply_target(request, page) if request.GET.get("replytocom") else None
        form = CommentForm(initial={"parent": reply_to.pk if reply_to else None})
    elif form.is_bound and form.data.get("parent", "").isdigit():
        reply_to = (
            Comment.objects.filter(pk=int(form.data["parent"]), page=page)
            .only("pk", "author_name")
            .first()
        )
    approved = [c for c in _walk(thread) if c.status == CommentStatus.APPROVED]
    return {
        "comment_thread": thread,
        "comment_count": len(approved),
        "comment_form": form,
        "comment_reply_to": reply_to,
        "comment_error": error,
        "comments_shown": count_tree(thread),
    }


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _decoding_error(request):
    """Django decodes form posts leniently, turning invalid UTF-8 into U+FFFD without a
    word; we would rather tell the reader than store text they did not write."""
    content_type = request.META.get("CONTENT_TYPE", "")
    if not content_type.startswith("application/x-www-form-urlencoded"):
        return None
    try:
        parse_qsl(request.body.decode("ascii"), encoding="utf-8", errors="strict")
    except UnicodeDecodeError:
        return _(
            "Your comment could not be read: it contains characters that are not valid "
            "text (invalid UTF-8). Please retype the part that was pasted and send it again."
        )
    return None


def _client_ip(request):
    return request.META.get("REMOTE_ADDR") or None


def _render_article(request, page, form, status, error=None):
    response = page.specific.serve(request, comment_form=form, comment_error=error)
    response.status_code = status
    return response


@require_POST
def comment_post(request):
    page_id = request.POST.get("page", "")
    if not page_id.isdigit():
        return HttpResponseBadRequest(_("This form is not attached to an article."))
    page = get_object_or_404(Page.objects.live(), pk=int(page_id))
    article = page.specific
    if not hasattr(article, "comments_open"):
        return HttpResponseBadRequest(_("This page does not take comments."))

    form = CommentForm(request.POST)
    decoding_error = _decoding_error(request)
    if decoding_error:
        form.is_valid()
        form.add_error("body", decoding_error)
        return _render_article(request, article, form, 400)
    is_open, why = is_open_now(article)
    if not is_open:
        return _render_article(request, article, form, 403, error=why)
    if not form.is_valid():
        return _render_article(request, article, form, 400)

    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = Comment.objects.filter(pk=data["parent"], page=page).first()
        if parent is None or parent.status != CommentStatus.APPROVED:
            form.add_error(None, _("The comment you are replying to is not available."))
            return _render_article(request, article, form, 400)
    commenter = CommentAuthor(
        name=data["author_name"],
        email=data["author_email"],
        url=data["author_url"],
        ip_address=_client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        user=request.user,
    )
    try:
        comment = comment_submit(page=page, author=commenter, body=data["body"], parent=parent)
    except CommentsClosed as exc:
        return _render_article(request, article, form, 403, error=exc.message)
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return _render_article(request, article, form, 400)

    response = HttpResponseRedirect(f"{article.url}#comment-{comment.pk}")
    if comment.status == CommentStatus.PENDING:
        ids = [*own_pending_ids(request), comment.pk][-PENDING_KEEP:]
        response.set_signed_cookie(
            PENDING_COOKIE,
            ",".join(map(str, ids)),
            salt=PENDING_SALT,
            max_age=settings.KABAR_COMMENTS["PENDING_COOKIE_AGE"],
            httponly=True,
            samesite="Lax",
            secure=request.is_secure(),
        )
    if data["remember"]:
        # Read back by the page's script to fill the form in; the server never prints it,
        # so a cached page cannot carry one reader's details to another.
        remembered = {
            "name": data["author_name"],
            "email": data["author_email"],
            "url": data["author_url"],
        }
        response.set_cookie(
            COMMENTER_COOKIE,
            quote(json.dumps(remembered)),
            max_age=settings.KABAR_COMMENTS["COMMENTER_COOKIE_AGE"],
            samesite="Lax",
            secure=request.is_secure(),
        )
    else:
        response.delete_cookie(COMMENTER_COOKIE, samesite="Lax")
    return response
