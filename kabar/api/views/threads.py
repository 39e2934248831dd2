"""Reading threads: a page of a thread's comments with what its form needs, and the comment
counts of many addresses at once. Parse, call discussion, answer.

An anonymous reader's thread (no own proof) is the same for everyone: the page cache keeps
it (kabar.core.page_cache.cache_by_query, registered in apps.py) under the generations of
the thread's page and of its public comments, read before they are, so a copy is served
without touching the database until a comment or the page changes. A request it passes by
(the reader's own, the first after a change) takes the thread's comments from the copies
kept under the thread's generation (kabar.api.kept), with the reader's own merged in."""

from django.utils.translation import gettext_lazy as _

from kabar.core import generations
from kabar.core.clientip import client_ip
from kabar.core.generations import GEN_LISTS
from kabar.core.ids import parse_id
from kabar.core.page_cache import config as page_cache_config
from kabar.core.page_cache import expire_within, keep_private, keep_under
from kabar.core.purge import page_generation_key
from kabar.discussion import fragments, sites, targets
from kabar.discussion.addresses import BAD_ADDRESS
from kabar.discussion.models import CommentOrder
from kabar.discussion.own import own_comments_proved
from kabar.discussion.policy import is_open_now, rules_for, seconds_to_next_change

from .. import kept, serializers
from ..endpoint import OWN_HEADER, endpoint
from ..payload import Fields, json_object
from ..problems import Problem, json_response

# The parameters a thread's answer depends on: the page cache keys copies by them.
THREAD_PARAMETERS = ("url", "site", "title", "order", "page", "lang")
COUNT_PARAMETERS = ("url", "site", "lang")
MAX_COUNTED = 100
BAD_ORDER = _("Choose “oldest” or “newest”.")
BAD_PAGE = _("Give a page number: 1 or more.")
TOO_MANY_ADDRESSES = _("Ask for at most %(count)s addresses at once.")
NO_ADDRESSES = _("Give at least one address.")


def thread_of(request, url, site_key, *, title=""):
    """The live page the address `url` is about, made now for an address of a registered
    site that has none yet when the request names an origin that may use the API (the
    widget's browser names its page's, and a page elsewhere cannot name another); a
    request naming none reads threads but makes none. A script can name any origin: what
    bounds it is the per-address limit on new threads (sites.py), and staff correct a
    title in the page editor. Problem when there is none, or when it may not be read
    (behind a password or a sign-in: the API carries no session that could pass it), or
    is not shown at all (a withdrawn article)."""
    if not url:
        raise Problem(400, errors={"url": [BAD_ADDRESS]})
    try:
        resolved = sites.resolve(
            url,
            site_key=site_key,
            title=title,
            create=request.origin_allowed and "Origin" in request.headers,
            client_ip=client_ip(request),
        )
    except sites.Refused as exc:
        raise Problem(exc.status, exc.message, retry_after=exc.retry_after) from None
    target = resolved.target
    # Nor a withdrawn article's: its comments leave with it (discussion_shown).
    if target is None or not target.discussion_shown or target.discussion_view_restrictions():
        raise Problem(404)
    return resolved


@endpoint("GET")
def thread(request):
    query = request.GET
    order = query.get("order", "")
    errors = {}
    if order not in ("", CommentOrder.OLDEST, CommentOrder.NEWEST):
        errors["order"] = [BAD_ORDER]
    number = parse_id(query.get("page", "1"))
    if number is None:
        errors["page"] = [BAD_PAGE]
    if errors:
        raise Problem(400, errors=errors)
    resolved = thread_of(
        request, query.get("url", ""), query.get("site", ""), title=query.get("title", "")
    )
    own = own_comments_proved(request.headers.get(OWN_HEADER))
    target, kept_under = resolved.target, None
    thread_key = fragments.generation_key(target.pk)
    # Generations are read before the page and its comments are, so a change landing
    # meanwhile leaves what was worked out here under generations nobody reads again.
    if OWN_HEADER in request.headers:
        keep_private(request)
    elif page_cache_config().enabled:
        kept_under = generations.read_safely([page_generation_key(target.pk), thread_key])
        target = targets.live_target(target.pk)
        if target is None:
            raise Problem(404)
    thread_generation = (
        kept_under[thread_key] if kept_under is not None else kept.generation(target.pk)
    )
    rules = rules_for(target)
    is_open, why = is_open_now(target, rules)
    newest_first = (order or rules.comment_order) == CommentOrder.NEWEST
    reader = serializers.Reader.of(request, rules, own)
    shown = kept.thread_page(
        target,
        number=number,
        newest_first=newest_first,
        reader=reader,
        generation=thread_generation,
    )
    data = {
        "thread": serializers.thread_json(
            target,
            address=resolved.address,
            kabar_url=target.get_full_url(request),
            is_open=is_open,
            why=why,
            count=shown.approved,
        ),
        "comments": shown.comments,
        "pagination": serializers.pagination_json(shown.comment_page, newest_first=newest_first),
        "form": serializers.form_json(target, rules),
    }
    # A page number past the end answers with the last page: one copy of it is enough.
    if kept_under is not None and shown.comment_page.number == number:
        keep_under(request, kept_under)
        changes_in = seconds_to_next_change(target, rules)
        if changes_in is not None:
            expire_within(request, changes_in)
    return json_response(data)


@endpoint("GET", "POST")
def counts(request):
    if request.method == "POST":
        fields = Fields(json_object(request))
        field, urls, site_key = "urls", fields.text_list("urls"), fields.text("site")
        fields.refuse_if_errors()
    else:
        field, urls, site_key = "url", request.GET.getlist("url"), request.GET.get("site", "")
        # Every comment change anywhere renews the lists' generation (read before counting).
        lists = generations.read_safely([GEN_LISTS]) if page_cache_config().enabled else None
        if lists is not None:
            keep_under(request, lists)
    if not urls:
        raise Problem(400, errors={field: [NO_ADDRESSES]})
    if len(urls) > MAX_COUNTED:
        raise Problem(400, errors={field: [TOO_MANY_ADDRESSES % {"count": MAX_COUNTED}]})
    return json_response({"counts": sites.thread_counts(urls, site_key=site_key)})
