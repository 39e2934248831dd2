import contextlib
from unittest import mock

import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.db import InterfaceError, OperationalError
from django.db.backends.utils import CursorWrapper
from django.test import Client
from django.urls import reverse

from kabar.core import dbguard

pytestmark = pytest.mark.django_db


@contextlib.contextmanager
def database_down(error="OperationalError"):
    """Every query fails as it does while the database server is stopped: the driver's
    error, wrapped by Django into django.db.OperationalError / InterfaceError."""

    def fail(self, *args, **kwargs):
        with self.db.wrap_database_errors:
            raise getattr(self.db.Database, error)("server closed the connection unexpectedly")

    with (
        mock.patch.object(CursorWrapper, "execute", fail),
        mock.patch.object(CursorWrapper, "executemany", fail),
    ):
        yield


def english_client(**kwargs):
    client = Client(**kwargs)
    client.cookies["django_language"] = "en"
    return client


@pytest.mark.parametrize("error", ["OperationalError", "InterfaceError"])
def test_reading_an_article_while_the_database_is_down_is_a_clean_503(article, error):
    with database_down(error):
        response = english_client().get(article.url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(dbguard.RETRY_AFTER_SECONDS)
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert 'data-error="database-unavailable"' in html
    assert "Back in a moment" in html
    assert "Traceback" not in html and "server closed the connection" not in html


def test_the_outage_page_is_not_cached_and_the_site_recovers_by_itself(article):
    client = english_client()
    with database_down():
        assert client.get(article.url).status_code == 503
    response = client.get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_a_comment_sent_during_an_outage_is_shown_back_to_its_author(article):
    typed = "Kata-kata saya yang panjang <script>alert(1)</script>"
    with database_down():
        response = english_client().post(
            reverse("discussion:post"),
            {
                "page": article.pk,
                "body": typed,
                "author_name": "Budi",
                "author_email": "budi@example.org",
            },
        )
    assert response.status_code == 503
    html = response.content.decode()
    assert 'id="kept-comment"' in html
    assert "Kata-kata saya yang panjang &lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>" not in html
    # The email the reader typed is not echoed back: only their words are kept.
    assert "budi@example.org" not in html


def test_a_database_error_outside_the_view_is_a_503_too(article):
    def fail(self, request):
        raise OperationalError("could not connect to server")

    with mock.patch.object(SessionMiddleware, "process_request", fail):
        response = english_client(raise_request_exception=False).get(article.url)
    assert response.status_code == 503
    assert response["Retry-After"] == str(dbguard.RETRY_AFTER_SECONDS)
    assert 'data-error="database-unavailable"' in response.content.decode()


def test_other_errors_are_still_500s(article, monkeypatch):
    from kabar.news.models import ArticlePage

    def broken(self, request, *args, **kwargs):
        raise ValueError("a bug, not an outage")

    monkeypatch.setattr(ArticlePage, "get_context", broken)
    response = english_client(raise_request_exception=False).get(article.url)
    assert response.status_code == 500
    assert "Retry-After" not in response


def test_the_guard_knows_outages_from_bugs():
    assert dbguard.is_database_down(OperationalError("down"))
    assert dbguard.is_database_down(InterfaceError("connection already closed"))
    assert not dbguard.is_database_down(ValueError("bug"))
    assert not dbguard.is_database_down(None)


def test_an_outage_is_logged_once_in_a_while_not_per_request(article, caplog, monkeypatch):
    monkeypatch.setattr(dbguard, "_last_logged", 0.0)
    client = english_client()
    with caplog.at_level("WARNING"), database_down():
        for _ in range(3):
            assert client.get(article.url).status_code == 503
    outage_records = [r for r in caplog.records if "database unavailable" in r.getMessage()]
    assert len(outage_records) == 1
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_a_comment_stored_just_before_the_database_goes_is_acknowledged(article, monkeypatch):
    """The database dies between the commit and the redirect: the author is told the
    comment is saved (the redirect to it), because it is."""
    from kabar.discussion import submission
    from kabar.discussion.models import Comment
    from tests import builders

    outage = database_down()
    real_submit = submission.comment_submit

    def submit_then_outage(*args, **kwargs):
        comment = real_submit(*args, **kwargs)
        outage.__enter__()
        return comment

    monkeypatch.setattr(submission, "comment_submit", submit_then_outage)
    try:
        response = english_client(raise_request_exception=False).post(
            reverse("discussion:post"),
            {
                "page": article.pk,
                "body": "Tersimpan tepat sebelum basis data padam.",
                "author_name": "Budi",
                "author_email": "budi@example.org",
                "form_token": builders.form_token(article),
            },
        )
    finally:
        outage.__exit__(None, None, None)
    stored = Comment.objects.get(body="Tersimpan tepat sebelum basis data padam.")
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{stored.pk}")
