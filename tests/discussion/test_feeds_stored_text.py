"""Comment feeds stay well-formed XML whatever an approved comment already holds: text
and names stored before the form refused XML 1.0's forbidden characters lose them in the
feed instead of breaking it."""

import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from kabar.discussion.models import Comment
from tests import builders

pytestmark = pytest.mark.django_db

CONTROLS = "\x01\x0c\x1f"


@pytest.fixture
def stored(article):
    comment = builders.submit(article, body="Komentar biasa.", approve=True)
    Comment.objects.filter(pk=comment.pk).update(
        body=f"Ada karakter{CONTROLS} kendali di sini.", author_name=f"Budi{CONTROLS}"
    )
    return comment


def feed_urls(article):
    return [
        reverse("discussion:feed"),
        reverse("discussion:feed_atom"),
        reverse("discussion:article_feed", args=[article.pk]),
        reverse("discussion:article_feed_atom", args=[article.pk]),
    ]


def test_comment_feeds_leave_out_control_characters_already_stored(client, article, stored):
    for url in feed_urls(article):
        response = client.get(url)
        assert response.status_code == 200, url
        ET.fromstring(response.content)  # noqa: S314 - our own feed
        text = response.content.decode()
        # The page shows a form feed as a line break (comment_body), and so does the feed.
        assert "Ada karakter" in text and "kendali di sini." in text, url
        assert "Budi" in text, url
        assert not any(char in text for char in CONTROLS), url
