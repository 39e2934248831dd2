"""Property: whatever a client sends to any public endpoint or form of Kabar, the answer is
never a server error, a comment is stored only when the answer says so, and nothing
private (a commenter's email or IP, a held or spam comment, a restricted article's text)
reaches any response body or header.

Every example runs in a savepoint that is rolled back, so each request meets the same
world, built once per test through the product's own write functions."""

import gzip
import traceback
from dataclasses import dataclass
from urllib.parse import urlencode

import brotli
import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status
from tests.fuzz import strategies as fz
from tests.fuzz.endpoints import (
    COMMENT_FIELDS,
    ENDPOINTS,
    QUERY_FIELDS,
    endpoints,
    good_comment,
    hostile_comment_fields,
)
from tests.fuzz.world import build_world

pytestmark = pytest.mark.django_db

ORIGIN = "http://testserver"
# Fixed and small, and no shrinking (each step is a request): the module runs in about a
# minute and a half on one core, failing or not.
budget = settings(
    max_examples=12,
    deadline=None,
    derandomize=True,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


class Rollback(Exception):
    """Raised at the end of each example so what its request wrote is undone."""


@pytest.fixture
def world(db):
    return build_world()


@dataclass
class Sent:
    method: str
    path: str
    query: str
    headers: dict
    content_type: str
    body: bytes


@st.composite
def requests_to(draw, w, paths, methods, fields):
    content_type, body = draw(fz.body(fields))
    return Sent(
        method=draw(st.sampled_from(methods) | st.sampled_from(fz.METHODS)),
        path=draw(paths),
        query=draw(st.just("") | fz.query_string(QUERY_FIELDS)),
        headers=draw(fz.headers(ORIGIN, own_cookies=[w.own_cookie])),
        content_type=content_type,
        body=body,
    )


def send(client, sent):
    note(repr(sent)[:3000])
    client.cookies.clear()
    return client.generic(
        sent.method,
        sent.path,
        data=sent.body,
        content_type=sent.content_type,
        headers=sent.headers,
        QUERY_STRING=sent.query,
    )


def everything_in(response):
    """The body as the client reads it and every header and cookie, lower-cased."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    if response.get("Content-Encoding") == "gzip" and content:
        content = gzip.decompress(content)
    elif response.get("Content-Encoding") == "br" and content:
        content = brotli.decompress(content)
    head = "\n".join(f"{k}: {v}" for k, v in response.items()) + response.cookies.output()
    return (content + head.encode("utf-8", "backslashreplace")).lower()


def failure_of(response):
    return "".join(traceback.format_exception(*response.exc_info)) if response.exc_info else ""


def check(w, sent, is_comment_post):
    """Send one request and hold its answer to the three properties."""
    last = Comment.objects.order_by("-pk").values_list("pk", flat=True).first()
    response = send(w.client, sent)
    assert response.status_code < 500, failure_of(response)

    stored = list(Comment.objects.filter(pk__gt=last).values_list("pk", flat=True))
    location = response.get("Location", "")
    if stored:
        # Stored: the reader was told so, by the redirect to their comment.
        assert is_comment_post and len(stored) == 1, (sent.path, stored)
        assert response.status_code == 302 and f"comment-{stored[0]}" in location, location

    output = everything_in(response)
    shown = [secret for secret in w.secrets if secret.lower().encode() in output]
    assert not shown, (response.status_code, shown)


def answered(w, sent, is_comment_post=False):
    try:
        with transaction.atomic():
            check(w, sent, is_comment_post)
            raise Rollback
    except Rollback:
        pass


def test_the_lists_name_every_endpoint_and_field(world):
    assert sorted(ENDPOINTS) == sorted(endpoints(world))
    assert sorted(COMMENT_FIELDS) == sorted(hostile_comment_fields(world))


@pytest.mark.parametrize("name", ENDPOINTS)
@budget
@given(data=st.data())
def test_any_request_to_an_endpoint_is_answered_without_error_or_leak(world, name, data):
    paths, methods, fields = endpoints(world)[name]
    sent = data.draw(requests_to(world, paths, methods, fields))
    answered(world, sent, is_comment_post=name == "comment post")


@st.composite
def comment_posts(draw, w, field):
    """A reader's post with `field`, and maybe one more, replaced by anything; sent from the
    site's own pages, so most reach the checks after the form's."""
    data = draw(good_comment(w))
    hostile = hostile_comment_fields(w)
    for name in [field, *draw(st.lists(st.sampled_from(sorted(hostile)), max_size=1))]:
        data[name] = draw(hostile[name])
    return Sent(
        method="POST",
        path="/comments/post/",
        query="",
        headers={"host": "testserver", "origin": ORIGIN, "referer": ORIGIN + w.article.url},
        content_type=fz.FORM,
        body=draw(fz.corrupt(urlencode(list(data.items())).encode())),
    )


@pytest.mark.parametrize("field", COMMENT_FIELDS)
@budget
@given(data=st.data())
def test_a_comment_is_stored_only_when_the_answer_says_so(world, field, data):
    answered(world, data.draw(comment_posts(world, field)), is_comment_post=True)


@pytest.fixture
def desk_client(world, django_user_model):
    client = Client(raise_request_exception=False)
    client.force_login(django_user_model.objects.create_superuser("desk", "desk@example.org"))
    return client


def shown_everywhere(w, desk_client, fields):
    """Store `fields` through the service as an importer would, publish the comment, and
    open every page that shows it: to a stranger, then on the moderators' desk."""
    try:
        comment = comment_submit(
            page=w.article,
            author=CommentAuthor(
                name=fields["name"], email=fields["email"], url=fields["url"], ip_address="::1"
            ),
            body=fields["body"],
        )
    except ValidationError:
        return
    comments_set_status([comment.pk], CommentStatus.APPROVED)
    public = [
        w.article.url,
        f"/comments/{comment.pk}/",
        f"/comments/{comment.pk}/report/",
        "/comments/feed/",
        "/comments/feed/atom/",
        f"/comments/feed/article/{w.article.pk}/",
        f"/comments/feed/article/{w.article.pk}/atom/",
    ]
    for path in public:
        response = w.client.get(path)
        assert response.status_code < 500, (path, failure_of(response))
        output = everything_in(response)
        assert not [secret for secret in w.secrets if secret.lower().encode() in output], path
    desk = [
        reverse("discussion_comments:list"),
        reverse("discussion_comments:inspect", args=[comment.pk]),
    ]
    for path in desk:
        response = desk_client.get(path)
        assert response.status_code == 200, (path, failure_of(response))


SERVICE_FIELDS = {
    "body": fz.junk_in("Komentar"),
    "name": fz.junk_in("Budi"),
    "email": fz.emails(),
    "url": fz.urls(),
}


@pytest.mark.parametrize("field", sorted(SERVICE_FIELDS))
@budget
@given(data=st.data())
def test_whatever_the_service_stores_shows_everywhere_without_error(
    world, desk_client, field, data
):
    fields = {"body": "Komentar yang bermakna.", "name": "Budi", "email": "budi@example.org"}
    fields["url"] = ""
    fields[field] = data.draw(SERVICE_FIELDS[field], label=field)
    try:
        with transaction.atomic():
            shown_everywhere(world, desk_client, fields)
            raise Rollback
    except Rollback:
        pass
