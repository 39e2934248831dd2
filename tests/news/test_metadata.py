"""What search engines and social apps read in each public page's <head>: description,
canonical address, hreflang, Open Graph, Twitter card; and the JSON-LD of articles (checked
against Google's Article documentation) and of the home page."""

import json
import re
from datetime import datetime
from html.parser import HTMLParser

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from PIL import Image
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Site

from kabar.news import seo
from kabar.news.models import StandardPage
from tests import builders

pytestmark = pytest.mark.django_db

EMAIL = "pembaca.rahasia@example.org"
# The sentences written for pages without a description of their own, read in English.
ENGLISH = "django_language=en"
ROOT = "http://localhost"


class Head(HTMLParser):
    """The <meta> and <link rel=alternate|canonical> tags and the JSON-LD blocks of a page."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.ld, self._in_ld = [], [], [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta.append((attrs.get("property") or attrs.get("name"), attrs["content"]))
        elif tag == "link" and attrs.get("rel") in ("canonical", "alternate"):
            self.links.append(attrs)
        self._in_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.ld.append(json.loads(data))
            self._in_ld = False

    def one(self, name):
        values = self.all(name)
        assert len(values) == 1, (name, values)
        return values[0]

    def all(self, name):
        return [content for key, content in self.meta if key == name]

    def canonical(self):
        (link,) = [link for link in self.links if link["rel"] == "canonical"]
        return link["href"]

    def hreflang(self):
        return {link["hreflang"]: link["href"] for link in self.links if "hreflang" in link}

    def of_type(self, kind):
        return [block for block in self.ld if block["@type"] == kind]


def head_of(url, **extra):
    response = Client().get(url, **extra)
    assert response.status_code == 200, url
    return Head(response.content.decode())


def assert_site_page(head, url, title, language="id"):
    """What every page carries, whatever its type."""
    assert head.canonical() == url
    assert head.one("og:url") == url
    assert head.one("og:title") == title
    assert head.one("og:site_name") == "Kabar"
    assert head.one("description") == head.one("og:description")
    assert head.one("description")
    # One address serves every language (a cookie picks the reader's): the page lists only
    # itself, in the language a crawler without the cookie gets, and as the default.
    assert head.hreflang() == {language: url, "x-default": url}


@pytest.fixture
def image():
    return get_image_model().objects.create(
        title="Sungai meluap", file=get_test_image_file(size=(1600, 1200))
    )


@pytest.fixture
def illustrated(section, author, image):
    article = builders.make_article(
        section,
        "Banjir merendam tiga kecamatan",
        authors=[author],
        lead_image=image,
        lead_image_caption="Warga mengungsi dengan perahu",
        search_description="Tiga kecamatan terendam setelah hujan semalam.",
    )
    article.tags.add("banjir", "cuaca")
    article.save_revision().publish()
    article.refresh_from_db()
    builders.submit(article, email=EMAIL, approve=True)
    return article


def test_article_head(illustrated, author):
    head = head_of(illustrated.url)
    url = illustrated.get_full_url()
    assert_site_page(head, url, illustrated.title)
    assert head.one("description") == "Tiga kecamatan terendam setelah hujan semalam."
    assert head.one("og:type") == "article"
    assert head.one("og:locale") == "id_ID"
    assert head.all("og:locale:alternate") == []  # an article's text is in its own language
    assert head.one("article:published_time") == illustrated.first_published_at.isoformat()
    assert head.one("article:modified_time") == illustrated.last_published_at.isoformat()
    assert head.one("article:section") == "Kabar Internasional"
    assert sorted(head.all("article:tag")) == ["banjir", "cuaca"]
    assert head.all("article:author") == [f"{ROOT}/penulis/{author.slug}/"]
    assert head.one("twitter:card") == "summary_large_image"


def test_article_share_image_is_a_1200x630_crop(illustrated):
    head = head_of(illustrated.url)
    share = illustrated.lead_image.get_rendition("fill-1200x630")
    assert head.one("og:image") == ROOT + share.url
    assert (head.one("og:image:width"), head.one("og:image:height")) == ("1200", "630")
    assert head.one("og:image:alt") == "Warga mengungsi dengan perahu"
    assert head.one("twitter:image:alt") == "Warga mengungsi dengan perahu"


def test_article_without_image_has_a_summary_card_and_its_standfirst(section):
    article = builders.make_article(section, standfirst="Ringkasan berita tanpa foto.")
    head = head_of(article.url)
    assert head.one("description") == "Ringkasan berita tanpa foto."
    assert head.one("twitter:card") == "summary"
    assert head.all("og:image") == []


def test_an_english_article_says_so(section):
    article = builders.make_article(section, "Ceasefire agreed", language="en")
    head = head_of(article.url)
    assert head.one("og:locale") == "en_US"
    url = article.get_full_url()
    assert head.hreflang() == {"en": url, "x-default": url}


def test_home_head_and_website_data(home, section):
    home.intro = "Berita independen dari seluruh Nusantara."
    home.save_revision().publish()
    head = head_of("/")
    assert_site_page(head, f"{ROOT}/", "Kabar")
    assert head.one("description") == "Berita independen dari seluruh Nusantara."
    assert head.one("og:type") == "website"
    assert head.one("og:locale") == "id_ID"
    assert head.all("og:locale:alternate") == ["en_US"]
    assert head.one("twitter:card") == "summary"
    (website,) = head.of_type("WebSite")
    assert website["name"] == "Kabar"
    assert website["url"] == f"{ROOT}/"
    assert "potentialAction" not in website  # Kabar has no reader search page to point at


def test_the_home_page_title_names_the_site_once(client, home):
    assert "<title>Kabar</title>" in client.get("/").content.decode()
    home.seo_title = "Berita independen"
    home.save_revision().publish()
    assert "<title>Berita independen · Kabar</title>" in client.get("/").content.decode()


def test_home_without_intro_has_a_sentence(home):
    assert head_of("/", HTTP_COOKIE=ENGLISH).one("description") == "The latest news from Kabar."


def test_section_head(section):
    section.intro = "Kabar dari luar negeri."
    section.save_revision().publish()
    head = head_of(section.url)
    assert_site_page(head, section.get_full_url(), section.title)
    assert head.one("description") == "Kabar dari luar negeri."
    assert head.one("og:type") == "website"


def test_a_section_pages_further_pages_are_their_own_canonical(section, settings):
    settings.KABAR_SECTION_PAGE_SIZE = 2
    builders.make_articles(section, 3)
    head = head_of(section.url + "?page=2")
    assert head.canonical() == section.get_full_url() + "?page=2"


def test_tag_head(illustrated):
    head = head_of("/topik/banjir/", HTTP_COOKIE=ENGLISH)
    assert_site_page(head, f"{ROOT}/topik/banjir/", "banjir", language="en")
    assert head.one("description") == "News on banjir from Kabar."


def test_author_head(illustrated, author):
    url = f"{ROOT}/penulis/{author.slug}/"
    head = head_of(author.get_absolute_url(), HTTP_COOKIE=ENGLISH)
    assert_site_page(head, url, author.name, language="en")
    assert head.one("description") == f"Stories by {author.name} at Kabar."


def test_standard_page_head(home):
    page = home.add_child(
        instance=StandardPage(title="Tentang kami", slug="tentang", search_description="Siapa.")
    )
    page.save_revision().publish()
    head = head_of(page.url)
    assert_site_page(head, page.get_full_url(), "Tentang kami")
    assert head.one("description") == "Siapa."


def test_the_tags_follow_the_readers_language(home):
    head = head_of("/", HTTP_COOKIE=ENGLISH)
    assert head.one("og:locale") == "en_US"
    assert head.all("og:locale:alternate") == ["id_ID"]


# JSON-LD, against Google's Article structured data documentation: no property is required;
# author (name, url), dateModified, datePublished, headline (at most 110 characters) and
# image (16:9, 4:3 and 1:1, each at least 50,000 pixels, crawlable) are recommended.


def article_data(article):
    (data,) = head_of(article.url).of_type("NewsArticle")
    return data


def iso_with_zone(text):
    return datetime.fromisoformat(text).tzinfo is not None


def test_article_data_has_googles_recommended_properties(illustrated, author):
    data = article_data(illustrated)
    assert data["@context"] == "https://schema.org"
    assert data["headline"] == illustrated.title and len(data["headline"]) <= 110
    assert iso_with_zone(data["datePublished"]) and iso_with_zone(data["dateModified"])
    assert data["dateModified"] >= data["datePublished"]
    assert data["author"] == [
        {"@type": "Person", "name": author.name, "url": f"{ROOT}/penulis/{author.slug}/"}
    ]
    assert data["mainEntityOfPage"] == illustrated.get_full_url()


def test_article_images_are_16x9_4x3_and_1x1_of_50000_pixels(illustrated):
    images = article_data(illustrated)["image"]
    ratios = [round(image["width"] / image["height"], 2) for image in images]
    assert ratios == [round(16 / 9, 2), round(4 / 3, 2), 1.0]
    for image in images:
        assert image["width"] * image["height"] >= 50_000
        assert image["url"].startswith(f"{ROOT}/media/")


def test_renditions_below_googles_50000_pixels_are_left_out(rf, home):
    small = get_image_model().objects.create(
        title="Kecil", file=get_test_image_file(size=(400, 300))
    )
    kept, dropped = small.get_rendition("width-300"), small.get_rendition("width-200")
    # 300×225 is 67,500 pixels; 200×150 is 30,000.
    images = seo.article_images([kept, dropped], rf.get("/"))
    assert [(image["width"], image["height"]) for image in images] == [(300, 225)]


def test_article_data_names_the_publisher_with_its_logo(illustrated):
    publisher = article_data(illustrated)["publisher"]
    assert publisher["name"] == "Kabar"
    assert publisher["url"] == f"{ROOT}/"
    logo = publisher["logo"]
    assert logo["@type"] == "ImageObject"
    assert logo["url"] == f"{ROOT}/static/img/kabar-logo.png"
    assert logo["width"] >= 112 and logo["height"] >= 112


def test_the_logo_file_is_the_size_the_data_says():
    with Image.open(finders.find("img/kabar-logo.png")) as logo:
        assert logo.format == "PNG"
        assert logo.size == (512, 512)


def test_article_breadcrumbs_go_home_section_article(illustrated, section):
    (crumbs,) = head_of(illustrated.url).of_type("BreadcrumbList")
    items = crumbs["itemListElement"]
    assert [(i["position"], i["name"], i["item"]) for i in items] == [
        (1, "Kabar", f"{ROOT}/"),
        (2, section.title, section.get_full_url()),
        (3, illustrated.title, illustrated.get_full_url()),
    ]


def test_no_commenter_details_in_any_head(illustrated, author):
    for url in (illustrated.url, "/", illustrated.get_parent().url, "/topik/banjir/"):
        html = Client().get(url).content.decode()
        head = html[: html.index("</head>")]
        assert EMAIL not in head and "203.0.113.9" not in head


def test_metadata_cannot_be_broken_out_of(section):
    article = builders.make_article(section, 'Judul "><script>alert(1)</script>')
    html = Client().get(article.url).content.decode()
    assert "<script>alert(1)" not in html
    assert re.search(r'<meta property="og:title" content="Judul &quot;&gt;&lt;script', html)


def test_the_site_s_own_name_heads_every_page(
    client, home, article, page_cache, django_capture_on_commit_callbacks
):
    # The newsroom names its Site in Wagtail's settings: the titles and the header said
    # "Kabar" whatever it was called (its feeds and structured data followed already).
    for url in ("/", article.url):
        assert "<title>" in client.get(url).content.decode()  # kept by the page cache
    site = Site.objects.get(is_default_site=True)
    site.site_name = "Warta Uji"
    with django_capture_on_commit_callbacks(execute=True):
        site.save()
    for url in ("/", article.url):
        html = client.get(url).content.decode()
        assert re.search(r"<title>[^<]*Warta Uji</title>", html), url
        assert '<a class="site-title" href="/">Warta Uji</a>' in html
        assert "· Kabar</title>" not in html
