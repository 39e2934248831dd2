"""Comments from an Isso database written by Isso's own code (fixtures/comments/isso.db,
made by make_isso_db.py): paths made whole on the site named, Isso's modes, its
anonymised addresses, Markdown kept as typed, idempotence, files that are not Isso's."""

import shutil
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from kabar.discussion.models import Comment, CommentStatus, ExternalThread
from kabar.discussion.selectors import comments_public_for
from kabar.ingest.comments.importer import import_comments, site_named
from kabar.ingest.comments.isso import read_isso
from kabar.ingest.comments.source import FormatError
from kabar.ingest.models import ImportedItem
from tests import builders

pytestmark = pytest.mark.django_db

ISSO = Path(__file__).resolve().parent / "fixtures" / "comments" / "isso.db"
BANJIR = "https://blog.example.org/tulisan/banjir-di-kampung-melayu/"
NOTES = "https://blog.example.org/en/notes/why-we-moved-our-comments/"


def run(site="blog-teman", path=ISSO, **options):
    registered, origin = site_named(site)
    return import_comments(read_isso(str(path), origin=origin), site=registered, **options)


@pytest.fixture
def imported(blog):
    return run()


def comment(isso_id):
    record = ImportedItem.objects.get(
        source="isso:https://blog.example.org", kind="comment", wp_id=str(isso_id)
    )
    return Comment.objects.get(pk=record.object_id)


def counts(report, kind):
    return {result: n for result, n in report.counts[kind].items() if n}


def test_paths_become_threads_on_the_named_site(imported, blog):
    assert counts(imported, "thread") == {"created": 2, "failed": 1}
    assert counts(imported, "comment") == {"created": 8, "skipped": 1}
    threads = ExternalThread.objects.filter(site=blog).order_by("pk")
    assert [(t.address, t.title) for t in threads] == [
        (BANJIR, "Banjir di Kampung Melayu, warga mengungsi ke masjid"),
        (NOTES, "Why we moved our comments"),
    ]
    reason = next(p[3] for p in imported.problems if p[0] == "thread")
    assert "'catatan-42' is not a path" in reason


def test_the_site_may_be_named_by_its_origin(blog):
    report = run("https://blog.example.org")
    assert counts(report, "comment") == {"created": 8, "skipped": 1}


def test_isso_modes_become_statuses(imported):
    assert comment(1).status == CommentStatus.APPROVED
    assert comment(6).status == CommentStatus.PENDING
    deleted = comment(4)
    assert deleted.status == CommentStatus.TRASH
    assert deleted.removed_at is not None
    assert deleted.body  # a stand-in for the moderators; readers see a placeholder
    assert not ImportedItem.objects.filter(wp_id="7").exists()  # Isso deleted it whole


def test_a_deleted_comment_keeps_its_reply_in_place(imported):
    roots = comments_public_for(ExternalThread.objects.get(address=BANJIR))
    placeholder = next(c for c in roots if c.pk == comment(4).pk)
    assert placeholder.is_tombstone and placeholder.author_name == ""
    assert [c.body for c in placeholder.children] == [
        "Tidak benar, pintu air aman. Cek akun resmi BPBD."
    ]
    assert comment(6).pk not in [c.pk for c in roots]  # still held


def test_text_dates_replies_and_anonymised_addresses(imported):
    first = comment(1)
    assert first.body == (
        "Air sudah **setinggi pinggang** sejak subuh.\n\nTolong kabari posko terdekat."
    )
    assert first.created_at == datetime(2026, 11, 3, 8, 0, tzinfo=UTC)
    assert (first.author_name, first.author_email) == ("Sri Wahyuni", "sri.wahyuni@example.org")
    assert first.author_url == "https://sri.example.org/"
    assert first.ip_address == "203.0.113.0"
    assert comment(2).parent_id == first.pk
    assert comment(3).parent_id == first.pk  # Isso flattened it under the first comment
    assert comment(4).ip_address == "2001:db8:4f::"
    # Isso's stand-in for an unknown address is no address, and not an invalid one.
    assert comment(6).ip_address is None
    assert imported.ips_left_out == 0
    # Isso blanks a deleted comment's name: Anonim, as Kabar calls a nameless commenter.
    assert comment(4).author_name == "Anonim"
    assert comment(9).author_email.endswith("@no-email.invalid")


def test_a_website_without_a_scheme_is_left_out_and_noted(imported):
    dimas = comment(5)
    assert dimas.author_url == ""
    assert ("comment", "5", "website not valid: left out") in [
        (k, i, reason) for k, i, _label, reason in imported.problems
    ]


def test_a_second_run_adds_nothing(imported):
    again = run()
    assert counts(again, "comment") == {"unchanged": 8, "skipped": 1}
    assert counts(again, "thread") == {"unchanged": 2, "failed": 1}
    assert Comment.objects.count() == 8


def test_kabars_own_origin_reaches_its_own_pages(blog, section):
    builders.make_article(section, "Banjir", slug="banjir-di-kampung-melayu")
    report = run("http://localhost")
    # Kabar has no page at /tulisan/... nor /en/notes/...: both refused, nothing made.
    assert counts(report, "thread") == {"failed": 3}
    assert "does not take comments" in report.problems[0][3]
    assert not ExternalThread.objects.exists()


def test_the_command_needs_the_site_for_isso(blog):
    with pytest.raises(CommandError, match="name the site"):
        call_command("import_comments", "isso", str(ISSO))
    with pytest.raises(CommandError, match="neither a registered site's origin nor Kabar's own"):
        call_command("import_comments", "isso", str(ISSO), "--site", "https://lain.example.net")


def test_a_file_that_is_not_an_isso_database_is_refused(blog, tmp_path):
    text = tmp_path / "comments.db"
    text.write_text("bukan basis data")
    with pytest.raises(FormatError, match="not an SQLite database"):
        run(path=text)
    other = tmp_path / "other.db"
    with sqlite3.connect(other) as connection:
        connection.execute("CREATE TABLE threads (id INTEGER PRIMARY KEY, uri, title)")
    with pytest.raises(FormatError, match="has no table 'comments'"):
        run(path=other)
    damaged = tmp_path / "damaged.db"
    damaged.write_bytes(ISSO.read_bytes()[:5000])
    with pytest.raises(FormatError):
        run(path=damaged)
    assert not Comment.objects.exists() and not ExternalThread.objects.exists()


def test_text_kept_as_a_blob_is_read_as_text_or_refuses_the_file(blog, tmp_path):
    # SQLite keeps whatever a column is given: bytes reached the reader (a TypeError).
    copy = tmp_path / "comments.db"
    shutil.copy(ISSO, copy)
    with sqlite3.connect(copy) as connection:
        connection.execute("UPDATE threads SET uri = CAST(uri AS BLOB)")
    report = run(path=copy)
    assert ExternalThread.objects.filter(address=BANJIR).exists()
    assert report.counts["comment"]["failed"] == 0
    with sqlite3.connect(copy) as connection:
        connection.execute("UPDATE comments SET text = x'00ff' WHERE id = 1")
    with pytest.raises(FormatError, match="cannot be read: Could not decode to UTF-8"):
        run(path=copy)
    with pytest.raises(CommandError, match="Nothing was imported"):
        call_command("import_comments", "isso", str(copy), "--site", "blog-teman")


def test_the_database_is_only_read(blog, tmp_path):
    copy = tmp_path / "comments.db"
    shutil.copy(ISSO, copy)
    run(path=copy)
    assert copy.read_bytes() == ISSO.read_bytes()


def test_characters_no_page_can_show_are_left_out_of_what_is_imported(blog, tmp_path):
    """SQLite keeps NUL and the other control characters in a text column; PostgreSQL
    refuses NUL, and a feed cannot carry any of them. They are left out before a comment
    is judged: alike on both databases, a name of nothing else is anonymous, a text of
    nothing else an empty comment; a second run finds the rest unchanged."""
    copy = tmp_path / "comments.db"
    shutil.copy(ISSO, copy)
    with sqlite3.connect(copy) as connection:
        connection.executemany(
            "UPDATE comments SET text = ?, author = ? WHERE id = ?",
            [
                ("Air\x00 naik\x0c lagi\x1b.", "Ra\x00ni\nPutri", 1),
                ("Posko buka\x00 malam ini.", "\x00\x1b", 2),
                ("\x00\x01 \x1b", "Sri Wahyuni", 3),
            ],
        )
    report = run(path=copy)
    assert report.counts["comment"]["failed"] == 1  # 3: an empty comment
    first, second = comment(1), comment(2)
    assert (first.body, first.author_name) == ("Air naik lagi.", "Rani Putri")
    assert first.commenter.name == "Rani Putri"
    assert second.body == "Posko buka malam ini."
    assert second.author_name == comment(4).author_name != ""  # 4 came without a name
    again = run(path=copy)
    assert counts(again, "comment")["unchanged"] == report.counts["comment"]["created"]
    assert not {"created", "updated"} & set(counts(again, "comment"))


def test_what_isso_escaped_and_marked_up_reads_as_the_reader_saw_it(blog, tmp_path):
    # Isso's views escape the name, email and website as HTML before storing them; its
    # text is Markdown, or HTML where Isso's own migration from Disqus wrote it.
    copy = tmp_path / "comments.db"
    shutil.copy(ISSO, copy)
    with sqlite3.connect(copy) as connection:
        connection.executemany(
            "UPDATE comments SET text = ?, author = ?, website = ? WHERE id = ?",
            [
                (
                    "Lihat [peta posko](https://peta.example.id/posko?kota=jakarta&jenis=banjir)"
                    " dan **cepat**.",
                    "Budi &amp; Sari",
                    "https://budi.example.id/?a=1&amp;b=2",
                    1,
                ),
                ("<p>Dapur umum &amp; posko</p><p>buka malam ini.</p>", "Rani", "", 2),
                (
                    "Alamat: https://x.example.id/?a=1&copy=2 [[tidak] (jelas) <https://y.example.id/a>"
                    " atau <posko@contoh.id>",
                    "Sri",
                    "",
                    3,
                ),
            ],
        )
    run(path=copy)
    first = comment(1)
    assert first.body == (
        "Lihat peta posko (https://peta.example.id/posko?kota=jakarta&jenis=banjir) dan **cepat**."
    )
    assert (first.author_name, first.author_url) == (
        "Budi & Sari",
        "https://budi.example.id/?a=1&b=2",
    )
    assert comment(2).body == "Dapur umum & posko\n\nbuka malam ini."
    assert comment(3).body == (
        "Alamat: https://x.example.id/?a=1&copy=2 [[tidak] (jelas) https://y.example.id/a"
        " atau posko@contoh.id"
    )


def test_a_comments_view_that_never_ends_is_refused(blog, tmp_path):
    # A file's "comments" may be a view (here over a query that never ends): only Isso's
    # own tables are read.
    copy = tmp_path / "comments.db"
    shutil.copy(ISSO, copy)
    with sqlite3.connect(copy) as connection:
        connection.executescript(
            """
            ALTER TABLE comments RENAME TO real_comments;
            CREATE VIEW COMMENTS AS WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n)
            SELECT c.* FROM real_comments c, n;
            """
        )
    with pytest.raises(FormatError, match="not an Isso database: comments is not a table"):
        run(path=copy)
