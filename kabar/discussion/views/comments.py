"""The comment form's endpoint and comment permalinks: parse, call, answer."""

import functools
import json
from urllib.parse import quote, unquote_to_bytes

from django.conf import settings
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from kabar.core.clientip import client_ip
from kabar.core.ids import parse_id
from kabar.core.memo import keep_site, site_when_asked
from kabar.core.page_cache import show_as
from kabar.core.security import same_origin_problem

from .. import submission, targets
from ..display import comment_url, show_with_form
from ..models import Comment
from ..own import COMMENTER_COOKIE, own_comments, store_own_comments, trusted_proofs


def undecodable_fields(request):
    """The names of the posted fields whose value is not valid UTF-8 (Django would read
    them with U+FFFD in place of the bad bytes, without a word)."""
    content_type = request.content_type  # as Django reads it: lower case, no parameters
    if content_type == "multipart/form-data":
        # A form sends this only when told to. Its parts are decoded as leniently (or, with
        # another charset named, as that charset), and the raw body may be gone by now
        # (read as a stream): a U+FFFD in a value is taken for bytes that were not UTF-8.
        charset = request.content_params.get("charset", "utf-8").lower().replace("_", "-")
        if charset not in {"utf-8", "utf8"}:
            return frozenset(request.POST)
        return frozenset(
            name for name, values in request.POST.lists() if any("\ufffd" in v for v in values)
        )
    if content_type != "application/x-www-form-urlencoded":
        return frozenset()
    body = request.body.replace(b"+", b" ")
    if _is_utf8(unquote_to_bytes(body)):
        # All of it is valid: so is each field, as valid UTF-8 is never cut in a character
        # by the ASCII "&" and "=" between the fields.
        return frozenset()
    names = set()
    for pair in body.split(b"&"):
        raw_name, _equals, raw_value = pair.partition(b"=")
        name, value = unquote_to_bytes(raw_name), unquote_to_bytes(raw_value)
        if not (_is_utf8(name) and _is_utf8(value)):
            names.add(name.decode("utf-8", errors="replace"))
    return frozenset(names)


def _is_utf8(data):
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def may_view(request, restrictions):
    """Whether the reader passes a page's view restrictions (password, sign-in)."""
    return all(r.accept_request(request) for r in restrictions)


def facts_of(request):
    """What the request says about the reader, for the submission path."""
    return submission.Facts(
        ip_address=client_ip(request),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
        user=request.user,
        own=own_comments(request),
        proofs=trusted_proofs(request),
        cross_site=bool(same_origin_problem(request)),
        undecodable=undecodable_fields(request),
        may_view=functools.partial(may_view, request),
    )


def _page_with_form(request, outcome):
    """The page again, with the reader's text in the form and what stopped it."""
    target = outcome.target
    keep_site(request)
    if target.get_deferred_fields():
        target = type(target).objects.get(pk=target.pk)
    show_with_form(request, target, outcome.form, outcome.error or None)
    # Shown at the form's address: the links that name the page (the language switch's way
    # back) name the article's own.
    show_as(request, targets.page_url(target))
    response = target.serve(request)
    response.status_code = outcome.status
    if outcome.retry_after:
        response["Retry-After"] = str(outcome.retry_after)
    return response


def _reply_on_its_page(request):
    """A GET of the form's address: a reply link followed on the page shown here after a
    refused comment (a relative link, resolved against this address), sent on to the reply
    form on the comment's article; anything else to the front page."""
    comment_id = parse_id(request.GET.get("replytocom", ""))
    shown_at = _shown_at(request, comment_id) if comment_id is not None else None
    if shown_at is None:
        return HttpResponseRedirect("/")
    page_address = shown_at.split("#", 1)[0]
    joiner = "&" if "?" in page_address else "?"
    return HttpResponseRedirect(f"{page_address}{joiner}replytocom={comment_id}#respond")


# No CSRF token: the form sits on pages served to every reader from the page cache, and a
# token is personal. A same-origin check (kabar.core.security) and the signed form token
# stand in for it.
@csrf_exempt
@site_when_asked
@require_http_methods(["GET", "HEAD", "POST"])
def comment_post(request):
    if request.method != "POST":
        return _reply_on_its_page(request)
    facts = facts_of(request)
    outcome = submission.submit(request.POST, facts)
    if outcome.status == 404:
        raise Http404
    if outcome.target is None:
        # No article to show the form again in (its id tampered with, or a page that takes
        # no comments): the reason, and what the reader typed, so nothing is lost. Not
        # for a post from another site's page, which could have Kabar show any words.
        typed = "" if facts.cross_site else request.POST.get("body", "")
        page = render(
            request,
            "discussion/not_sent.html",
            {"message": outcome.error, "typed_comment": typed},
            status=400,
        )
        page["Cache-Control"] = "private, no-store"
        return page
    if not outcome.stored:
        return _page_with_form(request, outcome)

    comment, data = outcome.comment, outcome.form.cleaned_data
    response = HttpResponseRedirect(outcome.address)
    # Whatever the checks decided: a comment taken for spam is answered as a held one.
    store_own_comments(request, response, add=comment, rules=outcome.rules)
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


def comment_permalink(request, comment_id):
    """/comments/<id>/: a lasting address for a comment, sent on to wherever it is shown
    now. The same for every reader who may see the article, so a held or hidden comment, or
    one on an article behind a password or sign-in the reader has not passed, is not found."""
    url = _shown_at(request, comment_id)
    if url is None:
        raise Http404
    return HttpResponseRedirect(url)


def _shown_at(request, comment_id):
    """The address that shows comment `comment_id` to this reader (its page of the thread
    and its anchor), or None: held or hidden, or on an article the reader may not see."""
    comment = Comment.objects.select_related("page").filter(pk=comment_id).first()
    if comment is None or not comment.page.live:
        return None
    target = targets.as_target(comment.page)
    if target is None or not may_view(request, target.discussion_view_restrictions()):
        return None
    return comment_url(target, comment)
