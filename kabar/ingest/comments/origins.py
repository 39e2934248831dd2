"""Where an imported thread's address is on the same site as a registered origin under
another spelling: http beside https, or the host with and without "www.". Disqus and
Remark42 keep each page under the address it was first seen at, so a site that moved to
https (or dropped "www.") has its older threads under the old origin. Their paths are
kept as the page gave them too: letters beyond ASCII unescaped (the permalink of a Hugo
or Jekyll site), without the trailing slash the site's addresses have now, escapes in
other capitals."""

import re
from urllib.parse import quote, urlsplit, urlunsplit

from kabar.discussion import sites
from kabar.discussion.addresses import BadAddress, origin_of


def _known(origin):
    """What takes `origin`'s comments: a registered site's id, "own" for Kabar's own
    pages, or None."""
    site = sites.site_for_origin(origin)
    if site is not None:
        return site.pk
    return "own" if sites.is_own_origin(origin) else None


def twin_address(url):
    """`url` moved to the one known origin (a registered site's, or Kabar's own) that
    differs from its own only by http/https or a leading "www.", https first; "" when its
    own origin is known, when none is, or when the twins belong to different sites."""
    try:
        origin = origin_of(url)
    except BadAddress:
        return ""
    if _known(origin) is not None:
        return ""
    split = urlsplit(url)
    scheme, host = origin.split("://", 1)
    if ":" in host:
        return ""  # a port of its own, or an IPv6 address: no other spelling
    other_host = host.removeprefix("www.") if host.startswith("www.") else f"www.{host}"
    twins = {}
    for candidate_host in (host, other_host):
        for candidate_scheme in ("https", "http"):
            if (candidate_scheme, candidate_host) == (scheme, host):
                continue
            known = _known(f"{candidate_scheme}://{candidate_host}")
            if known is not None:
                twins.setdefault(known, (candidate_scheme, candidate_host))
    if len(twins) != 1:
        return ""
    ((twin_scheme, twin_host),) = twins.values()
    return urlunsplit((twin_scheme, twin_host, split.path, split.query, split.fragment))


# What a browser percent-encodes in a path and in a query (WHATWG URL's path and
# special-query percent-encode sets) besides every character beyond ASCII.
_PATH_ESCAPED = frozenset(' "<>`{}')
_QUERY_ESCAPED = frozenset(" \"<>'")
_ESCAPE = re.compile("%[0-9A-Fa-f]{2}")


def _escaped(text, escaped):
    return "".join(
        quote(c, safe="") if ord(c) > 0x7E or ord(c) < 0x20 or c in escaped else c for c in text
    )


def as_browser_sends(url):
    """`url` as a reader's browser sends it, and Kabar's widget asks for its thread: the
    characters of its path and query that a browser escapes percent-encoded (as UTF-8),
    the escapes already there kept as they are. `url` itself when it cannot be so."""
    try:
        split = urlsplit(url)
        path = _escaped(split.path, _PATH_ESCAPED)
        query = _escaped(split.query, _QUERY_ESCAPED)
    except (ValueError, UnicodeError):
        return url  # refused as it is, by what reads it next
    if (path, query) == (split.path, split.query):
        return url
    return urlunsplit((split.scheme, split.netloc, path, query, split.fragment))


def path_twins(address):
    """Other spellings of the page at `address` (a normalised address): its path with or
    without its trailing slash, its escapes in capitals or in small letters; the likeliest
    first."""
    split = urlsplit(address)
    spellings = [split.path]
    for escapes in (str.upper, str.lower):
        spellings.append(_ESCAPE.sub(lambda match, f=escapes: f(match.group(0)), split.path))
    paths = []
    for path in spellings:
        paths.append(path)
        if path != "/":
            paths.append(path[:-1] if path.endswith("/") else path + "/")
    return [
        urlunsplit(split._replace(path=path)) for path in dict.fromkeys(paths) if path != split.path
    ]
