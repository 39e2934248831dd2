"""Comments from a Remark42 backup (fixtures/comments/remark42-backup.json, one JSON value
per line as Remark42's migrator writes it): threads by locator.url, titles from the
comments, emails from the users' details, blocked users, deletions, bad files."""

import gzip
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kabar.discussion.models import Comment, CommentStatus, ExternalThread
from kabar.discussion.selectors import comments_public_for
from kabar.discussion.targets import DiscussionState
from kabar.ingest.comments import remark42
from kabar.ingest.comments.importer import import_comments
from kabar.ingest.comments.remark42 import read_remark42
from kabar.ingest.comments.source import FormatError
from kabar.ingest.models import ImportedItem

pytestmark = pytest.mark.django_db

BACKUP = Path(__file__).resolve().parent / "fixtures" / "comments" / "remark42-backup.json"
SOTO = "https://blog.example.org/resep/soto-banjar/"
SOUP = "https://blog.example.org/en/recipes/banjar-soup/"
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def run(path=BACKUP, **options):
    return import_comments(read_remark42(str(path), now=NOW), **options)


@pytest.fixture
def imported(blog):
    return run(site=blog)


def comment(suffix):
    """A comment of the fixture by the end of its id."""
    record = ImportedItem.objects.get(source="remark42:blogteman", wp_id__endswith=suffix)
    return Comment.objects.get(pk=record.object_id)


def counts(report, kind):
    return {result: n for result, n in report.counts[kind].items() if n}


def test_each_address_becomes_a_thread_titled_from_its_comments(imported, blog):
    assert counts(imported, "thread") == {"created": 2}
    assert counts(imported, "comment") == {"created": 9}
    assert imported.replies_moved_up == 1
    assert [(t.address, t.title) for t in ExternalThread.objects.order_by("pk")] == [
        (SOTO, "Resep soto Banjar rumahan"),
        (SOUP, "Banjar chicken soup at home"),
    ]


def test_text_dates_names_and_emails(imported):
    first = comment("1b2c3d4e5f60")
    assert first.body == "Saya tambahkan perkedel, enak sekali!"
    assert first.created_at == datetime(2026, 11, 10, 0, 15, 30, 123456, tzinfo=UTC)
    assert (first.author_name, first.author_email) == ("Tari", "tari@example.org")
    # Remark42 keeps an HMAC of the address, never the address: nothing to keep here.
    assert first.ip_address is None and first.ip_hash == ""
    soup = comment("000000000008")
    assert soup.body == (
        "Tried it with lime instead of calamansi & it worked. "
        "Recipe notes: notes.example.com/soto (https://notes.example.com/soto)"
    )
    assert soup.author_email.endswith("@no-email.invalid")  # no email in Sam's details


def test_replies_keep_their_parents(imported):
    first, question, answer = (
        comment("1b2c3d4e5f60"),
        comment("000000000002"),
        comment("000000000003"),
    )
    assert (question.parent_id, answer.parent_id) == (first.pk, question.pk)
    orphan = comment("000000000007")
    assert (orphan.parent_id, orphan.depth) == (None, 1)


def test_a_blocked_users_comments_are_trashed_until_the_block_ends(imported):
    blocked = comment("000000000006")
    assert blocked.status == CommentStatus.TRASH
    assert blocked.removed_at is None
    # Raka's block ended in 2020: his comment shows.
    assert comment("000000000002").status == CommentStatus.APPROVED


def test_a_deleted_comment_is_a_placeholder_above_its_reply(imported):
    deleted = comment("000000000004")
    assert deleted.status == CommentStatus.TRASH and deleted.removed_at is not None
    roots = comments_public_for(ExternalThread.objects.get(address=SOTO))
    placeholder = next(c for c in roots if c.pk == deleted.pk)
    assert placeholder.is_tombstone
    assert [c.pk for c in placeholder.children] == [comment("000000000005").pk]


def test_a_second_run_adds_nothing_and_keeps_the_removal_time(imported):
    removed_at = comment("000000000004").removed_at
    again = run()
    assert counts(again, "comment") == {"unchanged": 9}
    assert Comment.objects.count() == 9
    assert comment("000000000004").removed_at == removed_at


def test_a_page_read_only_on_remark42_is_closed_here(imported):
    assert imported.threads_closed == 1
    assert not ExternalThread.objects.get(address=SOUP).comments_open
    assert ExternalThread.objects.get(address=SOTO).comments_open


def test_a_second_run_does_not_close_the_page_again(imported):
    soup = ExternalThread.objects.get(address=SOUP)
    soup.discussion = DiscussionState.OPEN
    soup.save()

    assert run().threads_closed == 0
    assert ExternalThread.objects.get(address=SOUP).comments_open


def test_a_gzipped_backup_reads_the_same(blog, tmp_path):
    packed = tmp_path / "backup-blogteman-20261201.gz"
    packed.write_bytes(gzip.compress(BACKUP.read_bytes()))
    assert counts(run(packed), "comment") == {"created": 9}


LINES = BACKUP.read_text().splitlines()
BAD_BACKUPS = {
    "first line not JSON": ("bukan json\n" + "\n".join(LINES[1:]), "first line is not JSON"),
    "no metadata": ('{"id": "x"}\n', "no users or posts"),
    "a later version": ('{"version": 2, "users": [], "posts": []}\n', "version 2"),
    "a broken line": ("\n".join([*LINES[:4], LINES[4][:40], *LINES[5:]]), "line 5 is not JSON"),
    "not a comment": ("\n".join([LINES[0], "[1, 2]"]), "line 2 is not a Remark42 comment"),
    "empty": ("", "the file is empty"),
    "metadata nested too deep": ('{"users": ' + "[" * 100_000 + "\n", "first line is not JSON"),
    "a line nested too deep": ("\n".join([*LINES[:3], "[" * 100_000, *LINES[3:]]), "line 4 is not"),
}


@pytest.mark.parametrize("case", sorted(BAD_BACKUPS))
def test_a_bad_backup_is_refused_whole(case, blog, tmp_path):
    content, message = BAD_BACKUPS[case]
    path = tmp_path / "backup.json"
    path.write_text(content)
    with pytest.raises(FormatError, match=message):
        run(path)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_comments", "remark42", str(path))
    assert not Comment.objects.exists() and not ExternalThread.objects.exists()


def test_a_line_too_long_to_be_a_comment_is_refused_before_it_is_read_whole(
    blog, tmp_path, monkeypatch
):
    # A few megabytes of gzip unpack to a line of gigabytes, read whole before.
    monkeypatch.setattr(remark42, "MAX_LINE", 4096)
    lines = BACKUP.read_bytes().splitlines(keepends=True)
    huge = tmp_path / "backup.gz"
    with gzip.open(huge, "wb") as out:
        out.writelines([lines[0], b'{"id": "' + b"x" * 10_000 + b'"}\n', *lines[1:]])
    with pytest.raises(FormatError, match="line 2 is longer than 4,096 bytes"):
        read_remark42(str(huge), now=NOW)
