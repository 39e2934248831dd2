"""What search engines and social apps read about a page: its description, canonical address,
Open Graph and Twitter card tags, language alternates and the site-wide JSON-LD, with every
address made absolute from the configured Wagtail Site."""

from dataclasses import dataclass, field

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.text import Truncator
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Site

from kabar.core.language import open_graph_locale
from kabar.core.site_address import site_root_url, site_url

from .pictures import ARTICLE_IMAGE_SPECS, SHARE_IMAGE_SPEC  # noqa: F401 - used as seo.*

MIN_ARTICLE_IMAGE_PIXELS = 50_000
# The publisher's logo (kabar/static/img): Google asks for at least 112×112 pixels.
LOGO = ("img/kabar-logo.png", 512, 512)
# Open Graph names a locale with its territory; languages without an entry use their own code.
OG_LOCALES = {"id": "id_ID", "en": "en_US"}
DESCRIPTION_CHARS = 300


def site_for(request):
    """The Wagtail Site this request is for (the default site when no hostname matches)."""
    return Site.find_for_request(request)


def absolute_url(request, url):
    """`url` (a path, or already absolute: media on another host) on the site's address."""
    return site_url(url, request)


def site_name(request):
    site = site_for(request)
    return (site and site.site_name) or settings.WAGTAIL_SITE_NAME


def og_locale(language):
    return OG_LOCALES.get(language) or open_graph_locale(language)


def publisher(request):
    """schema.org Organization for the newsroom: name, address and logo."""
    path, width, height = LOGO
    return {
        "@type": "Organization",
        "name": site_name(request),
        "url": site_root_url(request) + "/",
        "logo": {
            "@type": "ImageObject",
            "url": absolute_url(request, static(path)),
            "width": width,
            "height": height,
        },
    }


def website(request):
    """schema.org WebSite for the home page. No SearchAction: Kabar has no reader search page."""
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": site_name(request),
        "url": site_root_url(request) + "/",
        "inLanguage": settings.LANGUAGE_CODE,
        "publisher": publisher(request),
    }


def breadcrumbs(request, trail):
    """schema.org BreadcrumbList for `trail`, a list of (name, absolute URL) from the home."""
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": position, "name": name, "item": url}
            for position, (name, url) in enumerate(trail, start=1)
        ],
    }


def article_images(renditions, request):
    """JSON-LD ImageObjects for the renditions big enough for Google (smaller sources give
    smaller crops of the same shapes)."""
    return [
        {
            "@type": "ImageObject",
            "url": absolute_url(request, rendition.url),
            "width": rendition.width,
            "height": rendition.height,
        }
        for rendition in renditions
        if rendition.width * rendition.height >= MIN_ARTICLE_IMAGE_PIXELS
    ]


@dataclass
class ShareImage:
    url: str
    width: int
    height: int
    alt: str


@dataclass
class PageMeta:
    """Everything components/meta.html writes into a page's <head>."""

    title: str
    description: str
    url: str
    site_name: str
    # The language of the page's own text (hreflang, og:locale).
    language: str
    type: str = "website"
    # Locales the same address is also shown in (the reader's language choice): pages whose
    # text is the site's own, not an article's.
    alternate_locales: list = field(default_factory=list)
    image: ShareImage | None = None
    published: str = ""
    modified: str = ""
    section: str = ""
    tags: list = field(default_factory=list)
    authors: list = field(default_factory=list)
    structured_data: list = field(default_factory=list)

    @property
    def locale(self):
        return og_locale(self.language)

    @property
    def twitter_card(self):
        return "summary_large_image" if self.image else "summary"


def _describe(text):
    return Truncator(" ".join(text.split())).chars(DESCRIPTION_CHARS)


def _site_page_meta(request, *, title, description, url):
    """Meta for a page written in the reader's language (fronts, tag and author pages):
    offered in every language at the same address."""
    language = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    others = [og_locale(code) for code, _name in settings.LANGUAGES if code != language]
    return PageMeta(
        title=title,
        description=_describe(description),
        url=url,
        site_name=site_name(request),
        language=language,
        alternate_locales=others,
    )


def _listing_url(base, listing):
    """The canonical address of a listing's page: each page beyond the first is its own."""
    number = getattr(listing, "number", 1)
    return f"{base}?page={number}" if number and number > 1 else base


def home_meta(page, request):
    name = site_name(request)
    meta = _site_page_meta(
        request,
        title=page.seo_title or name,
        description=page.search_description
        or page.intro
        or _("The latest news from %(site)s.") % {"site": name},
        url=page.get_full_url(request),
    )
    meta.structured_data.append(website(request))
    return meta


def section_meta(page, request, listing=None):
    name = site_name(request)
    return _site_page_meta(
        request,
        title=page.seo_title or page.title,
        description=page.search_description
        or page.intro
        or _("The latest news in %(section)s from %(site)s.")
        % {"section": page.title, "site": name},
        url=_listing_url(page.get_full_url(request), listing),
    )


def standard_meta(page, request):
    name = site_name(request)
    return _site_page_meta(
        request,
        title=page.seo_title or page.title,
        description=page.search_description
        or _("%(title)s, from %(site)s.") % {"title": page.title, "site": name},
        url=page.get_full_url(request),
    )


def tag_meta(tag, request, listing=None):
    name = site_name(request)
    url = absolute_url(request, reverse("news:tag", kwargs={"slug": tag.slug}))
    return _site_page_meta(
        request,
        title=tag.name,
        description=_("News on %(topic)s from %(site)s.") % {"topic": tag.name, "site": name},
        url=_listing_url(url, listing),
    )


def author_meta(author, request, listing=None):
    name = site_name(request)
    url = absolute_url(request, author.get_absolute_url())
    return _site_page_meta(
        request,
        title=author.name,
        description=author.bio
        or _("Stories by %(name)s at %(site)s.") % {"name": author.name, "site": name},
        url=_listing_url(url, listing),
    )


def article_meta(page, request, *, credits, tags, share_rendition=None):
    """Meta for an article: its own language, dates, section, tags, authors and lead image."""
    meta = PageMeta(
        title=page.seo_title or page.title,
        description=_describe(page.search_description or page.standfirst or page.title),
        url=page.get_full_url(request),
        site_name=site_name(request),
        language=page.language,
        type="article",
        published=page.first_published_at.isoformat() if page.first_published_at else "",
        modified=page.modified_at.isoformat() if page.modified_at else "",
        section=page.section.title if page.section is not None else "",
        tags=[tag.name for tag in tags],
        authors=[absolute_url(request, c.author.get_absolute_url()) for c in credits],
    )
    if share_rendition is not None:
        meta.image = ShareImage(
            url=absolute_url(request, share_rendition.url),
            width=share_rendition.width,
            height=share_rendition.height,
            # As the article page's: the image's description (its alt text) first.
            alt=page.lead_image.description or page.lead_image_caption or page.lead_image.title,
        )
    return meta
