"""The comment POST endpoint and the discussion part of an article page's context."""

import json
import logging
import time
from urllib.parse import parse_qsl, quote

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST
from wagtail.models import Page

from kabar.core.clientip import client_ip
from kabar.core.dbguard import DATABASE_DOWN
from kabar.core.security import cross_site_message, same_origin_problem

from .forms import CommentForm
from .fragments import thread_context
from .models import Comment, CommentOrder, CommentStatus
from .policy import is_open_now, rules_for, site_rules
from .selectors import comment_thread_page
from .services import (
    AUTHOR_CHANGEABLE,
    CommentAuthor,
    CommentsClosed,
    SubmitContext,
    comment_submit,
    edit_deadline,
)
from .spam.throttle import admit

# Signed, HttpOnly: the comments this browser sent, as "id.created" pairs. It shows held
# comments to their author and proves authorship for editing and deleting; a request that
# carries it gets a private, uncached page (the page cache must pass it by).
OWN_COOKIE = "kabar_own"
OWN_SALT = "kabar.discussion.own"
OWN_KEEP = 20
# The held-comments cookie grew into the own-comments cookie.
PENDING_COOKIE = OWN_COOKIE
COMMENTER_COOKIE = "kabar_commenter"
# ?cpage=N: the page of a long thread (WordPress's name for it).
COMMENT_PAGE_PARAM = "cpage"

logger = logging.getLogger(__name__)


def own_comments(request):
    """{comment id: creation time in epoch seconds} from this browser's signed cookie. The
    creation time ties an entry to one row, so an id reused after a deletion proves nothing."""
    try:
        raw = request.get_signed_cookie(
            OWN_COOKIE, salt=OWN_SALT, max_age=settings.KABAR_COMMENTS["PENDING_COOKIE_AGE"]
        )
    except (KeyError, signing.BadSignature):
        return {}
    entries = {}
    for part in raw.split(",")[-OWN_KEEP:]:
        pk, _dot, created = part.partition(".")
        if is_number(pk) and is_number(created):
            entries[int(pk)] = int(created)
    return entries


def own_pending_ids(request):
    """Ids of the comments this browser sent; the held ones among them are shown to it."""
    return list(own_comments(request))


def created_stamp(comment):
    return int(comment.created_at.timestamp())


def store_own_comments(request, response, *, add=None, forget=None, rules=None):
    """Rewrite the own-comments cookie after a comment is sent, edited or removed. An entry
    lives while its comment may still be edited, or for PENDING_COOKIE_AGE while it waits
    for moderation; the cookie lasts as long as its longest-lived entry and goes when none
    is left, so the reader's pages come from the shared cache again."""
    entries = own_comments(request)
    if forget is not None:
        entries.pop(forget.pk, None)
    # The comment just sent is in hand; only the earlier ones need their status read.
    earlier = [pk for pk in entries if add is None or pk != add.pk]
    held = set()
    if earlier:
        try:
            held = set(
                Comment.objects.filter(pk__in=earlier, status=CommentStatus.PENDING).values_list(
                    "pk", flat=True
                )
            )
        except DATABASE_DOWN:
            held = set(earlier)  # kept the longer time rather than lost
    if add is not None:
        entries[add.pk] = created_stamp(add)
        if add.status == CommentStatus.PENDING:
            held.add(add.pk)
    window = (rules or site_rules()).edit_window_minutes * 60
    pending_age = settings.KABAR_COMMENTS["PENDING_COOKIE_AGE"]
    now = time.time()
    until = {pk: at + (pending_age if pk in held else window) for pk, at in entries.items()}
    live = sorted((created, pk) for pk, created in entries.items() if until[pk] > now)[-OWN_KEEP:]
    if not live:
        response.delete_cookie(OWN_COOKIE, samesite="Lax")
        return
    response.set_signed_cookie(
        OWN_COOKIE,
        ",".join(f"{pk}.{created}" for created, pk in live),
        salt=OWN_SALT,
        max_age=int(max(until[pk] for _created, pk in live) - now) + 1,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def _mark_own_editable(thread, own, rules):
    """Flag the reader's own comments still inside the edit window (for Edit / Delete)."""
    now = timezone.now()
    for comment in _walk(thread):
        comment.own_editable = (
            not getattr(comment, "is_tombstone", False)
            and own.get(comment.pk) == created_stamp(comment)
            and comment.status in AUTHOR_CHANGEABLE
            and now <= edit_deadline(comment, rules)
        )


def is_number(text):
    """Whether `text` is a row id: ASCII digits only ("²".isdigit() is true, int("²") fails)."""
    return text.isascii() and text.isdigit()


def _reply_target(request, page):
    raw = request.GET.get("replytocom", "")
    if not is_number(raw):
        return None
    return (
        Comment.objects.filter(pk=int(raw), page=page, status=CommentStatus.APPROVED)
        .only("pk", "author_name")
        .first()
    )


def discussion_context(request, page, form=None, error=None):
    own = own_comments(request)
    rules = rules_for(page)
    now = timezone.now()
    is_open, why = is_open_now(page, rules, now)
    thread = thread_context(
        page,
        number=request.GET.get(COMMENT_PAGE_PARAM) or 1,
        rules=rules,
        is_open=is_open,
        own_pending_ids=list(own),
        personalise=lambda comments: _mark_own_editable(comments, own, rules),
    )
    reply_to = None
    if form is None:
        reply_to = _reply_target(request, page) if request.GET.get("replytocom") else None
        form = CommentForm(initial={"parent": reply_to.pk if reply_to else None}, page_id=page.pk)
    elif form.is_bound and is_number(form.data.get("parent", "")):
        reply_to = (
            Comment.objects.filter(pk=int(form.data["parent"]), page=page)
            .only("pk", "author_name")
            .first()
        )
    return {
        **thread,
        "comments_open_now": is_open,
        # Shown where the form would be when only the clock keeps the article closed.
        "comments_closed_reason": why
        if not is_open
        and page.comments_open
        and not rules.closed_by_age(page.first_published_at, now)
        else "",
        "comment_form": form,
        "comment_reply_to": reply_to,
        "comment_error": error,
        "comment_rules": rules,
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
    return client_ip(request)


def _may_view(request, page):
    from kabar.news.models import view_restrictions_on_path

    if getattr(page, "alias_of_id", None):
        restrictions = page.get_view_restrictions()  # its source's apply: Wagtail's way
    else:
        restrictions = view_restrictions_on_path(page.path)
    return all(restriction.accept_request(request) for restriction in restrictions)


def _render_article(request, page, form, status, error=None):
    if page.get_deferred_fields():
        page = type(page).objects.get(pk=page.pk)
    response = page.specific.serve(request, comment_form=form, comment_error=error)
    response.status_code = status
    return response


# What a comment post reads of its article and section (rules, open or closed, address,
# purge); a page sent back with the form is read whole (_render_article).
POST_ARTICLE_FIELDS = [
    "id",
    "content_type",
    "path",
    "alias_of",
    "url_path",
    "live",
    "first_published_at",
    "discussion",
    *(
        f"section__{name}"
        for name in (
            "url_path",
            "slug",
            "comments_close_after_days",
            "comments_premoderate",
            "comments_closed_from",
            "comments_closed_until",
        )
    ),
]


def _article_for_post(page_id):
    """(article, None) for a live article, loaded with its section in one query; else
    (None, the response that refuses the post)."""
    from kabar.news.models import ArticlePage

    article = (
        ArticlePage.objects.live()
        .select_related("section")
        .only(*POST_ARTICLE_FIELDS)
        .filter(pk=page_id)
        .first()
    )
    if article is not None:
        return article, None
    page = get_object_or_404(Page.objects.live(), pk=page_id).specific
    if not hasattr(page, "comments_open"):
        return None, HttpResponseBadRequest(_("This page does not take comments."))
    return page, None


# No CSRF token: the form sits on pages served to every reader from the page cache, and a
# token is personal. A same-origin check (kabar.core.security) and the signed form token
# stand in for it.
@csrf_exempt
@require_POST
def comment_post(request):
    page_id = request.POST.get("page", "")
    if not is_number(page_id):
        return HttpResponseBadRequest(_("This form is not attached to an article."))
    article, refusal = _article_for_post(int(page_id))
    if refusal is not None:
        return refusal
    if not _may_view(request, article):
        # A password or sign-in protects the article: no comment, and no copy of it sent
        # back with the form, for a reader who has not passed it.
        raise Http404

    form = CommentForm(request.POST, page_id=article.pk)
    if same_origin_problem(request):
        form.is_valid()
        return _render_article(request, article, form, 403, error=cross_site_message())
    decoding_error = _decoding_error(request)
    if decoding_error:
        form.is_valid()
        form.add_error("body", decoding_error)
        return _render_article(request, article, form, 400)
    # The rules in force, read once for the whole submission.
    rules = rules_for(article)
    is_open, why = is_open_now(article, rules)
    if not is_open:
        return _render_article(request, article, form, 403, error=why)
    if not form.is_valid():
        return _render_article(request, article, form, 400)

    data = form.cleaned_data
    parent = None
    if data["parent"]:
        parent = Comment.objects.filter(pk=data["parent"], page=article).first()
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
    admission = admit(page_id=article.pk, author=commenter, body=data["body"], rules=rules)
    if admission.refused:
        form.add_error(admission.field_name, admission.message)
        response = _render_article(request, article, form, admission.status)
        if admission.retry_after:
            response["Retry-After"] = str(admission.retry_after)
        return response
    try:
        comment = comment_submit(
            page=article,
            author=commenter,
            body=data["body"],
            parent=parent,
            context=SubmitContext(
                notify_replies=data["notify_replies"],
                form_age_seconds=form.form_age_seconds,
                honeypot_filled=form.honeypot_filled,
            ),
            rules=rules,
        )
    except CommentsClosed as exc:
        admission.release()
        return _render_article(request, article, form, 403, error=exc.message)
    except ValidationError as exc:
        admission.release()
        for field, messages in exc.message_dict.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
        return _render_article(request, article, form, 400)

    own = own_comments(request)
    address = f"{article.url}#comment-{comment.pk}"
    try:
        address = comment_url(article, comment, rules=rules, own_pending_ids=[*own, comment.pk])
        address = address or f"{article.url}#comment-{comment.pk}"
    except DATABASE_DOWN:
        # Committed already: the author is told it is saved, at the article's first page.
        logger.warning("database gone after comment %s was stored", comment.pk)
    response = HttpResponseRedirect(address)
    if comment.status in (CommentStatus.APPROVED, CommentStatus.PENDING):
        store_own_comments(request, response, add=comment, rules=rules)
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


def comment_url(article, comment, *, rules=None, own_pending_ids=()):
    """The article address that shows `comment`: its page of the thread (the page of its
    top-level comment) and its anchor. None when the reader cannot see it."""
    rules = rules or rules_for(article)
    number = comment_thread_page(
        comment,
        per_page=rules.comments_per_page,
        newest_first=rules.comment_order == CommentOrder.NEWEST,
        own_pending_ids=own_pending_ids,
    )
    if number is None:
        return None
    query = f"?{COMMENT_PAGE_PARAM}={number}" if number > 1 else ""
    return f"{article.url}{query}#comment-{comment.pk}"


def comment_permalink(request, comment_id):
    """/comments/<id>/: a lasting address for a comment, sent on to wherever it is shown
    now. The same for every reader, so a held or hidden comment is simply not found."""
    comment = get_object_or_404(Comment.objects.select_related("page"), pk=comment_id)
    if not comment.page.live:
        raise Http404
    article = comment.page.specific
    url = comment_url(article, comment) if hasattr(article, "comments_open") else None
    if url is None:
        raise Http404
    return HttpResponseRedirect(url)
