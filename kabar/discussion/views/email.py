"""The pages behind the links in Kabar's mail: confirming an address (and that the
browser it is confirmed in is its owner's), and unsubscribing.

Opening a link only shows a page; the change happens when its button is pressed (a POST),
because mail scanners open links on their own and must not confirm or unsubscribe anyone.
The one exception is RFC 8058's one-click unsubscribe, which is a POST by definition. The
signed token in the URL is the authority for both, so they are exempt from CSRF checks:
a forged request would need the token, which only the mailbox has.
"""

from django.http import HttpResponseNotAllowed
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt

from kabar.core.security import same_origin_problem
from kabar.core.signing import LinkExpired, LinkInvalid

from ..models import Comment, ExternalThread, Subscription
from ..own import store_trusted_browser, trusted_proof
from ..subscriptions import subscription_cancel, unsubscribe_read
from ..trust import commenter_confirm, confirmation_read


def _private(response, referrer_policy="no-referrer"):
    response["X-Robots-Tag"] = "noindex, nofollow"
    # The token in this page's URL must not travel on in a Referer header.
    response["Referrer-Policy"] = referrer_policy
    return response


def _invalid(request, expired=False):
    response = render(
        request,
        "discussion/link_invalid.html",
        {"expired": expired},
        status=410 if expired else 400,
    )
    return _private(response)


@csrf_exempt
@never_cache
def confirm(request, token):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        confirmation = confirmation_read(token)
    except LinkExpired:
        return _invalid(request, expired=True)
    except LinkInvalid:
        return _invalid(request)
    commenter = confirmation.commenter
    if request.method == "POST":
        if same_origin_problem(request):
            # A page of another site posting the link of an address its author confirmed
            # would make this browser speak for that address: refused.
            return _private(render(request, "403_csrf.html", status=403))
        confirmed = commenter_confirm(confirmation)
        context = {
            "done": True,
            "commenter": commenter,
            "subscriptions": confirmed,
            "widget_return": _widget_return(request, commenter),
        }
        response = _private(render(request, "discussion/confirm.html", context))
        # Only the mailbox's owner has the link: from now on this browser speaks for them.
        store_trusted_browser(request, response, commenter.email)
        return response
    pending = Subscription.objects.filter(
        commenter=commenter, confirmed_at__isnull=True, unsubscribed_at__isnull=True
    ).select_related("page")
    context = {
        "done": False,
        "commenter": commenter,
        "subscriptions": [s for s in pending if s.created_at.timestamp() <= confirmation.issued_at],
    }
    # Its button's POST names this site as its origin (under "no-referrer" a browser sends
    # "Origin: null"); the address, with its token, still goes to no other site.
    return _private(render(request, "discussion/confirm.html", context), "same-origin")


def _widget_return(request, commenter):
    """(address, title) of the page of another site this commenter last wrote on, with
    the trusted-browser proof in its fragment: the widget there keeps it (it cannot see
    Kabar's cookie) and sends it with the reader's next comments. A fragment never leaves
    the browser, so neither that site's server nor its logs see it. None when they wrote
    on none."""
    latest = (
        Comment.objects.filter(commenter=commenter, page__in=ExternalThread.objects.live())
        .order_by("-created_at")
        .values_list("page_id", flat=True)
        .first()
    )
    if latest is None:
        return None
    thread = ExternalThread.objects.only("address", "title").get(pk=latest)
    return f"{thread.address}#kabar-trust={trusted_proof(request, commenter.email)}", thread.title


@csrf_exempt
@never_cache
def unsubscribe(request, token):
    if request.method not in ("GET", "HEAD", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    try:
        subscription = unsubscribe_read(token)
    except LinkInvalid:
        return _invalid(request)
    if request.method == "POST":
        everything = request.POST.get("scope") == "all"
        subscription_cancel(subscription, everything=everything)
        context = {"done": True, "everything": everything, "subscription": subscription}
    else:
        context = {
            "done": False,
            "subscription": subscription,
            "active": subscription.unsubscribed_at is None,
        }
    return _private(render(request, "discussion/unsubscribe.html", context))
