"""The importer every format shares, fed Sources built here: the order replies are written
in, threads deeper than Kabar reads, loops and repeats in a broken file, comments that
cannot be stored, and a thread that fails undone alone."""

from datetime import UTC, datetime, timedelta

import pytest

from kabar.discussion.models import Comment, CommentStatus, ExternalSite, ExternalThread
from kabar.discussion.selectors import MAX_THREAD_DEPTH
from kabar.discussion.services import comments_set_status
from kabar.ingest.comments.importer import import_comments, in_tree_order
from kabar.ingest.comments.source import Source, SourceComment, SourceThread
from kabar.ingest.models import ImportedItem

pytestmark = pytest.mark.django_db

T0 = datetime(2026, 11, 1, 8, 0, tzinfo=UTC)
PAGE = "https://blog.example.org/tulisan/uji/"


def said(cid, parent="", minutes=0, body=None, **fields):
    return SourceComment(
        id=cid,
        parent_id=parent,
        body=f"Komentar {cid}." if body is None else body,
        author_name="Penguji",
        author_email="penguji@example.org",
        author_url="",
        ip="",
        created_at=T0 + timedelta(minutes=minutes) if minutes is not None else None,
        **fields,
    )


def source(*threads):
    return Source(system="disqus", name="", threads=list(threads))


def thread(*comments, url=PAGE, key="t1"):
    return SourceThread(key=key, url=url, title="Uji", comments=list(comments))


def stored(cid):
    record = ImportedItem.objects.get(source="disqus", wp_id=cid)
    return Comment.objects.get(pk=record.object_id)


def test_a_reply_older_than_its_parent_is_still_written_after_it():
    comments = [said("b", parent="a", minutes=0), said("a", minutes=5), said("c", minutes=1)]
    assert [c.id for c in in_tree_order(comments)] == ["c", "a", "b"]


def test_replies_deeper_than_kabar_reads_go_beside_their_parent(blog):
    chain = [said("0")] + [said(str(n), parent=str(n - 1), minutes=n) for n in range(1, 13)]
    report = import_comments(source(thread(*chain)))
    assert report.counts["comment"]["created"] == 13
    depths = [stored(str(n)).depth for n in range(13)]
    assert max(depths) == MAX_THREAD_DEPTH
    assert depths[:MAX_THREAD_DEPTH] == list(range(1, MAX_THREAD_DEPTH + 1))
    # The eleventh answers the tenth, so it hangs beside it, under the ninth.
    assert stored("10").parent_id == stored("8").pk


def test_a_loop_of_parents_is_kept_at_the_top(blog):
    report = import_comments(source(thread(said("x", parent="y"), said("y", parent="x"))))
    assert report.counts["comment"]["created"] == 2
    assert report.replies_moved_up == 1
    assert {stored("x").depth, stored("y").depth} == {1, 2}


def test_a_comment_twice_in_the_file_is_written_once(blog):
    report = import_comments(
        source(
            thread(said("a"), key="t1"),
            thread(said("a"), url="https://blog.example.org/lain/", key="t2"),
        )
    )
    assert report.counts["comment"]["created"] == 1
    assert ("comment", "a", "twice in the file") in [(k, i, r) for k, i, _l, r in report.problems]


def test_comments_that_cannot_be_stored_fail_alone_with_their_reason(blog):
    report = import_comments(
        source(
            thread(
                said("ok"),
                said("undated", minutes=None),
                said("blank", body="  "),
                said("huge", body="x" * 70000),
                said("reply", parent="huge", minutes=3),
            )
        )
    )
    assert report.counts["comment"] == {"created": 2, "failed": 3}
    reasons = {i: r for k, i, _l, r in report.problems if k == "comment"}
    assert reasons["undated"] == "no readable date"
    assert reasons["blank"] == "an empty comment"
    assert reasons["huge"].startswith("refused: {'body'")
    # Its parent failed, so the reply stands at the top.
    assert stored("reply").parent_id is None
    assert report.replies_moved_up == 1


def test_a_changed_comment_is_updated_on_the_next_run(blog):
    import_comments(source(thread(said("a"), said("b", parent="a", minutes=1))))
    report = import_comments(
        source(
            thread(
                said("a", status=CommentStatus.SPAM),
                said("b", parent="a", minutes=1, body="Komentar b, disunting."),
            )
        )
    )
    assert report.counts["comment"] == {"updated": 2}
    assert stored("a").status == CommentStatus.SPAM
    assert stored("b").body == "Komentar b, disunting."
    assert Comment.objects.count() == 2


def test_the_newsroom_s_moderation_outlasts_the_next_run(blog):
    # Approved, marked spam or edited here since the import: running the same export
    # again (or a later one) leaves the newsroom's decision as it is.
    import_comments(
        source(
            thread(
                said("a", status=CommentStatus.PENDING),
                said("b", minutes=1),
                said("c", minutes=2),
                said("d", minutes=3),
            )
        )
    )
    comments_set_status([stored("a").pk], CommentStatus.APPROVED)
    comments_set_status([stored("b").pk], CommentStatus.SPAM)
    Comment.objects.filter(pk=stored("c").pk).update(body="Disunting oleh redaksi.")

    report = import_comments(
        source(
            thread(
                said("a", status=CommentStatus.PENDING),
                said("b", minutes=1),
                said("c", minutes=2, body="Komentar c, disunting di sana."),
                said("d", minutes=3, status=CommentStatus.SPAM),
            )
        )
    )

    assert report.counts["comment"] == {"unchanged": 3, "updated": 1}
    assert report.kept_as_moderated == 3
    assert stored("a").status == CommentStatus.APPROVED
    assert stored("b").status == CommentStatus.SPAM
    assert stored("c").body == "Disunting oleh redaksi."
    assert stored("d").status == CommentStatus.SPAM  # untouched here: the source's change
    assert "left as they are: 3" in "\n".join(report.lines())
    again = import_comments(source(thread(said("a", status=CommentStatus.PENDING))))
    assert stored("a").status == CommentStatus.APPROVED, again.counts


def test_an_id_imported_onto_another_page_is_not_that_comment_to_overwrite(blog):
    # Another export reusing ids (two Kabars' exports named their rows alike): the second
    # import overwrote the first one's comments on other pages with its own words.
    import_comments(source(thread(said("1", body="Di halaman pertama."))))
    other = "https://blog.example.org/tulisan/lain/"
    report = import_comments(source(thread(said("1", body="Orang lain."), url=other, key="t2")))
    assert report.counts["comment"] == {"skipped": 1}
    ((_kind, _id, _label, reason),) = report.problems
    assert reason.startswith("its id was imported before onto another page")
    assert stored("1").body == "Di halaman pertama."
    assert Comment.objects.count() == 1


def test_a_thread_that_fails_midway_is_undone_alone(blog):
    # A record left broken (its Kabar object no number) stops its thread's comments.
    ImportedItem.objects.create(source="disqus", kind="comment", wp_id="a", object_id="rusak")
    report = import_comments(
        source(
            thread(said("a"), said("b", minutes=1), key="t1"),
            thread(said("c"), url="https://blog.example.org/lain/", key="t2"),
        )
    )
    assert report.counts["thread"] == {"failed": 1, "created": 1}
    assert report.counts["comment"] == {"failed": 2, "created": 1}
    assert list(Comment.objects.values_list("body", flat=True)) == ["Komentar c."]
    assert list(ExternalThread.objects.values_list("address", flat=True)) == [
        "https://blog.example.org/lain/"
    ]


def test_names_a_reader_could_not_type_here_are_brought_in_cleaned(blog):
    # The form refuses a name that shows nothing or holds a direction override; an
    # import keeps the comment, its name cleaned (or anonymous).
    blank, turned = said("a"), said("b", minutes=1)
    blank.author_name, turned.author_name = "\u200b\u3164", "Admin\u202eninmda"
    report = import_comments(source(thread(blank, turned)))
    assert report.counts["comment"] == {"created": 2}
    assert stored("a").author_name == "Anonim"
    assert stored("b").author_name == "Adminninmda"


def test_pages_told_apart_by_their_query_are_reported_when_the_site_drops_it(blog):
    # WordPress's plain links (/?p=456): on a site whose threads leave queries out they
    # share one thread, which the report said nothing of.
    first = thread(said("a"), url="https://blog.example.org/?p=456", key="t1")
    second = thread(said("b", minutes=1), url="https://blog.example.org/?p=789", key="t2")
    report = import_comments(source(first, second))
    notes = [reason for kind, _id, _label, reason in report.problems if kind == "thread"]
    assert len(notes) == 2
    assert all("keep the query string" in note for note in notes)
    assert ExternalThread.objects.count() == 1

    site = ExternalSite.objects.get(pk=blog.pk)  # as it is now, with its new thread
    site.keep_query = True
    site.save()
    third = thread(said("c", minutes=2), url="https://blog.example.org/?p=999", key="t3")
    report = import_comments(source(third))
    assert not report.problems
    assert ExternalThread.objects.filter(address="https://blog.example.org/?p=999").exists()
