"""Comments from Disqus's XML export (tests/ingest/fixtures/comments/disqus.xml, README
there) onto threads keyed by address: what each post becomes, threads made on the
registered site or found on Kabar's own article, idempotence, dry runs, bad files."""

import gzip
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.test import Client

from kabar.cli import main as kabar_cli
from kabar.discussion import signals, sites
from kabar.discussion.models import Comment, Commenter, CommentStatus, ExternalThread
from kabar.discussion.selectors import comments_public_for
from kabar.discussion.targets import DiscussionState
from kabar.ingest.comments.disqus import read_disqus
from kabar.ingest.comments.importer import import_comments
from kabar.ingest.comments.source import FormatError
from kabar.ingest.models import ImportedItem
from tests import builders

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "comments"
DISQUS = FIXTURES / "disqus.xml"
PASAR = "https://blog.example.org/2026/10/pasar-terapung-banjarmasin/"
BUSES = "https://blog.example.org/en/2026/11/night-buses/"


@pytest.fixture
def imported(blog, own_article):
    return run()


def run(path=DISQUS, **options):
    return import_comments(read_disqus(str(path)), **options)


def counts(report, kind):
    return {result: n for result, n in report.counts[kind].items() if n}


def post(dsq_id):
    record = ImportedItem.objects.get(source="disqus", kind="comment", wp_id=str(dsq_id))
    return Comment.objects.get(pk=record.object_id)


def thread_at(address):
    return ExternalThread.objects.get(address=address)


# What the first run brings in --------------------------------------------------------------


def test_first_run_reports_threads_and_comments(imported):
    # Made: the market and the buses; found: the market again (query and fragment
    # dropped) and Kabar's own article; refused: an unregistered site, a thread without
    # a link. The thread without comments is not made at all.
    assert counts(imported, "thread") == {"created": 2, "unchanged": 2, "failed": 2}
    # Skipped: the refused threads' two posts, the deleted thread's, the homeless one.
    assert counts(imported, "comment") == {"created": 14, "skipped": 4}
    assert imported.replies_moved_up == 1
    assert imported.threads_closed == 1
    assert Comment.objects.count() == 14


def test_threads_are_made_on_the_registered_site_under_their_address(imported, blog):
    threads = ExternalThread.objects.filter(site=blog).order_by("address")
    assert [(t.address, t.title, t.live) for t in threads] == [
        (PASAR, "Pasar terapung Banjarmasin bertahan di tengah zaman", True),
        (BUSES, "Night buses are back on the ring road", True),
    ]
    assert all(t.get_parent().specific == blog for t in threads)
    # The address with ?utm_source=...#disqus_thread is the same page.
    assert post(5200000110).page_id == thread_at(PASAR).pk


def test_a_thread_on_kabars_own_article_lands_on_the_article(imported, own_article):
    comment = post(5200000114)
    assert comment.page_id == own_article.pk
    assert comment.body == "Semoga gencatan senjata ini bertahan lama."


def test_replies_keep_their_parents_three_deep(imported):
    first, answer, again = post(5200000101), post(5200000102), post(5200000103)
    assert (first.parent_id, answer.parent_id, again.parent_id) == (None, first.pk, answer.pk)
    assert (first.depth, answer.depth, again.depth) == (1, 2, 3)


def test_statuses_dates_and_addresses_are_kept(imported):
    first = post(5200000101)
    assert first.status == CommentStatus.APPROVED
    assert first.created_at == datetime(2026, 10, 14, 2, 15, 9, tzinfo=UTC)
    assert (first.author_name, first.author_email) == ("Nur Aini", "nur.aini@example.org")
    assert first.ip_address == "203.0.113.10"
    assert first.ip_hash
    assert post(5200000111).ip_address == "2001:db8::5"
    assert post(5200000104).status == CommentStatus.SPAM
    deleted = post(5200000105)
    assert deleted.status == CommentStatus.TRASH
    assert deleted.removed_at is not None


def test_a_deleted_comment_stays_a_placeholder_above_its_reply(imported):
    roots = comments_public_for(thread_at(PASAR))
    placeholder = next(c for c in roots if c.pk == post(5200000105).pk)
    assert placeholder.is_tombstone
    assert placeholder.body == ""
    assert [c.pk for c in placeholder.children] == [post(5200000106).pk]
    assert post(5200000104).pk not in [c.pk for c in roots]


def test_a_reply_whose_parent_is_missing_is_kept_at_the_top_and_reported(imported):
    orphan = post(5200000107)
    assert (orphan.parent_id, orphan.depth) == (None, 1)
    assert (
        "comment",
        "5200000107",
        "its parent comment is not in Kabar: shown at the top level",
    ) in [(kind, source_id, reason) for kind, source_id, _label, reason in imported.problems]


def test_html_becomes_the_text_it_showed(imported):
    assert post(5200000101).body == (
        "Saya besar di Kuin, dan pasar ini dulu jauh lebih ramai.\n\n"
        "Foto-fotonya bagus sekali & bikin rindu. "
        "Ada peta lengkapnya di sini (https://peta.example.org/kuin)."
    )
    assert post(5200000102).body == (
        "Benar, Mbak. Sekarang pedagangnya tinggal belasan perahu.\n"
        "Tapi pagi hari Minggu masih ramai."
    )
    hostile = post(5200000109)
    assert "<script" not in hostile.body and "<img" not in hostile.body
    assert hostile.body.startswith("Tulisan yang bagus.")
    assert hostile.author_name == "<b>Iseng</b>"  # text, escaped wherever it is shown


def test_commenters_are_merged_by_address_and_bad_ones_left_out(imported):
    assert Commenter.objects.filter(email="nur.aini@example.org").count() == 1
    assert post(5200000101).commenter_id == post(5200000103).commenter_id
    hasan = post(5200000108)
    assert hasan.author_name == "Pak Hasan"
    assert hasan.author_email.endswith("@no-email.invalid")
    assert hasan.commenter_id is None
    assert hasan.ip_address is None
    assert ("comment", "5200000108") in [
        tuple(p[:2]) for p in imported.problems if "email address not valid" in p[3]
    ]


def test_refused_threads_say_why(imported):
    reasons = {p[1]: p[3] for p in imported.problems if p[0] == "thread"}
    assert "not registered" in reasons["9100000005"]
    assert "no <link>" in reasons["9100000008"]
    homeless = {p[1]: p[3] for p in imported.problems if p[0] == "comment"}
    assert homeless["5200000116"] == "its thread was deleted on Disqus"
    assert homeless["5200000117"] == "its thread is not in the export"


def test_commenters_email_and_ip_stay_private(imported):
    thread = thread_at(PASAR)
    page = Client().get(thread.url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Saya besar di Kuin" in text
    for private in ("nur.aini@example.org", "bayu@example.net", "203.0.113.10", "no-email"):
        assert private not in text
    assert "Dapatkan pinjaman" not in text  # spam is not shown


def test_the_changed_threads_are_renewed_after_the_import(
    blog, own_article, django_capture_on_commit_callbacks
):
    received = []

    def receiver(sender, page_ids=(), **kwargs):
        received.append(sorted(page_ids))

    signals.comments_imported.connect(receiver)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            run()
    finally:
        signals.comments_imported.disconnect(receiver)
    assert received == [sorted([thread_at(PASAR).pk, thread_at(BUSES).pk, own_article.pk])]


def test_a_thread_closed_on_disqus_is_closed_here_with_its_comments_shown(imported):
    buses = thread_at(BUSES)
    assert buses.discussion == DiscussionState.CLOSED
    assert not buses.comments_open
    assert comments_public_for(buses)
    assert thread_at(PASAR).comments_open


def test_a_thread_readers_had_opened_before_the_import_is_closed_too(blog, own_article):
    opened = sites.resolve(BUSES, title="Night buses", create=True).target
    assert opened.comments_open

    report = run()

    assert report.threads_closed == 1
    assert thread_at(BUSES).pk == opened.pk
    assert not thread_at(BUSES).comments_open


# Runs again, dry runs ----------------------------------------------------------------------


def test_a_second_run_adds_nothing(imported):
    before = list(Comment.objects.order_by("pk").values_list("pk", "status", "body", "removed_at"))
    again = run()
    assert counts(again, "thread") == {"unchanged": 4, "failed": 2}
    assert counts(again, "comment") == {"unchanged": 14, "skipped": 4}
    assert again.replies_moved_up == 0
    assert again.threads_closed == 0
    after = list(Comment.objects.order_by("pk").values_list("pk", "status", "body", "removed_at"))
    assert after == before
    assert ExternalThread.objects.count() == 2


def test_a_second_run_leaves_a_thread_the_staff_opened_again_open(imported):
    buses = thread_at(BUSES)
    buses.discussion = DiscussionState.OPEN
    buses.save()

    again = run()

    assert again.threads_closed == 0
    assert thread_at(BUSES).comments_open


def test_a_dry_run_counts_exactly_and_writes_nothing(blog, own_article):
    report = run(dry_run=True)
    assert report.dry_run
    assert counts(report, "thread") == {"created": 2, "unchanged": 2, "failed": 2}
    assert counts(report, "comment") == {"created": 14, "skipped": 4}
    assert report.threads_closed == 1
    assert not Comment.objects.exists()
    assert not ExternalThread.objects.exists()
    assert not ImportedItem.objects.exists()


def test_a_gzipped_export_reads_the_same(blog, own_article, tmp_path):
    packed = tmp_path / "blogteman-2026-11-30T00:00:00-all.xml.gz"
    packed.write_bytes(gzip.compress(DISQUS.read_bytes()))
    report = run(packed)
    assert counts(report, "comment") == {"created": 14, "skipped": 4}


def test_naming_the_site_refuses_threads_of_another_registered_site(blog, own_article):
    other = builders.make_external_site(
        origin="https://lain.example.net", slug="situs-lain", title="Situs Lain"
    )
    report = run(site=blog)
    reasons = {p[1]: p[3] for p in report.problems if p[0] == "thread"}
    assert "'situs-lain', not 'blog-teman'" in reasons["9100000005"]
    assert not ExternalThread.objects.filter(site=other).exists()
    # Unnamed, each thread goes to the site its address is on.
    report = run()
    assert ExternalThread.objects.get(site=other).address == (
        "https://lain.example.net/berita/jembatan-baru/"
    )


# Bad files ---------------------------------------------------------------------------------

TRUNCATED = DISQUS.read_bytes()[: len(DISQUS.read_bytes()) // 2]
BAD_FILES = {
    "not-xml.xml": (b"Ini bukan XML sama sekali.", "not well-formed XML"),
    "wxr.xml": (b'<?xml version="1.0"?><rss><channel/></rss>', "root element is <rss>"),
    "truncated.xml": (TRUNCATED, "not well-formed XML"),
    "entities.xml": (
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaa">]>'
        b'<disqus xmlns="http://disqus.com">&a;</disqus>',
        "declares a DTD",
    ),
    "damaged.xml.gz": (gzip.compress(DISQUS.read_bytes())[:400], "damaged"),
    "unknown-encoding.xml": (
        DISQUS.read_bytes().replace(b'encoding="utf-8"', b'encoding="x-bogus"', 1),
        "not well-formed XML: the encoding",
    ),
    "multibyte-encoding.xml": (
        DISQUS.read_bytes().replace(b'encoding="utf-8"', b'encoding="utf-32"', 1),
        "not well-formed XML: the encoding",
    ),
    "empty.xml": (b"", "not well-formed XML"),
}


@pytest.mark.parametrize("name", sorted(BAD_FILES))
def test_a_bad_file_is_refused_whole_with_a_clear_message(name, blog, own_article, tmp_path):
    content, message = BAD_FILES[name]
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(FormatError, match=message):
        run(path)
    with pytest.raises(CommandError, match=f"{message}.*Nothing was imported"):
        call_command("import_comments", "disqus", str(path))
    assert not Comment.objects.exists()
    assert not ExternalThread.objects.exists()


def test_the_command_names_a_missing_file_and_an_unknown_site(blog, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_comments", "disqus", str(tmp_path / "tidak-ada.xml"))
    with pytest.raises(CommandError, match="no registered site has the key 'tidak-ada'"):
        call_command("import_comments", "disqus", str(DISQUS), "--site", "tidak-ada")


def test_the_command_prints_the_report(blog, own_article):
    out, err = io.StringIO(), io.StringIO()
    # Some comments fail: the report is printed, and the command fails (a non-zero exit).
    with pytest.raises(CommandError, match="^Some threads or comments failed"):
        call_command(
            "import_comments", "disqus", str(DISQUS), "--site", "blog-teman", stdout=out, stderr=err
        )
    lines = out.getvalue().splitlines()
    assert lines[0] == "Import finished."
    assert lines[2].split() == ["threads", "2", "0", "2", "0", "2"]
    assert lines[3].split() == ["comments", "14", "0", "0", "4", "0"]
    assert "replies kept at the top level (parent missing): 1" in lines
    assert "threads closed, as they were in the source: 1" in lines


@pytest.mark.parametrize(
    "argv",
    [
        ["import-comments", "disqus", "{missing}"],
        ["import-comments", "disqus", "{disqus}", "--site", "tidak-ada"],
        ["import-wordpress", "{missing}"],
    ],
)
def test_the_kabar_command_says_what_went_wrong_in_one_line(argv, blog, tmp_path, capsys):
    """An operator's mistake ends the command with its message and a failing status, not a
    traceback (kabar.cli.main, not only the management command behind it)."""
    paths = {"missing": tmp_path / "tidak-ada.xml", "disqus": DISQUS}
    with pytest.raises(SystemExit) as exit_:
        kabar_cli([part.format(**paths) for part in argv])
    message = str(exit_.value.code)
    assert message.startswith(f"kabar {argv[0]}: ")
    assert "No such file" in message or "tidak-ada" in message
    assert "\n" not in message and "Traceback" not in message
    assert not Comment.objects.exists()


def test_the_kabar_command_runs_the_import(blog, own_article, capsys):
    # The export holds comments that fail: the dry run says so and exits with status 1.
    with pytest.raises(SystemExit) as exited:
        kabar_cli(["import-comments", "disqus", str(DISQUS), "--site", "blog-teman", "--dry-run"])
    assert str(exited.value.code).startswith("kabar import-comments: Some threads or comments")
    assert capsys.readouterr().out.startswith("Dry run: nothing was written.")
    assert not Comment.objects.exists()


def test_a_dry_run_leaves_no_thread_behind_for_readers(blog, own_article, page_cache):
    # The import task runs in a web process's thread: the threads a dry run made, then
    # undid, were kept as found by the process, and a reader's comment on one of them
    # failed (a thread that is not there); the real run after it too.
    run(dry_run=True)
    assert sites.resolve(PASAR).target is None
    assert not ExternalThread.objects.exists()

    report = run()

    assert counts(report, "comment")["created"] == 14
    assert sites.resolve(PASAR).target.pk == thread_at(PASAR).pk
