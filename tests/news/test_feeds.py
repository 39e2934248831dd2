import json
import re

import pytest
from django.test import Client

from tests import builders

pytestmark = pytest.mark.django_db
EMAIL = "pemberi.komentar@example.org"


def test_site_feed_lists_latest_live_articles(client, section, author):
    articles = builders.make_articles(section, 3, authors=[author])
    draft = builders.make_article(section, "Belum terbit")
    draft.unpublish()
    response = client.get("/feed/")
    body = response.content.decode()
    assert response["Content-Type"].startswith("application/rss+xml")
    assert body.index(articles[0].title) < body.index(articles[2].title)
    assert "Belum terbit" not in body
    assert f"http://localhost{articles[0].url}" in body  # the Site's address
    assert author.name in body


def test_section_feed_only_has_that_section(client, home, section):
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    builders.make_article(section, "Dari luar negeri")
    builders.make_article(other, "Dari pasar")
    atom = client.get("/feed/rubrik/ekonomi/atom/")
    assert atom["Content-Type"].startswith("application/atom+xml")
    body = atom.content.decode()
    assert "Dari pasar" in body and "Dari luar negeri" not in body
    assert client.get("/feed/rubrik/tidak-ada/").status_code == 404


def test_feed_queries_do_not_grow_with_articles(section, author, django_assert_max_num_queries):
    client = Client()
    builders.make_articles(section, 2, authors=[author])
    with django_assert_max_num_queries(20) as few:
        client.get("/feed/")
    builders.make_articles(section, 12, authors=[author])
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get("/feed/")


def test_article_structured_data_is_public_facts_only(client, article, author):
    builders.submit(article, email=EMAIL, approve=True)
    html = client.get(article.url).content.decode()
    block = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(block)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["author"][0]["name"] == author.name
    assert data["commentCount"] == 1
    assert data["articleSection"] == "Kabar Internasional"
    assert EMAIL not in block and "203.0.113.9" not in block


def test_structured_data_cannot_be_broken_out_of(client, section):
    article = builders.make_article(section, "Judul </script><script>alert(1)</script>")
    html = client.get(article.url).content.decode()
    assert "</script><script>alert(1)" not in html
