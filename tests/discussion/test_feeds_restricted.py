"""Comment feeds show no comment on a page a view restriction hides: not on a restricted
article, not under a restricted section, not on an alias of a restricted article (an alias
takes its source's restrictions). The per-article feed of such a page does not exist."""

import pytest
from django.urls import reverse
from wagtail.models import PageViewRestriction

from tests import builders

pytestmark = pytest.mark.django_db

SITE_FEEDS = [reverse("discussion:feed"), reverse("discussion:feed_atom")]


def restrict(page, restriction_type=PageViewRestriction.LOGIN):
    PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, password="sandi-rahasia"
    )


def article_feeds(page):
    return [
        reverse("discussion:article_feed", args=[page.pk]),
        reverse("discussion:article_feed_atom", args=[page.pk]),
    ]


def assert_hidden(client, page, body):
    for url in SITE_FEEDS:
        response = client.get(url)
        assert response.status_code == 200
        assert body not in response.content.decode()
        assert page.title not in response.content.decode()
    for url in article_feeds(page):
        assert client.get(url).status_code == 404, url


def test_no_comment_from_under_a_restricted_section_in_any_feed(client, home, article):
    closed = builders.make_section(home, "Ruang Pelanggan", slug="ruang-pelanggan")
    inside = builders.make_article(closed, "Khusus pelanggan")
    builders.submit(inside, body="Komentar di ruang pelanggan.", approve=True)
    restrict(closed)
    assert_hidden(client, inside, "Komentar di ruang pelanggan.")


def test_no_comment_on_an_alias_of_a_restricted_article_in_any_feed(client, home, article):
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    alias = article.create_alias(parent=other, update_slug="salinan")
    alias.title = "Salinan artikel tertutup"
    builders.submit(alias, body="Komentar di salinan.", approve=True)
    assert "Komentar di salinan." in client.get(SITE_FEEDS[0]).content.decode()
    restrict(article, PageViewRestriction.PASSWORD)
    assert_hidden(client, alias, "Komentar di salinan.")
