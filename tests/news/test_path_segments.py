"""Addresses with a control character in a path segment (NUL above all, which PostgreSQL
refuses in a query's text) are not found, on every database: never a server error."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

SEGMENT_ROUTES = [
    "news:author",
    "news:tag",
    "news:section_feed",
    "news:section_feed_atom",
    "news:tag_feed",
    "news:tag_feed_atom",
    "news:author_feed",
    "news:author_feed_atom",
]
BAD_SEGMENTS = ["%00", "a%00b", "x%00.json", "%01", "a%7Fb", "%C2%85"]


@pytest.mark.parametrize("route", SEGMENT_ROUTES)
@pytest.mark.parametrize("segment", BAD_SEGMENTS)
def test_a_control_character_in_a_named_segment_is_not_found(client, article, route, segment):
    path = reverse(route, args=["SEGMENT"]).replace("SEGMENT", segment)
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("segment", BAD_SEGMENTS)
def test_a_control_character_under_a_page_is_not_found(client, article, segment):
    section = article.get_parent().url
    assert client.get(f"/{segment}/").status_code == 404
    assert client.get(f"/2019/05/{segment}/").status_code == 404  # a WordPress address
    assert client.get(f"{section}{segment}/").status_code == 404
    assert client.get(f"{article.url}{segment}/").status_code == 404


@pytest.mark.parametrize("route", ["news:author", "news:author_feed", "news:author_feed_atom"])
def test_a_slug_in_any_script_still_reaches_its_page(client, article, author, route):
    """Only control characters are refused: an imported site's slugs may be in any script."""
    author.slug = "penulis-ปัจจุบัน-новости"
    author.save()
    response = client.get(reverse(route, args=[author.slug]))
    assert response.status_code == 200
    assert author.name in response.content.decode()
