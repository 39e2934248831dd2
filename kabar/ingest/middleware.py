"""Answers old WordPress addresses with a 301 to where their content lives now.

Only a GET or HEAD that Kabar answers with 404, or whose query string names WordPress
content (`/?p=12` is the home page to Kabar), is looked up. Each process keeps, per site, the
hashes of the table's keys (8 bytes each, sorted: 200,000 redirects cost 1.6 MB) under the
table's generation, which every change renews (kabar.ingest.redirects): an address with no
redirect costs no query. A redirect found is kept under the same generation, and the page's
current URL under the page's own generations, which publishing's purge wiring renews on
every move, unpublish or delete. With the page cache off nothing is kept (as for the other
memos): a candidate request asks the database.
"""

import bisect
from array import array
from urllib.parse import urlsplit

from django.http import HttpResponsePermanentRedirect
from wagtail.models import Page, PageViewRestriction, Site

from kabar.core import generations
from kabar.core.generations import GEN_ALL
from kabar.core.memo import StampedMemo
from kabar.core.page_cache import config as page_cache_config
from kabar.core.purge import page_generation_key

from .models import LegacyRedirect
from .redirects import CONTENT_PARAMETERS, key_for, lookup_keys, redirect_for, redirects_key

_MASK = (1 << 64) - 1

_key_sets = StampedMemo(64)
_rows = StampedMemo(4096)
_page_urls = StampedMemo(4096)


def _hash(key):
    # Python's own string hash: stable within the process, which is all the set lives in.
    return hash(key) & _MASK


def _load_key_set(site_id):
    paths = LegacyRedirect.objects.filter(site_id=site_id).values_list("old_path", flat=True)
    return array("Q", sorted({_hash(p) for p in paths.iterator(chunk_size=5000)}))


def _may_hold(hashes, key):
    value = _hash(key)
    i = bisect.bisect_left(hashes, value)
    return i < len(hashes) and hashes[i] == value


# Pages for signed-in readers only (a WordPress private post): their old addresses are not
# sent on, as WordPress told a visitor nothing of them, with a 301 naming where they are
# (their slug, often the title). A password-protected page is: WordPress showed its title.
_HIDDEN_BEHIND = (PageViewRestriction.LOGIN, PageViewRestriction.GROUPS)


def _page_url(page_id, request):
    page = Page.objects.filter(pk=page_id, live=True).first()
    if page is None:
        return None
    if any(r.restriction_type in _HIDDEN_BEHIND for r in page.get_view_restrictions()):
        return None
    return page.get_url(request)


def candidate_keys(request):
    """The keys the request's address may be stored under, the exact one first."""
    return lookup_keys(request.path_info, request.META.get("QUERY_STRING", ""))


def names_content(query_string):
    """Whether the query string has a parameter by which WordPress addresses content."""
    if not query_string:
        return False
    names = (pair.partition("=")[0].lower() for pair in query_string.split("&"))
    return any(name in CONTENT_PARAMETERS for name in names)


def _location_uncached(site, keys, request):
    row = redirect_for(site.pk, keys)
    if row is None:
        return None
    page_id, target = row
    return _page_url(page_id, request) if page_id is not None else target


def legacy_location(request):
    """Where the request's old address lives now (a URL), or None."""
    site = Site.find_for_request(request)
    if site is None:
        return None
    keys = candidate_keys(request)
    stamp = (
        generations.read_safely([redirects_key(site.pk)]) if page_cache_config().enabled else None
    )
    if stamp is None:
        return _location_uncached(site, keys, request)
    stamp = stamp[redirects_key(site.pk)]
    hashes = _key_sets.get(site.pk, stamp, lambda: _load_key_set(site.pk))
    keys = [key for key in keys if _may_hold(hashes, key)]
    if not keys:
        return None
    row = _rows.get((site.pk, *keys), stamp, lambda: redirect_for(site.pk, keys))
    if row is None:
        return None
    page_id, target = row
    if page_id is None:
        return target
    page_keys = [GEN_ALL, page_generation_key(page_id)]
    page_stamp = generations.read_safely(page_keys)
    if page_stamp is None:
        return _page_url(page_id, request)
    return _page_urls.get(
        (site.pk, page_id),
        tuple(page_stamp[k] for k in page_keys),
        lambda: _page_url(page_id, request),
    )


def _redirect(request, asked):
    location = legacy_location(request)
    if not location:
        return None
    # Never to the address asked for (a page that now lives at an old address answers it
    # itself); `/?p=12` to "/" would be no loop, as the query is gone.
    if not asked and key_for(urlsplit(location).path) == key_for(request.path_info):
        return None
    return HttpResponsePermanentRedirect(location)


class LegacyRedirectMiddleware:
    """301 from an old WordPress address to its content's current URL."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        asked = names_content(request.META.get("QUERY_STRING", ""))
        if asked:
            redirect = _redirect(request, asked)
            if redirect is not None:
                return redirect
        response = self.get_response(request)
        if response.status_code == 404 and not asked:
            return _redirect(request, asked) or response
        return response
