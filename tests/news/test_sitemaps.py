"""The sitemap index, its sitemaps and the Google News sitemap: valid against schemas written
from the Sitemaps protocol and Google's news sitemap documentation (tests/data/sitemaps), with
a lastmod everywhere, only live public pages, and bounded queries."""

from datetime import timedelta
from pathlib import Path

import pytest
import xmlschema
from defusedxml import ElementTree
from django.utils import timezone
from wagtail.models import PageViewRestriction

from kabar.news import sitemaps
from tests import builders

pytestmark = pytest.mark.django_db

SCHEMAS = Path(__file__).resolve().parent.parent / "data" / "sitemaps"
NS = {
    "sm": "http://www.sitemaps.org/schemas/sitemap/0.9",
    "news": "http://www.google.com/schemas/sitemap-news/0.9",
}
EMAIL = "pembaca.rahasia@example.org"


def valid(client, url, schema):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"].startswith("application/xml")
    xmlschema.XMLSchema(SCHEMAS / f"{schema}.xsd").validate(response.content)
    return ElementTree.fromstring(response.content)


def locations(root, entry="url"):
    return [loc.text for loc in root.findall(f"sm:{entry}/sm:loc", NS)]


@pytest.fixture
def site(section, author):
    article = builders.make_article(section, "Banjir di Jakarta", authors=[author])
    article.tags.add("banjir")
    article.save_revision().publish()
    article.refresh_from_db()
    builders.submit(article, email=EMAIL, approve=True)
    return {"section": section, "author": author, "article": article}


def test_the_index_lists_each_sitemap_with_its_lastmod(client, site):
    root = valid(client, "/sitemap.xml", "sitemap_index")
    assert locations(root, "sitemap") == [
        "http://localhost/sitemap-pages.xml",
        "http://localhost/sitemap-tags.xml",
        "http://localhost/sitemap-authors.xml",
    ]
    assert all(e.text for e in root.findall("sm:sitemap/sm:lastmod", NS))
    assert len(root.findall("sm:sitemap/sm:lastmod", NS)) == 3


def test_the_pages_sitemap_lists_every_public_page_with_a_lastmod(client, site):
    root = valid(client, "/sitemap-pages.xml", "sitemap")
    urls = locations(root)
    assert "http://localhost/" in urls
    assert site["section"].get_full_url() in urls
    assert site["article"].get_full_url() in urls
    assert len(root.findall("sm:url/sm:lastmod", NS)) == len(urls)


def test_a_front_is_as_recent_as_its_newest_article(client, site):
    root = valid(client, "/sitemap-pages.xml", "sitemap")
    lastmod = {
        url.find("sm:loc", NS).text: url.find("sm:lastmod", NS).text
        for url in root.findall("sm:url", NS)
    }
    article = lastmod[site["article"].get_full_url()]
    assert lastmod[site["section"].get_full_url()] == article
    assert lastmod["http://localhost/"] == article


def test_tag_and_author_sitemaps_list_their_pages(client, site):
    tags = locations(valid(client, "/sitemap-tags.xml", "sitemap"))
    assert tags == ["http://localhost/topik/banjir/"]
    authors = locations(valid(client, "/sitemap-authors.xml", "sitemap"))
    assert authors == [f"http://localhost/penulis/{site['author'].slug}/"]


def test_tags_and_authors_of_restricted_articles_only_are_left_out(client, section):
    hidden_author = builders.make_author("Penulis Rahasia")
    secret = builders.make_article(section, "Rahasia", authors=[hidden_author])
    secret.tags.add("rahasia")
    secret.save_revision().publish()
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    builders.make_article(section, "Terbuka")
    assert client.get("/sitemap-tags.xml").status_code == 404
    assert client.get("/sitemap-authors.xml").status_code == 404
    root = valid(client, "/sitemap.xml", "sitemap_index")
    assert locations(root, "sitemap") == ["http://localhost/sitemap-pages.xml"]
    assert secret.get_full_url() not in client.get("/sitemap-pages.xml").content.decode()


def test_sitemaps_split_into_pages_of_limit_urls(client, section, monkeypatch):
    builders.make_articles(section, 5)
    monkeypatch.setattr(sitemaps.PagesSitemap, "limit", 3)  # 7 pages: home, section, 5 articles
    root = valid(client, "/sitemap.xml", "sitemap_index")
    assert locations(root, "sitemap")[:3] == [
        "http://localhost/sitemap-pages.xml",
        "http://localhost/sitemap-pages.xml?p=2",
        "http://localhost/sitemap-pages.xml?p=3",
    ]
    pages = [locations(valid(client, f"/sitemap-pages.xml?p={n}", "sitemap")) for n in (1, 2, 3)]
    assert [len(urls) for urls in pages] == [3, 3, 1]
    assert len({url for urls in pages for url in urls}) == 7
    assert client.get("/sitemap-pages.xml?p=4").status_code == 404


def test_the_news_sitemap_lists_recent_articles_with_publication_and_language(client, section):
    now = timezone.now()
    fresh = builders.make_article(section, "Kabar & terbaru", published=now - timedelta(hours=2))
    english = builders.make_article(
        section, "Ceasefire agreed", language="en", published=now - timedelta(hours=47)
    )
    root = valid(client, "/sitemap-news.xml", "news_sitemap")
    assert locations(root) == [fresh.get_full_url(), english.get_full_url()]
    first, second = root.findall("sm:url/news:news", NS)
    assert first.find("news:publication/news:name", NS).text == "Kabar"
    assert first.find("news:publication/news:language", NS).text == "id"
    assert second.find("news:publication/news:language", NS).text == "en"
    assert first.find("news:title", NS).text == "Kabar & terbaru"
    published = first.find("news:publication_date", NS).text
    assert published == timezone.localtime(fresh.published_at).isoformat()


def test_the_news_sitemap_leaves_out_old_restricted_and_unpublished_articles(client, section):
    now = timezone.now()
    shown = builders.make_article(section, "Baru", published=now - timedelta(hours=1))
    old = builders.make_article(section, "Lama", published=now - timedelta(hours=49))
    secret = builders.make_article(section, "Rahasia", published=now - timedelta(hours=1))
    PageViewRestriction.objects.create(page=secret, restriction_type="password", password="x")
    draft = builders.make_article(section, "Ditarik", published=now - timedelta(hours=1))
    draft.unpublish()
    urls = locations(valid(client, "/sitemap-news.xml", "news_sitemap"))
    assert urls == [shown.get_full_url()]
    assert old.get_full_url() not in urls


def test_an_empty_news_sitemap_is_still_valid(client, section):
    builders.make_article(section, "Lama", published=timezone.now() - timedelta(days=3))
    assert locations(valid(client, "/sitemap-news.xml", "news_sitemap")) == []


def test_the_news_sitemap_holds_at_most_its_limit_of_articles(section, monkeypatch, rf):
    assert sitemaps.NEWS_LIMIT == 1000  # Google's maximum
    monkeypatch.setattr(sitemaps, "NEWS_LIMIT", 2)
    builders.make_articles(section, 3)
    assert len(sitemaps.news_articles(rf.get("/sitemap-news.xml"))) == 2


def test_no_commenter_details_in_any_sitemap(client, site):
    for url in ("/sitemap.xml", "/sitemap-pages.xml", "/sitemap-tags.xml", "/sitemap-news.xml"):
        body = client.get(url).content.decode()
        assert EMAIL not in body and "203.0.113.9" not in body


@pytest.mark.parametrize(
    "url", ["/sitemap.xml", "/sitemap-pages.xml", "/sitemap-tags.xml", "/sitemap-news.xml"]
)
def test_sitemap_queries_do_not_grow_with_articles(
    client, section, author, url, django_assert_max_num_queries
):
    def tagged(count):
        for article in builders.make_articles(section, count, authors=[author]):
            article.tags.add(f"topik-{article.pk}")
            article.save_revision().publish()

    tagged(2)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    tagged(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
