"""RSS 2.0 and Atom feeds of approved comments, site-wide and per article.

Items carry the author's name and nothing else about them: no email, no IP, no website."""

from django.http import Http404
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page

from kabar.core.site_address import SiteFeed
from kabar.core.xmlsafe import Atom1Feed, Rss201rev2Feed

from . import targets
from .selectors import comments_for_feed
from .templatetags.discussion import comment_body

FEED_SIZE = 50
TITLE_WORDS = 12


class LatestCommentsFeed(SiteFeed):
    """The newest approved comments on every live, public article."""

    feed_type = Rss201rev2Feed
    title = _("Comments · Kabar")
    description = _("The latest readers' comments on Kabar.")

    def link(self):
        return "/"

    def feed_url(self):
        return reverse("discussion:feed")

    def items(self):
        return comments_for_feed(limit=FEED_SIZE)

    def item_title(self, item):
        # Translators: a feed item's title, e.g. "Budi on Ceasefire agreed".
        return _("%(name)s on %(title)s") % {"name": item.author_name, "title": item.page.title}

    def item_description(self, item):
        # HTML built from escaped text, so a reader's markup stays text in every feed reader.
        return comment_body(item.body)

    def item_link(self, item):
        return reverse("discussion:permalink", args=[item.pk])

    def item_pubdate(self, item):
        return item.created_at

    def item_updateddate(self, item):
        return item.edited_at or item.created_at

    def item_author_name(self, item):
        return item.author_name

    # Django's feeds would print an author_email or author_link if these returned one.
    def item_author_email(self, item):
        return None

    def item_author_link(self, item):
        return None


class LatestCommentsAtomFeed(LatestCommentsFeed):
    feed_type = Atom1Feed
    subtitle = LatestCommentsFeed.description

    def feed_url(self):
        return reverse("discussion:feed_atom")


class ArticleCommentsFeed(LatestCommentsFeed):
    """The newest approved comments on one article."""

    def get_object(self, request, page_id):
        page = targets.as_target(Page.objects.live().filter(pk=page_id).first())
        if page is None or not page.discussion_shown or page.discussion_view_restrictions():
            raise Http404
        return page

    def title(self, obj):
        # Translators: the title of the feed of comments on one article.
        return _("Comments on %(title)s") % {"title": obj.discussion_title()}

    def description(self, obj):
        return _("Readers' comments on %(title)s") % {"title": obj.discussion_title()}

    def link(self, obj):
        return f"{obj.discussion_url()}#comments"

    def feed_url(self, obj):
        return reverse("discussion:article_feed", args=[obj.pk])

    def items(self, obj):
        return comments_for_feed(page=obj, limit=FEED_SIZE)

    def item_title(self, item):
        return _("By %(name)s: %(excerpt)s") % {
            "name": item.author_name,
            "excerpt": Truncator(item.body).words(TITLE_WORDS),
        }


class ArticleCommentsAtomFeed(ArticleCommentsFeed):
    feed_type = Atom1Feed

    def subtitle(self, obj):
        return self.description(obj)

    def feed_url(self, obj):
        return reverse("discussion:article_feed_atom", args=[obj.pk])
