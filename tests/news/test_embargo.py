"""An article scheduled for later (Wagtail's schedule: a revision approved to go live at a
time ahead) shows nowhere before its time, and everywhere once the schedule's own task has
published it: its page, the fronts, its tag's and author's pages, every feed, the sitemaps,
search, ninjs and the comment views."""

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from kabar.core.page_cache import HEADER
from kabar.discussion.models import Comment
from kabar.news.models import ArticleAuthor, ArticlePage
from kabar.search.models import SearchEntry
from tests import builders
from tests.discussion.test_views import post
from tests.news.test_schedule import make_due, run_round

pytestmark = pytest.mark.django_db

TITLE = "Kabinet baru diumumkan Selasa"
WORD = "kabinet"
TAG = "susunan-kabinet"


@pytest.fixture
def embargoed(section, author):
    """The article as an editor schedules it: saved, tagged, bylined and published with a
    go-live time an hour ahead (so Wagtail keeps it offline until then)."""
    article = ArticlePage(
        title=TITLE,
        slug="kabinet-baru",
        standfirst="Susunan kabinet diumumkan pada hari Selasa.",
        body=[("paragraph", "<p>Presiden mengumumkan susunan kabinet baru.</p>")],
        go_live_at=timezone.now() + timedelta(hours=1),
        live=False,
    )
    section.add_child(instance=article)
    ArticleAuthor.objects.create(article=article, author=author, sort_order=0)
    article.tags.add(TAG)
    article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live and article.go_live_at > timezone.now()
    # Another article by the same author with no embargo, so the author's pages have a list.
    builders.make_article(section, "Berita lain yang sudah terbit", authors=[author])
    return article


def sightings(article, section, author):
    """Where the article shows, as an anonymous reader (or a search engine) finds it."""
    client = Client()
    url = article.url or f"/{section.slug}/{article.slug}/"

    def text(path):
        response = client.get(path)
        return response.content.decode() if response.status_code == 200 else ""

    feeds = [
        "/feed/",
        "/feed/atom/",
        f"/feed/rubrik/{section.slug}/",
        f"/feed/rubrik/{section.slug}/atom/",
        f"/feed/topik/{TAG}/",
        f"/feed/topik/{TAG}/atom/",
        f"/feed/penulis/{author.slug}/",
        f"/feed/penulis/{author.slug}/atom/",
    ]
    # What each sitemap would list of it: its address, or (the tags' sitemap) its tag.
    sitemaps = {
        "/sitemap-news.xml": "kabinet-baru",
        "/sitemap-pages.xml": "kabinet-baru",
        "/sitemap-tags.xml": TAG,
    }
    seen = {
        "page": client.get(url).status_code == 200,
        "home": TITLE in text("/"),
        "section": TITLE in text(section.url),
        "tag page": TITLE in text(f"/topik/{TAG}/"),
        "author page": TITLE in text(author.get_absolute_url()),
        "search": TITLE in text(f"/cari/?q={WORD}"),
        "search index": SearchEntry.objects.filter(page_id=article.pk).exists(),
        "ninjs feed": TITLE in text("/ninjs/articles.json"),
        "ninjs article": client.get(f"/ninjs/articles/{article.pk}.json").status_code == 200,
        "comments feed": client.get(f"/comments/feed/article/{article.pk}/").status_code == 200,
    }
    seen.update({path: TITLE in text(path) for path in feeds})
    seen.update({path: marker in text(path) for path, marker in sitemaps.items()})
    return seen


def test_an_embargoed_article_shows_nowhere_before_its_time(embargoed, section, author):
    seen = sightings(embargoed, section, author)
    assert not any(seen.values()), [where for where, shown in seen.items() if shown]
    # Its tag is not even known to exist; no sitemap names it.
    client = Client()
    for path in ("/sitemap.xml", "/sitemap-authors.xml"):
        assert "kabinet-baru" not in client.get(path).content.decode()
    assert client.get(f"/topik/{TAG}/").status_code == 404
    assert client.get(f"/feed/topik/{TAG}/").status_code == 404


def test_a_comment_to_an_embargoed_article_is_refused_and_nothing_is_stored(embargoed):
    response = post(Client(), embargoed, body="Komentar sebelum waktunya.")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()
    assert not Comment.objects.filter(page_id=embargoed.pk).exists()


def test_once_its_time_comes_it_shows_everywhere(embargoed, section, author):
    make_due(embargoed)
    assert run_round() == 1
    embargoed.refresh_from_db()
    assert embargoed.live
    seen = sightings(embargoed, section, author)
    # Its comment feed answers (empty); everything else lists the article.
    assert all(seen.values()), [where for where, shown in seen.items() if not shown]
    assert post(Client(), embargoed, body="Komentar setelah terbit.").status_code == 302
    assert Comment.objects.filter(page_id=embargoed.pk).exists()


def test_publishing_on_time_purges_the_cached_pages(embargoed, section, author, page_cache):
    client = Client()
    lists = [section.url, "/", "/feed/", f"/feed/penulis/{author.slug}/", author.get_absolute_url()]
    for path in lists:
        client.get(path)
        cached = client.get(path)
        assert cached.get(HEADER) == "hit", path
        assert TITLE not in cached.content.decode(), path

    make_due(embargoed)
    run_round()

    for path in lists:
        fresh = Client().get(path)
        assert fresh.get(HEADER) == "miss", path
        assert TITLE in fresh.content.decode(), path
