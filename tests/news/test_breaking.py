"""The breaking-news banner: on every public page until it expires, gone from cached pages
when the settings change and when it expires (a queued purge, and cached copies that live
no longer than the banner), read without a query once a process has it."""

import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Site

from kabar.news import breaking
from kabar.news.models import NewsSettings
from tests import builders

pytestmark = pytest.mark.django_db

TEXT = "Gempa bermagnitudo 6,1 mengguncang pesisir selatan"


def set_banner(text=TEXT, page=None, expires_at=None):
    settings, _created = NewsSettings.objects.get_or_create(site=Site.objects.get())
    settings.breaking_text = text
    settings.breaking_page = page
    settings.breaking_expires_at = expires_at
    settings.save()
    return settings


def banner_html(html):
    if 'class="breaking"' not in html:
        return None
    return html.split('class="breaking"')[1].split("</div>")[0]


def test_banner_shows_on_every_public_page_as_a_labelled_region(client, article, section):
    set_banner(page=article, expires_at=timezone.now() + timedelta(hours=1))
    for url in ("/", section.url, article.url, "/cari/?q=gempa"):
        html = client.get(url).content.decode()
        found = banner_html(html)
        assert found is not None, url
        assert 'role="region"' in found and 'aria-label="' in found
        assert TEXT in found
        assert f'href="{article.url}"' in found


def test_banner_without_a_link_or_expiry(client, home):
    set_banner()
    found = banner_html(client.get("/").content.decode())
    assert TEXT in found
    assert "<a " not in found


def test_no_banner_without_text(client, home):
    set_banner(text="   ")
    assert banner_html(client.get("/").content.decode()) is None


def test_no_banner_after_it_expired(client, home):
    set_banner(expires_at=timezone.now() - timedelta(seconds=1))
    assert banner_html(client.get("/").content.decode()) is None


def test_banner_links_nowhere_when_its_page_is_not_live(client, article):
    article.unpublish()
    set_banner(page=article)
    found = banner_html(client.get("/").content.decode())
    assert TEXT in found and "<a " not in found


def test_banner_text_is_escaped(client, home):
    set_banner(text="<script>alert(1)</script> Banjir")
    html = client.get("/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt; Banjir" in html


def test_not_in_the_admin(admin_client, home):
    set_banner()
    assert TEXT not in admin_client.get("/admin/").content.decode()


def test_saving_the_settings_purges_every_cached_page(
    client, article, page_cache, django_capture_on_commit_callbacks
):
    for url in ("/", article.url):
        assert client.get(url)["X-Kabar-Cache"] == "miss"
        assert client.get(url)["X-Kabar-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(expires_at=timezone.now() + timedelta(hours=1))
    for url in ("/", article.url):
        response = client.get(url)
        assert response["X-Kabar-Cache"] == "miss"
        assert TEXT in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(text="")
    response = client.get("/")
    assert response["X-Kabar-Cache"] == "miss"
    assert TEXT not in response.content.decode()


def test_cached_pages_lose_the_banner_when_it_expires(
    client, article, page_cache, monkeypatch, django_capture_on_commit_callbacks
):
    expires_at = timezone.now() + timedelta(minutes=20)
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(expires_at=expires_at)
    assert client.get(article.url)["X-Kabar-Cache"] == "miss"
    response = client.get(article.url)
    assert response["X-Kabar-Cache"] == "hit"
    assert TEXT in response.content.decode()
    # Without any purge (no worker ran): the cached copy ends with the banner.
    later = expires_at + timedelta(seconds=2)
    monkeypatch.setattr(time, "time", lambda: later.timestamp())
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(article.url)
    assert response["X-Kabar-Cache"] == "miss"
    assert TEXT not in response.content.decode()


def test_expiry_queues_a_purge_for_its_time(
    home, deferred_queue, django_capture_on_commit_callbacks
):
    expires_at = timezone.now() + timedelta(hours=2)
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(expires_at=expires_at)
    (queued,) = [
        r
        for r in deferred_queue.results
        if r.task.module_path == breaking.breaking_expired_task.module_path
    ]
    assert queued.task.run_after == expires_at


def test_no_purge_queued_without_expiry_or_text(
    home, deferred_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(expires_at=None)
        set_banner(text="", expires_at=timezone.now() + timedelta(hours=1))
        set_banner(expires_at=timezone.now() - timedelta(hours=1))
    assert not [
        r
        for r in deferred_queue.results
        if r.task.module_path == breaking.breaking_expired_task.module_path
    ]


def test_the_expiry_task_purges_pages_cached_with_the_banner(
    client, article, page_cache, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(expires_at=timezone.now() + timedelta(hours=1))
    client.get(article.url)
    assert client.get(article.url)["X-Kabar-Cache"] == "hit"
    # Time travel: the expiry is now past (set without the save's own purge).
    NewsSettings.objects.update(breaking_expires_at=timezone.now() - timedelta(seconds=1))
    breaking.breaking_expired_task.call()
    response = client.get(article.url)
    assert response["X-Kabar-Cache"] == "miss"
    assert TEXT not in response.content.decode()


def _render_queries(client, url):
    client.get(url)  # warm: every per-process memo for this generation
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    return len(queries)


def test_banner_adds_no_query_to_a_page_rendered_with_the_page_cache_on(
    client, article, page_cache, django_capture_on_commit_callbacks
):
    # A query string no cache keeps: the page is rendered every time, with its memos.
    url = f"{article.url}?replytocom=1"
    without = _render_queries(client, url)
    with django_capture_on_commit_callbacks(execute=True):
        set_banner(page=article, expires_at=timezone.now() + timedelta(hours=1))
    with_banner = _render_queries(client, url)
    assert TEXT in client.get(url).content.decode()
    assert with_banner == without


def test_cached_hit_takes_no_query(client, article, page_cache, django_assert_num_queries):
    set_banner(expires_at=timezone.now() + timedelta(hours=1))
    client.get(article.url)
    with django_assert_num_queries(0):
        response = client.get(article.url)
    assert response["X-Kabar-Cache"] == "hit"
    assert TEXT in response.content.decode()


def test_banner_is_per_site(client, home, settings):
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "lain.example.org"]
    set_banner()
    other_root = builders.make_section(home, "Seksi lain")
    Site.objects.create(hostname="lain.example.org", port=80, root_page=other_root)
    response = client.get("/", HTTP_HOST="lain.example.org")
    assert response.status_code == 200
    assert TEXT not in response.content.decode()
    assert TEXT in client.get("/").content.decode()


def test_the_empty_settings_row_made_on_first_read_purges_nothing(
    client, article, page_cache, django_capture_on_commit_callbacks
):
    client.get(article.url)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        NewsSettings.for_site(Site.objects.get())
    assert callbacks == []
    assert client.get(article.url)["X-Kabar-Cache"] == "hit"
