"""Purging cached pages, here and in caches in front, by path or everything at once.

A purge renews generations (kabar.core.generations): a path's own, the lists' (feeds,
sitemaps, author and tag pages) or the site-wide one. Paths are worked out at once, while
the page still exists; the purge itself runs after the transaction commits, so no reader
can re-cache the old version in between. Each app wires its own events to this in its own
module (kabar/news/purge.py, kabar/discussion/receivers.py).

Caches in front (Varnish, a CDN: WAGTAILFRONTENDCACHE) are sent the same URLs through
Wagtail's frontend-cache PurgeBatch. They cannot be told "everything" or "every ?page=",
which is why the s-maxage they get stays short unless configured otherwise.
"""

import logging

from django.conf import settings
from django.db import transaction
from wagtail.contrib.frontend_cache.utils import PurgeBatch
from wagtail.models import Site

from . import generations
from .generations import GEN_ALL, GEN_LISTS, path_generation_key

logger = logging.getLogger("kabar.cache")


def page_generation_key(page_id):
    """Renewed by every change to the page with this id (kabar/news/purge.py): what was
    read of the page itself may be kept under it."""
    return generations.generation_key("page", page_id)


def purge_paths(paths, *, lists=True, page_ids=()):
    keys = [path_generation_key(p) for p in paths]
    keys += [page_generation_key(pk) for pk in page_ids]
    generations.renew([*keys, GEN_LISTS] if lists else keys)


def purge_everything():
    generations.renew([GEN_ALL])


def front_caches_configured():
    return bool(getattr(settings, "WAGTAILFRONTENDCACHE", None))


def relative_urls(url_path):
    """(root_url, path) of a Wagtail url_path under every site that holds it."""
    found = []
    for root in Site.get_site_root_paths():
        if url_path.startswith(root.root_path):
            found.append((root.root_url, url_path[len(root.root_path) - 1 :]))
    return found


def site_roots_of(url_path):
    """(root_url, "/") of every site that holds the Wagtail url_path."""
    return [
        (root.root_url, "/")
        for root in Site.get_site_root_paths()
        if url_path.startswith(root.root_path)
    ]


class Purge:
    """Paths and URLs collected now, purged after commit."""

    def __init__(self):
        self.paths = set()
        self.urls = set()
        self.page_ids = set()
        self.everything = False

    def add(self, root_url, path):
        self.paths.add(path)
        self.urls.add(root_url + path)

    def add_url_path(self, url_path):
        for root_url, path in relative_urls(url_path):
            self.add(root_url, path)

    def add_everywhere(self, path):
        """A path every site answers (a view of the project's own, not a page)."""
        for root_url in {root.root_url for root in Site.get_site_root_paths()}:
            self.add(root_url, path)

    def commit(self):
        """Run the purge once the current transaction (if any) has committed."""
        transaction.on_commit(self.run)

    def run(self):
        if self.everything:
            generations.renew([GEN_ALL, *(page_generation_key(pk) for pk in self.page_ids)])
        else:
            purge_paths(self.paths, page_ids=self.page_ids)
        if self.urls and front_caches_configured():
            try:
                PurgeBatch(self.urls).purge()
            except Exception:
                logger.exception("frontend cache purge failed")


def everything_changed(sender, **kwargs):
    """A receiver for changes that show on every page."""
    transaction.on_commit(purge_everything)
