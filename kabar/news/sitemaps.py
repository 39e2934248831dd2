"""What crawlers fetch besides pages: robots.txt, the sitemap index with its sitemaps (pages,
tags, authors) and the Google News sitemap, each listing only live public pages."""

from datetime import timedelta
from urllib.parse import urlsplit

from django.contrib.sitemaps import Sitemap as DjangoSitemap
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.contrib.sitemaps.views import sitemap as django_sitemap
from django.db.models import Max
from django.http import Http404, HttpResponse
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from wagtail.contrib.sitemaps import Sitemap as WagtailSitemap

from kabar.core.language import iso_language
from kabar.core.page_cache import expire_within
from kabar.core.restrictions import without_restricted
from kabar.core.site_address import site_root_url, site_url
from kabar.core.xmlsafe import xml_safe

from . import seo
from .models import ArticleAuthor, ArticlePage, ArticleTag

# Google News: articles from the last two days, at most 1,000 of them.
NEWS_WINDOW = timedelta(hours=48)
NEWS_LIMIT = 1000


def public_articles():
    """Live, published articles no view restriction hides and none withdrawn."""
    return without_restricted(
        ArticlePage.objects.live().filter(published_at__isnull=False, withdrawn=False)
    )


class SiteAddressMixin:
    """Addresses on the configured site's scheme and host, not the request's."""

    def __init__(self, request=None):
        self.request = request

    def get_protocol(self, protocol=None):
        return urlsplit(site_root_url(self.request)).scheme

    def get_domain(self, site=None):
        return urlsplit(site_root_url(self.request)).netloc


class PagesSitemap(WagtailSitemap):
    """Every live public page of the site (Wagtail's), a front's lastmod being that of its
    newest article: the front changes with it."""

    limit = 10_000

    def pages(self):
        withdrawn = ArticlePage.objects.filter(withdrawn=True).values("pk")
        pages = self.get_wagtail_site().root_page.get_descendants(inclusive=True)
        return pages.live().public().exclude(pk__in=withdrawn)

    def items(self):
        return self.pages().order_by("path").defer_streamfields().specific()

    def get_latest_lastmod(self):
        return self.pages().aggregate(latest=Max("last_published_at"))["latest"]

    def front_lastmods(self):
        """{section id: its newest article's last publish, home id: the newest of all}."""
        rows = (
            public_articles()
            .order_by()
            .values("section_id")
            .annotate(latest=Max("last_published_at"))
        )
        newest = {row["section_id"]: row["latest"] for row in rows if row["section_id"]}
        if newest:
            newest[self.get_wagtail_site().root_page_id] = max(newest.values())
        return newest

    def _urls(self, page, protocol, domain):
        fronts = self.front_lastmods()
        urls = []
        for item in self.paginator.page(page).object_list.iterator():
            for info in item.get_sitemap_urls(self.request):
                newest = fronts.get(item.pk)
                if newest and (info.get("lastmod") is None or newest > info["lastmod"]):
                    info = {**info, "lastmod": newest}
                urls.append(info)
        lastmods = [info.get("lastmod") for info in urls]
        if lastmods and None not in lastmods:
            self.latest_lastmod = max(lastmods)
        return urls


class TagsSitemap(SiteAddressMixin, DjangoSitemap):
    """Topic pages with at least one public article (the others answer 404)."""

    limit = 50_000

    def items(self):
        return (
            ArticleTag.objects.filter(content_object__in=public_articles().values("pk"))
            .values("tag__slug")
            .annotate(lastmod=Max("content_object__last_published_at"))
            .order_by("tag__slug")
        )

    def location(self, item):
        return reverse("news:tag", kwargs={"slug": item["tag__slug"]})

    def lastmod(self, item):
        return item["lastmod"]

    def get_latest_lastmod(self):
        tagged = public_articles().filter(tagged_items__isnull=False)
        return tagged.aggregate(latest=Max("last_published_at"))["latest"]


class AuthorsSitemap(SiteAddressMixin, DjangoSitemap):
    """Author pages of those with a public article in their byline."""

    limit = 50_000

    def items(self):
        return (
            ArticleAuthor.objects.filter(article__in=public_articles().values("pk"))
            .values("author__slug")
            .annotate(lastmod=Max("article__last_published_at"))
            .order_by("author__slug")
        )

    def location(self, item):
        return reverse("news:author", kwargs={"slug": item["author__slug"]})

    def lastmod(self, item):
        return item["lastmod"]

    def get_latest_lastmod(self):
        bylined = public_articles().filter(article_authors__isnull=False)
        return bylined.aggregate(latest=Max("last_published_at"))["latest"]


# The index's sitemaps, each at /sitemap-<name>.xml (URL name "sitemap_<name>").
SITEMAPS = {"pages": PagesSitemap, "tags": TagsSitemap, "authors": AuthorsSitemap}


@x_robots_tag
def sitemap_index(request):
    """The sitemap index: each non-empty sitemap, one entry per page of `limit` URLs."""
    entries = []
    for name, sitemap_class in SITEMAPS.items():
        sitemap = sitemap_class(request)
        if not sitemap.paginator.count:
            continue  # an empty <urlset> is not a valid sitemap
        location = site_url(reverse(f"sitemap_{name}"), request)
        lastmod = sitemap.get_latest_lastmod()
        entries.append(SitemapIndexItem(location, lastmod))
        for number in range(2, sitemap.paginator.num_pages + 1):
            entries.append(SitemapIndexItem(f"{location}?p={number}", lastmod))
    return TemplateResponse(
        request,
        "news/sitemap_index.xml",
        {"sitemaps": entries},
        content_type="application/xml",
    )


def sitemap_section(request, section):
    """One sitemap of the index (a page of it with ?p=); 404 when it lists nothing."""
    sitemap = SITEMAPS[section](request)
    if not sitemap.paginator.count:
        raise Http404
    return django_sitemap(
        request, {section: sitemap}, section=section, template_name="news/sitemap.xml"
    )


def news_articles(request, now=None):
    """The site's public articles published in the last NEWS_WINDOW, newest first."""
    since = (now or timezone.now()) - NEWS_WINDOW
    root = seo.site_for(request).root_page
    return (
        public_articles()
        .filter(published_at__gte=since, path__startswith=root.path, depth__gt=root.depth)
        .defer_streamfields()
        .order_by("-published_at", "-pk")[:NEWS_LIMIT]
    )


@x_robots_tag
def news_sitemap(request):
    """The Google News sitemap: recent articles with their publication, language and title."""
    now = timezone.now()
    articles = list(news_articles(request, now))
    if articles:
        # A stored copy must not outlive the moment its oldest article leaves the window.
        leaves = articles[-1].published_at + NEWS_WINDOW - now
        expire_within(request, max(1, int(leaves.total_seconds())))
    entries = [
        {
            "location": article.get_full_url(request),
            "language": iso_language(article.language),
            "published": article.published_at,
            "title": xml_safe(article.title),
        }
        for article in articles
    ]
    return TemplateResponse(
        request,
        "news/sitemap_news.xml",
        {"entries": entries, "publication": xml_safe(seo.site_name(request))},
        content_type="application/xml",
    )


def robots_txt(request):
    """robots.txt: everything may be crawled but the newsroom and the comment actions (a
    comment's own address, reports, edits, mail links); the sitemaps are named."""
    lines = [
        "User-agent: *",
        "Disallow: /admin/",
        "Disallow: /comments/",
        "Allow: /comments/feed/",
        "Disallow: /i18n/",
        "Disallow: /_util/",
        "",
        f"Sitemap: {site_url(reverse('sitemap'), request)}",
        f"Sitemap: {site_url(reverse('sitemap_news'), request)}",
    ]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")
