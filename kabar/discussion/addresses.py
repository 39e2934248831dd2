"""Addresses of pages on other sites, as a thread is kept under them: one spelling for each
page however a reader's browser wrote it, so /story and /Story?ref=home#top find one
discussion (unless the site keeps query strings apart)."""

import functools
import hashlib
from urllib.parse import urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ADDRESS_MAX_LENGTH = 2000
DEFAULT_PORTS = {"http": 80, "https": 443}

BAD_ADDRESS = _("This is not the address of a web page (http or https).")
ORIGIN_ONLY = _("Give the site's origin only: scheme, host and port, no path.")


class BadAddress(ValueError):
    def __init__(self, message=BAD_ADDRESS):
        super().__init__(message)
        self.message = message


def _parts(url):
    """(scheme, host, port or None, path, query) of an http(s) URL, lower-cased where case
    does not matter; BadAddress otherwise."""
    if not isinstance(url, str) or not url or len(url) > ADDRESS_MAX_LENGTH:
        raise BadAddress()
    return _url_parts(url)


# Every API request names its page's address and origin (a comment POST parses them five
# times): each process keeps the parts of the addresses it met lately. Refusals are not kept.
@functools.lru_cache(maxsize=1024)
def _url_parts(url):
    if any(ord(c) < 0x20 or c.isspace() or 0xD800 <= ord(c) <= 0xDFFF for c in url):
        raise BadAddress()  # control characters, spaces, lone surrogates
    try:
        split = urlsplit(url)
        port = split.port
    except ValueError:
        raise BadAddress() from None
    scheme, host = split.scheme.lower(), (split.hostname or "").rstrip(".")
    if scheme not in DEFAULT_PORTS or not host or split.username or split.password:
        raise BadAddress()
    if port == DEFAULT_PORTS[scheme]:
        port = None
    return scheme, host, port, split.path or "/", split.query


def _netloc(host, port):
    host = f"[{host}]" if ":" in host else host
    return host + (f":{port}" if port else "")


def origin_of(url):
    """The origin (scheme://host[:port]) of an http(s) URL, normalised; BadAddress
    otherwise."""
    scheme, host, port, _path, _query = _parts(url)
    return f"{scheme}://{_netloc(host, port)}"


def normalise_origin(origin):
    """ "https://Blog.Example.org:443/" -> "https://blog.example.org"; BadAddress when it is
    no http(s) origin (a path, a query or a fragment included)."""
    origin = origin.strip() if isinstance(origin, str) else ""
    scheme, host, port, path, query = _parts(origin)
    if path != "/" or query or "#" in origin:
        raise BadAddress(ORIGIN_ONLY)
    return f"{scheme}://{_netloc(host, port)}"


def normalise_url(url, *, keep_query=False):
    """The address a thread is kept under: scheme and host lower-cased, a default port
    dropped, the path as given ("/" for none), the fragment always dropped and the query
    dropped unless the site keeps it (`keep_query`)."""
    scheme, host, port, path, query = _parts(url)
    return urlunsplit((scheme, _netloc(host, port), path, query if keep_query else "", ""))


def address_key(address):
    """What a thread is looked up by: a fixed-length digest of its normalised address."""
    return hashlib.sha256(address.encode()).hexdigest()


def validate_origin(value):
    try:
        normalise_origin(value)
    except BadAddress as exc:
        raise ValidationError(exc.message) from None


def validate_origins(value):
    for line in value.splitlines():
        if line.strip():
            validate_origin(line)


def origins_in(text):
    """The valid origins in `text`, one per line, normalised, each once."""
    found = []
    for line in text.splitlines():
        try:
            found.append(normalise_origin(line))
        except BadAddress:
            continue
    return list(dict.fromkeys(found))
