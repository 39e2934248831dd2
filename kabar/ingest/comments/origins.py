"""Where an imported thread's address is on the same site as a registered origin under
another spelling: http beside https, or the host with and without "www.". Disqus and
Remark42 keep each page under the address it was first seen at, so a site that moved to
https (or dropped "www.") has its older threads under the old origin."""

from urllib.parse import urlsplit, urlunsplit

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
