"""/robots.txt: crawlers kept out of the newsroom and the comment actions, pointed at the
sitemap index and the news sitemap on the configured site's address; cached like the lists."""

import pytest
from django.test import Client

from kabar.core.page_cache import HEADER

pytestmark = pytest.mark.django_db


def test_robots_keeps_crawlers_out_of_the_newsroom_and_comment_actions(client, home):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    lines = response.content.decode().splitlines()
    assert lines[0] == "User-agent: *"
    assert "Disallow: /admin/" in lines
    assert "Disallow: /comments/" in lines
    assert "Allow: /comments/feed/" in lines
    assert "Disallow: /" not in lines  # the site itself stays open


def test_robots_names_the_sitemaps_on_the_sites_address(client, home):
    lines = client.get("/robots.txt", HTTP_HOST="127.0.0.1").content.decode().splitlines()
    assert "Sitemap: http://localhost/sitemap.xml" in lines
    assert "Sitemap: http://localhost/sitemap-news.xml" in lines
    assert Client().get("/sitemap-news.xml").status_code == 200


def test_robots_is_served_from_the_page_cache(page_cache, home, django_assert_num_queries):
    Client().get("/robots.txt")
    with django_assert_num_queries(0):
        response = Client().get("/robots.txt")
    assert response.get(HEADER) == "hit"
