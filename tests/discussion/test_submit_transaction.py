"""Which writes of a new comment share a transaction: on SQLite always (BEGIN IMMEDIATE
holds the write lock, so the duplicate check cannot race another post); on PostgreSQL
only when a counter of its author changes with the row, a held comment being checked and
stored in autocommit (READ COMMITTED would not make the check atomic anyway, and the
transaction costs a round trip at each end)."""

import pytest
from django.db import connection

from kabar.discussion.models import Comment, Commenter, CommentStatus
from kabar.discussion.services import CommentAuthor, SubmitContext, comment_submit
from tests import builders

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("wagtail_initial_data"),
]


@pytest.fixture
def seen(monkeypatch):
    """For each comment saved: whether its INSERT ran inside a transaction."""
    found = []
    save = Comment.save

    def recording(self, *args, **kwargs):
        if self.pk is None:
            found.append(connection.in_atomic_block)
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Comment, "save", recording)
    return found


def immediate():
    options = connection.settings_dict.get("OPTIONS", {})
    return (options.get("transaction_mode") or "").upper() == "IMMEDIATE"


def test_a_held_comment_is_stored_in_a_transaction_only_where_that_makes_it_atomic(article, seen):
    held = builders.submit(article, body="Komentar pertama dari pembaca baru.")
    assert held.status == CommentStatus.PENDING
    assert seen == [immediate()]
    assert connection.vendor != "sqlite" or seen == [True]


def test_a_comment_that_changes_its_authors_counters_is_stored_with_them(article, seen):
    author = CommentAuthor(name="Robot", email="robot@example.org", ip_address="203.0.113.50")
    caught = comment_submit(
        page=article,
        author=author,
        body="Komentar dari formulir yang jebakannya terisi.",
        context=SubmitContext(honeypot_filled=True),
    )
    assert caught.status in (CommentStatus.SPAM, CommentStatus.TRASH)
    assert seen == [True]
    assert Commenter.objects.get(email="robot@example.org").rejected_count == 1
