"""Pages and static files come compressed with brotli or gzip as the client asks, from the
page cache and from Django alike, and uncompressed when it does not ask."""

import gzip

import brotli
import pytest
from django.http import HttpResponse
from django.test import Client

from kabar.core import page_cache as cache_module
from kabar.core.compression import CompressionMiddleware

pytestmark = pytest.mark.django_db

CHROMIUM = "gzip, deflate, br, zstd"


def get(url, accept=None, **extra):
    headers = {"HTTP_ACCEPT_ENCODING": accept} if accept is not None else {}
    return Client().get(url, **headers, **extra)


def test_a_cached_page_comes_in_brotli_to_a_client_that_accepts_it(page_cache, article):
    plain = get(article.url)
    assert plain["X-Kabar-Cache"] == "miss"
    assert not plain.has_header("Content-Encoding")

    hit = get(article.url, CHROMIUM)
    assert hit["X-Kabar-Cache"] == "hit"
    assert hit["Content-Encoding"] == "br"
    assert "Accept-Encoding" in hit["Vary"]
    assert int(hit["Content-Length"]) == len(hit.content) < len(plain.content) / 2
    assert brotli.decompress(hit.content) == plain.content


def test_a_cached_page_comes_in_gzip_when_brotli_is_not_accepted(page_cache, article):
    plain = get(article.url)
    hit = get(article.url, "gzip, deflate")
    assert hit["X-Kabar-Cache"] == "hit"
    assert hit["Content-Encoding"] == "gzip"
    assert gzip.decompress(hit.content) == plain.content


def test_a_cached_page_is_not_compressed_unless_asked(page_cache, article):
    get(article.url, CHROMIUM)
    for accept in (None, "identity", "deflate"):
        hit = get(article.url, accept)
        assert hit["X-Kabar-Cache"] == "hit"
        assert not hit.has_header("Content-Encoding")
        assert b"</html>" in hit.content
        assert "Accept-Encoding" in hit["Vary"]


def test_the_first_answer_is_compressed_as_asked_too(page_cache, article):
    miss = get(article.url, CHROMIUM)
    assert miss["X-Kabar-Cache"] == "miss"
    assert miss["Content-Encoding"] == "br"
    assert b"</html>" in brotli.decompress(miss.content)


def test_the_brotli_copy_counts_toward_the_memory_bound(page_cache, article):
    get(article.url)
    found = cache_module.lookup(Client().get(article.url).wsgi_request.META)
    entry = found.entry
    assert entry.br_body is not None
    assert entry.size == len(entry.body) + len(entry.gzip_body) + len(entry.br_body) + 512


def test_an_entry_stored_before_brotli_copies_is_served_in_gzip(page_cache, article):
    plain = get(article.url)
    found = cache_module.lookup(Client().get(article.url).wsgi_request.META)
    old = found.entry
    # As an entry pickled by the previous version loads: no br_body of its own.
    del old.__dict__["br_body"]
    cache_module.config().cache.set(found.key, old)

    hit = get(article.url, CHROMIUM)
    assert hit["Content-Encoding"] == "gzip"
    assert gzip.decompress(hit.content) == plain.content


def test_an_uncached_page_comes_in_brotli_or_gzip_as_asked(article):
    plain = get(article.url)
    assert not plain.has_header("Content-Encoding")
    assert "Accept-Encoding" in plain["Vary"]

    br = get(article.url, CHROMIUM)
    assert br["Content-Encoding"] == "br"
    assert "Accept-Encoding" in br["Vary"]
    assert brotli.decompress(br.content).count(b"</html>") == 1

    gz = get(article.url, "gzip")
    assert gz["Content-Encoding"] == "gzip"
    assert gzip.decompress(gz.content).count(b"</html>") == 1


def test_images_and_other_binary_answers_are_left_as_they_are(rf):
    png = b"\x89PNG" + bytes(range(256)) * 8
    middleware = CompressionMiddleware(lambda request: HttpResponse(png, content_type="image/png"))
    for accept in (CHROMIUM, "gzip"):
        response = middleware(rf.get("/gambar.png", HTTP_ACCEPT_ENCODING=accept))
        assert not response.has_header("Content-Encoding")
        assert response.content == png


@pytest.fixture
def collected(collected_static):
    return collected_static


def test_collected_css_and_js_are_served_compressed_as_asked(collected, article):
    html = get(article.url).content.decode()
    for asset in ("css/kabar", "js/kabar"):
        start = html.index(f"/static/{asset}.")
        url = html[start : html.index('"', start)]
        original = (collected / url.removeprefix("/static/")).read_bytes()
        for accept, encoding, decode in (
            (CHROMIUM, "br", brotli.decompress),
            ("gzip, deflate", "gzip", gzip.decompress),
            (None, None, bytes),
        ):
            # A new client: WhiteNoise reads the collected files when it is set up.
            response = get(url, accept)
            assert response.status_code == 200, url
            assert response.get("Content-Encoding") == encoding, (url, accept)
            assert "Accept-Encoding" in response["Vary"]
            assert decode(b"".join(response.streaming_content)) == original


@pytest.mark.parametrize(
    ("accept", "coding"),
    [
        ("br;q=0, gzip", "gzip"),
        ("gzip, br; q=0.000", "gzip"),
        ("br;q=0.5, gzip;q=1", "br"),
        ("gzip;q=0", None),
        ("gzip;q=0, br;q=0", None),
        ("x-br, gzip;q=0", None),
        ("x-gzip", "gzip"),
        ("br;q=nan, gzip", "gzip"),
    ],
)
def test_a_coding_weighted_zero_is_refused(page_cache, article, accept, coding):
    # RFC 9110: q=0 means "not acceptable"; the header used to be searched for the name.
    for served in ("miss", "hit"):
        response = get(article.url, accept)
        assert response["X-Kabar-Cache"] == served
        assert response.get("Content-Encoding") == coding


@pytest.mark.parametrize(("accept", "coding"), [("br;q=0, gzip", "gzip"), ("gzip;q=0", None)])
def test_django_s_responses_weigh_the_codings_too(article, accept, coding):
    response = get(article.url, accept)  # no page cache: Django's compression middleware
    assert response.get("Content-Encoding") == coding
    assert "Accept-Encoding" in response["Vary"]
