"""RSS 2.0 and Atom feeds of the latest articles, site-wide and per section."""

from django.http import Http404
from django.utils.translation import gettext_lazy as _

from kabar.core.site_address import SiteFeed
from kabar.core.xmlsafe import Atom1Feed, Rss201rev2Feed

from .selectors import articles_for_section, latest_articles, public_section

FEED_SIZE = 30


class LatestArticlesFeed(SiteFeed):
    feed_type = Rss201rev2Feed
    title = "Kabar"
    link = "/"
    description = _("The latest stories from Kabar.")

    def items(self):
        return latest_articles()[:FEED_SIZE]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.standfirst

    def item_link(self, item):
        return item.url

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return item.last_published_at

    def item_author_name(self, item):
        return ", ".join(credit.author.name for credit in item.article_authors.all()) or None

    def item_categories(self, item):
        return [item.section.title] if item.section else []


class LatestArticlesAtomFeed(LatestArticlesFeed):
    feed_type = Atom1Feed
    subtitle = LatestArticlesFeed.description


class SectionFeed(LatestArticlesFeed):
    def get_object(self, request, slug):
        section = public_section(slug)
        if section is None:
            raise Http404
        return section

    def title(self, obj):
        return f"{obj.title} · Kabar"

    def link(self, obj):
        return obj.url

    def description(self, obj):
        return obj.intro or obj.title

    def items(self, obj):
        return articles_for_section(obj)[:FEED_SIZE]


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return obj.intro or obj.title
