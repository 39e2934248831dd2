"""Threads about a WordPress site's posts found on the articles those posts became, through
the redirects that answer the posts' old addresses (kabar.ingest.redirects): by the
thread's address in any spelling the redirects accept (http or https, with or without
"www.", a trailing slash, ?p=ID) and by the identifier the WordPress Disqus plugin gives a
thread, "<post id> <guid>". Only addresses on a WordPress site Kabar imported, or on one
of Kabar's own sites, are looked up, each in the redirect table of the Kabar site that
answers them: nothing is matched by slug or title, nor by a post id of another site."""

import re
from typing import NamedTuple
from urllib.parse import urlsplit

from django.db.models import BigIntegerField
from django.db.models.functions import Cast
from wagtail.models import Site

from kabar.discussion.addresses import BadAddress, origin_of

from ..models import ImportedItem, ImportedKind, LegacyRedirect
from ..redirects import key_for, lookup_keys, redirect_rows

# How the WordPress Disqus plugin names a post's thread: its id, a space, its guid.
_PLUGIN_IDENTIFIER = re.compile(r"^(\d+)\s+(\S+)$")
_POST_KINDS = (ImportedKind.POST, ImportedKind.PAGE)


class Found(NamedTuple):
    # The pages the old addresses lead to: one, none, or several that disagree.
    pages: tuple
    # Whether the thread is a WordPress post's: its address is on a WordPress site Kabar
    # imported, or its identifier is the plugin's and on a site Kabar knows.
    wordpress: bool
    # The post id of the plugin's identifier, "" when there was none.
    post_id: str


def _host(url):
    """A site's address whatever its scheme and leading "www." ("example.com", with its
    port when it has one of its own); "" for what is not an http(s) address."""
    try:
        origin = origin_of(url)
    except BadAddress:
        return ""
    return origin.split("://", 1)[1].removeprefix("www.")


def _under(path, base_url):
    """Whether `path` is on the WordPress site at `base_url` (which may be in a folder)."""
    base = urlsplit(base_url).path.rstrip("/").lower() if base_url else ""
    path = path.lower()
    return not base or path == base or path.startswith(base + "/")


def plugin_post_id(identifier):
    """(post id, guid) of a thread identifier the WordPress Disqus plugin wrote, or
    ("", "")."""
    match = _PLUGIN_IDENTIFIER.match((identifier or "").strip())
    return (str(int(match.group(1))), match.group(2)) if match else ("", "")


def _places():
    """{host: {(Kabar site id, base address)}}: where an address on that host is looked
    up. Kabar's own sites answer old addresses at their root; an imported WordPress site's
    are kept relative to its address, for the Kabar site its posts went to."""
    places = {}
    for root in Site.get_site_root_paths():
        places.setdefault(_host(root.root_url), set()).add((root.site_id, ""))
    imported = ImportedItem.objects.filter(kind__in=_POST_KINDS)
    for base in imported.order_by().values_list("source", flat=True).distinct():
        pages = (
            imported.filter(source=base)
            .annotate(page_pk=Cast("object_id", BigIntegerField()))
            .values("page_pk")
        )
        site_ids = (
            LegacyRedirect.objects.filter(page_id__in=pages)
            .order_by()
            .values_list("site_id", flat=True)
            .distinct()
        )
        for site_id in site_ids:
            places.setdefault(_host(base), set()).add((site_id, base))
    places.pop("", None)
    return places


class OldAddresses:
    """The lookups of one import run; where to look is read once, on first use."""

    def __init__(self):
        self._places = None

    def _where(self, url):
        if self._places is None:
            self._places = _places()
        return sorted(self._places.get(_host(url), ()))

    def pages_for(self, url, identifier=""):
        """What the old addresses of a thread at `url` (with the source's `identifier`
        for it) lead to: a Found."""
        asked = []  # (site id, keys in order of preference), one per way of finding it
        wordpress = False
        if url:
            split = urlsplit(url)
            for site_id, base in self._where(url):
                if _under(split.path, base):
                    asked.append((site_id, lookup_keys(split.path, split.query, base)))
                    wordpress = wordpress or bool(base)
        post_id, guid = plugin_post_id(identifier)
        if post_id:
            keys = [key_for("/", f"p={post_id}"), key_for("/", f"page_id={post_id}")]
            sites = {site_id for site_id, _ in self._where(guid) + self._where(url)}
            asked += [(site_id, keys) for site_id in sorted(sites)]
            wordpress = wordpress or bool(sites)
        pages = set()
        for site_id in sorted({site_id for site_id, _ in asked}):
            rows = redirect_rows(site_id, {k for s, keys in asked if s == site_id for k in keys})
            for keys in (keys for s, keys in asked if s == site_id):
                first = next((rows[key] for key in keys if key in rows), None)
                if first is not None and first[0] is not None:
                    pages.add(first[0])
        return Found(pages=tuple(sorted(pages)), wordpress=wordpress, post_id=post_id)
