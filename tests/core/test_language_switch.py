"""The language switch: plain links to a view that sets the language cookie and redirects back
to a path on this site, working on pages served from the page cache."""

from html import unescape
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from kabar.core.page_cache import HEADER
from tests import builders

pytestmark = pytest.mark.django_db

SWITCH = "/i18n/setlang/"


def switch(client, **params):
    return client.get(SWITCH, params)


def switch_links(html):
    """{language: href} of the switch's links in a page."""
    nav = html.split('class="language-switch"', 1)[1].split("</nav>", 1)[0]
    links = {}
    for chunk in nav.split("<a ")[1:]:
        href = unescape(chunk.split('href="', 1)[1].split('"', 1)[0])
        links[chunk.split('lang="', 1)[1].split('"', 1)[0]] = href
    return links


def test_the_switch_sets_the_cookie_and_redirects_to_next():
    response = switch(Client(), language="en", next="/berita/")
    assert response.status_code == 302
    assert response["Location"] == "/berita/"
    cookie = response.cookies[settings.LANGUAGE_COOKIE_NAME]
    assert cookie.value == "en"
    assert cookie["path"] == "/"


def test_the_next_path_keeps_its_query_string():
    response = switch(Client(), language="en", next="/berita/?page=2&cpage=3")
    assert response["Location"] == "/berita/?page=2&cpage=3"


@pytest.mark.parametrize(
    "hostile",
    [
        "https://evil.example/berita/",
        "//evil.example/berita/",
        "/\\evil.example/berita/",
        "\\\\evil.example",
        "javascript:alert(1)",
        "http://testserver/berita/",
        "berita/",
        "",
    ],
)
def test_a_next_off_this_site_is_refused_for_the_home_page(hostile):
    response = switch(Client(), language="en", next=hostile)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"


def test_an_unknown_language_sets_no_cookie():
    response = switch(Client(), language="xx", next="/berita/")
    assert response["Location"] == "/berita/"
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_the_answer_is_never_cached():
    response = switch(Client(), language="en", next="/")
    cache_control = response["Cache-Control"]
    assert "no-store" in cache_control and "no-cache" in cache_control


def test_a_post_is_refused_the_switch_is_a_link():
    # CSRF checks off, so the answer is the view's own.
    response = Client().post(SWITCH, {"language": "en", "next": "/"})
    assert response.status_code == 405
    assert settings.LANGUAGE_COOKIE_NAME not in response.cookies


def test_pages_link_to_each_other_language_with_nofollow_and_no_form(client, article):
    html = client.get(article.url).content.decode()
    nav = html.split('class="language-switch"', 1)[1].split("</nav>", 1)[0]
    assert "<form" not in nav and "csrfmiddlewaretoken" not in html
    assert 'aria-current="true"' in nav and "Bahasa Indonesia" in nav
    assert 'rel="nofollow"' in nav
    href = switch_links(html)["en"]
    assert urlsplit(href).path == SWITCH
    assert parse_qs(urlsplit(href).query) == {"language": ["en"], "next": [article.url]}


def test_the_link_brings_the_reader_back_to_the_same_page_number(page_cache, section):
    builders.make_articles(section, 25)
    html = Client().get(section.url + "?page=02&utm_source=umpan").content.decode()
    response = Client().get(switch_links(html)["en"])
    assert response["Location"] == f"{section.url}?page=2"


def test_on_a_cached_page_each_language_is_kept_once_and_switching_works(page_cache, article):
    reader = Client()
    assert reader.get(article.url)[HEADER] == "miss"
    indonesian = reader.get(article.url)
    assert indonesian[HEADER] == "hit"
    assert "Tinggalkan Balasan" in indonesian.content.decode()
    assert "Cookie" in indonesian["Vary"]

    back = reader.get(switch_links(indonesian.content.decode())["en"])
    assert back["Location"] == article.url
    english = reader.get(article.url)
    assert english[HEADER] == "miss"  # its own copy, not the Indonesian one
    assert "Leave a Reply" in english.content.decode()
    assert english["Content-Language"] == "en"
    assert reader.get(article.url)[HEADER] == "hit"

    # Another English reader is served the English copy, an Indonesian one the Indonesian.
    other = Client()
    other.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert other.get(article.url)[HEADER] == "hit"
    assert "Leave a Reply" in other.get(article.url).content.decode()
    assert "Tinggalkan Balasan" in Client().get(article.url).content.decode()

    reader.get(switch_links(english.content.decode())["id"])
    again = reader.get(article.url)
    assert again[HEADER] == "hit"
    assert "Tinggalkan Balasan" in again.content.decode()
