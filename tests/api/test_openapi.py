"""The OpenAPI 3.1 document at /api/v1/openapi.json: valid, and true. Schemathesis (from PyPI)
loads it from the running application and drives every documented operation with data it
generates from the document, valid and invalid, checking each answer against it (status,
content type, headers, body); and the answers of the normal flows, made as the widget
makes them, are checked against it too."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from werkzeug.test import Client

from kabar.api import openapi
from kabar.discussion.models import Comment
from tests import builders
from tests.api.conftest import BLOG, POST_URL, comment_fields

pytestmark = pytest.mark.django_db

OPERATIONS = [
    (path, method)
    for path, item in openapi.PATHS.items()
    for method in item
    if method != "parameters"
]
# What a thread, a comment or a form token must be cannot be said in JSON Schema (a
# registered site's address, a token signed for the thread): a request the document allows
# may still be refused, so Schemathesis's check that such requests are accepted is left
# out. Every other check it has runs: no 5xx, documented statuses, content types, headers
# and bodies, and schema-violating requests refused.
EXCLUDED_CHECKS = [positive_data_acceptance]
# The test client's WSGI transport does not undo Content-Encoding: ask for none.
IDENTITY = {"Accept-Encoding": "identity"}
EXAMPLES = settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=list(HealthCheck),
)


@pytest.fixture
def api_schema(thread, wsgi_app):
    """The document as a client finds it: loaded from the application itself."""
    builders.submit(thread, body="Komentar yang disetujui", approve=True)
    return schemathesis.openapi.from_wsgi("/api/v1/openapi.json", wsgi_app)


def test_the_document_is_valid_openapi_3_1(api_schema):
    api_schema.validate()
    assert api_schema.raw_schema["openapi"] == "3.1.0"
    found = {(op.ok().path, op.ok().method.lower()) for op in api_schema.get_all_operations()}
    assert found == set(OPERATIONS)


def test_the_served_document_is_the_one_written(client):
    served = client.get("/api/v1/openapi.json")
    assert served.status_code == 200
    assert served["Content-Type"] == "application/json"
    assert json.loads(served.content) == json.loads(json.dumps(openapi.document()))


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
@pytest.mark.parametrize(("path", "method"), OPERATIONS)
def test_every_operation_answers_as_documented(api_schema, path, method, mode):
    operation = api_schema[path][method.upper()]

    @EXAMPLES
    @given(case=operation.as_strategy(mode))
    def check(case):
        case.call_and_validate(headers=IDENTITY, excluded_checks=EXCLUDED_CHECKS)

    check()


@pytest.mark.parametrize("path", ["/threads", "/counts"])
def test_a_real_thread_answers_as_documented_whatever_else_is_asked(api_schema, path):
    operation = api_schema[path]["GET"]
    url = [POST_URL] if path == "/counts" else POST_URL

    @EXAMPLES
    @given(case=operation.as_strategy(query={"url": url}))
    def check(case):
        response = case.call_and_validate(headers=IDENTITY, excluded_checks=EXCLUDED_CHECKS)
        assert response.status_code in (200, 400, 403)

    check()


class Widget:
    """The normal flows, made as the widget makes them, each answer checked against the
    document's description of its operation."""

    def __init__(self, api_schema):
        self.schema = api_schema
        self.client = Client(api_schema.app)

    def call(self, method, path, operation_path=None, *, query=None, body=None, own=None):
        headers = {"Origin": BLOG, **IDENTITY}
        if own:
            headers["Kabar-Own"] = own
        response = self.client.open(
            "/api/v1" + path,
            method=method,
            query_string=query,
            data=None if body is None else json.dumps(body),
            content_type="application/json" if body is not None else None,
            headers=headers,
        )
        operation = self.schema[operation_path or path][method]
        assert str(response.status_code) in operation.definition.raw["responses"], (
            method,
            path,
            response.status_code,
        )
        operation.validate_response(response)
        return response.status_code, response.get_json()


def test_the_normal_flows_answer_as_documented(api_schema, thread, home):
    widget = Widget(api_schema)
    status, page = widget.call("GET", "/threads", query={"url": POST_URL, "site": "blog-teman"})
    assert status == 200 and page["comments"][0]["status"] == "approved"
    parent = page["comments"][0]["id"]

    status, created = widget.call("POST", "/comments", body=comment_fields(thread))
    assert status == 201
    own = created["own"]
    reply = comment_fields(thread, parent=parent, body="Balasan untuk komentar itu.")
    status, replied = widget.call(
        "POST", "/comments", body={**reply, "form_token": page["form"]["token"]}, own=own
    )
    assert status == 201
    own = replied["own"]

    status, mine = widget.call("GET", "/threads", query={"url": POST_URL, "page": "1"}, own=own)
    assert status == 200 and len(mine["comments"]) == 2

    path = f"/comments/{created['comment']['id']}"
    status, edited = widget.call("PATCH", path, "/comments/{id}", body={"body": "Diubah."}, own=own)
    assert status == 200 and edited["comment"]["own"]["body"] == "Diubah."
    status, deleted = widget.call("DELETE", path, "/comments/{id}", own=edited["own"])
    assert status == 200

    status, counts = widget.call("GET", "/counts", query={"url": POST_URL})
    assert status == 200 and counts["counts"][POST_URL] == 1
    status, counts = widget.call("POST", "/counts", body={"urls": [POST_URL]})
    assert status == 200

    report = f"/comments/{parent}/report"
    status, reported = widget.call("POST", report, "/comments/{id}/report", body={"reason": "spam"})
    assert status == 200 and reported == {"already_reported": False}
    status, _asked = widget.call(
        "POST", "/subscriptions", body={"url": POST_URL, "email": "pengikut@example.org"}
    )
    assert status == 202
    assert Comment.objects.filter(page=thread).count() == 3


def test_the_refusals_answer_as_documented(api_schema, thread):
    widget = Widget(api_schema)
    refusals = [
        widget.call("GET", "/threads", query={"url": "https://lain.example.net/"}),
        widget.call("GET", "/threads", query={"url": POST_URL, "order": "acak"}),
        widget.call("POST", "/comments", body=comment_fields(thread, body="")),
        widget.call("POST", "/comments", body=comment_fields(thread, form_token="rusak")),
        widget.call("PATCH", "/comments/999", "/comments/{id}", body={"body": "x"}),
        widget.call("DELETE", "/comments/abc", "/comments/{id}"),
        widget.call(
            "POST", "/comments/999/report", "/comments/{id}/report", body={"reason": "spam"}
        ),
        widget.call("POST", "/subscriptions", body={"url": POST_URL, "email": "bukan"}),
    ]
    assert [status for status, _problem in refusals] == [403, 400, 400, 400, 403, 404, 404, 400]
    assert all(problem["status"] == status for status, problem in refusals)
