"""{% feed_links %}: the <link rel="alternate"> elements by which feed readers discover a
page's feeds (RSS 2.0 and Atom each): the site's on every page, and the page's own beside
it: a section front's, an article's section's, a tag's or an author's."""

from django import template
from django.urls import reverse
from taggit.models import Tag

from .. import seo
from ..models import ArticlePage, Author, SectionPage

register = template.Library()


def _pair(title, name, *args):
    return [
        {"title": title, "type": "application/rss+xml", "href": reverse(f"news:{name}", args=args)},
        {
            "title": title,
            "type": "application/atom+xml",
            "href": reverse(f"news:{name}_atom", args=args),
        },
    ]


def feeds_for(context, site_name):
    """(title, type, href) of every feed the page in `context` offers, the site's first."""
    links = _pair(site_name, "feed")
    page = context.get("page")
    section = None
    if isinstance(page, SectionPage):
        section = page
    elif isinstance(page, ArticlePage):
        # The article's parent, as its get_context() read it (no further query).
        section = context.get("article_section")
    if isinstance(section, SectionPage):
        links += _pair(f"{section.title} · {site_name}", "section_feed", section.slug)
    tag = context.get("tag")
    if isinstance(tag, Tag):
        links += _pair(f"{tag.name} · {site_name}", "tag_feed", tag.slug)
    author = context.get("author")
    if isinstance(author, Author):
        links += _pair(f"{author.name} · {site_name}", "author_feed", author.slug)
    return links


@register.inclusion_tag("news/feed_links.html", takes_context=True)
def feed_links(context):
    request = context.get("request")
    site_name = seo.site_name(request) if request is not None else "Kabar"
    return {"feed_links": feeds_for(context, site_name)}
