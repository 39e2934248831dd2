"""The addresses a WordPress site gave each kind of item (a post's permalink, ?p=ID, its
comment feeds; a category's archive and feeds; the site's own feeds), pointed at what Kabar
made of the item through the redirect table (redirects.py)."""

from typing import NamedTuple
from urllib.parse import quote

from django.urls import reverse

from kabar.discussion.targets import is_target
from kabar.news.models import SectionPage

from ..models import ImportedKind
from ..redirects import NUMERIC_PARAMETERS, redirects_changed, want_keys, write_keys

# The kind of the site itself: its own feeds.
SITE_KIND = "site"


class OldAddress(NamedTuple):
    """An old address, and what it showed: the item itself ("self"), a feed of it
    ("feed") or a feed of its comments ("comments")."""

    url: str
    role: str


def _join(base_url, tail):
    return base_url.rstrip("/") + "/" + tail.lstrip("/")


def _feeds_of(address, role):
    """The feeds WordPress serves under an address (pretty or with ?feed=)."""
    if "?" in address:
        return [OldAddress(f"{address}&feed={f}", role) for f in ("rss2", "atom")]
    tails = ("feed/", "feed/rss2/", "feed/atom/", "feed/rss/", "feed/rdf/")
    return [OldAddress(_join(address, tail), role) for tail in tails]


def wordpress_old_addresses(kind, base_url, *, wp_id=None, permalink="", slug="", aliases=()):
    """Every address an item had on the WordPress site at `base_url`, as absolute URLs
    with their role. `kind` is an ImportedKind value or "site" (the site's own feeds);
    `slug` is a category's path ("berita/dunia"), a tag's slug or an author's nicename;
    `aliases` other names its archive answered to (an author's login)."""
    addresses = []

    def add(url, role="self"):
        if url:
            addresses.append(OldAddress(url, role))

    def add_query(name, value, *, feeds=None):
        value = "" if value is None else str(value)
        if value and (name not in NUMERIC_PARAMETERS or value.isdigit()):
            url = _join(base_url, f"?{name}={value}")
            add(url)
            if feeds:
                addresses.extend(_feeds_of(url, feeds))

    if kind in (ImportedKind.POST, ImportedKind.PAGE):
        add(permalink)
        if permalink:
            addresses.extend(_feeds_of(permalink, "comments"))
        name = "p" if kind == ImportedKind.POST else "page_id"
        add_query(name, wp_id, feeds="comments")
    elif kind == ImportedKind.ATTACHMENT:
        add(permalink)
        add_query("attachment_id", wp_id)
    elif kind in (ImportedKind.CATEGORY, ImportedKind.TAG, ImportedKind.AUTHOR):
        base = {"category": "category", "tag": "tag", "author": "author"}[kind]
        archives = {permalink} if permalink else set()
        for name in (slug, *aliases):
            if name:
                archives.add(_join(base_url, f"{base}/{quote(name.strip('/'), safe='/@%')}/"))
        for archive in sorted(archives):
            add(archive)
            addresses.extend(_feeds_of(archive, "feed"))
        name = {"category": "cat", "tag": "tag", "author": "author"}[kind]
        add_query(name, slug if kind == ImportedKind.TAG else wp_id, feeds="feed")
    elif kind == SITE_KIND:
        addresses.extend(_feeds_of(_join(base_url, "/"), "feed"))
        addresses.extend(_feeds_of(_join(base_url, "comments/"), "comments"))
        for name in ("rss2", "atom", "rss", "rdf"):
            add(_join(base_url, f"?feed={name}"), "feed")
        for name in ("comments-rss2", "comments-atom"):
            add(_join(base_url, f"?feed={name}"), "comments")
    else:
        raise ValueError(f"no old addresses known for kind {kind!r}")
    return addresses


def _default_targets(kind, page):
    """(feed, comments) targets for an item when the importer names none; "" for the item
    itself."""
    if kind == SITE_KIND:
        return reverse("news:feed"), reverse("discussion:feed")
    feed = comments = ""
    if isinstance(page, SectionPage):
        feed = reverse("news:section_feed", args=[page.slug])
    if page is not None and is_target(page):
        comments = reverse("discussion:article_feed", args=[page.pk])
    return feed, comments


def _where(role, page, target, feed_target, comments_target):
    chosen = {"self": "", "feed": feed_target, "comments": comments_target}[role]
    if chosen:
        return {"target": chosen}
    if page is not None:
        return {"page": page}
    return {"target": target} if target else None


def redirects_for_wordpress(
    site,
    base_url,
    kind,
    *,
    wp_id=None,
    permalink="",
    slug="",
    aliases=(),
    page=None,
    target="",
    feed_target=None,
    comments_target=None,
):
    """Point every old address of one imported item (wordpress_old_addresses) at its
    Kabar page or `target`; its feeds at `feed_target` and its comment feeds at
    `comments_target`, by default the section's feed and the article's comments feed
    (the site's: Kabar's feed and comments feed), else the item itself. Returns
    {"created": n, "updated": n, "unchanged": n, "skipped": n}."""
    feed_default, comments_default = _default_targets(kind, page)
    feed_target = feed_default if feed_target is None else feed_target
    comments_target = comments_default if comments_target is None else comments_target
    counts = dict.fromkeys(("created", "updated", "unchanged", "skipped"), 0)
    wanted, yielding = {}, set()  # in one read and one write for the whole item
    for address in wordpress_old_addresses(
        kind, base_url, wp_id=wp_id, permalink=permalink, slug=slug, aliases=aliases
    ):
        where = _where(address.role, page, target, feed_target, comments_target)
        counts["skipped"] += want_keys(wanted, yielding, address.url, base_url, where)
    for result, n in write_keys(site, wanted, yielding).items():
        counts[result] += n
    if counts["created"] or counts["updated"]:
        redirects_changed(site)
    return counts
