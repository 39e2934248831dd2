"""What one comment POST through the API costs in queries, after-commit work included: no
more than the HTML form's (tests/discussion/test_post_cost.py). The API answers with the
comment itself, not with the page of the thread that shows it, so it never counts that
page's comments as the form's redirect must."""

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext

from kabar.discussion.models import Comment, Commenter, CommentStatus
from kabar.discussion.own import trusted_proof
from kabar.discussion.services import comments_set_status
from kabar.discussion.trust import commenter_confirm, confirmation_read, confirmation_token
from tests import builders
from tests.api.conftest import comment_fields
from tests.discussion.test_post_cost import QUEUED_TASKS

pytestmark = pytest.mark.django_db

TRUSTED_EMAIL = "tetap@example.org"
# Counted under pytest-django's test transaction (a savepoint for comment_submit's
# transaction). With the page cache off, as here, the registered site, the thread's id, the
# view restrictions and the discussion settings are read for each request; production keeps
# them in each process.
TRUSTED_POST_QUERIES = 20
NEW_POST_QUERIES = 20

_bodies = iter(range(10**6))


@pytest.fixture
def queued(settings):
    settings.TASKS = QUEUED_TASKS


@pytest.fixture
def trust(thread, django_capture_on_commit_callbacks):
    """The Kabar-Trust proof of a commenter who confirmed their address and has an approved
    comment, as the confirmation page hands it to the widget."""
    with django_capture_on_commit_callbacks(execute=True):
        earlier = builders.submit(thread, body="Komentar pertama.", email=TRUSTED_EMAIL)
        comments_set_status([earlier.pk], CommentStatus.APPROVED)
        commenter = Commenter.objects.get(email=TRUSTED_EMAIL)
        commenter_confirm(confirmation_read(confirmation_token(commenter)))
    return trusted_proof(RequestFactory().get("/"), TRUSTED_EMAIL)


def post(api, thread, email, **headers):
    fields = comment_fields(
        thread, body=f"Pendapat nomor {next(_bodies)} tentang banjir ini.", author_email=email
    )
    response = api.post("comments", fields, **headers)
    assert response.status_code == 201, response.content
    return Comment.objects.get(pk=response.json()["comment"]["id"])


def measured(api, thread, email, capture, assert_max_queries, bound, **headers):
    with assert_max_queries(bound), capture(execute=True):
        return post(api, thread, email, **headers)


def test_a_trusted_commenters_post_is_published_in_a_bounded_number_of_queries(
    api,
    thread,
    trust,
    queued,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    with django_capture_on_commit_callbacks(execute=True):
        post(api, thread, TRUSTED_EMAIL, **{"Kabar-Trust": trust})
    comment = measured(
        api,
        thread,
        TRUSTED_EMAIL,
        django_capture_on_commit_callbacks,
        django_assert_max_num_queries,
        TRUSTED_POST_QUERIES,
        **{"Kabar-Trust": trust},
    )
    assert comment.status == CommentStatus.APPROVED


def test_a_new_commenters_post_is_held_in_a_bounded_number_of_queries(
    api, thread, queued, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        post(api, thread, "baru@example.org")  # the commenter's first: their row is made
    comment = measured(
        api,
        thread,
        "baru@example.org",
        django_capture_on_commit_callbacks,
        django_assert_max_num_queries,
        NEW_POST_QUERIES,
    )
    assert comment.status == CommentStatus.PENDING


def test_a_warm_process_answers_a_post_without_looking_the_site_up(
    api, thread, page_cache, django_capture_on_commit_callbacks
):
    # The answer's links are on the site's address: the Site kept for the request's host,
    # as every page finds it, not Wagtail's lookup (a query per post, two fifths of its
    # CPU).
    with django_capture_on_commit_callbacks(execute=True):
        post(api, thread, "pertama@example.org")
    with CaptureQueriesContext(connection) as queries:
        answered = post(api, thread, "kedua@example.org")
    assert answered.status == CommentStatus.PENDING
    assert not [q["sql"] for q in queries if "wagtailcore_site" in q["sql"]]
