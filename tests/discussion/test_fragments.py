"""The cached comment thread (kabar/discussion/fragments.py): rendered once per change,
shared by every reader, fresh after every change readers could see, never holding what
is one reader's own."""

import re

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from kabar.core import generations
from kabar.discussion import fragments
from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.own import address_proof
from kabar.discussion.privacy import personal_data_erase
from kabar.discussion.services import (
    comment_edit,
    comment_remove_by_author,
    comment_report,
    comments_set_status,
)
from kabar.discussion.targets import DiscussionState
from kabar.news.models import ArticlePage
from tests import builders
from tests.discussion.test_commenter_control import approved, give_own_cookie

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_threads")]


def page(client, article, **params):
    response = client.get(article.url, params)
    assert response.status_code == 200
    return response.content.decode()


def ids_in(html):
    return {int(pk) for pk in re.findall(r'<li id="comment-(\d+)"', html)}


configure = builders.discussion_settings


def test_the_second_render_reads_no_comments(client, article):
    comment = builders.submit(article, body="Komentar yang disimpan.", approve=True)
    assert "Komentar yang disimpan." in page(client, article)
    with CaptureQueriesContext(connection) as queries:
        html = page(Client(), article)
    assert "Komentar yang disimpan." in html and comment.pk in ids_in(html)
    assert not [q for q in queries.captured_queries if "discussion_comment" in q["sql"]]


def test_approving_a_held_comment_shows_it(client, article, after_commit):
    held = builders.submit(article, body="Menunggu moderator.")
    assert "Menunggu moderator." not in page(client, article)
    after_commit(comments_set_status, [held.pk], CommentStatus.APPROVED)
    html = page(client, article)
    assert "Menunggu moderator." in html and held.pk in ids_in(html)
    assert "1 komentar" in html


def test_a_comment_published_at_once_shows(client, article, after_commit):
    approved(article, body="Pertama.")
    assert "Kedua dari penulis tepercaya." not in page(client, article)
    second = after_commit(
        builders.submit,
        article,
        body="Kedua dari penulis tepercaya.",
        email="penulis.komentar@example.org",
        proofs=frozenset({address_proof("penulis.komentar@example.org")}),
    )
    assert second.status == CommentStatus.APPROVED
    assert "Kedua dari penulis tepercaya." in page(client, article)


def test_an_edit_by_its_author_shows_the_new_text(client, article, after_commit):
    comment = approved(article, body="Teks sebelum diubah.")
    assert "Teks sebelum diubah." in page(client, article)
    after_commit(
        comment_edit,
        comment,
        body="Teks sesudah diubah.",
        proofs=frozenset({address_proof(comment.author_email)}),
    )
    html = page(client, article)
    assert "Teks sesudah diubah." in html and "Teks sebelum diubah." not in html
    assert "comment__edited" in html


def test_deleted_by_its_author_leaves_a_placeholder_while_it_has_replies(
    client, article, after_commit
):
    parent = approved(article, body="Akan dihapus penulisnya.", name="Nama Rahasia")
    reply = builders.submit(article, body="Balasan tetap.", parent=parent, approve=True)
    lone = approved(article, body="Juga dihapus, tanpa balasan.")
    assert "Akan dihapus penulisnya." in page(client, article)
    after_commit(comment_remove_by_author, parent)
    after_commit(comment_remove_by_author, lone)
    html = page(client, article)
    assert "Komentar dihapus" in html
    assert "Akan dihapus penulisnya." not in html and "Nama Rahasia" not in html
    assert ids_in(html) == {parent.pk, reply.pk}


@pytest.mark.parametrize("status", [CommentStatus.SPAM, CommentStatus.TRASH, CommentStatus.PENDING])
def test_a_moderator_taking_a_comment_away_hides_it_and_its_replies(
    client, article, after_commit, status
):
    parent = builders.submit(article, body="Komentar yang dicabut.", approve=True)
    reply = builders.submit(article, body="Balasan di bawahnya.", parent=parent, approve=True)
    other = builders.submit(article, body="Komentar lain tetap.", approve=True)
    assert ids_in(page(client, article)) == {parent.pk, reply.pk, other.pk}
    after_commit(comments_set_status, [parent.pk], status)
    html = page(client, article)
    assert ids_in(html) == {other.pk}
    assert "Komentar yang dicabut." not in html and "Balasan di bawahnya." not in html


def test_reports_that_hold_a_comment_hide_it(client, article, after_commit):
    configure(reports_to_hold=2)
    comment = builders.submit(article, body="Dilaporkan pembaca.", approve=True)
    reporter = builders.trusted_commenter()
    assert "Dilaporkan pembaca." in page(client, article)
    after_commit(comment_report, comment, "kasar", "pelapor-1", commenter=reporter)
    assert "Dilaporkan pembaca." in page(client, article)
    after_commit(comment_report, comment, "kasar", "pelapor-2", commenter=reporter)
    assert "Dilaporkan pembaca." not in page(client, article)


@pytest.mark.parametrize("keeps_text", [True, False])
def test_erasure_reaches_the_cached_thread(client, article, after_commit, keeps_text):
    configure(erase_keeps_text=keeps_text)
    mine = approved(article, body="Kata-kata saya.", name="Dewi Lestari")
    builders.submit(article, body="Balasan untuk Dewi.", parent=mine, approve=True)
    html = page(client, article)
    assert "Dewi Lestari" in html and "penulis.komentar" not in html
    after_commit(personal_data_erase, Comment.objects.get(pk=mine.pk).commenter)
    html = page(client, article)
    assert "Dewi Lestari" not in html
    assert ("Kata-kata saya." in html) is keeps_text
    assert ("Komentar dihapus" in html) is not keeps_text


def test_own_held_comment_and_edit_links_stay_out_of_the_shared_thread(client, article):
    shared = builders.submit(article, body="Untuk semua pembaca.", approve=True)
    assert "Untuk semua pembaca." in page(Client(), article)  # cached now
    mine = builders.submit(article, body="Milik saya, ditahan.", email="saya@example.org")
    give_own_cookie(client, mine)
    own_view = page(client, article)
    assert "Milik saya, ditahan." in own_view and "comment--pending" in own_view
    assert ids_in(own_view) == {shared.pk, mine.pk}
    for reader in (Client(), Client()):
        html = page(reader, article)
        assert ids_in(html) == {shared.pk}
        assert "Milik saya, ditahan." not in html and "comment__own" not in html


def test_own_comments_on_another_article_leave_this_thread_shared(client, section, article):
    shared = builders.submit(article, body="Untuk semua pembaca.", approve=True)
    elsewhere = builders.make_article(section, "Artikel lain")
    mine = builders.submit(elsewhere, body="Milik saya di artikel lain.", email="saya@example.org")
    give_own_cookie(client, mine)
    page(Client(), article)  # cached now
    with CaptureQueriesContext(connection) as queries:
        html = page(client, article)
    assert ids_in(html) == {shared.pk}
    # One look at whether the reader's comments are here, no thread read (the related
    # stories' cards under the article count their comments in their own query).
    thread_reads = [
        q
        for q in queries.captured_queries
        if "discussion_comment" in q["sql"] and "news_articlepage" not in q["sql"]
    ]
    assert len(thread_reads) == 1
    own_view = page(client, elsewhere)
    assert "Milik saya di artikel lain." in own_view and "comment--pending" in own_view


def test_edit_links_never_reach_other_readers(client, article):
    mine = approved(article, body="Boleh saya ubah.")
    give_own_cookie(client, mine)
    assert "comment__own" in page(client, article)
    html = page(Client(), article)
    assert "Boleh saya ubah." in html and "comment__own" not in html


def test_language_open_state_and_thread_page_each_have_their_own_copy(client, article):
    configure(comments_per_page=1)
    first = builders.submit(article, body="Halaman satu.", approve=True)
    second = builders.submit(article, body="Halaman dua.", approve=True)
    assert "Balas" in page(client, article)
    assert ids_in(page(client, article, cpage=2)) == {second.pk}
    assert ids_in(page(client, article)) == {first.pk}
    english = Client(headers={"cookie": "django_language=en"})
    assert ">Reply</a>" in page(english, article)
    # Closed by an editor (a direct update: no comment changed): no Reply links.
    ArticlePage.objects.filter(pk=article.pk).update(discussion=DiscussionState.CLOSED)
    html = page(client, article)
    assert "Halaman satu." in html and "comment-reply-link" not in html


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wagtail_initial_data")
def test_the_thread_is_renewed_before_the_page_cache_is_purged(article, monkeypatch):
    # Otherwise a page rendered between the two would put the old thread in the page
    # cache. Real commits here: after one, what a receiver defers runs at once.
    from kabar.core import purge

    held = builders.submit(article, body="Segera disetujui.")
    page(Client(), article)
    before = generations.store().cache.get(fragments.generation_key(article.pk))
    seen = []
    purge_paths = purge.purge_paths

    def spy(paths, **kwargs):
        seen.append(generations.store().cache.get(fragments.generation_key(article.pk)))
        return purge_paths(paths, **kwargs)

    monkeypatch.setattr(purge, "purge_paths", spy)
    comments_set_status([held.pk], CommentStatus.APPROVED)
    assert seen and all(generation != before for generation in seen)


def test_an_unreadable_cache_means_a_fresh_render(client, article, monkeypatch):
    builders.submit(article, body="Tetap tampil.", approve=True)

    def broken():
        raise ConnectionError("cache down")

    monkeypatch.setattr(fragments, "_cache", broken)
    assert "Tetap tampil." in page(client, article)


def test_article_page_queries_do_not_grow_with_comments(section, django_assert_max_num_queries):
    small = builders.make_article(section, "Sedikit komentar")
    big = builders.make_article(section, "Banyak komentar")
    parent = None
    for i in range(3):
        parent = builders.submit(small, body=f"kecil {i}", parent=parent, approve=True)
    for i in range(60):
        parent = builders.submit(
            big,
            body=f"besar {i}",
            email=f"p{i}@example.org",
            parent=parent if i % 3 else None,
            approve=True,
        )
    reader = Client()
    page(reader, small)  # per-process caches (site root paths, content types) warmed
    counts = {}
    for article in (small, big):
        caches["default"].clear()
        with django_assert_max_num_queries(40) as cold:
            page(reader, article)
        # The page around the thread: the article's notices, related stories (their cards
        # and the restrictions they are read under) and the breaking-news banner, read
        # afresh here with the per-process memos off. What matters: no growth with comments.
        with django_assert_max_num_queries(16) as warm:
            page(reader, article)
        counts[article.pk] = (len(cold.captured_queries), len(warm.captured_queries))
    assert counts[small.pk] == counts[big.pk]
