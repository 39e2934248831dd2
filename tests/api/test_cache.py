"""An anonymous reader's thread and counts come from the page cache, without a query, and
a copy is renewed when the thread changes (a comment approved, edited, removed, the page
closed); a reader with the own proof always gets their own answer."""

import json

import brotli
import pytest
from werkzeug.test import Client

from kabar.core.page_cache import HEADER, PageCacheApp
from kabar.discussion.services import comments_set_status, discussion_premoderate
from tests import builders
from tests.api.conftest import POST_URL, ApiClient, comment_fields

pytestmark = pytest.mark.django_db

QUERY = {"url": POST_URL, "site": "blog-teman", "title": "Banjir di Jakarta"}


def ids(response):
    return [c["id"] for c in response.json()["comments"]]


def test_a_thread_answered_once_is_served_again_without_a_query(
    api, thread, page_cache, django_assert_num_queries
):
    shown = builders.submit(thread, approve=True)
    first = api.get("threads", QUERY)
    assert first.status_code == 200
    assert first[HEADER] == "miss"
    with django_assert_num_queries(0):
        again = api.get("threads", QUERY)
    assert again[HEADER] == "hit"
    assert again.content == first.content
    assert ids(again) == [shown.pk]
    # A copy for the origin it was asked from: its CORS headers are that origin's.
    assert again["Access-Control-Allow-Origin"] == "https://blog.example.org"
    assert "Origin" in again["Vary"]


def test_the_copy_is_renewed_when_a_comment_is_approved(
    api, thread, page_cache, django_capture_on_commit_callbacks
):
    held = builders.submit(thread)
    assert ids(api.get("threads", QUERY)) == []
    assert api.get("threads", QUERY)[HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        comments_set_status([held.pk], "approved")
    renewed = api.get("threads", QUERY)
    assert renewed[HEADER] == "miss"
    assert ids(renewed) == [held.pk]
    assert renewed.json()["thread"]["count"] == 1


def test_the_copy_is_renewed_when_the_page_changes(
    api, thread, page_cache, django_capture_on_commit_callbacks
):
    assert api.get("threads", QUERY).json()["thread"]["discussion"] == "open"
    with django_capture_on_commit_callbacks(execute=True):
        discussion_premoderate(thread, reason="uji")
    assert api.get("threads", QUERY).json()["thread"]["discussion"] == "premoderated"


def test_each_origin_and_each_language_has_a_copy_of_its_own(api, thread, page_cache):
    api.get("threads", QUERY)
    other = ApiClient(origin="https://www.blog.example.org").get("threads", QUERY)
    assert other[HEADER] == "miss"
    assert other["Access-Control-Allow-Origin"] == "https://www.blog.example.org"
    english = api.get("threads", {**QUERY, "lang": "en"})
    assert english[HEADER] == "miss"
    assert english.json()["form"]["fields"]["body"]["label"] == "Comment"
    assert api.get("threads", QUERY).json()["form"]["fields"]["body"]["label"] == "Komentar"


def test_a_reader_with_the_own_proof_gets_a_private_answer_with_their_held_comment(
    api, thread, page_cache
):
    api.get("threads", QUERY)
    created = api.post("comments", comment_fields(thread)).json()
    mine = api.get("threads", QUERY, own=created["own"])
    assert mine.get(HEADER) is None  # never looked up, never stored
    assert "no-store" in mine["Cache-Control"] and "private" in mine["Cache-Control"]
    assert ids(mine) == [created["comment"]["id"]]
    # Nobody else's copy holds it.
    assert ids(api.get("threads", QUERY)) == []


def test_a_page_past_the_end_is_answered_but_not_kept(api, thread, page_cache):
    past = api.get("threads", {**QUERY, "page": "9"})
    assert past.status_code == 200
    assert past.json()["pagination"]["page"] == 1
    assert api.get("threads", {**QUERY, "page": "9"})[HEADER] != "hit"


def test_counts_are_kept_and_renewed_with_any_comment_change(
    api, thread, page_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    query = {"url": [POST_URL], "site": "blog-teman"}
    assert api.get("counts", query).json() == {"counts": {POST_URL: 0}}
    with django_assert_num_queries(0):
        assert api.get("counts", query)[HEADER] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        builders.submit(thread, approve=True)
    assert api.get("counts", query).json() == {"counts": {POST_URL: 1}}


def test_refusals_are_never_kept(api, blog, page_cache):
    for _ in range(2):
        refused = api.get("threads", {"url": "https://lain.example.net/a"})
        assert refused.status_code == 403
        assert refused[HEADER] != "hit"


def test_a_hit_is_answered_in_front_of_django_as_a_cached_article_is(
    thread, page_cache, wsgi_app, django_assert_num_queries
):
    calls = []

    def django(environ, start_response):
        calls.append(environ["PATH_INFO"])
        return wsgi_app(environ, start_response)

    client = Client(PageCacheApp(django))
    query = {**QUERY, "lang": "id"}
    headers = {"Origin": "https://blog.example.org", "Accept-Encoding": "br"}
    first = client.get("/api/v1/threads", query_string=query, headers=headers)
    assert first.headers[HEADER] == "miss"
    with django_assert_num_queries(0):
        again = client.get("/api/v1/threads", query_string=query, headers=headers)
    assert again.headers[HEADER] == "hit"
    assert again.headers["Content-Encoding"] == "br"
    assert json.loads(brotli.decompress(again.data)) == json.loads(brotli.decompress(first.data))
    assert again.headers["Access-Control-Allow-Origin"] == "https://blog.example.org"
    assert calls == ["/api/v1/threads"]
