"""What each process keeps between requests: values worked out from the database, kept
under the generations (kabar.core.generations) they were worked out for, and the
request's own generations read before its view, which a page's parts are kept under."""

import contextlib
import contextvars
import copy
import threading
import time
from collections import OrderedDict

from django.http.request import split_domain_port
from wagtail.models import Site

from . import generations
from .dbguard import DATABASE_DOWN
from .generations import GEN_ALL, path_generation_key
from .page_cache import config, page_generations, request_generations, set_request_generations

# What StampedMemo.known gives for a key it has no value for (None is a value).
MISSING = object()
# False while this context runs work that will be rolled back (nothing_kept).
_keeping = contextvars.ContextVar("kabar_memo_keeping", default=True)


@contextlib.contextmanager
def nothing_kept():
    """Within it, no memo of this process keeps what this context reads: for work done in a
    transaction that is then rolled back (an import's dry run), whose rows other threads
    of the process would otherwise be served (a thread's id, then a post to it failing on
    a row that is not there). What was kept before is still read."""
    token = _keeping.set(False)
    try:
        yield
    finally:
        _keeping.reset(token)


class StampedMemo:
    """Up to `max_entries` values this process worked out, the most recently used kept,
    each under the stamp (generation values) it was worked out for: a value is returned
    only for the same stamp, so whatever renews the stamp makes it be worked out again."""

    def __init__(self, max_entries=1000):
        self.max_entries = max_entries
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key, stamp, compute):
        found = self.known(key, stamp, default=MISSING)
        if found is not MISSING:
            return found
        value = compute()
        self.keep(key, stamp, value)
        return value

    def known(self, key, stamp, default=None):
        """The value kept for `key` under `stamp`, or `default`."""
        with self.lock:
            known = self.entries.get(key)
            if known is not None and known[0] == stamp:
                self.entries.move_to_end(key)
                return known[1]
        return default

    def keep(self, key, stamp, value):
        if not _keeping.get():
            return
        with self.lock:
            self.entries[key] = (stamp, value)
            self.entries.move_to_end(key)
            while len(self.entries) > self.max_entries:
                self.entries.popitem(last=False)

    def discard(self, key):
        with self.lock:
            self.entries.pop(key, None)


class RecentMemo:
    """Values this process read lately, all forgotten together `seconds` after the last
    time they were (or once more than `max_entries` are kept): for values that may lag the
    database by that long, where a generation for each would cost more than it saves."""

    def __init__(self, seconds, max_entries):
        self.seconds = seconds
        self.max_entries = max_entries
        self.entries = {}
        self.since = time.monotonic()
        self.lock = threading.Lock()

    def forget(self):
        with self.lock:
            self.entries = {}
            self.since = time.monotonic()

    def put(self, key, value):
        """Keep `value` for `key` (learnt by this process otherwise than by reading)."""
        with self.lock:
            self.entries[key] = value

    def _current(self):
        with self.lock:
            if time.monotonic() - self.since > self.seconds or len(self.entries) > self.max_entries:
                self.entries = {}
                self.since = time.monotonic()
            return self.entries

    def get_many(self, keys, read):
        """{key: value} for `keys`: those not kept from `read(missing keys)`, which
        returns a value for each."""
        entries = self._current()
        found = {key: entries.get(key) for key in keys}
        missing = [key for key, value in found.items() if value is None]
        if missing:
            fresh = read(missing)
            found.update(fresh)
            self.keep(fresh, entries)
        return found

    def lacking(self, keys):
        """(the keys of `keys` not kept, the stamp to keep their values under): for a
        caller that reads them otherwise than through get_many, then calls keep()."""
        entries = self._current()
        return [key for key in keys if key not in entries], entries

    def keep(self, fresh, stamp):
        """Keep the values `fresh` ({key: value}) read under `stamp` (lacking()), unless
        everything was forgotten since."""
        if not _keeping.get():
            return
        with self.lock:
            if self.entries is stamp:
                stamp.update(fresh)


# The site-wide generation the current request read before its view (SiteMiddleware).
_request_site_generation = contextvars.ContextVar("kabar_site_generation", default=None)


class SiteWideMemo(StampedMemo):
    """Values this process computed from the database and keeps while the site-wide
    generation is unchanged: whatever renews it (each app's purge wiring: a Site, a view
    restriction, a section, site or discussion settings, authors) makes every process
    compute them again. With the page cache off, nothing is kept. Within a request the
    site-wide generation SiteMiddleware read before the view serves every lookup (with
    Redis, one round trip instead of one per lookup); elsewhere it is read each time."""

    def get(self, key, compute):
        stamp = _request_site_generation.get()
        if stamp is None:
            if not config().enabled:
                return compute()
            found = generations.read_safely([GEN_ALL])
            if found is None:
                return compute()
            stamp = found[GEN_ALL]
        return super().get(key, stamp, compute)


site_wide = SiteWideMemo()


def site_for_request(request):
    """Wagtail's Site for the request (a query per request otherwise), from `site_wide`.
    Each request gets its own copies, so nothing one request sets on them reaches another."""

    def find():
        found = Site._find_for_request(request)
        if found is not None and found.root_page_id is not None:
            found.root_page = found.root_page.specific  # what serving a page asks for
        return found

    place = (split_domain_port(request._get_raw_host())[0], request.get_port())
    site = site_wide.get(("site", place), find)
    if site is None:
        return None
    site = copy.copy(site)
    if site.root_page_id is not None and Site.root_page.is_cached(site):
        site.root_page = copy.copy(site.root_page)
    return site


def request_stamp(request):
    """(site-wide, path) generations of the request as read before its view ran, or None:
    what a page's own HTML or its routed article is kept under."""
    found = request_generations(request)
    path_key = path_generation_key(request.path_info)
    if found is None or path_key not in found:
        return None
    return (found[GEN_ALL], found[path_key])


# A view's mark: its POST finds the Site only if something asks for it (site_when_asked).
SITE_WHEN_ASKED = "kabar_site_when_asked"


def site_when_asked(view):
    """Mark a POST view that seldom needs the Site: SiteMiddleware then leaves it to be
    found by whatever asks (Wagtail's lookup, or keep_site). A comment post needs it only
    to show the page again with an error; looking it up (and copying it, with its root
    page) on every post was a twentieth of a comment post's CPU."""
    setattr(view, SITE_WHEN_ASKED, True)
    return view


def keep_site(request):
    """Set request._wagtail_site from site_for_request if it is not set yet."""
    if not hasattr(request, "_wagtail_site") and config().enabled:
        with contextlib.suppress(DATABASE_DOWN):
            request._wagtail_site = site_for_request(request)


class SiteMiddleware:
    """Before the view: reads the path's page-cache generations for a GET (kept on the
    request, request_generations; the page cache's own lookup has read them already for an
    anonymous reader) and sets request._wagtail_site (site_for_request); for a POST, once
    its view is known, unless the view is marked with site_when_asked."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # Without the page cache nothing is kept: Wagtail finds the site when it needs it.
        # On an outage the view meets it too, and answers with the 503 page.
        if not config().enabled:
            return self.get_response(request)
        if request.method in ("GET", "HEAD") and request_generations(request) is None:
            set_request_generations(request, page_generations(request.path_info))
        found = request_generations(request)
        token = _request_site_generation.set(found.get(GEN_ALL) if found else None)
        try:
            if request.method != "POST":
                keep_site(request)
            return self.get_response(request)
        finally:
            _request_site_generation.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method == "POST" and not getattr(view_func, SITE_WHEN_ASKED, False):
            keep_site(request)
