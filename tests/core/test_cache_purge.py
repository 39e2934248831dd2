"""Every change that shows on a page makes the cached copies of exactly those pages fresh,
and the same URLs are sent to caches in front (Wagtail's frontend cache)."""

import pytest
from django.test import Client

from kabar.core.page_cache import HEADER
from kabar.discussion import sites
from kabar.discussion.services import (
    comment_edit,
    comment_remove_by_author,
    comments_set_status,
)
from kabar.news.models import ArticlePage
from tests import builders

pytestmark = pytest.mark.django_db

SENT = []


class RecordingBackend:
    """A frontend-cache backend that keeps the URLs it is asked to purge."""

    def __init__(self, params):
        pass

    def invalidates_hostname(self, hostname):
        return True

    def purge_batch(self, urls):
        SENT.extend(urls)

    def purge(self, url):
        SENT.append(url)


@pytest.fixture
def site(page_cache, section, author):
    first = builders.make_article(section, "Banjir melanda lembah", authors=[author])
    first.tags.add("banjir")
    first.save_revision().publish()
    other_section = builders.make_section(section.get_parent(), "Ekonomi", slug="ekonomi")
    bystander = builders.make_article(other_section, "Harga cabai naik")
    return {
        "article": ArticlePage.objects.get(pk=first.pk),
        "section": section,
        "other_section": other_section,
        "bystander": bystander,
        "author": author,
    }


def urls_of(site):
    return {
        "article": site["article"].url,
        "section": site["section"].url,
        "home": "/",
        "feed": "/feed/",
        "section_feed": f"/feed/rubrik/{site['section'].slug}/",
        "sitemap": "/sitemap.xml",
        "author": site["author"].get_absolute_url(),
        "tag": "/topik/banjir/",
        "comment_feed": "/comments/feed/",
    }


def cache_all(urls):
    for url in urls:
        Client().get(url)
        assert Client().get(url).get(HEADER) == "hit", url


def fresh(url):
    """True when the next request for `url` is rendered again rather than served cached."""
    return Client().get(url).get(HEADER) != "hit"


ARTICLE_PAGES = ["article", "section", "home", "feed", "section_feed", "sitemap", "author", "tag"]


def test_publishing_an_edit_purges_the_article_its_fronts_and_lists(
    site, django_capture_on_commit_callbacks
):
    urls = urls_of(site)
    cache_all([*urls.values(), site["bystander"].url, site["other_section"].url])
    article = site["article"]
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Banjir surut di lembah"
        article.save_revision().publish()
    for name in ARTICLE_PAGES:
        assert fresh(urls[name]), name
    assert "Banjir surut di lembah" in Client().get(urls["article"]).content.decode()
    assert "Banjir surut di lembah" in Client().get(urls["section"]).content.decode()
    assert "Banjir surut di lembah" in Client().get("/feed/").content.decode()
    # Pages that do not show the article keep their cached copy.
    assert not fresh(site["bystander"].url)
    assert not fresh(site["other_section"].url)


def test_saving_a_draft_purges_nothing(site, django_capture_on_commit_callbacks):
    urls = urls_of(site)
    cache_all([urls["article"], urls["section"]])
    with django_capture_on_commit_callbacks(execute=True):
        site["article"].title = "Draf yang belum terbit"
        site["article"].save_revision()
    assert not fresh(urls["article"])
    assert not fresh(urls["section"])


def test_every_page_of_a_section_front_is_purged(site, django_capture_on_commit_callbacks):
    builders.make_articles(site["section"], 25)
    pages = [site["section"].url, site["section"].url + "?page=2"]
    cache_all(pages)
    with django_capture_on_commit_callbacks(execute=True):
        builders.make_article(site["section"], "Berita terbaru hari ini")
    assert all(fresh(url) for url in pages)


def test_unpublishing_purges_and_the_article_is_gone(site, django_capture_on_commit_callbacks):
    urls = urls_of(site)
    cache_all(urls.values())
    with django_capture_on_commit_callbacks(execute=True):
        site["article"].unpublish()
    assert Client().get(urls["article"]).status_code == 404
    for name in ("section", "home", "feed", "sitemap", "tag", "author"):
        assert "Banjir melanda lembah" not in Client().get(urls[name]).content.decode(), name


def test_deleting_purges_and_the_article_is_gone(site, django_capture_on_commit_callbacks):
    urls = urls_of(site)
    cache_all(urls.values())
    with django_capture_on_commit_callbacks(execute=True):
        site["article"].delete()
    assert Client().get(urls["article"]).status_code == 404
    for name in ("section", "home", "feed", "sitemap"):
        assert "Banjir melanda lembah" not in Client().get(urls[name]).content.decode(), name


def test_moving_purges_old_and_new_places(site, django_capture_on_commit_callbacks):
    urls = urls_of(site)
    old_url = urls["article"]
    cache_all([*urls.values(), site["other_section"].url])
    with django_capture_on_commit_callbacks(execute=True):
        site["article"].move(site["other_section"], pos="last-child")
    moved = ArticlePage.objects.get(pk=site["article"].pk)
    assert Client().get(old_url).status_code in (301, 302, 404)
    assert fresh(urls["section"])
    assert "Banjir melanda lembah" not in Client().get(urls["section"]).content.decode()
    assert "Banjir melanda lembah" in Client().get(site["other_section"].url).content.decode()
    assert Client().get(moved.url).status_code == 200


def test_changing_the_slug_purges_the_old_address(site, django_capture_on_commit_callbacks):
    old_url = site["article"].url
    cache_all([old_url])
    with django_capture_on_commit_callbacks(execute=True):
        site["article"].slug = "banjir-lembah-baru"
        site["article"].save_revision().publish()
    assert Client().get(old_url).status_code != 200


def test_an_article_with_a_non_ascii_address_is_purged(site, django_capture_on_commit_callbacks):
    article = builders.make_article(site["section"], "Kopi Gayo", slug="kópi-gayo")
    assert "k%C3%B3pi" in article.url
    cache_all([article.url])
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Kopi Gayo mendunia"
        article.save_revision().publish()
    assert "Kopi Gayo mendunia" in Client().get(article.url).content.decode()


def test_publishing_a_section_purges_every_page(site, django_capture_on_commit_callbacks):
    # Section titles are in every page's navigation.
    urls = [site["bystander"].url, site["article"].url, "/"]
    cache_all(urls)
    with django_capture_on_commit_callbacks(execute=True):
        site["other_section"].title = "Ekonomi dan Bisnis"
        site["other_section"].save_revision().publish()
    for url in urls:
        assert "Ekonomi dan Bisnis" in Client().get(url).content.decode(), url


def test_discussion_settings_purge_every_page(site, django_capture_on_commit_callbacks):
    from wagtail.models import Site

    from kabar.discussion.models import DiscussionSettings

    cache_all([site["bystander"].url])
    with django_capture_on_commit_callbacks(execute=True):
        DiscussionSettings.for_site(Site.objects.get(is_default_site=True)).save()
    assert fresh(site["bystander"].url)


# Comments.


def test_approving_a_comment_purges_its_article(site, django_capture_on_commit_callbacks):
    urls = urls_of(site)
    comment = builders.submit(site["article"], body="Semoga warga segera pulih.")
    cache_all([*urls.values(), site["bystander"].url])
    with django_capture_on_commit_callbacks(execute=True):
        comments_set_status([comment.pk], "approved")
    assert "Semoga warga segera pulih." in Client().get(urls["article"]).content.decode()
    assert "Semoga warga segera pulih." in Client().get(urls["comment_feed"]).content.decode()
    for name in ("section", "home"):  # their cards show the comment count
        assert fresh(urls[name]), name
    assert not fresh(site["bystander"].url)


def test_holding_a_comment_purges_nothing(site, django_capture_on_commit_callbacks):
    urls = urls_of(site)
    cache_all([urls["article"]])
    with django_capture_on_commit_callbacks(execute=True):
        comment = builders.submit(site["article"], body="Komentar yang ditahan.")
    assert comment.status != "approved"
    assert not fresh(urls["article"])


def test_removing_an_approved_comment_purges_its_article(site, django_capture_on_commit_callbacks):
    comment = builders.submit(site["article"], body="Komentar yang dihapus.", approve=True)
    url = site["article"].url
    cache_all([url])
    assert "Komentar yang dihapus." in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        comments_set_status([comment.pk], "trash")
    assert "Komentar yang dihapus." not in Client().get(url).content.decode()


def test_author_deleting_their_comment_purges(site, django_capture_on_commit_callbacks):
    comment = builders.submit(site["article"], body="Saya tarik komentar ini.", approve=True)
    url = site["article"].url
    cache_all([url])
    with django_capture_on_commit_callbacks(execute=True):
        comment_remove_by_author(comment)
    assert "Saya tarik komentar ini." not in Client().get(url).content.decode()


def test_author_editing_their_comment_purges(site, django_capture_on_commit_callbacks):
    comment = builders.submit(site["article"], body="Tulisan pertama saya.", approve=True)
    url = site["article"].url
    cache_all([url])
    with django_capture_on_commit_callbacks(execute=True):
        comment_edit(comment, body="Tulisan yang sudah diperbaiki.")
    assert fresh(url)
    assert "Tulisan pertama saya." not in Client().get(url).content.decode()


# Caches in front.


def test_frontend_caches_are_sent_the_same_urls(site, settings, django_capture_on_commit_callbacks):
    settings.WAGTAILFRONTENDCACHE = {
        "recorder": {"BACKEND": f"{__name__}.RecordingBackend", "LOCATION": "http://cache"}
    }
    SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        site["article"].title = "Judul yang diperbarui"
        site["article"].save_revision().publish()
    paths = {url.split("://", 1)[1].split("/", 1)[1] for url in SENT}
    section = site["section"]
    expected = {
        site["article"].url.lstrip("/"),
        section.url.lstrip("/"),
        "",
        "feed/",
        "feed/atom/",
        f"feed/rubrik/{section.slug}/",
        "sitemap.xml",
    }
    assert expected <= paths


def test_frontend_caches_hear_of_approved_comments(
    site, settings, django_capture_on_commit_callbacks
):
    settings.WAGTAILFRONTENDCACHE = {
        "recorder": {"BACKEND": f"{__name__}.RecordingBackend", "LOCATION": "http://cache"}
    }
    comment = builders.submit(site["article"])
    SENT.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comments_set_status([comment.pk], "approved")
    assert any(url.endswith(site["article"].url) for url in SENT)


def test_a_registered_sites_thread_purges_its_own_page_not_the_fronts(
    site, django_capture_on_commit_callbacks
):
    """A comment approved on another site's thread shows on Kabar's page of that thread
    only: no article, front or feed of the newsroom's lists it."""
    builders.make_external_site()
    thread = sites.resolve("https://blog.example.org/tulisan/satu", create=True).target
    comment = builders.submit(thread, body="Setuju dengan penulisnya.")
    urls = urls_of(site)
    cache_all([urls["home"], urls["section"], urls["article"]])
    with django_capture_on_commit_callbacks(execute=True):
        comments_set_status([comment.pk], "approved")
    assert "Setuju dengan penulisnya." in Client().get(thread.url).content.decode()
    for name in ("home", "section", "article"):
        assert not fresh(urls[name]), name
