"""Which writes of a new comment share a transaction, and how its duplicate check stays
atomic without one: the check is part of the INSERT (INSERT … SELECT … WHERE NOT EXISTS),
one statement, which SQLite runs under its one write lock. Where a counter of the author
changes with the row, PostgreSQL writes both in that one statement (a data-modifying WITH
query) and SQLite in a transaction; a held comment is stored in autocommit (on PostgreSQL
a transaction would cost a round trip at each end)."""

import sqlite3

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext

from kabar.core.text import text_key
from kabar.discussion import services
from kabar.discussion.models import BODY_MAX_LENGTH, Comment, Commenter, CommentStatus
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
def seen():
    """For each new comment stored: whether its INSERT ran inside a transaction (told by
    the pre_save signal, which every way of storing a comment sends)."""
    found = []

    def recording(sender, instance, **kwargs):
        if instance.pk is None:
            found.append(connection.in_atomic_block)

    pre_save.connect(recording, sender=Comment, weak=False)
    yield found
    pre_save.disconnect(recording, sender=Comment)


def test_a_held_comment_is_stored_outside_any_transaction(article, seen):
    held = builders.submit(article, body="Komentar pertama dari pembaca baru.")
    assert held.status == CommentStatus.PENDING
    assert seen == [False]


def test_a_comment_inserted_unless_found_is_stored_as_save_would(article):
    """Comment.insert_unless skips save()'s general path, not what it does for a new row:
    its signals, the body's key, every field as the database takes it, and the row's id
    and state afterwards."""
    heard = []

    def hear(signal):
        def receiver(sender, instance, **kwargs):
            heard.append((signal, instance.pk, kwargs.get("created")))

        return receiver

    def new_comment():
        return Comment(
            page=article,
            body="Air  SUDAH surut di desa kami.",
            author_name="Sari",
            author_email="sari@example.org",
            author_url="https://warga.example/sari",
            ip_address="203.0.113.9",
            status=CommentStatus.APPROVED,
            reasons=[{"rule": "trusted", "effect": "approve", "detail": "Dikenal."}],
            spam_score=0.25,
            staff_notice="staff_held",
        )

    before, after = hear("pre_save"), hear("post_save")
    pre_save.connect(before, sender=Comment, weak=False)
    post_save.connect(after, sender=Comment, weak=False)
    try:
        inserted = new_comment()
        assert inserted.insert_unless(("SELECT 1 WHERE 1 = 0", ()))
    finally:
        pre_save.disconnect(before, sender=Comment)
        post_save.disconnect(after, sender=Comment)
    assert heard == [("pre_save", None, None), ("post_save", inserted.pk, True)]
    assert inserted.pk is not None
    assert not inserted._state.adding and inserted._state.db == "default"
    saved = new_comment()
    saved.created_at = inserted.created_at
    saved.save()
    rows = {row["id"]: row for row in Comment.objects.values()}
    assert rows[inserted.pk] == {**rows[saved.pk], "id": inserted.pk}
    assert rows[inserted.pk]["body_key"] == text_key("Air sudah surut di desa kami.")
    # Found: nothing stored.
    assert not new_comment().insert_unless(("SELECT 1", ()))
    assert Comment.objects.count() == 2


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


def robot_submit(article, body="Komentar dari formulir yang jebakannya terisi."):
    author = CommentAuthor(name="Robot", email="robot@example.org", ip_address="203.0.113.50")
    return comment_submit(
        page=article, author=author, body=body, context=SubmitContext(honeypot_filled=True)
    )


def test_a_comment_that_changes_its_authors_counters_is_stored_with_them(article, seen):
    with CaptureQueriesContext(connection) as queries:
        caught = robot_submit(article)
    assert caught.status in (CommentStatus.SPAM, CommentStatus.TRASH)
    assert Commenter.objects.get(email="robot@example.org").rejected_count == 1
    written = [
        q["sql"] for q in queries.captured_queries if q["sql"].startswith(("INS", "UPD", "WITH"))
    ]
    if connection.vendor == "postgresql":
        # One statement: the row, and the counters only if the row was stored.
        assert seen == [False]
        [comment_insert] = [sql for sql in written if "body_key" in sql]
        assert comment_insert.startswith("WITH inserted AS (INSERT INTO")
        assert 'UPDATE "discussion_commenter"' in comment_insert
        assert not [sql for sql in written if sql.startswith('UPDATE "discussion_commenter"')]
    else:
        assert seen == [True]
        assert [sql for sql in written if sql.startswith('UPDATE "discussion_commenter"')]


def test_a_refused_duplicate_changes_no_counter(article):
    first = robot_submit(article, body="Promo murah hari ini saja.")
    counted = Commenter.objects.get(email="robot@example.org")
    assert counted.rejected_count == 1
    with pytest.raises(ValidationError):
        robot_submit(article, body="Promo  MURAH hari ini saja.")
    counted.refresh_from_db()
    assert counted.rejected_count == 1
    assert list(Comment.objects.values_list("pk", flat=True)) == [first.pk]
    # The next comment that is stored is counted again.
    robot_submit(article, body="Promo lain untuk besok.")
    counted.refresh_from_db()
    assert counted.rejected_count == 2


def test_a_row_the_database_refuses_leaves_the_counters_as_they_were(article, monkeypatch):
    """The counters are written only with the row: a comment the database itself refuses
    (here a check constraint, past every check of Kabar's own) changes nothing."""
    robot_submit(article, body="Komentar pertama yang tertangkap.")
    counted = Commenter.objects.get(email="robot@example.org")
    monkeypatch.setattr(services, "comment_validate", lambda comment, **options: None)
    monkeypatch.setattr(services, "comment_fields_validate", lambda **fields: None)
    with pytest.raises(IntegrityError):
        robot_submit(article, body="x" * (BODY_MAX_LENGTH + 1))
    counted.refresh_from_db()
    assert counted.rejected_count == 1
    assert Comment.objects.count() == 1
