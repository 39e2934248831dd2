"""Page cache for anonymous readers: articles, fronts, author and tag pages, feeds and
sitemaps served from Django's cache without touching the database.

How a page is found. The key is the scheme, host, path, the page-selecting query parameters
and the active language. Nothing is ever deleted to purge: every entry records the
*generations* it was rendered under — the site-wide one, and either its own path's or the
"lists" one (feeds, sitemaps, author and tag pages) — and is served only while they are
unchanged. Each app's purge wiring renews them (through kabar.core.purge) after every
change that shows on a page, so a section front with fifty `?page=` variants is purged by
one write. The generations are read
*before* a page is rendered, so a purge that lands while it renders makes it stale at once.
A path's own generation, made by its first lookup, is provisional until a copy of the page
is kept under it: probes of paths that do not exist leave nothing that lasts.

A view that answers by its query (the JSON API's thread list, registered with
`cache_by_query`) is kept too: its listed parameters and the request's Origin are part of
the key, and each copy is kept under the generations the view names (`keep_under`: its
thread's own), read back when a copy is found.

A stored page may show only what its key determines: `shareable_path` is the request's
address as the key has it, for a page to echo. What is never cached: requests carrying a
private cookie (KABAR_PRIVATE_COOKIES: session, own comments, messages), any query
parameter other than pagination and campaign tags, a pagination parameter given twice, or
a host not in lower case; methods other than GET (HEAD is served, not stored); responses
other than 200, streaming ones, ones that set a cookie, are private / no-store /
no-cache, or used a CSRF token.

Entries are immutable once written, so each process keeps recent ones in memory in front of
a shared cache (Redis, files) and only reads the few small generation values from it per
request. With the file cache (one host) even those are kept in memory: every purge touches
a stamp file beside the entries, and a process forgets the values it holds whenever the
stamp has changed since it read them — one stat() per request instead of three file reads.
Identity, gzip and brotli bodies are stored, so a hit never compresses. A hit is
served by `PageCacheApp`, a WSGI wrapper around Django (about five times the throughput of
answering from inside Django's handler), or by `PageCacheMiddleware` when Django's handler
is called directly (the test client); the middleware also stores what Django rendered.
"""

import functools
import gzip
import hashlib
import logging
import re
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field

import brotli
from django.conf import settings
from django.core.cache.backends.locmem import LocMemCache
from django.core.signals import setting_changed
from django.dispatch import receiver
from django.http import HttpResponse
from django.http.cookie import parse_cookie
from django.urls import NoReverseMatch, get_script_prefix, reverse
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.utils.encoding import escape_uri_path
from django.utils.http import http_date, parse_etags, parse_http_date_safe

from . import generations as _generations
from .generations import GEN_ALL, GEN_LISTS, path_generation_key

logger = logging.getLogger("kabar.cache")

ENVIRON_KEY = "kabar.page_cache"
HEADER = "X-Kabar-Cache"
GROUP_PATH = "path"
GROUP_LISTS = "lists"
GROUP_QUERY = "query"
# A weight (RFC 9110, 12.4.2): 0 to 1, three decimals at most.
_WEIGHT = re.compile(r"(?:0(?:\.\d{0,3})?|1(?:\.0{0,3})?)")
# Brotli's quality 6 compresses a page in a few milliseconds, once per stored copy, and
# smaller than gzip's best; 11 would take about ten times as long.
BROTLI_QUALITY = 6
_compressible = re.compile(r"^(text/|application/(.+\+)?(xml|json|javascript))")
_skip_headers = {
    "content-length",
    "content-encoding",
    "etag",
    "last-modified",
    "set-cookie",
    "date",
    HEADER.lower(),
}
_status_lines = {200: "200 OK", 304: "304 Not Modified"}


# Configuration, read once and again whenever a test overrides a setting.


class _Config:
    def __init__(self):
        conf = settings.KABAR_PAGE_CACHE
        self.enabled = conf.get("ENABLED", True)
        self.timeout = conf.get("TIMEOUT", 3600)
        self.shared_max_age = conf.get("SHARED_MAX_AGE", 0)
        self.page_parameters = frozenset(conf.get("PAGE_PARAMETERS", ()))
        ignored = conf.get("IGNORED_PARAMETERS", ())
        self.ignored_exact = frozenset(p for p in ignored if not p.endswith("*"))
        self.ignored_prefixes = tuple(p[:-1] for p in ignored if p.endswith("*"))
        self.lists = frozenset(conf.get("LISTS", ()))
        prefixes = list(conf.get("EXCLUDED_PREFIXES", ()))
        prefixes += [u for u in (settings.STATIC_URL, settings.MEDIA_URL) if u and u[0] == "/"]
        self.excluded = tuple(prefixes)
        self.private_cookies = frozenset(settings.KABAR_PRIVATE_COOKIES)
        self.language_cookie = settings.LANGUAGE_COOKIE_NAME
        self.languages = frozenset(code for code, _name in settings.LANGUAGES)
        self.by_query = _paths_by_query()
        self.default_language = settings.LANGUAGE_CODE
        self.proxy_ssl_header = settings.SECURE_PROXY_SSL_HEADER
        self.use_forwarded_host = settings.USE_X_FORWARDED_HOST
        # The entries live in the generations' store.
        self.cache = _generations.store().cache
        self.local = (
            None
            if isinstance(self.cache, LocMemCache)
            else LocalEntries(conf.get("LOCAL_BYTES", 32 * 1024 * 1024))
        )


_config = None


def config():
    global _config
    if _config is None:
        _config = _Config()
    return _config


@receiver(setting_changed)
def _reset_config(**kwargs):
    global _config
    _config = None


# Views answered from the cache by their query: {URL name: (parameters, private headers)}.
_by_query = {}


def cache_by_query(url_name, parameters, *, private_headers=()):
    """Let the view named `url_name` be answered from the cache. Its query `parameters`
    (any value, repeated or not, in the order given) and the request's Origin (the view
    answers other sites' scripts, with CORS headers for their origin) are part of the key;
    a request carrying one of `private_headers` is the reader's own. A copy is stored only
    when the view says which generations it read what it shows under (keep_under)."""
    global _config
    _by_query[url_name] = (frozenset(parameters), tuple(private_headers))
    _config = None


def _paths_by_query():
    """{path: (parameters, private headers as WSGI environ keys)} of the registered views."""
    found = {}
    for name, (parameters, headers) in _by_query.items():
        try:
            path = "/" + reverse(name).removeprefix(get_script_prefix())
        except NoReverseMatch:
            continue
        environ_keys = tuple("HTTP_" + h.upper().replace("-", "_") for h in headers)
        found[path] = (parameters, environ_keys)
    return found


# Entries.


@dataclass
class Entry:
    generations: dict
    headers: list
    body: bytes
    gzip_body: bytes | None
    etag: str
    last_modified: int
    expires: float
    # A default, so that entries stored before brotli copies existed still load.
    br_body: bytes | None = None
    size: int = field(default=0)

    def __post_init__(self):
        compressed = len(self.gzip_body or b"") + len(self.br_body or b"")
        self.size = len(self.body) + compressed + 512


class LocalEntries:
    """The most recently used entries of this process, up to a number of bytes."""

    def __init__(self, max_bytes):
        self.max_bytes = max_bytes
        self.bytes = 0
        self.entries = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        with self.lock:
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, key, entry):
        if entry.size > self.max_bytes // 8:
            return
        with self.lock:
            old = self.entries.pop(key, None)
            if old is not None:
                self.bytes -= old.size
            self.entries[key] = entry
            self.bytes += entry.size
            while self.bytes > self.max_bytes and self.entries:
                _key, dropped = self.entries.popitem(last=False)
                self.bytes -= dropped.size

    def clear(self):
        with self.lock:
            self.entries.clear()
            self.bytes = 0


@functools.lru_cache(maxsize=256)
def accepted_codings(accept_encoding):
    """The content codings an Accept-Encoding header accepts, lower-case: named with no
    weight or a weight above 0 (`br;q=0` refuses brotli); x-gzip is gzip (RFC 9110,
    8.4.1.3). A browser sends one of a handful of headers, so the answers are kept."""
    accepted = set()
    for part in accept_encoding[:2000].split(","):
        name, _, params = part.partition(";")
        weight = params.strip().lower()
        if weight.startswith("q"):
            weight = weight[1:].lstrip().removeprefix("=").strip()
            if not _WEIGHT.fullmatch(weight) or float(weight) == 0:
                continue
        name = name.strip().lower()
        accepted.add("gzip" if name == "x-gzip" else name)
    return frozenset(accepted)


def compressible(content_type):
    """Whether a response of this type is text, which gzip and brotli make smaller."""
    return _compressible.match(content_type) is not None


# Looking a request up.


@dataclass
class Lookup:
    key: str
    path_key: str
    generations: dict
    gzip: bool
    head: bool
    entry: Entry | None = None
    brotli: bool = False


def _query_part(query_string, conf, keyed=frozenset()):
    """The query string as it goes into the key, or None when it makes the page personal
    or unknown (search terms, replytocom, anything a view may read) or ambiguous (a page
    parameter given twice: which one a view reads is not the key's to guess). The `keyed`
    parameters of a view answered by its query go in as sent, in their order."""
    if not query_string:
        return ""
    kept = {}
    as_sent = []
    for pair in query_string.split("&"):
        if not pair:
            continue
        name, _eq, value = pair.partition("=")
        if name in conf.page_parameters:
            if name in kept or not (value.isascii() and value.isdigit()) or len(value) > 12:
                return None
            # Leading zeros dropped as int() would, without converting: Python refuses to
            # convert more than 4,300 digits (ValueError), and a page number of them is
            # no page to keep.
            kept[name] = f"{name}={value.lstrip('0') or '0'}"
        elif name in keyed:
            as_sent.append(pair)
        elif name in conf.ignored_exact or name.startswith(conf.ignored_prefixes or ("\0",)):
            continue
        else:
            return None
    return "&".join([*sorted(kept.values()), *as_sent])


def _scheme(environ, conf):
    if conf.proxy_ssl_header:
        header, secure_value = conf.proxy_ssl_header
        value = environ.get(header)
        if value is not None:
            return "https" if value.split(",", 1)[0].strip() == secure_value else "http"
    return environ.get("wsgi.url_scheme", "http")


def _host(environ, conf):
    if conf.use_forwarded_host and "HTTP_X_FORWARDED_HOST" in environ:
        return environ["HTTP_X_FORWARDED_HOST"].lower()
    return environ.get("HTTP_HOST") or f"{environ.get('SERVER_NAME')}:{environ.get('SERVER_PORT')}"


def _path(environ):
    """PATH_INFO as text, so "/berita/kópi/" here is the path a purge names. Servers pass
    it as UTF-8 bytes read as Latin-1 (PEP 3333); Django's test client passes text."""
    raw = environ.get("PATH_INFO", "/")
    try:
        return raw.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return raw


def _is_private(cookies, conf):
    return any(name in conf.private_cookies for name in cookies)


def lookup(environ):
    """A Lookup for a cacheable request (with .entry set on a hit), else None."""
    conf = config()
    if not conf.enabled:
        return None
    method = environ.get("REQUEST_METHOD")
    if method not in ("GET", "HEAD"):
        return None
    path = _path(environ)
    if path.startswith(conf.excluded):
        return None
    by_query = conf.by_query.get(path)
    if by_query is not None and any(key in environ for key in by_query[1]):
        return None
    raw_cookies = environ.get("HTTP_COOKIE", "")
    cookies = parse_cookie(raw_cookies) if raw_cookies else {}
    if cookies and _is_private(cookies, conf):
        return None
    query = _query_part(environ.get("QUERY_STRING", ""), conf, by_query[0] if by_query else ())
    if query is None:
        return None
    language = cookies.get(conf.language_cookie)
    if language not in conf.languages:
        language = conf.default_language
    host = _host(environ, conf)
    if host != host.lower():
        # Feeds and absolute links show the host as sent: a key holding only its lower
        # case would hand one reader's capitals to all. Browsers send it in lower case.
        return None
    raw_key = f"{_scheme(environ, conf)}|{host}|{path}|{query}|{language}"
    if by_query is not None:
        raw_key += f"|{environ.get('HTTP_ORIGIN', '')}"
    key = "page:" + hashlib.sha1(raw_key.encode(), usedforsecurity=False).hexdigest()
    path_key = path_generation_key(path)
    # The path's own is provisional: store() makes it last once a copy is kept.
    generations = _generations.read([GEN_ALL, GEN_LISTS, path_key], provisional=(path_key,))
    codings = accepted_codings(environ.get("HTTP_ACCEPT_ENCODING", ""))
    found = Lookup(
        key=key,
        path_key=path_key,
        generations=generations,
        gzip="gzip" in codings,
        head=method == "HEAD",
        brotli="br" in codings,
    )
    found.entry = _fresh_entry(conf, key, generations)
    return found


def page_generations(path):
    """The generations a cached copy of `path` is valid under ({GEN_ALL: .., path key: ..}),
    or None when the page cache is off or unreadable. A fragment kept under them (the
    article's own HTML, kabar/news/templatetags/news.py) is exactly as fresh as the page
    cache would be: everything that purges the page renews them. The lists' generation is
    read with them (as the page cache's lookup does), for parts that show other pages."""
    if not config().enabled:
        return None
    path_key = path_generation_key(path)
    return _generations.read_safely([GEN_ALL, GEN_LISTS, path_key], provisional=(path_key,))


SHOWN_AS_ATTR = "_kabar_shown_as"


def show_as(request, path):
    """The page a view renders is shown at another address (a form's, after a refused post):
    shareable_path gives `path`, the page's own, for the links that name the page."""
    setattr(request, SHOWN_AS_ATTR, path)


def shareable_path(request):
    """The request's path and query string as far as a shared copy of its page may show
    them: what its cache key holds (page numbers; campaign tags left out). A query string
    that keeps the page out of the cache is given back whole: that page is the reader's own.
    For a page shown at another address (show_as), the page's own path."""
    shown_as = getattr(request, SHOWN_AS_ATTR, None)
    if shown_as is not None:
        return shown_as
    query = _query_part(request.META.get("QUERY_STRING", ""), config())
    if query is None:
        return request.get_full_path()
    return escape_uri_path(request.path) + (f"?{query}" if query else "")


GENERATIONS_ATTR = "_kabar_generations"
PRIVATE_ATTR = "_kabar_private"
EXPIRY_ATTR = "_kabar_expires_in"
KEPT_UNDER_ATTR = "_kabar_kept_under"


def request_generations(request):
    """The generations of the request's path as read before its view ran (the page cache's
    lookup or SiteMiddleware), or None. Only under these may what the view renders be
    kept: read after the view has loaded its page, they could already be a purge newer
    than what it loaded."""
    return getattr(request, GENERATIONS_ATTR, None)


def set_request_generations(request, found):
    setattr(request, GENERATIONS_ATTR, found)


def keep_private(request):
    """What is rendered for this request is this reader's alone (their own held comments,
    links to edit them): never stored, and no cache in front may keep it."""
    setattr(request, PRIVATE_ATTR, True)


def expire_within(request, seconds):
    """What is rendered for this request changes by itself in `seconds` (a comment form that
    opens or closes by the clock): a stored copy lives no longer."""
    current = getattr(request, EXPIRY_ATTR, None)
    if current is None or seconds < current:
        setattr(request, EXPIRY_ATTR, seconds)


def keep_under(request, generations):
    """What a view answered by its query (cache_by_query) renders for this request may be
    stored under these generations ({key: value}), read before what it shows was loaded:
    a copy is served while they and the site-wide one are unchanged."""
    setattr(request, KEPT_UNDER_ATTR, dict(generations))


def _is_valid(entry, generations, now):
    if entry.expires < now:
        return False
    # A view's own generations (keep_under) are read only for the copies that name them.
    own = [k for k in entry.generations if k not in generations]
    if own:
        generations = {**generations, **_generations.read(own)}
    return all(generations.get(k) == v for k, v in entry.generations.items())


def _fresh_entry(conf, key, generations):
    now = time.time()
    if conf.local is not None:
        entry = conf.local.get(key)
        if entry is not None and _is_valid(entry, generations, now):
            return entry
    entry = conf.cache.get(key)
    if entry is None or not _is_valid(entry, generations, now):
        return None
    if conf.local is not None:
        conf.local.put(key, entry)
    return entry


# Answering from an entry.


def _not_modified(entry, environ):
    if_none_match = environ.get("HTTP_IF_NONE_MATCH")
    if if_none_match:
        tags = parse_etags(if_none_match)
        ours = entry.etag.removeprefix("W/")
        return "*" in tags or any(tag.removeprefix("W/") == ours for tag in tags)
    if_modified_since = environ.get("HTTP_IF_MODIFIED_SINCE")
    if if_modified_since:
        since = parse_http_date_safe(if_modified_since)
        return since is not None and entry.last_modified <= since
    return False


@functools.lru_cache(maxsize=4096)
def _http_date(timestamp):
    return http_date(timestamp)


def answer(found, environ, state):
    """(status, headers, body) for a request whose Lookup found an entry."""
    entry = found.entry
    validators = [("ETag", entry.etag), ("Last-Modified", _http_date(entry.last_modified))]
    if _not_modified(entry, environ):
        kept = [(k, v) for k, v in entry.headers if k.lower() in ("cache-control", "vary")]
        return 304, [*kept, *validators, (HEADER, state)], b""
    headers = [*entry.headers, *validators, (HEADER, state)]
    if found.brotli and entry.br_body is not None:
        body = entry.br_body
        headers.append(("Content-Encoding", "br"))
    elif found.gzip and entry.gzip_body is not None:
        body = entry.gzip_body
        headers.append(("Content-Encoding", "gzip"))
    else:
        body = entry.body
    headers.append(("Content-Length", str(len(body))))
    return 200, headers, b"" if found.head else body


def _http_response(status, headers, body):
    response = HttpResponse(body, status=status)
    for name, value in headers:
        response.headers[name] = value
    return response


# Storing what Django rendered.


def _view_group(request, response, conf):
    if request.path_info in conf.by_query:
        return GROUP_QUERY if hasattr(request, KEPT_UNDER_ATTR) else None
    match = getattr(request, "resolver_match", None)
    view_name = match.view_name if match else None
    if view_name == "wagtail_serve":
        return GROUP_PATH
    if view_name in conf.lists:
        return GROUP_LISTS
    content_type = response.get("Content-Type", "")
    if content_type.startswith(("application/rss+xml", "application/atom+xml")):
        return GROUP_LISTS
    return None


def _is_storable(request, response, group):
    if request.method != "GET" or response.status_code != 200 or response.streaming:
        return False
    if response.cookies or request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        return False
    cache_control = response.get("Cache-Control", "").lower()
    if any(word in cache_control for word in ("private", "no-store", "no-cache")):
        return False
    vary = {v.strip().lower() for v in response.get("Vary", "").split(",") if v.strip()}
    # Origin is in the key of what is answered by its query.
    keyed = {"origin"} if group == GROUP_QUERY else set()
    return vary <= {"cookie", "accept-encoding", "accept-language", *keyed}


def store(request, response, found):
    """Store `response` for `found` if it may be shared; the Entry, or None."""
    conf = config()
    group = _view_group(request, response, conf)
    if group is None or not _is_storable(request, response, group):
        return None
    if group == GROUP_QUERY:
        kept_under = {GEN_ALL: found.generations[GEN_ALL], **getattr(request, KEPT_UNDER_ATTR)}
        if not _generations.keep(kept_under):
            return None  # changed while it rendered
    elif group == GROUP_PATH and not _generations.keep(
        {found.path_key: found.generations[found.path_key]}
    ):
        return None  # purged (or expired) while it rendered: the copy would never be served
    else:
        keys = [GEN_ALL, found.path_key if group == GROUP_PATH else GEN_LISTS]
        kept_under = {k: found.generations[k] for k in keys}
    ttl = conf.timeout
    expiry = getattr(request, EXPIRY_ATTR, None)
    if expiry is not None:
        ttl = max(1, min(ttl, int(expiry)))
    patch_vary_headers(response, ["Accept-Encoding"])
    if "Cache-Control" not in response:
        patch_cache_control(response, max_age=0, s_maxage=conf.shared_max_age)
    body = response.content
    compress = compressible(response.get("Content-Type", "")) and len(body) >= 200
    gzip_body = gzip.compress(body, 6, mtime=0) if compress else None
    br_body = brotli.compress(body, quality=BROTLI_QUALITY) if compress else None
    digest = hashlib.sha1(body, usedforsecurity=False).hexdigest()[:24]
    entry = Entry(
        generations=kept_under,
        headers=[(k, v) for k, v in response.items() if k.lower() not in _skip_headers],
        body=body,
        gzip_body=gzip_body,
        br_body=br_body,
        etag=f'W/"{digest}"',
        last_modified=int(time.time()),
        expires=time.time() + ttl,
    )
    conf.cache.set(found.key, entry, timeout=ttl)
    if conf.local is not None:
        conf.local.put(found.key, entry)
    return entry


def _safe_lookup(environ):
    try:
        return lookup(environ)
    except Exception:
        # A cache that is down slows the site; it must not take it down.
        logger.exception("page cache lookup failed")
        return None


class PageCacheMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        found = request.META.pop(ENVIRON_KEY, None) or _safe_lookup(request.META)
        if found is not None and found.entry is not None:
            return _http_response(*answer(found, request.META, "hit"))
        if found is not None:
            set_request_generations(request, found.generations)
        response = self.get_response(request)
        if getattr(request, PRIVATE_ATTR, False):
            add_never_cache_headers(response)
            patch_cache_control(response, private=True)
        if found is None:
            if request.method in ("GET", "HEAD") and _is_private(request.COOKIES, config()):
                # A reader's own page: no shared cache in front may keep it either.
                if "Cache-Control" not in response:
                    patch_cache_control(response, private=True)
                response.headers.setdefault(HEADER, "bypass")
            return response
        try:
            entry = store(request, response, found)
        except Exception:
            logger.exception("page cache store failed")
            entry = None
        if entry is None:
            response.headers.setdefault(HEADER, "pass")
            return response
        found.entry = entry
        return _http_response(*answer(found, request.META, "miss"))


class PageCacheApp:
    """WSGI wrapper that answers cache hits before Django builds a request at all."""

    def __init__(self, application):
        self.application = application

    def __call__(self, environ, start_response):
        found = _safe_lookup(environ)
        if found is not None:
            if found.entry is not None:
                status, headers, body = answer(found, environ, "hit")
                start_response(_status_lines[status], headers)
                return [body]
            environ[ENVIRON_KEY] = found
        return self.application(environ, start_response)
