"""Cross-origin use of the API: a registered site's origins and Kabar's own get CORS
headers and a preflight for the own proof's header; any other origin is refused with a
problem, and can read nothing else."""

import pytest
from django.utils import translation

from kabar.discussion import sites
from kabar.discussion.models import ExternalThread
from tests import builders
from tests.api.conftest import POST_URL, ApiClient

pytestmark = pytest.mark.django_db

QUERY = {"url": POST_URL, "site": "blog-teman"}


@pytest.mark.parametrize("origin", ["https://blog.example.org", "https://www.blog.example.org"])
def test_a_registered_origin_gets_the_cors_headers(blog, origin):
    answer = ApiClient(origin=origin).get("threads", QUERY)
    assert answer.status_code == 200
    assert answer["Access-Control-Allow-Origin"] == origin
    assert "Origin" in answer["Vary"]
    assert "Access-Control-Allow-Credentials" not in answer
    assert "Retry-After" in answer["Access-Control-Expose-Headers"]


def test_kabar_own_origin_is_allowed(blog):
    answer = ApiClient(origin="http://localhost").get("threads", QUERY)
    assert answer.status_code == 200
    assert answer["Access-Control-Allow-Origin"] == "http://localhost"


def test_a_request_without_an_origin_gets_no_cors_headers(blog):
    ApiClient().get("threads", QUERY)  # the thread, made by the widget's first visit
    answer = ApiClient(origin=None).get("threads", QUERY)
    assert answer.status_code == 200
    assert "Access-Control-Allow-Origin" not in answer
    assert "Origin" in answer["Vary"]


@pytest.mark.parametrize(
    "origin", ["https://jahat.example.com", "null", "https://blog.example.org.jahat.example"]
)
def test_an_unregistered_origin_is_refused_with_a_problem(blog, origin):
    refused = ApiClient(origin=origin).get("threads", QUERY)
    assert refused.status_code == 403
    assert refused["Content-Type"] == "application/problem+json"
    with translation.override("id"):
        assert refused.json()["detail"] == str(sites.UNKNOWN_SITE)
    assert "thread" not in refused.json()
    assert not ExternalThread.objects.exists()


def test_an_unpublished_site_is_unregistered(blog):
    blog.unpublish()
    assert ApiClient().get("threads", QUERY).status_code == 403


def test_the_preflight_allows_the_json_and_own_proof_headers(blog):
    preflight = ApiClient().client.options(
        "/api/v1/comments",
        headers={
            "Origin": "https://blog.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type, kabar-own",
        },
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Origin"] == "https://blog.example.org"
    allowed = {h.strip().lower() for h in preflight["Access-Control-Allow-Headers"].split(",")}
    assert {"content-type", "kabar-own"} <= allowed
    assert "POST" in preflight["Access-Control-Allow-Methods"]
    assert int(preflight["Access-Control-Max-Age"]) > 0


def test_a_preflight_from_an_unregistered_origin_fails(blog):
    preflight = ApiClient().client.options(
        "/api/v1/comments/1",
        headers={"Origin": "https://jahat.example.com", "Access-Control-Request-Method": "PATCH"},
    )
    assert preflight.status_code == 403
    assert "Access-Control-Allow-Methods" not in preflight


def test_a_comment_change_from_an_unregistered_origin_is_refused_before_anything(thread):
    comment = builders.submit(thread)
    refused = ApiClient(origin="https://jahat.example.com").delete(f"comments/{comment.pk}")
    assert refused.status_code == 403
    comment.refresh_from_db()
    assert comment.removed_at is None


def test_a_method_an_endpoint_does_not_answer_is_a_problem_with_allow(api, blog):
    refused = api.send("put", "threads", {})
    assert refused.status_code == 405
    assert refused["Content-Type"] == "application/problem+json"
    assert "GET" in refused["Allow"]
