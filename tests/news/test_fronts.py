"""Curated fronts (stories pinned to a section front or the home front, the rest newest
first) and the related stories under each article."""

import itertools
import re
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.translation import gettext
from wagtail.models import PageViewRestriction

from kabar.core.page_cache import HEADER
from kabar.news import selectors
from kabar.news.models import (
    SECTION_PINNED_MAX,
    ArticlePage,
    HomePage,
    HomeTopStory,
    SectionTopStory,
)
from tests import builders

pytestmark = pytest.mark.django_db

_seq = itertools.count(1)
CARD_TITLE = re.compile(r'class="card__title"><a href="[^"]*">([^<]+)</a>')


def card_titles(html):
    return CARD_TITLE.findall(html)


def titles(articles):
    return [a.title for a in articles]


def section_front(client, url):
    """(pinned titles, newest-first titles) of a section front's page."""
    html = client.get(url).content.decode()
    pinned, _, listing = html.partition('<div class="listing">')
    return card_titles(pinned), card_titles(listing)


def pin(page, *articles, publish=True):
    """Pin `articles` to the front `page` (a section or the home page) as an editor does:
    the pins are a part of the page, saved with its revision and shown once it is published."""
    model = HomeTopStory if isinstance(page, HomePage) else SectionTopStory
    page.top_stories = [model(article=a, sort_order=i) for i, a in enumerate(articles)]
    revision = page.save_revision()
    if publish:
        revision.publish()


def tagged(section, title, tags, hours_ago=0):
    """An article with `tags`, published through Wagtail `hours_ago` (builders.make_article,
    with the tags part of its first revision)."""
    n = next(_seq)
    article = ArticlePage(
        title=title,
        slug=f"berita-bertopik-{n}",
        standfirst="Ringkasan berita bertopik untuk uji.",
        body=[("paragraph", "<p>Isi berita bertopik yang ditulis untuk uji.</p>")],
    )
    article.tags.add(*tags)
    section.add_child(instance=article)
    article.save_revision().publish()
    when = timezone.now() - timedelta(hours=hours_ago)
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=when, last_published_at=when, published_at=when
    )
    article.refresh_from_db()
    return article


def cached(url):
    Client().get(url)
    return Client().get(url).get(HEADER) == "hit"


# Section fronts.


def test_pinned_stories_lead_the_section_front_in_the_editor_s_order(client, section):
    articles = builders.make_articles(section, 5)  # index 0 is the newest
    pin(section, articles[3], articles[1])
    pinned, listing = section_front(client, section.url)
    assert pinned == titles([articles[3], articles[1]])
    assert listing == titles([articles[0], articles[2], articles[4]])


def test_a_front_without_pins_is_newest_first_as_before(client, section):
    articles = builders.make_articles(section, 3)
    html = client.get(section.url).content.decode()
    assert 'id="pinned-stories"' not in html
    assert card_titles(html) == titles(articles)


def test_every_article_is_on_exactly_one_page_of_a_front_with_pins(client, section, settings):
    settings.KABAR_SECTION_PAGE_SIZE = 3
    articles = builders.make_articles(section, 8)
    pin(section, articles[5], articles[0])
    pinned, first = section_front(client, section.url)
    assert pinned == titles([articles[5], articles[0]])
    rest = [a for a in articles if a not in (articles[5], articles[0])]
    assert first == titles(rest[:3])
    seen = pinned + first
    for number in (2, 3):
        more_pinned, listing = section_front(client, f"{section.url}?page={number}")
        assert more_pinned == []
        seen += listing
    assert client.get(f"{section.url}?page=4").status_code == 404
    assert sorted(seen) == sorted(titles(articles))


def test_a_pinned_story_taken_down_is_not_shown(client, section):
    shown = builders.make_article(section, "Tetap tayang")
    gone = builders.make_article(section, "Sudah ditarik")
    pin(section, gone, shown)
    gone.unpublish()
    pinned, listing = section_front(client, section.url)
    assert pinned == ["Tetap tayang"]
    assert "Sudah ditarik" not in listing


def test_a_story_pinned_from_another_section_shows_its_own_section(client, home, section):
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    own = builders.make_article(section, "Berita rubrik sendiri")
    borrowed = builders.make_article(other, "Rupiah menguat")
    pin(section, borrowed, own)
    html = client.get(section.url).content.decode()
    pinned = html.partition('<div class="listing">')[0]
    assert card_titles(pinned) == ["Rupiah menguat", "Berita rubrik sendiri"]
    assert pinned.count('class="kicker"') == 1
    assert '<p class="kicker"><a href="/ekonomi/">Ekonomi</a></p>' in pinned


def test_a_story_pinned_from_a_restricted_section_is_not_shown(client, home, section):
    other = builders.make_section(home, "Khusus pelanggan", slug="khusus")
    hidden = builders.make_article(other, "Hanya untuk pelanggan")
    PageViewRestriction.objects.create(page=other, restriction_type="password", password="rahasia")
    pin(section, hidden)
    assert "Hanya untuk pelanggan" not in client.get(section.url).content.decode()


def test_no_more_than_the_allowed_number_of_pins_are_shown(client, section):
    articles = builders.make_articles(section, SECTION_PINNED_MAX + 2)
    pin(section, *articles)
    pinned, listing = section_front(client, section.url)
    assert pinned == titles(articles[:SECTION_PINNED_MAX])
    assert listing == titles(articles[SECTION_PINNED_MAX:])


# The home front.


def test_home_top_stories_lead_and_are_not_repeated_below(client, home, section):
    articles = builders.make_articles(section, 4)
    gone = builders.make_article(section, "Berita yang ditarik")
    pin(home, articles[2], gone, articles[0])
    gone.unpublish()
    html = client.get("/").content.decode()
    top, _, below = html.partition('<section class="front-section"')
    assert card_titles(top) == titles([articles[2], articles[0]])
    assert card_titles(below) == titles([articles[1], articles[3]])


# Pins reach cached fronts when the front is published, not before.


@pytest.mark.parametrize("front", ["section", "home"])
def test_pins_show_on_a_cached_front_once_it_is_published(
    front, page_cache, home, section, django_capture_on_commit_callbacks
):
    page = section if front == "section" else home
    url = section.url if front == "section" else "/"
    with django_capture_on_commit_callbacks(execute=True):
        older = builders.make_article(section, "Berita lama yang disematkan")
        for i in range(3):
            builders.make_article(section, f"Berita baru {i}")
    assert cached(url)
    with django_capture_on_commit_callbacks(execute=True):
        pin(page.specific, older, publish=False)  # a draft of the front: readers see no change
    response = Client().get(url)
    assert response.get(HEADER) == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        page.specific.get_latest_revision().publish()
    response = Client().get(url)
    assert response.get(HEADER) == "miss"
    shown = card_titles(response.content.decode())
    assert shown[0] == "Berita lama yang disematkan"
    assert shown.count("Berita lama yang disematkan") == 1


def test_editing_a_story_pinned_from_another_section_purges_that_front(
    page_cache, home, section, django_capture_on_commit_callbacks
):
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    with django_capture_on_commit_callbacks(execute=True):
        borrowed = builders.make_article(other, "Rupiah menguat")
        pin(section, borrowed)
    assert cached(section.url)
    with django_capture_on_commit_callbacks(execute=True):
        borrowed.title = "Rupiah menguat tajam"
        borrowed.save_revision().publish()
    assert "Rupiah menguat tajam" in Client().get(section.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        borrowed.unpublish()
    assert "Rupiah menguat" not in Client().get(section.url).content.decode()


# Related stories under an article.


@pytest.fixture
def related_set(home, section):
    """An article with three tags, and others sharing some, none or all of them."""
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    article = tagged(section, "Pokok berita", ["banjir", "jakarta", "cuaca"], hours_ago=10)
    made = {
        "two_tags": tagged(other, "Dua topik sama", ["banjir", "jakarta"], hours_ago=9),
        "one_tag_section_old": tagged(section, "Satu topik rubrik lama", ["banjir"], 8),
        "one_tag_section_new": tagged(section, "Satu topik rubrik baru", ["cuaca"], 1),
        "one_tag_elsewhere": tagged(other, "Satu topik rubrik lain", ["jakarta"], 0),
        "section_only": tagged(section, "Rubrik sama tanpa topik", [], 2),
        "unrelated": tagged(other, "Tidak berkaitan", ["pasar"], 0),
        "taken_down": tagged(other, "Semua topik tapi ditarik", ["banjir", "jakarta", "cuaca"]),
    }
    made["taken_down"].unpublish()
    return article, made


def test_related_rank_by_shared_tags_then_section_then_newest(related_set):
    article, made = related_set
    expected = ["two_tags", "one_tag_section_new", "one_tag_section_old", "one_tag_elsewhere"]
    assert selectors.related_articles(article) == [made[k] for k in expected]
    everything = selectors.related_articles(article, limit=10)
    assert everything == [made[k] for k in [*expected, "section_only"]]
    assert article not in everything


def test_related_fill_from_the_section_newest_first_up_to_the_limit(section):
    article = tagged(section, "Tanpa topik", [], hours_ago=20)
    others = builders.make_articles(section, 6)
    assert selectors.related_articles(article) == others[:4]
    assert selectors.related_articles(article, limit=2) == others[:2]


def test_an_article_alone_has_no_related_block(client, section):
    article = tagged(section, "Satu-satunya", ["sendiri"])
    html = client.get(article.url).content.decode()
    assert 'class="related"' not in html


def test_article_page_shows_related_stories_as_cards(client, related_set):
    article, made = related_set
    html = client.get(article.url).content.decode()
    related = html.partition('id="related-heading"')[2].partition("</section>")[0]
    with translation.override("id"):
        assert f'class="section-heading">{gettext("Related stories")}</h2>' in related
    assert card_titles(related) == [
        made[k].title
        for k in ["two_tags", "one_tag_section_new", "one_tag_section_old", "one_tag_elsewhere"]
    ]
    assert '<a href="/ekonomi/">Ekonomi</a>' in related


def test_a_new_related_story_reaches_a_cached_article_page_within_its_lifetime(
    page_cache, settings, section, django_capture_on_commit_callbacks
):
    settings.KABAR_PAGE_CACHE = {**settings.KABAR_PAGE_CACHE, "TIMEOUT": 1}
    with django_capture_on_commit_callbacks(execute=True):
        article = tagged(section, "Pokok berita", ["gempa"])
    assert cached(article.url)
    with django_capture_on_commit_callbacks(execute=True):
        tagged(section, "Gempa susulan", ["gempa"])
    time.sleep(1.2)
    response = Client().get(article.url)
    assert response.get(HEADER) == "miss"
    assert "Gempa susulan" in response.content.decode()


def test_a_related_story_taken_down_leaves_cached_article_pages_at_once(
    page_cache, section, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = tagged(section, "Pokok berita", ["gempa"])
        related = tagged(section, "Gempa susulan", ["gempa"])
    assert cached(article.url)
    assert "Gempa susulan" in Client().get(article.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        related.unpublish()
    assert "Gempa susulan" not in Client().get(article.url).content.decode()


def withdraw(article):
    article.withdrawn = True
    article.withdrawal_notice = "Artikel ini ditarik karena keliru."
    article.save_revision().publish()


def test_a_withdrawn_story_leaves_fronts_and_related_lists_at_once(
    page_cache, home, section, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        article = tagged(section, "Pokok berita", ["gempa"])
        gone = tagged(section, "Gempa susulan yang keliru", ["gempa"])
        pin(section, gone)
        pin(home, gone)
    assert cached(article.url) and cached(section.url) and cached("/")
    assert "Gempa susulan yang keliru" in Client().get(article.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        withdraw(gone)
    assert selectors.related_articles(article) == []
    for url in (article.url, section.url, "/"):
        assert "Gempa susulan yang keliru" not in Client().get(url).content.decode()


# Query bounds: the same whether there are 5 or 60 articles, 1 or 10 tags.

TAGS = [f"topik-{i}" for i in range(10)]


def _grow(home, section, count, tags):
    """`count` articles with `tags`, half in `section`, half in one other section."""
    other = home.get_children().exclude(pk=section.pk).specific().first()
    if other is None:
        other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    for i in range(count):
        tagged(section if i % 2 else other, f"Berita {count}-{i}", tags, hours_ago=i + 1)


def _counted(client, url, django_assert_max_num_queries, bound=60):
    with django_assert_max_num_queries(bound) as counted:
        assert client.get(url).status_code == 200
    return len(counted.captured_queries)


def test_front_and_article_queries_do_not_grow_with_articles_pins_or_tags(
    home, section, author, django_assert_max_num_queries
):
    client = Client()
    article = tagged(section, "Pokok berita", TAGS[:1])
    _grow(home, section, 5, TAGS[:1])
    pin(section, *builders.make_articles(section, 2, authors=[author]))
    pin(home, *builders.make_articles(section, 2, authors=[author]))
    urls = [section.url, section.url + "?page=2", "/", article.url]
    few = {
        url: _counted(client, url, django_assert_max_num_queries) for url in urls[::2] + urls[3:]
    }
    few[urls[1]] = few[urls[0]]  # page 2 (none yet) asks no more than page 1 with its pins
    with django_assert_max_num_queries(8) as related_few:
        assert selectors.related_articles(article)

    article.tags.add(*TAGS)
    article.save_revision().publish()
    _grow(home, section, 55, TAGS)
    pin(section, *builders.make_articles(section, 6, authors=[author]))
    pin(home, *builders.make_articles(section, 8, authors=[author]))
    html = client.get(article.url).content.decode()
    assert len(card_titles(html.partition('id="related-heading"')[2])) == 4
    for url in urls:
        _counted(client, url, django_assert_max_num_queries, few[url])
    with django_assert_max_num_queries(len(related_few.captured_queries)):
        assert len(selectors.related_articles(article)) == 4
