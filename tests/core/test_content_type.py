"""A Content-Type Django cannot read is no server error: Django read the header, and
decoded the query string in the charset it names, while it built the request, before any
middleware or view could answer (kabar/core/content_type.py)."""

import pytest
from django.test import Client

from kabar.core.content_type import is_request_charset
from tests import builders

pytestmark = pytest.mark.django_db

UNREADABLE = [
    # Codecs, but not from bytes to text.
    "text/plain; charset=base64",
    "text/plain; charset=rot13",
    # Text codecs that fail on any text, or read ASCII as something else.
    "text/plain; charset=undefined",
    "text/plain; charset=punycode",
    # RFC 2231 parameters: a charset Python does not know, a NUL spelled out.
    "text/plain; charset*=bogus''x",
    "text/plain; charset*=utf-8''%00",
    "multipart/form-data; boundary=x; charset*=bogus''x",
]


@pytest.fixture
def article():
    home = builders.make_home()
    return builders.make_article(builders.make_section(home))


@pytest.mark.parametrize("content_type", UNREADABLE)
def test_a_page_is_served_whatever_the_content_type_says(article, content_type):
    client = Client()
    for method in ("GET", "HEAD"):
        response = client.generic(
            method, article.url, QUERY_STRING="cpage=%FF&q=caf%E9", CONTENT_TYPE=content_type
        )
        assert response.status_code == 200


@pytest.mark.parametrize("content_type", UNREADABLE)
def test_a_post_with_such_a_content_type_reads_no_form(article, content_type):
    client = Client(raise_request_exception=False)
    response = client.generic(
        "POST", "/comments/post/?x=1", b"page=1&body=teks", content_type=content_type
    )
    assert response.status_code == 400


def test_the_charsets_a_request_is_read_in():
    for name in ("utf-8", "UTF8", "latin-1", "windows-1252", "iso-8859-15", "shift_jis"):
        assert is_request_charset(name)
    for name in (
        "base64",
        "rot13",
        "hex",
        "zlib",
        "undefined",
        "punycode",
        "utf-16",
        "nope",
        "a\x00",
    ):
        assert not is_request_charset(name)


@pytest.mark.parametrize("charset", ["latin-1", "utf8", "us-ascii", "cp1252"])
def test_a_form_naming_a_charset_is_read_as_utf_8(article, charset):
    # Django refuses a urlencoded form naming any charset but "utf-8" (BadRequest), and
    # its 400 page read the form again: a 500 for every such post, to any address.
    client = Client(raise_request_exception=False, enforce_csrf_checks=True)
    client.cookies["csrftoken"] = "a" * 32
    content_type = f"application/x-www-form-urlencoded; charset={charset}"
    response = client.post(article.url, "x=1", content_type=content_type)
    assert response.status_code == 403  # the CSRF check's answer, not a server error
    response = client.post("/cari/", "q=caf%C3%A9", content_type=content_type)
    assert response.status_code == 403
    response = Client().post(
        "/comments/post/", f"page={article.pk}&body=caf%C3%A9", content_type=content_type
    )
    assert response.status_code == 400
    assert "café" in response.content.decode()  # the form again, with what was typed
