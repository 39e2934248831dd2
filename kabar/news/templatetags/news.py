"""Template helpers for news pages."""

import hashlib
import json
import logging

from django import template
from django.utils import timezone, translation
from django.utils.html import _json_script_escapes
from django.utils.safestring import mark_safe
from wagtail.images.models import Filter
from wagtail.images.shortcuts import get_rendition_or_not_found

from kabar.core.page_cache import config

from .. import seo

logger = logging.getLogger("kabar.cache")
register = template.Library()


@register.filter(is_safe=True)
def ld_json(data):
    """A JSON-LD block, escaped so that no text inside can close the script element."""
    text = json.dumps(data, ensure_ascii=False, sort_keys=True).translate(_json_script_escapes)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308


@register.simple_tag(takes_context=True)
def article_structured_data(context, page, comment_count):
    """{% article_structured_data page comment_count %}: the article's NewsArticle JSON-LD,
    with its images, and its BreadcrumbList (home, section, article)."""
    request = context["request"]
    images = seo.article_images(
        [r for r in lead_renditions(page, seo.ARTICLE_IMAGE_SPECS) if r is not None], request
    )
    article = page.structured_data(
        request, credits=context["article_credits"], comment_count=comment_count, images=images
    )
    trail = [(seo.site_name(request), seo.site_root_url(request) + "/")]
    section = context.get("article_section")
    if section is not None:
        trail.append((section.title, section.get_full_url(request)))
    trail.append((page.title, page.get_full_url(request)))
    return ld_json(article) + ld_json(seo.breadcrumbs(request, trail))


def lead_renditions(page, specs):
    """The article's lead image at each of `specs` (None without one), read once per page
    object: the head's tags and the JSON-LD share them."""
    image = page.lead_image
    if image is None:
        return [None for _spec in specs]
    found = page.__dict__.setdefault("_metadata_renditions", {})
    for spec in specs:
        if spec not in found:
            found[spec] = rendition(image, spec)
    return [found[spec] for spec in specs]


def _article_meta(context, page, request):
    (share,) = lead_renditions(page, (seo.SHARE_IMAGE_SPEC,))
    return seo.article_meta(
        page,
        request,
        credits=context.get("article_credits", ()),
        tags=context.get("article_tags", ()),
        share_rendition=share,
    )


# How each page type's metadata is made, by model (label_lower): this module does not import
# the models, which import the module behind it.
PAGE_METADATA = {
    "news.homepage": lambda context, page, request: seo.home_meta(page, request),
    "news.sectionpage": lambda context, page, request: seo.section_meta(
        page, request, context.get("articles")
    ),
    "news.articlepage": _article_meta,
    "news.standardpage": lambda context, page, request: seo.standard_meta(page, request),
}


@register.inclusion_tag("components/meta.html", takes_context=True)
def page_meta(context):
    """{% page_meta %}: description, canonical address, language alternates, Open Graph and
    Twitter card tags (and the home page's WebSite JSON-LD) for the page being shown: a
    Wagtail page, a tag's or an author's page; nothing for any other."""
    request = context.get("request")
    page = context.get("page")
    meta = None
    if request is None:
        return {"meta": None}
    if page is not None and getattr(page, "_meta", None) is not None:
        build = PAGE_METADATA.get(page._meta.label_lower)
        meta = build(context, page, request) if build is not None else None
    elif context.get("tag") is not None:
        meta = seo.tag_meta(context["tag"], request, context.get("articles"))
    elif context.get("author") is not None:
        meta = seo.author_meta(context["author"], request, context.get("articles"))
    return {"meta": meta}


@register.simple_tag
def rendition(image, spec):
    """{% rendition image "width-1200" as img %}: what {% image ... as img %} gives, without
    writing the rendition to Wagtail's renditions cache each time it is shown (with the
    file cache, a file written per image per page rendered): only a rendition that was not
    in the cache yet goes Wagtail's own way, which stores it."""
    if not image:
        return None
    model = image.get_rendition_model()
    image_filter = image.clean_filter_for_svg(Filter(spec=spec))
    if image._get_prefetched_renditions() is None:
        key = model.construct_cache_key(image, image_filter.get_cache_key(image), image_filter.spec)
        found = model.cache_backend.get(key)
        if found is not None:
            found.image = image
            return found
    return get_rendition_or_not_found(image, image_filter)


class FragmentNode(template.Node):
    def __init__(self, nodelist, key, name):
        self.nodelist = nodelist
        self.key = key
        self.name = name

    def render(self, context):
        key = self.key.resolve(context)
        if not key:
            return self.nodelist.render(context)
        conf = config()
        zone = timezone.get_current_timezone_name()
        raw = f"{key}|{self.name}|{translation.get_language()}|{zone}"
        cache_key = "frag:" + hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()
        try:
            html = conf.cache.get(cache_key)
        except Exception:
            logger.exception("fragment cache unreadable")
            return self.nodelist.render(context)
        if html is None:
            html = self.nodelist.render(context)
            try:
                conf.cache.set(cache_key, html, conf.timeout)
            except Exception:
                logger.exception("fragment cache not written")
        return html


@register.tag
def fragment(parser, token):
    """{% fragment key "name" %}...{% endfragment %}: the enclosed HTML rendered once per
    `key` (with the language and time zone) and kept in the page cache's store; rendered
    every time when `key` is empty. The key must change whenever anything shown inside
    does: ArticlePage builds it from the page cache's generations."""
    bits = token.split_contents()
    if len(bits) != 3:
        raise template.TemplateSyntaxError(f"{bits[0]} takes a key and a name")
    nodelist = parser.parse(("endfragment",))
    parser.delete_first_token()
    name = bits[2].strip("\"'")
    return FragmentNode(nodelist, parser.compile_filter(bits[1]), name)
