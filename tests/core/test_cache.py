"""The page cache: what it serves without the database, what it never stores, validators,
gzip, languages, and the WSGI fast path."""

import gzip
import io
import os
import pickle
import sys
import time

import pytest
from django.core.cache import caches
from django.core.handlers.wsgi import WSGIHandler
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import resolve

from kabar.core import generations
from kabar.core import page_cache as page_cache_module
from kabar.core.page_cache import (
    HEADER,
    PageCacheApp,
    PageCacheMiddleware,
    lookup,
    shareable_path,
    store,
)
from kabar.core.purge import purge_paths
from kabar.discussion.models import DiscussionSettings
from tests import builders

pytestmark = pytest.mark.django_db


def state(response):
    return response.get(HEADER)


def warm(client, url, **extra):
    first = client.get(url, **extra)
    assert state(first) == "miss", (url, first.status_code, state(first))
    return first


def test_anonymous_article_is_served_from_the_cache_without_queries(
    page_cache, article, django_assert_num_queries
):
    first = warm(Client(), article.url)
    with django_assert_num_queries(0):
        second = Client().get(article.url)
    assert state(second) == "hit"
    assert second.status_code == 200
    assert second.content == first.content
    assert article.title in second.content.decode()


@pytest.mark.parametrize(
    "url_of",
    [
        lambda a: "/",
        lambda a: a.get_parent().url,
        lambda a: a.get_parent().url + "?page=1",
        lambda a: "/feed/",
        lambda a: "/feed/atom/",
        lambda a: f"/feed/rubrik/{a.get_parent().slug}/",
        lambda a: "/sitemap.xml",
        lambda a: "/comments/feed/",
        lambda a: f"/comments/feed/article/{a.pk}/",
    ],
    ids=[
        "home",
        "section",
        "section-page-1",
        "feed",
        "atom",
        "section-feed",
        "sitemap",
        "comment-feed",
        "article-comment-feed",
    ],
)
def test_fronts_feeds_and_sitemaps_are_cached(
    page_cache, article, author, url_of, django_assert_num_queries
):
    url = url_of(article)
    first = warm(Client(), url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        second = Client().get(url)
    assert state(second) == "hit"
    assert second.content == first.content


def test_author_and_tag_pages_are_cached(page_cache, article, author, django_assert_num_queries):
    article.tags.add("banjir")
    article.save_revision().publish()
    for url in (author.get_absolute_url(), "/topik/banjir/"):
        warm(Client(), url)
        with django_assert_num_queries(0):
            assert state(Client().get(url)) == "hit"


def test_etag_gives_304_and_a_changed_page_gives_200(page_cache, article):
    first = warm(Client(), article.url)
    etag = first["ETag"]
    assert etag.startswith('W/"')
    again = Client().get(article.url, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert again.content == b""
    assert again["ETag"] == etag
    assert Client().get(article.url, HTTP_IF_NONE_MATCH='W/"other"').status_code == 200
    # The gzip copy has the same weak validator: either one revalidates.
    assert Client().get(article.url, HTTP_IF_NONE_MATCH=etag[2:]).status_code == 304


def test_last_modified_gives_304(page_cache, article):
    first = warm(Client(), article.url)
    since = first["Last-Modified"]
    assert Client().get(article.url, HTTP_IF_MODIFIED_SINCE=since).status_code == 304
    earlier = "Mon, 01 Jan 2001 00:00:00 GMT"
    assert Client().get(article.url, HTTP_IF_MODIFIED_SINCE=earlier).status_code == 200


def test_first_response_already_carries_validators_and_cache_control(page_cache, article):
    first = warm(Client(), article.url)
    assert first["Last-Modified"]
    assert first["Cache-Control"] == "max-age=0, s-maxage=1"
    assert "Accept-Encoding" in first["Vary"]


def test_gzip_copy_is_stored_and_served_to_clients_that_accept_it(page_cache, article):
    plain = warm(Client(), article.url)
    assert not plain.has_header("Content-Encoding")
    zipped = Client().get(article.url, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert state(zipped) == "hit"
    assert zipped["Content-Encoding"] == "gzip"
    assert int(zipped["Content-Length"]) == len(zipped.content) < len(plain.content) / 2
    assert gzip.decompress(zipped.content) == plain.content


def test_pages_not_cached_are_still_gzipped(page_cache, article):
    client = Client(HTTP_ACCEPT_ENCODING="gzip")
    client.cookies["sessionid"] = "whatever"
    response = client.get(article.url)
    assert state(response) == "bypass"
    assert response["Content-Encoding"] == "gzip"


def test_head_is_answered_from_the_cache_without_a_body(page_cache, article):
    first = warm(Client(), article.url)
    head = Client().head(article.url)
    assert state(head) == "hit"
    assert head.content == b""
    assert head["Content-Length"] == str(len(first.content))


def test_head_alone_stores_nothing(page_cache, article):
    Client().head(article.url)
    assert state(Client().get(article.url)) == "miss"


@pytest.mark.parametrize("cookie", ["sessionid", "kabar_own", "kabar_pending", "messages"])
def test_private_cookie_bypasses_and_is_never_stored(page_cache, article, cookie):
    client = Client()
    client.cookies[cookie] = "anything"
    response = client.get(article.url)
    assert state(response) == "bypass"
    assert "private" in response["Cache-Control"]
    # Nothing was stored by that request: the next anonymous reader misses.
    assert state(Client().get(article.url)) == "miss"
    # And a cached page is not handed to the private reader either.
    assert state(client.get(article.url)) == "bypass"


def test_remembered_commenter_cookie_does_not_bypass(page_cache, article):
    # The page's script reads it; the HTML is the same for everyone.
    warm(Client(), article.url)
    client = Client()
    client.cookies["kabar_commenter"] = "%7B%22name%22%3A%22Dewi%22%7D"
    assert state(client.get(article.url)) == "hit"


def test_language_cookie_selects_its_own_copy(page_cache, article):
    indonesian = warm(Client(), article.url)
    english_client = Client()
    english_client.cookies["django_language"] = "en"
    english = warm(english_client, article.url)
    assert english["Content-Language"] == "en"
    assert indonesian["Content-Language"] == "id"
    assert state(english_client.get(article.url)).startswith("hit")
    assert english_client.get(article.url).content == english.content != indonesian.content
    # An unknown language is the default one.
    other = Client()
    other.cookies["django_language"] = "xx"
    assert other.get(article.url).content == indonesian.content


def test_pagination_parameters_are_part_of_the_key(page_cache, section):
    builders.make_articles(section, 25)
    page_one = warm(Client(), section.url)
    page_two = warm(Client(), section.url + "?page=2")
    assert page_one.content != page_two.content
    assert state(Client().get(section.url + "?page=2")) == "hit"
    # "?page=02" is the same page as "?page=2".
    assert state(Client().get(section.url + "?page=02")) == "hit"


def test_campaign_parameters_share_the_plain_copy(page_cache, article):
    warm(Client(), article.url)
    response = Client().get(article.url + "?utm_source=x&utm_medium=social&fbclid=abc")
    assert state(response) == "hit"


@pytest.mark.parametrize("query", ["?q=banjir", "?replytocom=1", "?page=abc", "?page=1&x=2"])
def test_other_query_strings_bypass(page_cache, article, query):
    response = Client().get(article.url + query)
    assert response.get(HEADER) in (None, "pass")
    assert state(Client().get(article.url + query)) != "hit"


def test_post_is_never_cached(page_cache, article):
    warm(Client(), article.url)
    response = Client().post(article.url, {})
    assert state(response) != "hit"


def test_admin_and_static_are_never_looked_up(page_cache, home):
    assert Client().get("/admin/login/").get(HEADER) is None
    assert Client().get("/static/css/kabar.css").get(HEADER) is None


def test_not_found_is_not_stored(page_cache, home):
    # Whether a path exists can change without its own path being purged (a comment
    # permalink, a redirect an editor adds), so only 200s are stored.
    assert Client().get("/tidak-ada/").status_code == 404
    assert Client().get("/tidak-ada/").get(HEADER) == "pass"


# A stored page shows only what its key determines.


def test_campaign_tags_never_reach_the_shared_copy(page_cache, article):
    tagged = Client().get(article.url + "?utm_source=umpan&utm_campaign=x&fbclid=jebakan")
    assert state(tagged) == "miss"
    plain = Client().get(article.url)
    assert state(plain) == "hit"
    for response in (tagged, plain):
        html = response.content.decode()
        assert "umpan" not in html and "jebakan" not in html
        # The language switch brings the reader back to the page itself.
        assert f'next={article.url}"' in html


def test_the_language_switch_keeps_the_page_number(page_cache, section):
    builders.make_articles(section, 25)
    html = Client().get(section.url + "?page=02&utm_source=umpan").content.decode()
    assert f'next={section.url}%3Fpage%3D2"' in html


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", "/berita/"),
        ("?page=02&utm_source=umpan&fbclid=jebakan", "/berita/?page=2"),
        ("?page=2&cpage=3", "/berita/?cpage=3&page=2"),
        # Never cached: the reader's own page may give their query back.
        ("?q=banjir&utm_source=umpan", "/berita/?q=banjir&utm_source=umpan"),
        ("?page=1&page=2", "/berita/?page=1&page=2"),
    ],
)
def test_shareable_path_is_the_address_as_the_cache_key_holds_it(query, expected):
    assert shareable_path(RequestFactory().get("/berita/" + query)) == expected


def test_a_page_parameter_given_twice_is_never_cached(page_cache, section):
    builders.make_articles(section, 25)
    # The view reads the last value: the first request shows page 1, the second page 2.
    first = Client().get(section.url + "?page=2&page=1")
    assert "Berita nomor 24" not in first.content.decode()
    second = Client().get(section.url + "?page=1&page=2")
    assert state(second) != "hit"
    assert "Berita nomor 24" in second.content.decode()


@pytest.mark.parametrize("query", ["?cpage=1&cpage=2", "?page=1&utm_source=x&page=1"])
def test_a_repeated_page_parameter_is_not_looked_up(page_cache, article, query):
    assert lookup(RequestFactory().get(article.url + query).META) is None


@pytest.mark.parametrize("cpage", ["2", "999999", "0", "9" * 25])
def test_a_page_of_the_thread_that_does_not_exist_is_never_stored(page_cache, article, cpage):
    """The article shows its nearest page of comments; kept, every number would be one
    more full copy (a flood of the page cache)."""
    builders.submit(article, body="Satu-satunya komentar.", approve=True)
    url = f"{article.url}?cpage={cpage}"
    Client().get(url)
    second = Client().get(url)
    assert second.status_code == 200 and state(second) != "hit"
    assert "Satu-satunya komentar." in second.content.decode()
    # The one page that exists is kept as usual.
    warm(Client(), f"{article.url}?cpage=1")
    assert state(Client().get(f"{article.url}?cpage=1")) == "hit"


def test_a_host_not_in_lower_case_is_never_cached(page_cache, article):
    # Feeds and absolute links use the Site's address, never the host as sent; and an
    # address in another case is not even looked up in the cache.
    shouted = Client().get("/feed/", HTTP_HOST="TESTSERVER")
    assert shouted.status_code == 200
    assert "TESTSERVER" not in shouted.content.decode()
    environ = Client().get("/feed/", HTTP_HOST="TESTSERVER").wsgi_request.META
    assert page_cache_module.lookup(environ) is None


# What may never be stored.


def _middleware_response(response, path="/"):
    request = RequestFactory().get(path)
    request.resolver_match = resolve("/")
    return PageCacheMiddleware(lambda r: response)(request)


def _with_cookie():
    response = HttpResponse("<p>page</p>" * 50)
    response.set_cookie("csrftoken", "x")
    return response


def _with_header(name, value, status=200):
    response = HttpResponse("<p>page</p>" * 50, status=status)
    if name:
        response[name] = value
    return response


@pytest.mark.parametrize(
    "make",
    [
        _with_cookie,
        lambda: _with_header("Cache-Control", "private"),
        lambda: _with_header("Cache-Control", "no-store"),
        lambda: _with_header("Cache-Control", "no-cache, must-revalidate"),
        lambda: _with_header("Vary", "User-Agent"),
        lambda: _with_header(None, None, status=302),
        lambda: _with_header(None, None, status=404),
        lambda: _with_header(None, None, status=500),
    ],
    ids=["set-cookie", "private", "no-store", "no-cache", "vary-ua", "302", "404", "500"],
)
def test_unshareable_responses_are_not_stored(page_cache, home, make):
    response = _middleware_response(make())
    assert response[HEADER] == "pass"
    assert state(Client().get("/")) == "miss"


def test_response_that_used_a_csrf_token_is_not_stored(page_cache, home):
    from django.middleware.csrf import get_token

    def view(request):
        get_token(request)
        return HttpResponse("<p>form</p>" * 50)

    request = RequestFactory().get("/")
    request.resolver_match = resolve("/")
    response = PageCacheMiddleware(view)(request)
    assert response[HEADER] == "pass"


def test_cached_article_holds_nothing_private(page_cache, article):
    """A held comment is shown to its author only; the shared copy has no trace of it,
    no CSRF token, no email, and sets no cookie."""
    builders.submit(article, body="Komentar yang sudah disetujui.", approve=True)
    author = Client(HTTP_ORIGIN="http://testserver")
    posted = author.post(
        "/comments/post/",
        {
            "page": article.pk,
            "body": "Komentar ini masih menunggu moderasi.",
            "author_name": "Penulis Rahasia",
            "author_email": "rahasia@example.org",
            "author_url": "",
            "form_token": builders.form_token(article),
        },
    )
    assert posted.status_code == 302
    own_view = author.get(article.url)
    assert "Komentar ini masih menunggu moderasi." in own_view.content.decode()
    assert state(own_view) == "bypass"

    shared = warm(Client(), article.url)
    again = Client().get(article.url)
    for response in (shared, again):
        html = response.content.decode()
        assert "Komentar yang sudah disetujui." in html
        assert "menunggu moderasi" not in html
        assert "rahasia@example.org" not in html
        assert "Penulis Rahasia" not in html
        assert "csrfmiddlewaretoken" not in html
        assert not response.cookies
        assert "Set-Cookie" not in response


# Render / purge race, and a stale generation.


def test_a_purge_during_rendering_makes_what_was_rendered_stale(page_cache, article):
    factory = RequestFactory()
    request = factory.get(article.url)
    found = lookup(request.META)
    assert found is not None and found.entry is None
    # An editor publishes while this request is still rendering the old version...
    purge_paths([article.url])
    request.resolver_match = resolve(article.url)
    # ...so what it rendered is not kept, and never served.
    assert store(request, article.serve(request).render(), found) is None
    assert lookup(factory.get(article.url).META).entry is None


def test_a_reader_s_first_visit_writes_nothing_that_would_purge_its_own_copy(
    page_cache, article, django_capture_on_commit_callbacks
):
    """No discussion settings saved yet: the rules are read as defaults, never created by a
    reader's GET (a saved row purges the whole cache, and what the visit stored with it)."""
    DiscussionSettings.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        warm(Client(), article.url)
    assert callbacks == []
    assert not DiscussionSettings.objects.exists()
    assert state(Client().get(article.url)) == "hit"


def test_an_evicted_generation_never_revives_old_entries(page_cache, article):
    warm(Client(), article.url)
    purge_paths([article.url])
    warm(Client(), article.url)
    # The cache drops every generation (eviction, restart of a memory cache)...
    for key in ("gen:all", "gen:lists", page_cache_module.path_generation_key(article.url)):
        page_cache.delete(key)
    # ...and the page is rendered afresh rather than trusting an entry from before.
    assert state(Client().get(article.url)) == "miss"


# The WSGI fast path.


def _environ(path, **extra):
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "HTTP_HOST": "localhost",
        "wsgi.url_scheme": "http",
        "wsgi.input": io.BytesIO(b""),
        "wsgi.errors": sys.stderr,
        "wsgi.version": (1, 0),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
        **extra,
    }


class CountingApp:
    def __init__(self, app):
        self.app = app
        self.calls = 0

    def __call__(self, environ, start_response):
        self.calls += 1
        return self.app(environ, start_response)


@pytest.fixture
def wsgi(page_cache):
    """Call Django's WSGI handler the way the test client does: without closing the
    database connection at the end of each request (it holds the test's transaction)."""
    from django.core.signals import request_finished, request_started
    from django.db import close_old_connections

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _call(app, environ):
    seen = {}

    def start_response(status, headers, exc_info=None):
        seen["status"] = status
        seen["headers"] = dict(headers)

    body = b"".join(app(environ, start_response))
    return seen["status"], seen["headers"], body


def test_wsgi_wrapper_answers_hits_before_django(wsgi, article, django_assert_num_queries):
    django_app = CountingApp(WSGIHandler())
    app = PageCacheApp(django_app)
    status, headers, body = _call(app, _environ(article.url))
    assert status.startswith("200") and headers[HEADER] == "miss"
    with django_assert_num_queries(0):
        status2, headers2, body2 = _call(app, _environ(article.url))
    assert (status2, headers2[HEADER], body2) == ("200 OK", "hit", body)
    assert django_app.calls == 1
    assert headers2["Content-Security-Policy"] == headers["Content-Security-Policy"]
    status3, headers3, _body = _call(app, _environ(article.url, HTTP_IF_NONE_MATCH=headers["ETag"]))
    assert status3 == "304 Not Modified"
    zipped = _call(app, _environ(article.url, HTTP_ACCEPT_ENCODING="gzip"))
    assert gzip.decompress(zipped[2]) == body
    assert django_app.calls == 1


def test_wsgi_wrapper_passes_private_readers_to_django(wsgi, article):
    django_app = CountingApp(WSGIHandler())
    app = PageCacheApp(django_app)
    _call(app, _environ(article.url))
    _call(app, _environ(article.url, HTTP_COOKIE="sessionid=abc; django_language=en"))
    assert django_app.calls == 2


def test_https_and_http_copies_are_kept_apart(wsgi, article, settings):
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    app = PageCacheApp(WSGIHandler())
    _call(app, _environ(article.url))
    _status, headers, _body = _call(app, _environ(article.url, HTTP_X_FORWARDED_PROTO="https"))
    assert headers[HEADER] == "miss"


def test_cache_failure_degrades_to_rendering(page_cache, article, monkeypatch):
    def broken(*args, **kwargs):
        raise ConnectionError("cache down")

    monkeypatch.setattr(page_cache, "get_many", broken)
    response = Client().get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_path_is_read_as_servers_and_the_test_client_pass_it():
    from kabar.core.page_cache import _path

    # PEP 3333 servers: UTF-8 bytes read as Latin-1; Django's test client: text.
    assert _path({"PATH_INFO": "/k\xc3\xb3pi-gayo/"}) == "/kópi-gayo/"
    assert _path({"PATH_INFO": "/kópi-gayo/"}) == "/kópi-gayo/"
    assert _path({}) == "/"


# The file cache (production without Redis): generations kept in memory behind a stamp.


@pytest.fixture
def file_cache(settings, tmp_path):
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "pages"),
        },
    }
    settings.KABAR_PAGE_CACHE = {**settings.KABAR_PAGE_CACHE, "ENABLED": True}
    yield caches["pages"]
    caches["pages"].close()


def _in_another_process(target, *args):
    """Run target in a forked process, as another worker of `kabar serve` would."""
    import multiprocessing

    process = multiprocessing.get_context("fork").Process(target=target, args=args)
    process.start()
    process.join(30)
    assert process.exitcode == 0


def _new_worker_lookup(environ):
    page_cache_module._config = None  # nothing in memory yet
    generations._store = None
    lookup(environ)


def test_file_cache_hit_reads_no_generation_from_the_cache(file_cache, article, monkeypatch):
    warm(Client(), article.url)
    assert state(Client().get(article.url)) == "hit"

    def no_reads(*args, **kwargs):
        raise AssertionError("generation read from the shared cache")

    monkeypatch.setattr(file_cache, "get_many", no_reads)
    monkeypatch.setattr(file_cache, "get", no_reads)
    # Entry from this process's memory, generations from its memo: one stat() only.
    assert state(Client().get(article.url)) == "hit"


def test_file_cache_purge_in_another_process_is_seen_at_once(file_cache, article):
    warm(Client(), article.url)
    assert state(Client().get(article.url)) == "hit"
    _in_another_process(purge_paths, [article.url])
    assert state(Client().get(article.url)) == "miss"
    assert state(Client().get(article.url)) == "hit"


def test_file_cache_purge_of_another_page_keeps_this_one(file_cache, article, section):
    warm(Client(), article.url)
    other = builders.make_article(section, title="Another story")
    _in_another_process(purge_paths, [other.url])
    # Values are read again after the stamp moved, and this page's are unchanged.
    assert state(Client().get(article.url)) == "hit"


def test_file_cache_evicted_generations_renewed_elsewhere_then_purged(file_cache, article):
    warm(Client(), article.url)
    assert state(Client().get(article.url)) == "hit"
    # The generations are evicted from the files; a worker that starts afresh gives them
    # new values on its first request. Nothing changed on the page, so this worker may go
    # on serving what it holds...
    for key in ("gen:all", "gen:lists", page_cache_module.path_generation_key(article.url)):
        file_cache.delete(key)
    _in_another_process(_new_worker_lookup, _environ(article.url))
    assert state(Client().get(article.url)) == "hit"
    # ...until the next purge, from anywhere, which it sees at once.
    _in_another_process(purge_paths, [article.url])
    assert state(Client().get(article.url)) == "miss"


def test_file_cache_a_generation_made_anew_elsewhere_is_read_again(file_cache, article):
    # This worker reads the page's provisional generation and keeps nothing (a HEAD)...
    assert state(Client().head(article.url)) == "pass"
    # ...the generation expires, and another worker makes it anew.
    file_cache.delete(page_cache_module.path_generation_key(article.url))
    _in_another_process(_new_worker_lookup, _environ(article.url))
    # What this worker renders under the value it held is not kept; the next is.
    assert state(Client().get(article.url)) == "pass"
    warm(Client(), article.url)
    assert state(Client().get(article.url)) == "hit"


def test_file_cache_stamp_changes_on_every_purge_even_within_one_clock_tick(file_cache):
    memo = generations.store().memo
    seen = set()
    for _ in range(5):
        purge_paths(["/sama/"])
        seen.add(memo._stamp())
    assert len(seen) == 5  # the size moves on even where mtime keeps whole seconds


# Probes of paths that do not exist (a scanner) on Kabar's own file cache, as production
# runs without Redis: nothing of them lasts, and no kept page is pushed out for them.


@pytest.fixture
def kabar_file_cache(settings, tmp_path):
    def configure(**options):
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "kabar.core.filecache.FileCache",
                "LOCATION": str(tmp_path / "pages"),
                "OPTIONS": options,
            },
        }
        settings.KABAR_PAGE_CACHE = {**settings.KABAR_PAGE_CACHE, "ENABLED": True}
        return caches["pages"]

    yield configure
    caches["pages"].close()


def _lasting_entries(cache):
    """Files of `cache` that live longer than a provisional generation would."""
    horizon = time.time() + 10 * 60  # longer than any render between lookup and store
    lasting = []
    for name in os.listdir(cache._dir):
        if name.endswith(cache.cache_suffix):
            with open(os.path.join(cache._dir, name), "rb") as entry:
                expiry = pickle.load(entry)  # noqa: S301 - files this test made
            if expiry is None or expiry > horizon:
                lasting.append(name)
    return lasting


def _probe(count):
    for n in range(count):
        assert Client().get(f"/wp-content/plugins/probe-{n}.php").status_code == 404


def test_probes_of_missing_paths_leave_nothing_lasting(kabar_file_cache, article):
    cache = kabar_file_cache(MAX_ENTRIES=10_000)
    warm(Client(), article.url)
    # What any missing path reads once per site (the old-address table's generation).
    assert Client().get("/belum-pernah-ada/").status_code == 404
    before = _lasting_entries(cache)
    _probe(300)
    assert set(_lasting_entries(cache)) == set(before)
    # The page kept has a generation that lasts.
    path_key = page_cache_module.path_generation_key(article.url)
    assert cache.get(path_key) is not None
    assert os.path.basename(cache._key_to_file(path_key)) in before


def test_probes_at_the_file_cache_s_cap_push_out_no_kept_page(kabar_file_cache, article):
    kabar_file_cache(MAX_ENTRIES=40, CULL_FREQUENCY=4, CULL_EVERY=1)
    warm(Client(), article.url)
    _probe(300)
    # Another worker, with nothing in its own memory, finds the page in the files.
    page_cache_module._config = None
    generations._store = None
    assert state(Client().get(article.url)) == "hit"
