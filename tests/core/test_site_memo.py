"""What each process keeps between requests when the page cache is on (kabar/core/cache.py:
the site, the navigation, view restrictions, discussion rules; the article's own HTML as a
fragment) is renewed by every change that shows, exactly like a cached page. Each request
here carries a private cookie, so the page is rendered, not answered from the page cache."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import PageViewRestriction

from kabar.core.memo import RecentMemo
from kabar.core.page_cache import HEADER
from kabar.discussion.models import CommentStatus, DiscussionSettings
from kabar.discussion.services import comments_set_status
from kabar.news.models import ArticlePage
from tests import builders

pytestmark = pytest.mark.django_db


def rendered(url, host="testserver"):
    client = Client(HTTP_HOST=host)
    client.cookies["kabar_pending"] = "not-a-signature"  # private: rendered, not cached
    response = client.get(url)
    assert response[HEADER] == "bypass"
    return response


def test_a_warm_render_reads_only_the_article(page_cache, article, django_assert_num_queries):
    rendered(article.url)
    with CaptureQueriesContext(connection) as first_again:
        rendered(article.url)
    # Site, home page, navigation, restrictions, discussion rules and the article's own
    # HTML come from this process's memory; routing still reads the article.
    assert len(first_again.captured_queries) <= 3, [
        q["sql"][:120] for q in first_again.captured_queries
    ]


def test_an_edited_article_is_rendered_afresh(
    page_cache, article, django_capture_on_commit_callbacks
):
    assert article.title in rendered(article.url).content.decode()
    article.title = "Judul yang diperbarui redaksi"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    html = rendered(article.url).content.decode()
    assert '<h1 class="article__headline">Judul yang diperbarui redaksi</h1>' in html


def test_an_approved_comment_updates_the_count_in_the_article_header(
    page_cache, article, django_capture_on_commit_callbacks
):
    assert ">0 komentar<" in rendered(article.url).content.decode()
    comment = builders.submit(article, body="Pendapat pembaca yang menunggu moderasi.")
    with django_capture_on_commit_callbacks(execute=True):
        comments_set_status([comment.pk], CommentStatus.APPROVED)
    assert ">1 komentar<" in rendered(article.url).content.decode()


def test_a_preview_never_uses_the_published_fragment(page_cache, article):
    # The published article's HTML is now kept, for the host a preview request names.
    rendered(article.url, host=article.get_site().hostname)
    article.title = "Draf yang belum terbit"
    article.save_revision()
    draft = article.get_latest_revision_as_object()
    preview = draft.make_preview_request()
    assert preview.status_code == 200
    headline = '<h1 class="article__headline">Draf yang belum terbit</h1>'
    assert headline in preview.render().content.decode()
    published = rendered(article.url, host=article.get_site().hostname)
    assert headline not in published.content.decode()


def test_a_new_section_appears_in_the_navigation(
    page_cache, article, home, django_capture_on_commit_callbacks
):
    assert "Rubrik Sains" not in rendered(article.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        builders.make_section(home, "Rubrik Sains", slug="sains")
    assert "Rubrik Sains" in rendered(article.url).content.decode()


@pytest.mark.parametrize("cached", [False, True])
def test_a_password_added_to_an_article_takes_it_out_of_every_cache(
    page_cache, article, cached, django_capture_on_commit_callbacks
):
    def get():
        return Client().get(article.url) if cached else rendered(article.url)

    get()
    assert article.title in get().content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        restriction = PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="rahasia"
        )
    locked = get()
    assert 'name="password"' in locked.content.decode()
    assert article.standfirst not in locked.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        restriction.delete()
    assert article.standfirst in get().content.decode()


def test_closing_comments_site_wide_shows_at_once(
    page_cache, article, home, django_capture_on_commit_callbacks
):
    assert 'id="respond"' in rendered(article.url).content.decode()
    stored = DiscussionSettings.for_site(home.get_site())
    stored.close_after_days = 1
    with django_capture_on_commit_callbacks(execute=True):
        stored.save()
    article.first_published_at = article.first_published_at.replace(year=2020)
    type(article).objects.filter(pk=article.pk).update(
        first_published_at=article.first_published_at
    )
    assert 'id="respond"' not in rendered(article.url).content.decode()


def test_a_publish_while_a_request_renders_never_keeps_the_old_text(
    page_cache, article, monkeypatch, django_capture_on_commit_callbacks
):
    original_serve = ArticlePage.serve
    racing = {"done": False}

    def serve_after_a_publish(self, request, *args, **kwargs):
        # This request loaded the article; an editor's publish commits before it renders.
        if not racing["done"]:
            racing["done"] = True
            fresh = ArticlePage.objects.get(pk=self.pk)
            fresh.title = "Koreksi yang terbit di tengah jalan"
            with django_capture_on_commit_callbacks(execute=True):
                fresh.save_revision().publish()
        return original_serve(self, request, *args, **kwargs)

    monkeypatch.setattr(ArticlePage, "serve", serve_after_a_publish)
    assert "Koreksi yang terbit" not in rendered(article.url).content.decode()  # old text
    headline = '<h1 class="article__headline">Koreksi yang terbit di tengah jalan</h1>'
    assert headline in rendered(article.url).content.decode()
    assert headline in Client().get(article.url).content.decode()


def test_a_comment_form_sent_back_shows_the_article_as_it_is_now(
    page_cache, article, django_capture_on_commit_callbacks
):
    def refused():
        response = Client().post(
            reverse("discussion:post"),
            {
                "page": article.pk,
                "body": "Analisis yang jernih.",
                "author_name": "Dewi",
                "author_email": "",  # required: the article comes back with the form
                "form_token": builders.form_token(article),
            },
        )
        assert response.status_code == 400
        return response.content.decode()

    refused()
    fresh = ArticlePage.objects.get(pk=article.pk)
    fresh.title = "Judul yang sudah dikoreksi"
    with django_capture_on_commit_callbacks(execute=True):
        fresh.save_revision().publish()
    assert '<h1 class="article__headline">Judul yang sudah dikoreksi</h1>' in refused()


def test_an_unpublished_article_is_gone_at_once(
    page_cache, article, django_capture_on_commit_callbacks
):
    rendered(article.url)
    with CaptureQueriesContext(connection) as again:
        rendered(article.url)
    routing = [q["sql"] for q in again.captured_queries if "news_articlepage" in q["sql"]]
    assert routing == []  # routed from this process's memory
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=article.pk).unpublish()
    client = Client()
    client.cookies["kabar_pending"] = "not-a-signature"
    assert client.get(article.url).status_code == 404


def test_a_renamed_address_routes_afresh(page_cache, article, django_capture_on_commit_callbacks):
    old_url = article.url
    rendered(old_url)
    fresh = ArticlePage.objects.get(pk=article.pk)
    fresh.slug = "alamat-baru"
    with django_capture_on_commit_callbacks(execute=True):
        fresh.save_revision().publish()
    fresh.refresh_from_db()
    client = Client()
    client.cookies["kabar_pending"] = "not-a-signature"
    moved = client.get(old_url)  # Wagtail's automatic redirect for the old slug
    assert (moved.status_code, moved["Location"]) == (301, fresh.url)
    assert fresh.title in rendered(fresh.url).content.decode()


def _comment(article, **fields):
    return {
        "page": article.pk,
        "body": "Komentar pembaca tentang jembatan desa yang baru.",
        "author_name": "Sari",
        "author_email": "sari@example.org",
        "form_token": builders.form_token(article),
        **fields,
    }


def test_a_comment_post_looks_up_no_site_and_an_error_page_still_has_it(
    page_cache, article, site_lookups
):
    client = Client()
    post_url = reverse("discussion:post")
    posted = client.post(post_url, _comment(article), HTTP_ORIGIN="http://testserver")
    assert posted.status_code == 302
    assert posted["Location"].startswith(article.url)
    assert site_lookups == []
    # Sent again with an error: the page is shown again, with the site's navigation.
    again = client.post(post_url, _comment(article, body=""), HTTP_ORIGIN="http://testserver")
    assert again.status_code == 400
    assert site_lookups == [post_url]
    assert article.get_parent().title in again.content.decode()


def test_other_requests_still_find_the_site_before_their_view(page_cache, article, site_lookups):
    rendered(article.url)
    assert site_lookups == [article.url]
    Client().post(reverse("wagtailadmin_login"), {"username": "x", "password": "y"})
    assert site_lookups == [article.url, reverse("wagtailadmin_login")]


def test_values_read_for_a_recent_memo_elsewhere_are_kept_unless_it_forgot_meanwhile():
    """RecentMemo.lacking and keep: values read by another statement are kept as
    get_many keeps its own reads, and not once the memo forgot everything since."""
    memo = RecentMemo(seconds=60, max_entries=100)
    memo.get_many(["a"], lambda keys: dict.fromkeys(keys, 1))
    lacking, stamp = memo.lacking(["a", "b", "c"])
    assert lacking == ["b", "c"]
    memo.keep({"b": 2, "c": 3}, stamp)
    assert memo.get_many(["a", "b", "c"], lambda keys: pytest.fail(f"read {keys}")) == {
        "a": 1,
        "b": 2,
        "c": 3,
    }
    lacking, stamp = memo.lacking(["d"])
    memo.forget()
    memo.keep({"d": 4}, stamp)
    assert memo.lacking(["a", "d"])[0] == ["a", "d"]
