"""Article feeds stay well-formed XML whatever an article, its section or its author
already holds: characters XML 1.0 forbids are left out of the feed instead of breaking it."""

import xml.etree.ElementTree as ET

import pytest

from kabar.news.models import ArticlePage, Author, SectionPage

pytestmark = pytest.mark.django_db

CONTROLS = "\x01\x0c\x1f"


def test_article_feeds_leave_out_control_characters_already_stored(
    client, section, article, author
):
    ArticlePage.objects.filter(pk=article.pk).update(
        title=f"Judul{CONTROLS} berita", standfirst="Ringkasan\x0b berita"
    )
    SectionPage.objects.filter(pk=section.pk).update(title="Rubrik\x01", intro="Pengantar\x0c")
    Author.objects.filter(pk=author.pk).update(name="Penulis\x1f")
    for url in (
        "/feed/",
        "/feed/atom/",
        f"/feed/rubrik/{section.slug}/",
        f"/feed/rubrik/{section.slug}/atom/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.content)  # noqa: S314 - our own feed
        text = response.content.decode()
        assert "Judul berita" in text and "Ringkasan berita" in text, url
        assert "Penulis" in text, url
        assert not any(char in text for char in CONTROLS + "\x0b"), url
