"""What a change to an author purges: their page and the articles in their byline, here
and in caches in front; and what a tag taken off an article sends to caches in front."""

import pytest
from django.test import Client
from django.urls import reverse

from kabar.core.page_cache import HEADER
from tests.core import test_cache_purge as recording

pytestmark = pytest.mark.django_db


def cached(url):
    Client().get(url)
    return Client().get(url).get(HEADER) == "hit"


@pytest.fixture
def front_cache(settings):
    settings.WAGTAILFRONTENDCACHE = {
        "recorder": {
            "BACKEND": f"{recording.__name__}.RecordingBackend",
            "LOCATION": "http://cache",
        }
    }
    recording.SENT.clear()
    yield recording.SENT
    recording.SENT.clear()


def test_deleting_an_author_purges_their_page_and_their_articles(
    page_cache, article, author, django_capture_on_commit_callbacks
):
    page = author.get_absolute_url()
    assert cached(page) and cached(article.url)
    with django_capture_on_commit_callbacks(execute=True):
        author.delete()
    assert Client().get(page).status_code == 404
    shown = Client().get(article.url)
    assert shown.get(HEADER) == "miss"
    assert author.name not in shown.content.decode()


def test_renaming_an_author_purges_their_page_and_their_articles(
    page_cache, article, author, django_capture_on_commit_callbacks
):
    former = author.get_absolute_url()
    assert cached(former) and cached(article.url)
    with django_capture_on_commit_callbacks(execute=True):
        author.name, author.slug = "Rina Hartono-Siregar", "rina-siregar"
        author.save()
    assert Client().get(former).status_code == 404
    assert "Rina Hartono-Siregar" in Client().get(author.get_absolute_url()).content.decode()
    assert "Rina Hartono-Siregar" in Client().get(article.url).content.decode()


def _sent_paths(sent):
    return {"/" + url.split("://", 1)[1].split("/", 1)[1] for url in sent}


def test_caches_in_front_are_sent_a_renamed_author_s_page_and_articles(
    page_cache, front_cache, article, author, django_capture_on_commit_callbacks
):
    former = author.get_absolute_url()
    front_cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        author.slug = "rina-siregar"
        author.save()
    assert {former, author.get_absolute_url(), article.url} <= _sent_paths(front_cache)


def test_caches_in_front_are_sent_a_deleted_author_s_page_and_articles(
    page_cache, front_cache, article, author, django_capture_on_commit_callbacks
):
    page = author.get_absolute_url()
    front_cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        author.delete()
    assert {page, article.url} <= _sent_paths(front_cache)


def test_caches_in_front_are_sent_the_page_of_a_tag_taken_off_an_article(
    page_cache, front_cache, article, author, django_capture_on_commit_callbacks
):
    article.tags.add("banjir", "pelabuhan")
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    front_cache.clear()
    article.tags.remove("banjir")
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    sent = _sent_paths(front_cache)
    # The tag it kept, as on every publish, and the one it left, whose page listed it.
    for slug in ("pelabuhan", "banjir"):
        for name in ("news:tag", "news:tag_feed", "news:tag_feed_atom"):
            assert reverse(name, args=[slug]) in sent, (name, slug)
