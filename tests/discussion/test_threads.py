"""Big threads: paginated top-level comments, permalinks, bounded queries for a
5,000-comment thread, and comment windows by the clock."""

import itertools
import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from kabar.discussion import fragments
from kabar.discussion.fragments import visible_roots
from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status
from kabar.news.models import ArticlePage
from tests import builders
from tests.plans import comment_rows_read, generic_plan_reads

pytestmark = pytest.mark.django_db
POST_URL = reverse("discussion:post")
_n = itertools.count(1)


@pytest.fixture(autouse=True)
def no_cached_pages():
    # The page cache keeps rendered articles across requests (and tests); these tests
    # count what rendering costs, so every request renders.
    for alias in caches:
        caches[alias].clear()
    yield
    for alias in caches:
        caches[alias].clear()


configure = builders.discussion_settings


def say(article, *, parent=None, approve=True, body=None):
    n = next(_n)
    comment = comment_submit(
        page=article,
        author=CommentAuthor(
            name=f"Pembaca {n}", email=f"pembaca{n}@example.org", ip_address=f"192.0.2.{n % 250}"
        ),
        body=body or f"Komentar nomor {n}.",
        parent=parent,
    )
    if approve:
        comments_set_status([comment.pk], CommentStatus.APPROVED)
        comment.refresh_from_db()
    return comment


def roots_in(html):
    """Ids of the top-level comments on a rendered page, in order."""
    thread = html[html.index('<ol class="comment-list">') :]
    return [int(pk) for pk in re.findall(r'<li id="comment-(\d+)" class="comment depth-1', thread)]


def ids_in(html):
    return {int(pk) for pk in re.findall(r'<li id="comment-(\d+)"', html)}


def get(client, article, **params):
    for alias in caches:
        caches[alias].clear()
    return client.get(article.url, params)


# Pagination.


@pytest.fixture
def long_thread(article):
    configure(comments_per_page=5)
    roots = []
    for _ in range(12):
        roots.append(say(article))
    return roots


def test_top_level_comments_are_paginated_oldest_first(client, article, long_thread):
    first = get(client, article).content.decode()
    assert roots_in(first) == [c.pk for c in long_thread[:5]]
    second = get(client, article, cpage=2).content.decode()
    assert roots_in(second) == [c.pk for c in long_thread[5:10]]
    third = get(client, article, cpage=3).content.decode()
    assert roots_in(third) == [c.pk for c in long_thread[10:]]


def test_newest_first_order_starts_with_the_newest(client, article, long_thread):
    configure(comments_per_page=5, comment_order="newest")
    first = get(client, article).content.decode()
    assert roots_in(first) == [c.pk for c in reversed(long_thread[-5:])]
    last = get(client, article, cpage=3).content.decode()
    assert roots_in(last) == [c.pk for c in reversed(long_thread[:2])]


def test_replies_stay_on_their_top_level_comments_page(client, article, long_thread):
    reply = say(article, parent=long_thread[1])
    deeper = say(article, parent=reply)
    html = get(client, article).content.decode()
    assert {reply.pk, deeper.pk} <= ids_in(html)
    assert not {reply.pk, deeper.pk} & ids_in(get(client, article, cpage=3).content.decode())
    nested = html.index(f'id="comment-{long_thread[1].pk}"')
    assert nested < html.index(f'id="comment-{reply.pk}"') < html.index(f'id="comment-{deeper.pk}"')


def test_replies_at_every_level_are_shown(client, section):
    configure(thread_depth=5)
    article = builders.make_article(section)
    parent = say(article)
    chain = [parent]
    for _ in range(4):
        chain.append(say(article, parent=chain[-1]))
    assert [c.depth for c in chain] == [1, 2, 3, 4, 5]
    assert {c.pk for c in chain} <= ids_in(get(client, article).content.decode())


def test_pages_are_linked_with_cpage_and_the_comments_anchor(client, article, long_thread):
    html = get(client, article, cpage=2).content.decode()
    assert 'class="comment-navigation' in html
    assert f'href="{article.url}#comments"' in html  # page 1 is the article itself
    assert f'href="{article.url}?cpage=3#comments"' in html
    assert '<span aria-current="page">2</span>' in html
    assert 'rel="prev"' in html and 'rel="next"' in html


def test_a_short_thread_has_no_page_links(client, article):
    say(article)
    assert "comment-navigation" not in get(client, article).content.decode()


@pytest.mark.parametrize("value", ["abc", "-1", "0", "999", "1e9", "2.5", "", "٣"])
def test_odd_page_numbers_give_a_real_page(client, article, long_thread, value):
    response = get(client, article, cpage=value)
    assert response.status_code == 200
    assert roots_in(response.content.decode())


def test_count_is_of_the_whole_thread_not_the_page(client, article, long_thread):
    client.cookies["django_language"] = "en"
    html = get(client, article, cpage=3).content.decode()
    assert "12 comments" in html


def test_reply_link_keeps_the_page(client, article, long_thread):
    html = get(client, article, cpage=2).content.decode()
    assert f'href="?cpage=2&amp;replytocom={long_thread[5].pk}#respond"' in html


# Permalinks.


def permalink(comment):
    return reverse("discussion:permalink", args=[comment.pk])


def test_permalink_of_a_comment_on_page_one_has_no_page_number(client, article, long_thread):
    response = client.get(permalink(long_thread[0]))
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#comment-{long_thread[0].pk}"


def test_permalink_goes_to_the_right_page_and_anchor(client, article, long_thread):
    response = client.get(permalink(long_thread[11]))
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}?cpage=3#comment-{long_thread[11].pk}"
    page = client.get(response["Location"]).content.decode()
    assert f'id="comment-{long_thread[11].pk}"' in page


def test_permalink_of_a_reply_goes_to_its_top_level_comments_page(client, article, long_thread):
    reply = say(article, parent=long_thread[6])
    deeper = say(article, parent=reply)
    for comment in (reply, deeper):
        location = client.get(permalink(comment))["Location"]
        assert location == f"{article.url}?cpage=2#comment-{comment.pk}"


def test_permalink_follows_the_newest_first_order(client, article, long_thread):
    configure(comments_per_page=5, comment_order="newest")
    assert client.get(permalink(long_thread[11]))["Location"] == (
        f"{article.url}#comment-{long_thread[11].pk}"
    )
    assert client.get(permalink(long_thread[0]))["Location"] == (
        f"{article.url}?cpage=3#comment-{long_thread[0].pk}"
    )


def test_permalink_counts_only_comments_readers_see(client, article, long_thread):
    for comment in long_thread[:5]:
        comments_set_status([comment.pk], CommentStatus.SPAM)
    assert client.get(permalink(long_thread[5]))["Location"] == (
        f"{article.url}#comment-{long_thread[5].pk}"
    )


@pytest.mark.parametrize(
    "status", [CommentStatus.PENDING, CommentStatus.REPORTED, CommentStatus.SPAM, "trash"]
)
def test_permalink_of_a_hidden_comment_is_404(client, article, status):
    comment = say(article)
    Comment.objects.filter(pk=comment.pk).update(status=status)
    assert client.get(permalink(comment)).status_code == 404


def test_permalink_of_a_reply_under_a_hidden_comment_is_404(client, article):
    parent = say(article)
    reply = say(article, parent=parent)
    comments_set_status([parent.pk], CommentStatus.SPAM)
    assert client.get(permalink(reply)).status_code == 404


def test_permalink_of_a_reply_under_a_deleted_comment_still_works(client, article):
    parent = say(article)
    reply = say(article, parent=parent)
    Comment.objects.filter(pk=parent.pk).update(
        status=CommentStatus.TRASH, removed_at=timezone.now()
    )
    assert client.get(permalink(reply))["Location"] == f"{article.url}#comment-{reply.pk}"


def test_permalink_on_an_unpublished_article_is_404(client, article):
    comment = say(article)
    article.unpublish()
    assert client.get(permalink(comment)).status_code == 404


def test_permalink_of_an_unknown_comment_is_404(client):
    assert client.get(reverse("discussion:permalink", args=[987654])).status_code == 404


def test_published_comments_link_to_their_permalink(client, article):
    comment = say(article)
    html = get(client, article).content.decode()
    assert f'<a class="comment__permalink" href="{permalink(comment)}">' in html


def post_form(client, article, body, email="laras@example.org"):
    return client.post(
        POST_URL,
        {
            "page": article.pk,
            "body": body,
            "author_name": "Laras",
            "author_email": email,
            "form_token": builders.form_token(article),
        },
    )


def test_posting_to_a_long_thread_lands_on_the_page_with_the_new_comment(
    client, article, long_thread
):
    response = post_form(client, article, "Komentar baru di ujung utas.")
    comment = Comment.objects.get(author_email="laras@example.org")
    assert response["Location"] == f"{article.url}?cpage=3#comment-{comment.pk}"
    own = client.get(response["Location"]).content.decode()
    assert f'id="comment-{comment.pk}"' in own


def thread_counts(queries):
    """The counts of top-level comments (selectors._roots_ahead) among `queries`: (of
    those every reader sees, of the reader's own held ones)."""
    counts = [
        q["sql"] for q in queries if "COUNT(*)" in q["sql"] and "parent_id IS NULL" in q["sql"]
    ]
    visible = [sql for sql in counts if "status = 'approved'" in sql]
    return len(visible), len(counts) - len(visible)


@pytest.mark.usefixtures("kept_threads")
def test_a_held_comment_finds_its_page_from_the_kept_thread_without_counting(
    client, article, long_thread
):
    assert f'id="comment-{long_thread[0].pk}"' in client.get(article.url).content.decode()
    with CaptureQueriesContext(connection) as queries:
        response = post_form(client, article, "Komentar baru di ujung utas yang tersimpan.")
    comment = Comment.objects.get(author_email="laras@example.org")
    assert comment.status == CommentStatus.PENDING
    # Twelve top-level comments before it, five a page: the third page.
    assert response["Location"] == f"{article.url}?cpage=3#comment-{comment.pk}"
    assert thread_counts(queries) == (0, 0)
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).content.decode()


@pytest.mark.usefixtures("kept_threads")
def test_a_kept_thread_s_summary_is_read_from_the_shared_cache_once(
    client, article, long_thread, monkeypatch
):
    """What a thread's summary says never changes under one generation: this process
    reads it from the shared cache once, not for every held comment posted to it."""
    client.get(article.url)
    store = caches[settings.KABAR_THREAD_CACHE.get("ALIAS", "default")]
    asked = []
    get = type(store).get

    def counted(self, key, *args, **kwargs):
        asked.append(key)
        return get(self, key, *args, **kwargs)

    monkeypatch.setattr(type(store), "get", counted)
    for n in range(3):
        response = post_form(client, article, f"Komentar ditahan nomor {n} di utas ini.")
        assert "?cpage=3#comment-" in response["Location"]
    assert not [key for key in asked if key.endswith(":summary")]
    # Under a new generation (a comment published), the new summary is read again.
    fragments.renew_threads([article.pk])
    client.get(article.url, HTTP_COOKIE="")
    assert_kept_roots(article, 12)


def assert_kept_roots(article, expected):
    """The thread's visible top-level comments are known under its generation: no count."""
    with CaptureQueriesContext(connection) as queries:
        assert visible_roots(article.pk) == expected
    assert thread_counts(queries) == (0, 0)


@pytest.mark.usefixtures("kept_threads")
def test_held_comments_after_a_change_count_the_thread_once_per_generation(
    client, article, long_thread, after_commit
):
    """A held comment changes nothing readers see, so a busy article's posts can follow
    one another for long with no render to keep the thread's summary: the first counts
    the top-level comments every reader sees, the rest under the same generation do not."""
    client.get(article.url)
    after_commit(say, article)
    captured = []
    for n in range(3):
        with CaptureQueriesContext(connection) as queries:
            response = post_form(client, article, f"Komentar ditahan nomor {n} sesudah itu.")
        captured.append(thread_counts(queries))
        comment = Comment.objects.filter(author_email="laras@example.org").latest("pk")
        # Thirteen before it every reader sees, and the author's own held ones: five a page.
        page = (13 + n) // 5 + 1
        assert response["Location"] == f"{article.url}?cpage={page}#comment-{comment.pk}"
        assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).content.decode()
    # Every reader sees thirteen; the author's held ones are counted for them each time.
    assert captured == [(1, 0), (0, 1), (0, 1)]
    # Another published: a new generation, counted again once.
    after_commit(say, article)
    with CaptureQueriesContext(connection) as queries:
        post_form(client, article, "Komentar ditahan sesudah yang keempat belas.")
    assert thread_counts(queries) == (1, 1)
    assert_kept_roots(article, 14)


@pytest.mark.usefixtures("kept_threads")
def test_a_kept_thread_from_before_a_change_is_not_taken_for_the_count(
    client, article, long_thread, after_commit
):
    client.get(article.url)
    # Three more published after the thread was kept: fifteen before the new one.
    for _ in range(3):
        after_commit(say, article)
    with CaptureQueriesContext(connection) as queries:
        response = post_form(client, article, "Komentar baru setelah tiga yang lain.")
    comment = Comment.objects.get(author_email="laras@example.org")
    assert response["Location"] == f"{article.url}?cpage=4#comment-{comment.pk}"
    assert thread_counts(queries) == (1, 0)


@pytest.mark.usefixtures("kept_threads")
def test_the_author_s_own_held_comments_count_before_their_new_one(
    client, article, long_thread, after_commit
):
    first = post_form(client, article, "Komentar pertama saya, masih ditahan.")
    held = Comment.objects.get(author_email="laras@example.org")
    assert first["Location"] == f"{article.url}?cpage=3#comment-{held.pk}"
    after_commit(say, article)
    after_commit(say, article)
    # Kept for every reader (the author's own held comment is theirs alone).
    client.get(article.url, HTTP_COOKIE="")
    assert_kept_roots(article, 14)
    with CaptureQueriesContext(connection) as queries:
        response = post_form(client, article, "Komentar kedua saya, juga ditahan.")
    comment = Comment.objects.filter(author_email="laras@example.org").latest("pk")
    # Fourteen every reader sees and the author's first one before it: the fourth page.
    assert response["Location"] == f"{article.url}?cpage=4#comment-{comment.pk}"
    assert thread_counts(queries) == (0, 1)


def test_a_new_comment_newest_first_is_on_the_first_page_without_counting(
    client, article, long_thread
):
    configure(comments_per_page=5, comment_order="newest")
    with CaptureQueriesContext(connection) as queries:
        response = post_form(client, article, "Komentar terbaru, di atas utas.")
    comment = Comment.objects.get(author_email="laras@example.org")
    assert response["Location"] == f"{article.url}#comment-{comment.pk}"
    assert thread_counts(queries) == (0, 0)
    assert f'id="comment-{comment.pk}"' in client.get(response["Location"]).content.decode()


# A 5,000-comment thread.


def grow_thread(article, roots, replies_per_root, *, depth=4):
    """`roots` top-level comments, each with `replies_per_root` replies spread over the
    levels below it, created in bulk (one INSERT per level)."""
    start = timezone.now() - timedelta(days=3)
    clock = itertools.count()
    common = {
        "page_id": article.pk,
        "author_email": "rahasia@example.org",
        "status": CommentStatus.APPROVED,
    }

    def make(parent, level):
        n = next(clock)
        return Comment(
            parent_id=parent.pk if parent else None,
            depth=level,
            body=f"Komentar {n} di tingkat {level}.",
            author_name=f"Pembaca {n}",
            created_at=start + timedelta(seconds=n),
            **common,
        )

    level_rows = Comment.objects.bulk_create([make(None, 1) for _ in range(roots)])
    made = len(level_rows)
    per_level = max(replies_per_root // (depth - 1), 1)
    for level in range(2, depth + 1):
        wanted = replies_per_root - per_level * (depth - 2) if level == depth else per_level
        parents = itertools.cycle(level_rows)
        rows = [make(next(parents), level) for _ in range(wanted * roots)]
        level_rows = Comment.objects.bulk_create(rows)
        made += len(level_rows)
    return made


def rendered_queries(client, article, django_assert_max_num_queries, bound=200, **params):
    for alias in caches:
        caches[alias].clear()
    with django_assert_max_num_queries(bound) as captured:
        response = client.get(article.url, params)
    assert response.status_code == 200
    return len(captured.captured_queries), response


def test_a_5000_comment_thread_costs_no_more_queries_than_a_small_one(
    client, section, django_assert_max_num_queries
):
    small = builders.make_article(section, "Utas kecil")
    big = builders.make_article(section, "Utas besar")
    assert grow_thread(small, roots=3, replies_per_root=3) == 12
    assert grow_thread(big, roots=1000, replies_per_root=4) == 5000
    assert Comment.objects.filter(page=big).count() == 5000
    client.get(small.url)  # per-process caches (site root paths, content types) warmed

    small_count, _response = rendered_queries(client, small, django_assert_max_num_queries)
    big_count, response = rendered_queries(
        client, big, django_assert_max_num_queries, bound=small_count
    )
    last_count, last = rendered_queries(
        client, big, django_assert_max_num_queries, bound=small_count, cpage=20
    )
    print(f"\n5,000-comment thread: {big_count} queries (12-comment thread: {small_count})")
    html = response.content.decode()
    assert len(roots_in(html)) == 50
    assert len(ids_in(html)) == 250
    assert len(roots_in(last.content.decode())) == 50
    assert big_count == small_count == last_count


def test_thread_queries_are_bounded_by_depth_not_size(section, django_assert_max_num_queries):
    from kabar.discussion.selectors import MAX_THREAD_DEPTH, comments_page_for

    article = builders.make_article(section)
    grow_thread(article, roots=300, replies_per_root=9, depth=4)
    with django_assert_max_num_queries(2 + MAX_THREAD_DEPTH):
        roots, page = comments_page_for(article, per_page=50)
    assert len(roots) == 50
    assert page.paginator.num_pages == 6


# Comment windows by the clock.


def close_around_now(target=None):
    now = timezone.localtime()
    opening = (now + timedelta(hours=1)).time().replace(second=0, microsecond=0)
    closing = (now - timedelta(hours=1)).time().replace(second=0, microsecond=0)
    if target is None:
        configure(closed_from=closing, closed_until=opening)
    else:
        target.comments_closed_from, target.comments_closed_until = closing, opening
        target.save()
    return opening.strftime("%H:%M")


def post(client, article, body="Komentar di jam tutup."):
    return client.post(
        POST_URL,
        {
            "page": article.pk,
            "body": body,
            "author_name": "Laras",
            "author_email": "laras@example.org",
            "form_token": builders.form_token(article),
        },
    )


def test_in_closed_hours_the_form_is_replaced_by_when_it_reopens(client, article):
    say(article)
    reopens = close_around_now()
    client.cookies["django_language"] = "en"
    html = get(client, article).content.decode()
    assert 'id="commentform"' not in html
    assert f"Comments are closed at this hour; the discussion reopens at {reopens}." in html
    assert "comment-reply-link" not in html


def test_a_post_in_closed_hours_is_refused_with_the_message_and_no_form(client, article):
    reopens = close_around_now()
    client.cookies["django_language"] = "en"
    response = post(client, article)
    assert response.status_code == 403
    html = response.content.decode()
    assert f"Comments are closed at this hour; the discussion reopens at {reopens}." in html
    assert html.count("reopens at") == 1
    assert 'id="commentform"' not in html
    assert Comment.objects.count() == 0


def test_a_sections_closed_hours_apply_to_its_articles(client, section, article):
    close_around_now(target=section)
    response = post(client, ArticlePage.objects.get(pk=article.pk))
    assert response.status_code == 403
    assert Comment.objects.count() == 0


def test_outside_closed_hours_the_form_is_there(client, article):
    now = timezone.localtime()
    configure(
        closed_from=(now + timedelta(hours=2)).time(),
        closed_until=(now + timedelta(hours=3)).time(),
    )
    assert 'id="commentform"' in get(client, article).content.decode()
    assert post(client, article).status_code == 302


@pytest.mark.parametrize("newest_first", [False, True])
def test_the_thread_page_count_reads_no_held_comment(section, newest_first):
    """The count behind a posted comment's redirect (its page of the thread) reads none of
    the held comments a busy article piles up, in the plan a prepared statement keeps for
    any parameters, made on a site with a thousand comments, most of them held: on SQLite
    it walks the index of visible top-level comments. (With the statuses as parameters,
    PostgreSQL's plan read every top-level comment of the site, held ones included, or all
    of the table, on each post.)"""
    from kabar.discussion.selectors import _roots_ahead_query

    article = builders.make_article(section)
    shown = [say(article) for _ in range(3)]
    held = builders.submit(article, body="Ditahan, milik pembaca ini.", email="saya@example.org")
    Comment.objects.bulk_create(
        Comment(
            page=article,
            depth=1,
            body=f"Komentar tertahan nomor {n}. " + "Menurut saya berita ini penting. " * 6,
            author_name="Pembaca",
            author_email=f"pembaca{n}@example.org",
            status=CommentStatus.PENDING,
        )
        for n in range(1000)
    )
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE discussion_comment")
    sql, params = _roots_ahead_query(shown[1], newest_first, [held.pk])
    read = generic_plan_reads(sql, params)
    if connection.vendor == "sqlite":
        assert read and all(
            "discussion_visible_roots" in step or "PRIMARY KEY" in step for step in read
        ), read
    else:
        # The three visible comments and the reader's own at most, each once per step.
        assert read < 20, read
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        assert cursor.fetchone()[0] == 1 + (1 if newest_first else 0)


@pytest.mark.parametrize("own", [False, True])
def test_a_flood_of_held_comments_is_never_read_to_show_a_thread(section, own):
    from kabar.discussion.selectors import comments_page_for

    article = builders.make_article(section)
    shown = [say(article) for _ in range(3)]
    held = Comment.objects.bulk_create(
        Comment(
            page=article,
            depth=1,
            body=f"Komentar tertahan nomor {n}.",
            author_name="Banjir",
            author_email=f"banjir{n}@example.org",
            status=CommentStatus.PENDING,
        )
        for n in range(2000)
    )
    own_ids = [held[-1].pk] if own else []
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE discussion_comment")
    with CaptureQueriesContext(connection) as captured:
        tree, page = comments_page_for(article, own_pending_ids=own_ids)
    assert [c.pk for c in tree] == [c.pk for c in shown] + own_ids
    assert page.paginator.count == 3 + len(own_ids)
    for query in captured.captured_queries:
        sql = query["sql"]
        found = comment_rows_read(sql, [])
        if connection.vendor == "sqlite":
            assert found, sql
            # The page's comments by status, the index of visible top-level comments only
            # (no held one in it), or by key.
            indexes = ("discussion_page_status", "discussion_visible_roots", "PRIMARY KEY")
            assert all(any(index in step for index in indexes) for step in found), found
        else:
            assert found < 100, sql
