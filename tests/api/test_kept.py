"""The thread's comments kept as JSON (kabar/api/kept.py) for the answers the page cache
passes by: read without a query once kept, renewed by every change readers could see and
by the rules they are shown under, and never holding what is one reader's own."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from kabar.api import kept
from kabar.discussion import fragments
from kabar.discussion.models import Comment, CommentStatus, DiscussionSettings
from kabar.discussion.own import address_proof, created_stamp, own_proof
from kabar.discussion.privacy import personal_data_erase
from kabar.discussion.services import (
    comment_edit,
    comment_remove_by_author,
    comments_set_status,
)
from kabar.discussion.targets import DiscussionState
from tests import builders
from tests.api.conftest import POST_URL, walk
from tests.discussion.test_commenter_control import approved

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_threads")]

QUERY = {"url": POST_URL, "site": "blog-teman", "title": "Banjir di Jakarta"}
# Proves no comment: the page cache steps aside, the answer is the anonymous one.
NOBODY = "bukan-bukti"


def proof(*comments):
    """The own proof a reader's browser holds after sending `comments`."""
    return own_proof({c.pk: created_stamp(c) for c in comments})


def shown(api, own=None, **params):
    """The answer without its form (whose token is issued afresh for each request)."""
    response = api.get("threads", {**QUERY, **params}, own=own)
    assert response.status_code == 200
    data = response.json()
    del data["form"]
    return data


def ids(data):
    return [c["id"] for c in walk(data["comments"])]


def comment_reads(queries):
    return [q["sql"] for q in queries.captured_queries if "discussion_comment" in q["sql"]]


def built_whole(settings, api, own=None, **params):
    """The answer as it is built from the database alone, nothing kept."""
    kept_on = settings.KABAR_THREAD_CACHE
    settings.KABAR_THREAD_CACHE = {**kept_on, "ENABLED": False}
    try:
        return shown(api, own, **params)
    finally:
        settings.KABAR_THREAD_CACHE = kept_on


def per_page(home, count):
    DiscussionSettings.objects.update_or_create(
        site=home.get_site(), defaults={"comments_per_page": count}
    )


def a_thread_of(thread, count):
    """`count` top-level comments, each with a reply and a reply to that."""
    for n in range(count):
        parent = builders.submit(thread, body=f"Komentar {n}", approve=True)
        reply = builders.submit(thread, body=f"Balasan {n}", parent=parent, approve=True)
        builders.submit(thread, body=f"Balasan lagi {n}", parent=reply, approve=True)


# Read without the database once kept.


@pytest.mark.parametrize("count", [3, 40])
def test_a_private_answer_reads_nothing_once_kept_and_a_bounded_few_after_a_change(
    api, thread, count, page_cache, after_commit, django_assert_max_num_queries
):
    a_thread_of(thread, count)
    shown(api, NOBODY, order="newest")  # what a warm process keeps in memory
    first = shown(api, NOBODY)
    with django_assert_max_num_queries(0):
        assert shown(api, NOBODY) == first
    held = builders.submit(thread, body="Baru disetujui")
    after_commit(comments_set_status, [held.pk], CommentStatus.APPROVED)
    # The first answer after a change builds the page again and keeps it: the top-level
    # count, the page, the reply levels (two, three and an empty fourth), the approved
    # count; nothing else.
    with django_assert_max_num_queries(6) as queries:
        renewed = shown(api, NOBODY)
    assert len(comment_reads(queries)) == 6
    assert len(ids(renewed)) == 3 * count + 1
    with django_assert_max_num_queries(0):
        assert shown(api, NOBODY) == renewed


def test_a_kept_answer_is_the_answer_built_from_the_database(api, thread, settings, home):
    per_page(home, 2)
    a_thread_of(thread, 3)
    gone = builders.submit(thread, body="Dihapus penulisnya", approve=True)
    builders.submit(thread, body="Balasan yang tetap", parent=gone, approve=True)
    comment_remove_by_author(gone)
    bare = builders.submit(thread, body="Dihapus tanpa balasan", approve=True)
    comment_remove_by_author(bare)
    builders.submit(thread, body="Ditahan, milik orang lain")
    for params in ({}, {"page": "2"}, {"page": "3"}, {"page": "9"}, {"order": "newest"}):
        assert shown(api, NOBODY, **params) == built_whole(settings, api, NOBODY, **params)
        assert shown(api, **params) == built_whole(settings, api, **params)


def test_each_language_has_its_own_copy_and_links_go_to_the_sites_address(api, thread):
    builders.submit(thread, body="Satu komentar", approve=True)
    root = Site.objects.get(is_default_site=True).root_url
    [plain] = shown(api, NOBODY)["comments"]
    assert plain["permalink"].startswith(f"{root}/")
    with CaptureQueriesContext(connection) as queries:
        shown(api, NOBODY, lang="en")
    assert comment_reads(queries)
    # Links are absolute, to the site's own address (as its pages and feeds give it),
    # whatever scheme, host or forwarded scheme the request claimed.
    for extra in (
        {"secure": True},
        {"HTTP_X_FORWARDED_PROTO": "https"},
        {"HTTP_HOST": "127.0.0.1:6666"},
    ):
        asked = api.client.get(
            "/api/v1/threads",
            QUERY,
            headers={"Origin": api.origin, "Kabar-Own": "x"},
            **extra,
        )
        [comment] = asked.json()["comments"]
        assert comment["permalink"].startswith(f"{root}/"), extra
        assert comment["author"]["avatar"].startswith(f"{root}/"), extra


# Renewed by every change readers could see.


def test_an_approved_comment_shows_at_once(api, thread, after_commit):
    held = builders.submit(thread, body="Menunggu moderator")
    assert ids(shown(api, NOBODY)) == []
    after_commit(comments_set_status, [held.pk], CommentStatus.APPROVED)
    data = shown(api, NOBODY)
    assert ids(data) == [held.pk]
    assert data["thread"]["count"] == 1


def test_an_edit_shows_the_new_text(api, thread, after_commit):
    comment = approved(thread, body="Teks sebelum diubah.")
    assert "Teks sebelum diubah." in str(shown(api, NOBODY))
    after_commit(
        comment_edit,
        comment,
        body="Teks sesudah diubah.",
        proofs=frozenset({address_proof(comment.author_email)}),
    )
    [edited] = shown(api, NOBODY)["comments"]
    assert edited["body_html"] == "<p>Teks sesudah diubah.</p>"
    assert edited["edited"] is not None


def test_a_removed_comment_leaves_a_placeholder_while_it_has_replies(api, thread, after_commit):
    parent = approved(thread, body="Akan dihapus penulisnya.", name="Nama Rahasia")
    reply = builders.submit(thread, body="Balasan tetap.", parent=parent, approve=True)
    lone = approved(thread, body="Juga dihapus, tanpa balasan.")
    assert ids(shown(api, NOBODY)) == [parent.pk, reply.pk, lone.pk]
    after_commit(comment_remove_by_author, parent)
    after_commit(comment_remove_by_author, lone)
    data = shown(api, NOBODY)
    assert ids(data) == [parent.pk, reply.pk]
    assert data["comments"][0]["status"] == "removed"
    assert "Nama Rahasia" not in str(data) and "Akan dihapus" not in str(data)


@pytest.mark.parametrize("status", [CommentStatus.SPAM, CommentStatus.PENDING])
def test_a_comment_moderated_away_goes_with_its_replies(api, thread, after_commit, status):
    parent = builders.submit(thread, body="Dicabut", approve=True)
    builders.submit(thread, body="Di bawahnya", parent=parent, approve=True)
    other = builders.submit(thread, body="Tetap", approve=True)
    assert len(ids(shown(api, NOBODY))) == 3
    after_commit(comments_set_status, [parent.pk], status)
    data = shown(api, NOBODY)
    assert ids(data) == [other.pk]
    assert data["thread"]["count"] == 2  # the reply is still approved, just not shown


def test_erasure_reaches_the_kept_thread(api, thread, after_commit):
    mine = approved(thread, body="Kata-kata saya.", name="Dewi Lestari")
    assert "Dewi Lestari" in str(shown(api, NOBODY))
    after_commit(personal_data_erase, Comment.objects.get(pk=mine.pk).commenter)
    assert "Dewi Lestari" not in str(shown(api, NOBODY))


# The rules an answer is shown under.


def test_a_new_page_size_or_order_is_a_new_copy(api, thread, home):
    made = [builders.submit(thread, body=f"Komentar {n}", approve=True) for n in range(3)]
    assert ids(shown(api, NOBODY)) == [c.pk for c in made]
    per_page(home, 2)
    data = shown(api, NOBODY)
    assert ids(data) == [made[0].pk, made[1].pk]
    assert data["pagination"]["pages"] == 2
    DiscussionSettings.objects.filter(site=home.get_site()).update(comment_order="newest")
    assert ids(shown(api, NOBODY)) == [made[2].pk, made[1].pk]
    assert ids(shown(api, NOBODY, order="oldest")) == [made[0].pk, made[1].pk]


def test_closing_the_thread_shows_with_the_kept_comments(api, thread):
    comment = builders.submit(thread, body="Sebelum ditutup", approve=True)
    assert shown(api, NOBODY)["thread"]["comments_open"] is True
    thread.discussion = DiscussionState.CLOSED
    thread.save_revision().publish()
    data = shown(api, NOBODY)
    assert data["thread"]["discussion"] == "closed"
    assert data["thread"]["comments_open"] is False
    assert ids(data) == [comment.pk]


# What is one reader's own.


def test_a_readers_held_comment_and_own_block_never_reach_another_reader(api, thread):
    shared = approved(thread, body="Untuk semua pembaca.")
    mine = builders.submit(thread, body="Milik saya, ditahan.", email="saya@example.org")
    theirs = builders.submit(thread, body="Milik orang lain, ditahan.", email="lain@example.org")
    # The reader's own answer comes first, so the copies are built while answering them.
    own_view = shown(api, proof(shared, mine))
    assert ids(own_view) == [shared.pk, mine.pk]
    assert own_view["comments"][0]["own"]["body"] == "Untuk semua pembaca."
    assert own_view["comments"][1]["status"] == "pending"
    assert own_view["comments"][1]["own"]["body"] == "Milik saya, ditahan."
    for other in (shown(api, proof(theirs)), shown(api, NOBODY), shown(api)):
        assert "Milik saya, ditahan." not in str(other)
        assert all(c["own"] is None for c in walk(other["comments"]) if c["id"] != theirs.pk)
    assert ids(shown(api, proof(theirs))) == [shared.pk, theirs.pk]
    assert ids(shown(api, NOBODY)) == [shared.pk]


def test_held_top_level_comments_take_their_places_on_the_readers_pages(
    api, thread, settings, home
):
    per_page(home, 2)
    mine = []
    for n in range(7):
        if n in (0, 3, 6):
            mine.append(builders.submit(thread, body=f"Milik saya {n}", email="saya@example.org"))
        else:
            builders.submit(thread, body=f"Komentar {n}", approve=True)
    own = proof(*mine)
    for params in ({}, {"page": "2"}, {"page": "3"}, {"page": "4"}, {"page": "5"}):
        for order in ("oldest", "newest"):
            expected = built_whole(settings, api, own, order=order, **params)
            assert shown(api, own, order=order, **params) == expected
    with CaptureQueriesContext(connection) as queries:
        assert shown(api, own, page="4")["pagination"]["top_level"] == 7
    # Merged into the kept pages: their comments read, nothing else.
    assert len(comment_reads(queries)) == 1


def test_comments_sent_in_the_same_instant_keep_their_order_by_number(api, thread, settings, home):
    per_page(home, 1)
    first = builders.submit(thread, body="Pertama", approve=True)
    mine = builders.submit(thread, body="Milik saya", email="saya@example.org")
    last = builders.submit(thread, body="Terakhir", approve=True)
    Comment.objects.filter(pk__in=[mine.pk, last.pk]).update(created_at=first.created_at)
    mine.refresh_from_db()
    own = proof(mine)
    for order in ("oldest", "newest"):
        for page in ("1", "2", "3"):
            expected = built_whole(settings, api, own, order=order, page=page)
            assert shown(api, own, order=order, page=page) == expected


def test_a_held_reply_hangs_under_its_comment_for_its_author(api, thread, settings, home):
    per_page(home, 2)
    first = builders.submit(thread, body="Pertama", approve=True)
    reply = builders.submit(thread, body="Balasan orang lain", parent=first, approve=True)
    mine = builders.submit(thread, body="Balasan saya", parent=first, email="saya@example.org")
    later = builders.submit(thread, body="Balasan sesudahnya", parent=first, approve=True)
    deeper = builders.submit(thread, body="Lebih dalam, saya", parent=reply, email="saya@ex.org")
    builders.submit(thread, body="Kedua", approve=True)
    elsewhere = builders.submit(thread, body="Ketiga", approve=True)
    on_page_two = builders.submit(thread, body="Di halaman 2", parent=elsewhere, email="s@ex.org")
    own = proof(mine, deeper, on_page_two)
    with CaptureQueriesContext(connection) as queries:
        data = shown(api, own)
    assert len(comment_reads(queries)) == 1 + 5  # theirs, then the page kept
    assert data == built_whole(settings, api, own)
    assert [r["id"] for r in data["comments"][0]["replies"]] == [reply.pk, mine.pk, later.pk]
    assert data["comments"][0]["replies"][0]["replies"][0]["id"] == deeper.pk
    assert shown(api, own, page="2") == built_whole(settings, api, own, page="2")
    assert on_page_two.pk in ids(shown(api, own, page="2"))


def test_a_readers_answer_reads_their_comments_only(
    api, thread, page_cache, django_assert_max_num_queries
):
    a_thread_of(thread, 20)
    first = Comment.objects.filter(parent=None).earliest("created_at")
    mine = builders.submit(thread, body="Milik saya", email="saya@example.org")
    reply = builders.submit(thread, body="Balasan saya", parent=first, email="saya@example.org")
    own = proof(mine, reply)
    shown(api, own)  # the copy kept
    # Their comments, with their replies' count and where their held top-level one stands.
    with django_assert_max_num_queries(1):
        data = shown(api, own)
    assert mine.pk in ids(data) and reply.pk in ids(data)


def test_replies_beneath_a_held_comment_are_shown_to_its_author(api, thread, settings):
    # Held again after a reply was approved: its author sees the reply beneath it, which
    # no kept copy holds.
    mine = builders.submit(thread, body="Milik saya", email="saya@example.org", approve=True)
    reply = builders.submit(thread, body="Balasan untuk saya", parent=mine, approve=True)
    comments_set_status([mine.pk], CommentStatus.PENDING)
    other = builders.submit(thread, body="Komentar lain", approve=True)
    own = proof(mine)
    data = shown(api, own)
    assert data == built_whole(settings, api, own)
    assert ids(data) == [mine.pk, reply.pk, other.pk]
    assert ids(shown(api, NOBODY)) == [other.pk]


def test_a_placeholder_shown_for_a_readers_held_reply_alone_is_shown_to_them(api, thread, settings):
    gone = builders.submit(thread, body="Dihapus", approve=True)
    comment_remove_by_author(gone)
    under = builders.submit(thread, body="Di bawah yang dihapus", parent=gone, email="s@ex.org")
    other = builders.submit(thread, body="Komentar lain", approve=True)
    own = proof(under)
    data = shown(api, own)
    assert data == built_whole(settings, api, own)
    assert ids(data) == [gone.pk, under.pk, other.pk]
    assert data["comments"][0]["status"] == "removed"
    assert ids(shown(api, NOBODY)) == [other.pk]


def test_an_unreadable_store_means_an_answer_from_the_database(api, thread, monkeypatch):
    builders.submit(thread, body="Tetap tampil", approve=True)

    def broken():
        raise ConnectionError("cache down")

    monkeypatch.setattr(fragments, "_cache", broken)
    assert "Tetap tampil" in str(shown(api, NOBODY))
    assert kept.generation(thread.pk) is None
