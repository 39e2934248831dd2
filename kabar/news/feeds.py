"""RSS 2.0 and Atom feeds of the latest articles: site-wide, per section, per tag and per
author.

Every feed lists what the listing selectors list (live, public, not withdrawn), newest
first, FEED_SIZE at most, in a number of queries that does not grow with its items. An item
carries its standfirst as description / summary, its byline, its section and tags as
categories, its first publication and its latest one (corrections and updates are published
with the article, so they move it). Its guid / Atom id is the page's own, a tag URI (RFC
4151) that stays when the article moves to another section or slug (RFC 4287, 4.2.6: a
feed reader took a moved article, keyed by its address, for a new one). With "full text
in feeds" on in the site's publishing settings (NewsSettings), RSS items also carry the
whole body as HTML in <content:encoded> and Atom entries in <content type="html">, rendered
as the article page renders it (the same picture renditions), with its links and pictures
made absolute for readers elsewhere."""

import copy
from collections import defaultdict
from urllib.parse import urlsplit

from django.db.models import Prefetch, prefetch_related_objects
from django.http import Http404
from django.urls import reverse
from django.utils.html import escape
from django.utils.translation import gettext as _
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.rich_text import RichText, expand_db_html

from kabar.core.site_address import SiteFeed, site_root_url, site_url
from kabar.core.xmlsafe import Atom1Feed, Rss201rev2Feed

from . import corrections, pictures, seo
from .models import Author, NewsSettings
from .ninjs import absolute_body_html
from .selectors import latest_articles, public_section, with_latest_notice

FEED_SIZE = 50
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
# Between the rich texts of a feed's items while their links are expanded together.
_TEXT_BREAK = "<!-- kabar:feed-text -->"


class FullTextRssFeed(Rss201rev2Feed):
    """RSS 2.0 whose items may carry their whole text as HTML in <content:encoded>."""

    def rss_attributes(self):
        attrs = super().rss_attributes()
        if any(item.get("content_html") for item in self.items):
            attrs["xmlns:content"] = CONTENT_NS
        return attrs

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content:encoded", item["content_html"])


class FullTextAtomFeed(Atom1Feed):
    """Atom whose entries may carry their whole text as <content type="html">."""

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


def feed_articles():
    """What every feed lists, with what an item reads (byline, section, tags, the newest
    correction's or update's time) read with it."""
    return with_latest_notice(latest_articles().prefetch_related("tags"))


def with_bodies_loaded(articles):
    """`articles` (a list) with their bodies' blocks converted in one batch per block type
    across all of them (one query for all their pictures, not one per article) and the
    pictures' renditions, as the article page shows them, read in one query."""
    raw_by_type = defaultdict(list)  # block type -> [(stream, index, raw value)]
    for article in articles:
        stream = article.body
        for index, raw in enumerate(stream.raw_data):
            raw_by_type[raw["type"]].append((stream, index, raw))
    for type_name, found in raw_by_type.items():
        child_block = found[0][0].stream_block.child_blocks.get(type_name)
        if child_block is None:
            continue
        values = child_block.bulk_to_python([raw["value"] for _stream, _i, raw in found])
        for (stream, index, raw), value in zip(found, values, strict=True):
            stream._bound_blocks[index] = stream.StreamChild(child_block, value, id=raw.get("id"))
    images = [
        block.value["image"]
        for article in articles
        for block in article.body
        if block.block_type == "image" and block.value.get("image") is not None
    ]
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=pictures.slot_specs("column"))
    )
    prefetch_related_objects(images, Prefetch("renditions", queryset=renditions))
    _expand_links_together(articles)
    return articles


def _expand_links_together(articles):
    """Their rich texts' links to pages (and other stored references) expanded as Wagtail
    expands them, but in one pass over all of them (a query per kind of reference for the
    whole feed, not per paragraph); what is left for rendering has none to look up."""
    texts = [
        block.value
        for article in articles
        for block in article.body
        if isinstance(block.value, RichText)
    ]
    sources = [text.source for text in texts]
    if not texts or any(_TEXT_BREAK in source for source in sources):
        return
    expanded = expand_db_html(_TEXT_BREAK.join(sources)).split(_TEXT_BREAK)
    if len(expanded) == len(texts):
        for text, html in zip(texts, expanded, strict=True):
            text.source = html


class LatestArticlesFeed(SiteFeed):
    feed_type = FullTextRssFeed
    link = "/"

    def __call__(self, request, *args, **kwargs):
        # The instance is shared by every request: what one request needs goes on a copy.
        feed = copy.copy(self)
        feed.request = request
        feed.full_text = NewsSettings.for_request(request).feeds_full_text
        feed.root_url = site_root_url(request)
        return SiteFeed.__call__(feed, request, *args, **kwargs)

    def site_name(self):
        return seo.site_name(self.request)

    def title(self):
        return self.site_name()

    def description(self):
        return _("The latest stories from %(site)s.") % {"site": self.site_name()}

    def author_name(self):
        return self.site_name()

    def articles(self, obj):
        return feed_articles()

    def items(self, obj=None):
        articles = list(self.articles(obj)[:FEED_SIZE])
        return with_bodies_loaded(articles) if self.full_text else articles

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # A feed's description is HTML (RSS by custom, Atom's summary type="html"): the
        # standfirst is text, escaped, so "< 5% & naik" reads as written.
        return escape(item.standfirst)

    def item_link(self, item):
        return item.url

    # Not the address (isPermaLink="false"): the page's id, which no move changes.
    item_guid_is_permalink = False

    def item_guid(self, item):
        host = urlsplit(self.root_url).hostname or "kabar"
        first = item.first_published_at or item.published_at
        return f"tag:{host},{first:%Y-%m-%d}:article-{item.pk}"

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        # A correction or an update moves it, as it moves the article's dateModified.
        return corrections.modified_at(item) or item.published_at

    def item_author_name(self, item):
        return ", ".join(credit.author.name for credit in item.article_authors.all()) or None

    def item_author_link(self, item):
        credits = item.article_authors.all()
        if len(credits) != 1:
            return None
        return site_url(credits[0].author.get_absolute_url(), self.request)

    def item_categories(self, item):
        section = [item.section.title] if item.section else []
        return section + [tag.name for tag in item.tags.all()]

    def item_extra_kwargs(self, item):
        if not self.full_text:
            return {}
        return {"content_html": absolute_body_html(item, self.root_url)}


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = FullTextAtomFeed

    def subtitle(self):
        return self.description()


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        section = public_section(slug)
        if section is None:
            raise Http404("No such section.")
        return section

    def title(self, obj):
        return f"{obj.title} · {self.site_name()}"

    def link(self, obj):
        return obj.url

    def description(self, obj):
        return obj.intro or obj.title

    def articles(self, obj):
        # public_section() has already left out a section under a restriction.
        return feed_articles().filter(section=obj)


class SectionAtomFeed(SectionFeed):
    feed_type = FullTextAtomFeed

    def subtitle(self, obj):
        return self.description(obj)


class TagFeed(LatestArticlesFeed):
    """A tag's articles. A tag no published article carries is a 404, as its page is (its
    name may be all there is of an article still under embargo)."""

    def get_object(self, request, slug):
        tag = Tag.objects.filter(slug=slug).first()
        if tag is None or not feed_articles().filter(tags=tag).exists():
            raise Http404("No published article carries this tag.")
        return tag

    def title(self, obj):
        return f"{obj.name} · {self.site_name()}"

    def link(self, obj):
        return reverse("news:tag", args=[obj.slug])

    def description(self, obj):
        return _("The latest stories about %(topic)s.") % {"topic": obj.name}

    def articles(self, obj):
        return feed_articles().filter(tags=obj)


class TagAtomFeed(TagFeed):
    feed_type = FullTextAtomFeed

    def subtitle(self, obj):
        return self.description(obj)


class AuthorFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        author = Author.objects.filter(slug=slug).first()
        if author is None:
            raise Http404("No such author.")
        return author

    def title(self, obj):
        return f"{obj.name} · {self.site_name()}"

    def link(self, obj):
        return obj.get_absolute_url()

    def description(self, obj):
        return _("The latest stories by %(name)s.") % {"name": obj.name}

    def articles(self, obj):
        return feed_articles().filter(article_authors__author=obj)


class AuthorAtomFeed(AuthorFeed):
    feed_type = FullTextAtomFeed

    def subtitle(self, obj):
        return self.description(obj)
