"""Which writes of a new comment share a transaction, and how its duplicate check stays
atomic without one: the check is part of the INSERT (INSERT … SELECT … WHERE NOT EXISTS),
one statement, which SQLite runs under its one write lock. A transaction is opened only
when a counter of the author changes with the row; a held comment is stored in autocommit
(on PostgreSQL a transaction would cost a round trip at each end)."""

import sqlite3

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext

from kabar.discussion.models import Comment, Commenter, CommentStatus
from kabar.discussion.services import (
    DUPLICATE_MESSAGE,
    CommentAuthor,
    SubmitContext,
    comment_submit,
)
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


def test_a_held_comment_is_stored_outside_any_transaction(article, seen):
    held = builders.submit(article, body="Komentar pertama dari pembaca baru.")
    assert held.status == CommentStatus.PENDING
    assert seen == [False]


def test_the_duplicate_check_is_the_insert_itself(article):
    first = builders.submit(article, body="Jembatan desa kami akhirnya diperbaiki.")
    with CaptureQueriesContext(connection) as queries, pytest.raises(ValidationError) as refused:
        builders.submit(article, body="Jembatan  desa kami AKHIRNYA diperbaiki.")
    assert refused.value.message_dict["body"] == [str(DUPLICATE_MESSAGE)]
    assert list(Comment.objects.values_list("pk", flat=True)) == [first.pk]
    written = [q["sql"] for q in queries.captured_queries if "body_key" in q["sql"]]
    assert len(written) == 1
    assert written[0].startswith("INSERT INTO") and "NOT EXISTS" in written[0]
    # A different text from the same reader is stored by the same statement.
    second = builders.submit(article, body="Terima kasih untuk liputannya.")
    assert second.pk and Comment.objects.filter(pk=second.pk).exists()


def test_a_refused_duplicate_leaves_an_enclosing_transaction_usable(article):
    from django.db import transaction

    builders.submit(article, body="Harga beras di pasar naik lagi minggu ini.")
    with transaction.atomic():
        with pytest.raises(ValidationError):
            builders.submit(article, body="Harga beras di pasar naik lagi minggu ini.")
        # The same transaction goes on: the refusal was no database error.
        later = builders.submit(article, body="Semoga harga segera turun.")
    assert Comment.objects.filter(pk=later.pk).exists()
    assert Comment.objects.count() == 2


def test_on_sqlite_a_writing_statement_reads_under_the_write_lock(tmp_path):
    """Why the duplicate check needs no transaction on SQLite: production's database is a
    file in WAL mode, where a writing statement takes the one write lock before it reads.
    While another post holds the lock, the statement cannot run (it would wait, up to the
    busy timeout); once that post commits, the statement sees its row. No other post can
    come between its check and its row."""
    path = tmp_path / "wal.sqlite3"
    first = sqlite3.connect(path, isolation_level=None, timeout=0)
    first.execute("PRAGMA journal_mode=WAL")
    first.execute("CREATE TABLE comment (body TEXT)")
    second = sqlite3.connect(path, isolation_level=None, timeout=0)
    unless = "INSERT INTO comment SELECT ? WHERE NOT EXISTS (SELECT 1 FROM comment WHERE body = ?)"
    assert second.execute("SELECT COUNT(*) FROM comment").fetchone() == (0,)
    first.execute("BEGIN IMMEDIATE")
    first.execute("INSERT INTO comment VALUES ('sama')")
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        second.execute(unless, ["sama", "sama"])
    first.execute("COMMIT")
    assert second.execute(unless, ["sama", "sama"]).rowcount == 0
    assert second.execute(unless, ["lain", "lain"]).rowcount == 1
    assert first.execute("SELECT body FROM comment ORDER BY body").fetchall() == [
        ("lain",),
        ("sama",),
    ]
    first.close()
    second.close()


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
