"""Purging cached pages whenever what they show changes, here and in caches in front.

An article's change (publish, unpublish, edit, move, slug change, delete, a comment
approved, edited or removed) makes its own page, its section front (every `?page=` of it),
the home front and the lists (feeds, sitemaps, author and tag pages, all of which show
articles or comment counts) fresh. A change to anything else that shows on every page (a
section or the home page, site or discussion settings, an author, an image) renews the
whole cache. Paths are worked out at once, while the page still exists; the purge itself
runs after the transaction commits, so no reader can re-cache the old version in between.

Caches in front (Varnish, a CDN: WAGTAILFRONTENDCACHE) are sent the same URLs through
Wagtail's frontend-cache PurgeBatch. They cannot be told "everything" or "every ?page=",
which is why the s-maxage they get stays short unless configured otherwise.
"""

import logging

from django.conf import settings
from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete
from django.urls import NoReverseMatch, reverse
from wagtail.models import Page, PageViewRestriction, Site

from .cache import (
    GEN_ALL,
    GEN_LISTS,
    config,
    new_generation,
    path_generation_key,
    touch_stamp,
)

logger = logging.getLogger("kabar.cache")

FEED_URL_NAMES = ["news:feed", "news:feed_atom", "sitemap"]
SECTION_FEED_URL_NAMES = ["news:section_feed", "news:section_feed_atom"]


def bump(keys):
    """Give each generation a new value: every entry recorded under the old one is stale."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    try:
        config().cache.set_many({key: new_generation() for key in keys}, timeout=None)
        touch_stamp()
    except Exception:
        logger.exception("page cache purge failed: %s", keys)


def purge_paths(paths, *, lists=True):
    keys = [path_generation_key(p) for p in paths]
    bump([*keys, GEN_LISTS] if lists else keys)


def purge_everything():
    bump([GEN_ALL])


# Where pages are.


def _root_paths():
    return Site.get_site_root_paths()


def relative_urls(url_path):
    """(root_url, path) of a Wagtail url_path under every site that holds it."""
    found = []
    for root in _root_paths():
        if url_path.startswith(root.root_path):
            found.append((root.root_url, url_path[len(root.root_path) - 1 :]))
    return found


def _site_roots_of(url_path):
    return [(root.root_url, "/") for root in _root_paths() if url_path.startswith(root.root_path)]


class Purge:
    """Paths and URLs collected now, purged after commit."""

    def __init__(self):
        self.paths = set()
        self.urls = set()
        self.everything = False

    def add_url_path(self, url_path):
        for root_url, path in relative_urls(url_path):
            self.paths.add(path)
            self.urls.add(root_url + path)

    def add_article(self, url_path, section_url_path=None, section_slug=None):
        self.add_url_path(url_path)
        if section_url_path:
            self.add_url_path(section_url_path)
        for root_url, path in _site_roots_of(url_path):
            self.paths.add(path)
            self.urls.add(root_url + path)
            self._add_feed_urls(root_url, section_slug)

    def _add_feed_urls(self, root_url, section_slug):
        if not getattr(settings, "WAGTAILFRONTENDCACHE", None):
            return
        names = [(name, ()) for name in FEED_URL_NAMES]
        if section_slug:
            names += [(name, (section_slug,)) for name in SECTION_FEED_URL_NAMES]
        for name, args in names:
            try:
                self.urls.add(root_url + reverse(name, args=args))
            except NoReverseMatch:
                continue

    def commit(self):
        """Run the purge once the current transaction (if any) has committed."""
        transaction.on_commit(self.run)

    def run(self):
        if self.everything:
            purge_everything()
        else:
            purge_paths(self.paths)
        if self.urls and getattr(settings, "WAGTAILFRONTENDCACHE", None):
            from wagtail.contrib.frontend_cache.utils import PurgeBatch

            try:
                PurgeBatch(self.urls).purge()
            except Exception:
                logger.exception("frontend cache purge failed")


def _is_article(page):
    from kabar.news.models import ArticlePage

    return page.specific_class is not None and issubclass(page.specific_class, ArticlePage)


def purge_for_page(page, *, url_paths=()):
    """Purge what a change to `page` (any Page) shows on; url_paths adds former locations."""
    purge = Purge()
    if _is_article(page):
        parent = page.get_parent()
        if parent is None:
            purge.add_article(page.url_path)
        else:
            purge.add_article(page.url_path, parent.url_path, parent.slug)
    else:
        purge.everything = True
        purge.add_url_path(page.url_path)
        for root_url, path in _site_roots_of(page.url_path):
            purge.urls.add(root_url + path)
    for url_path in url_paths:
        purge.add_url_path(url_path)
    purge.commit()
    return purge


def purge_for_article_id(page_id, article=None):
    """Purge after a comment on the article with this id changed in public view. `article`
    is the ArticlePage, when the caller has it loaded with its section."""
    from kabar.news.models import ArticlePage

    if isinstance(article, ArticlePage) and ArticlePage.section.is_cached(article):
        section = article.section
        row = (article.url_path, section and section.url_path, section and section.slug)
    else:
        row = (
            ArticlePage.objects.filter(pk=page_id)
            .values_list("url_path", "section__url_path", "section__slug")
            .first()
        )
    purge = Purge()
    if row is None:
        purge.paths.add("/")
    else:
        purge.add_article(*row)
    # The article's cached comment thread first: a page rendered once the purge has run
    # must not be built with the thread from before the change.
    transaction.on_commit(lambda: _renew_thread(page_id))
    purge.commit()
    return purge


def _renew_thread(page_id):
    from kabar.discussion.fragments import threads_changed

    threads_changed([page_id])


# Receivers, connected from CoreConfig.ready().


def page_published(sender, instance, **kwargs):
    purge_for_page(instance)


def page_unpublished(sender, instance, **kwargs):
    purge_for_page(instance)


def page_moved(sender, instance, url_path_before, parent_page_before=None, **kwargs):
    former = [url_path_before]
    if parent_page_before is not None:
        former.append(parent_page_before.url_path)
    purge_for_page(instance, url_paths=former)


def page_slug_changed(sender, instance, instance_before, **kwargs):
    # Sent after commit already; on_commit then runs at once.
    purge_for_page(instance, url_paths=[instance_before.url_path])


def page_deleted(sender, instance, **kwargs):
    if isinstance(instance, Page) and instance.url_path:
        purge_for_page(instance)


def comment_stored(sender, comment, **kwargs):
    from kabar.discussion.models import CommentStatus

    if comment.status == CommentStatus.APPROVED:
        # comment_submit leaves the article it loaded on the comment.
        article = comment.page if type(comment).page.is_cached(comment) else None
        purge_for_article_id(comment.page_id, article=article)


def comments_moderated(sender, comments, previous=None, **kwargs):
    from kabar.discussion.models import CommentStatus

    previous = previous or {}
    approved = CommentStatus.APPROVED
    page_ids = {c.page_id for c in comments if approved in (c.status, previous.get(c.pk, approved))}
    for page_id in page_ids:
        purge_for_article_id(page_id)


def comment_changed(sender, comment=None, page_id=None, **kwargs):
    purge_for_article_id(page_id or comment.page_id)


def comments_erased(sender, page_ids=(), **kwargs):
    for page_id in page_ids:
        purge_for_article_id(page_id)


def everything_changed(sender, **kwargs):
    transaction.on_commit(purge_everything)


def image_changed(sender, created=False, **kwargs):
    # A new image shows nowhere yet; a replaced file changes its renditions' URLs.
    if not created:
        transaction.on_commit(purge_everything)


def connect():
    from wagtail import signals as wagtail_signals
    from wagtail.images import get_image_model

    from kabar.discussion import signals as discussion_signals
    from kabar.discussion.models import DiscussionSettings
    from kabar.news.models import Author

    uid = "kabar.core.purge"
    wagtail_signals.page_published.connect(page_published, dispatch_uid=f"{uid}.published")
    wagtail_signals.page_unpublished.connect(page_unpublished, dispatch_uid=f"{uid}.unpublished")
    wagtail_signals.post_page_move.connect(page_moved, dispatch_uid=f"{uid}.moved")
    wagtail_signals.page_slug_changed.connect(page_slug_changed, dispatch_uid=f"{uid}.slug")
    pre_delete.connect(page_deleted, sender=Page, dispatch_uid=f"{uid}.deleted")
    discussion_signals.comment_stored.connect(comment_stored, dispatch_uid=f"{uid}.stored")
    discussion_signals.comments_moderated.connect(
        comments_moderated, dispatch_uid=f"{uid}.moderated"
    )
    discussion_signals.comment_edited.connect(comment_changed, dispatch_uid=f"{uid}.edited")
    discussion_signals.comment_removed.connect(comment_changed, dispatch_uid=f"{uid}.removed")
    erased = getattr(discussion_signals, "comments_erased", None)
    if erased is not None:
        erased.connect(comments_erased, dispatch_uid=f"{uid}.erased")
    # A view restriction (password, sign-in) added to a page must take its public copy out
    # of every cache, and a removed one must let the page show again.
    for model in (DiscussionSettings, Site, Author, PageViewRestriction):
        post_save.connect(everything_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
    for model in (Site, PageViewRestriction):
        post_delete.connect(
            everything_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}.deleted"
        )
    post_save.connect(image_changed, sender=get_image_model(), dispatch_uid=f"{uid}.image")
