"""What publishing changes purge (kabar.core.purge does the purging).

An article's change (publish, unpublish, edit, move, slug change, delete, its public
comment thread changing) makes its own page, its section front (every `?page=` of it), the
home front and the lists (feeds, sitemaps, author and tag pages, all of which show
articles or comment counts) fresh, and the fronts of other sections it is pinned to; one
taken down (unpublished or withdrawn), every page (it may be among any article's related
stories, whose pages are otherwise fresh within the cache's lifetime). A change to
anything else that shows on every page (a section or the home page, a site, an author, an
image, a view restriction) renews the whole cache; caches in front are also sent an
author's page (at the address it had before a rename too) and the articles in their
byline, when the author is saved or deleted.
"""

from django.db import transaction
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.urls import NoReverseMatch, reverse
from taggit.models import Tag
from wagtail import signals as wagtail_signals
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction, Site

from kabar.core.purge import (
    Purge,
    everything_changed,
    front_caches_configured,
    purge_everything,
    site_roots_of,
)
from kabar.discussion import signals as discussion_signals

from .models import ArticleAuthor, ArticlePage, ArticleTag, Author, SectionTopStory

FEED_URL_NAMES = [
    "news:feed",
    "news:feed_atom",
    "news:ninjs_feed",
    "sitemap",
    "sitemap_news",
    "sitemap_pages",
    "sitemap_tags",
    "sitemap_authors",
]
SECTION_FEED_URL_NAMES = ["news:section_feed", "news:section_feed_atom"]
# An article's tags' and authors' pages and feeds, for caches in front (the page cache
# renews them with every list).
TAG_URL_NAMES = ["news:tag", "news:tag_feed", "news:tag_feed_atom"]
AUTHOR_URL_NAMES = ["news:author", "news:author_feed", "news:author_feed_atom"]


def add_article(purge, url_path, section_url_path=None, section_slug=None):
    """The article's page, its section front, the home front and the feeds."""
    purge.add_url_path(url_path)
    if section_url_path:
        purge.add_url_path(section_url_path)
    for root_url, path in site_roots_of(url_path):
        purge.add(root_url, path)
        if front_caches_configured():
            _add_feed_urls(purge, root_url, section_slug)


def _add_feed_urls(purge, root_url, section_slug):
    names = [(name, ()) for name in FEED_URL_NAMES]
    if section_slug:
        names += [(name, (section_slug,)) for name in SECTION_FEED_URL_NAMES]
    for name, args in names:
        try:
            purge.urls.add(root_url + reverse(name, args=args))
        except NoReverseMatch:
            continue


def _add_tag_and_author_urls(purge, article_id):
    tags = ArticleTag.objects.filter(content_object_id=article_id).values_list("tag__slug")
    authors = ArticleAuthor.objects.filter(article_id=article_id).values_list("author__slug")
    for names, slugs in ((TAG_URL_NAMES, tags), (AUTHOR_URL_NAMES, authors)):
        for (slug,) in slugs:
            _add_listing_urls(purge, names, slug)


def _add_listing_urls(purge, names, slug):
    for name in names:
        purge.add_everywhere(reverse(name, args=[slug]))


def _is_article(page):
    return page.specific_class is not None and issubclass(page.specific_class, ArticlePage)


def purge_for_page(page, *, url_paths=()):
    """Purge what a change to `page` (any Page) shows on; url_paths adds former locations."""
    purge = Purge()
    purge.page_ids.add(page.pk)
    if _is_article(page):
        parent = page.get_parent()
        if parent is None:
            add_article(purge, page.url_path)
        else:
            add_article(purge, page.url_path, parent.url_path, parent.slug)
        # The fronts of the other sections an editor pinned it to.
        pinned_on = SectionTopStory.objects.filter(article_id=page.pk)
        for url_path in pinned_on.values_list("section__url_path", flat=True):
            purge.add_url_path(url_path)
        if front_caches_configured():  # its ninjs document, at an address of its own
            for root_url, _path in site_roots_of(page.url_path):
                purge.urls.add(root_url + reverse("news:ninjs_article", args=[page.pk]))
            _add_tag_and_author_urls(purge, page.pk)
    else:
        purge.everything = True
        purge.add_url_path(page.url_path)
        for root_url, path in site_roots_of(page.url_path):
            purge.add(root_url, path)
    for url_path in url_paths:
        purge.add_url_path(url_path)
    purge.commit()
    return purge


def purge_for_article_id(page_id, article=None):
    """Purge after the article with this id changed (its comment thread). `article` is the
    ArticlePage, when the caller has it loaded with its section."""
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
    # No article by that id: another kind of page that takes comments (a registered site's
    # thread, which discussion purges itself and no front shows), or a page deleted since
    # (its deletion purged it).
    if row is not None:
        add_article(purge, *row)
    purge.commit()
    return purge


def purge_for_author(author, *, former_slug=None):
    """Purge what shows the author: every page (bylines are on fronts, articles and feeds);
    caches in front are sent their page, at its former address too, and their articles."""
    purge = Purge()
    purge.everything = True
    if front_caches_configured():
        for slug in {author.slug, former_slug} - {None}:
            purge.add_everywhere(reverse("news:author", kwargs={"slug": slug}))
        bylined = ArticlePage.objects.filter(article_authors__author=author).values_list(
            "url_path", "section__url_path", "section__slug"
        )
        for row in bylined:
            add_article(purge, *row)
    purge.commit()
    return purge


# Receivers, connected from NewsConfig.ready().


def page_published(sender, instance, **kwargs):
    purge_for_page(instance)
    if _is_article(instance) and getattr(instance, "withdrawn", False):
        _taken_down(instance)


def page_unpublished(sender, instance, **kwargs):
    purge_for_page(instance)
    if _is_article(instance):
        _taken_down(instance)


def _taken_down(article):
    # Any other article's page may list it among its related stories, and nothing else
    # purges those pages: all are made fresh (taking an article down is rare).
    transaction.on_commit(purge_everything)


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


def threads_changed(sender, page_ids=(), pages=None, **kwargs):
    pages = pages or {}
    for page_id in page_ids:
        purge_for_article_id(page_id, article=pages.get(page_id))


def author_saving(sender, instance, **kwargs):
    # The address the author's page had, for caches in front (a rename changes it).
    if instance.pk is not None and front_caches_configured():
        instance._slug_before = (
            sender.objects.filter(pk=instance.pk).values_list("slug", flat=True).first()
        )


def author_saved(sender, instance, **kwargs):
    purge_for_author(instance, former_slug=instance.__dict__.pop("_slug_before", None))


def author_deleted(sender, instance, **kwargs):
    # Before the delete: the articles in their byline are still linked to them.
    purge_for_author(instance)


def listing_left(sender, instance, **kwargs):
    """A tag or a byline taken off an article (its row goes when the article is published
    without it): that tag's or author's page and feeds no longer list the article, for
    caches in front (the page cache renews its lists with every publish)."""
    if not front_caches_configured():
        return
    if isinstance(instance, ArticleTag):
        names, rows = TAG_URL_NAMES, Tag.objects.filter(pk=instance.tag_id)
    else:
        names, rows = AUTHOR_URL_NAMES, Author.objects.filter(pk=instance.author_id)
    # Gone too when the tag or author itself is being deleted: its own purge covers it.
    slug = rows.values_list("slug", flat=True).first()
    if slug is None:
        return
    purge = Purge()
    _add_listing_urls(purge, names, slug)
    purge.commit()


def image_changed(sender, created=False, **kwargs):
    # A new image shows nowhere yet; a replaced file changes its renditions' URLs.
    if not created:
        transaction.on_commit(purge_everything)


def connect():
    uid = "kabar.news.purge"
    wagtail_signals.page_published.connect(page_published, dispatch_uid=f"{uid}.published")
    wagtail_signals.page_unpublished.connect(page_unpublished, dispatch_uid=f"{uid}.unpublished")
    wagtail_signals.post_page_move.connect(page_moved, dispatch_uid=f"{uid}.moved")
    wagtail_signals.page_slug_changed.connect(page_slug_changed, dispatch_uid=f"{uid}.slug")
    pre_delete.connect(page_deleted, sender=Page, dispatch_uid=f"{uid}.deleted")
    discussion_signals.threads_changed.connect(threads_changed, dispatch_uid=f"{uid}.threads")
    # A view restriction (password, sign-in) added to a page must take its public copy out
    # of every cache, and a removed one must let the page show again.
    for model in (Site, PageViewRestriction):
        post_save.connect(everything_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}")
        post_delete.connect(
            everything_changed, sender=model, dispatch_uid=f"{uid}.{model.__name__}.deleted"
        )
    pre_save.connect(author_saving, sender=Author, dispatch_uid=f"{uid}.author.saving")
    post_save.connect(author_saved, sender=Author, dispatch_uid=f"{uid}.author.saved")
    pre_delete.connect(author_deleted, sender=Author, dispatch_uid=f"{uid}.author.deleted")
    post_save.connect(image_changed, sender=get_image_model(), dispatch_uid=f"{uid}.image")
    for model in (ArticleTag, ArticleAuthor):
        post_delete.connect(listing_left, sender=model, dispatch_uid=f"{uid}.{model.__name__}.left")
