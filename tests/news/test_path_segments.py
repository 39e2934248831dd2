"""Addresses with a control character in a path segment (NUL above all, which PostgreSQL
refuses in a query's text) are not found, on every database: never a server error; nor
does a NUL anywhere else in a request (its query, a cookie) reach a query."""

from urllib.parse import unquote

import pytest
from django.urls import Resolver404, resolve, reverse

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


@pytest.mark.parametrize("route", SEGMENT_ROUTES)
@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1f", "\x7f", "\x85"])
def test_a_named_segment_takes_no_control_character(route, char):
    """<segment:...> itself (kabar/core/segments.py), behind the middleware's refusal of
    NUL: Django's <str:...> took any of these."""
    good = unquote(reverse(route, args=["berita-ปัจจุบัน"]))  # as Django decodes a path
    assert resolve(good).view_name == route
    with pytest.raises(Resolver404):
        resolve(good.replace("ปัจจุบัน", f"a{char}b"))


@pytest.mark.parametrize(
    "path",
    [
        "/tidak-ada/?p=%00",  # a 404: the WordPress address lookup decodes escapes
        "/tidak-ada/?page_id=1%00",
        "/arsip%2500/",  # a literal "%00" in the path, decoded by that lookup
        "/2019/05/judul%2500/",
    ],
)
def test_a_nul_spelled_in_an_old_address_is_not_looked_up(client, article, path):
    assert client.get(path).status_code == 404


def test_a_forged_session_key_with_nul_is_no_session(client, article):
    """Django takes the session cookie's value as the key to look up: a forged one holding
    NUL is no key (kabar/core/sessions.py), and the page is served as to a new reader."""
    response = client.get(article.url, HTTP_COOKIE='sessionid="abcdefgh\\000xyz"')
    assert response.status_code == 200
    assert article.title in response.content.decode()
