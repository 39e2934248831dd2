import pytest
from django.test import Client
from django.urls import reverse

from kabar.news.models import ArticlePage, HomeTopStory
from tests import builders

pytestmark = pytest.mark.django_db


def test_article_page_is_semantic_and_shows_newsroom_metadata(client, section, author):
    second = builders.make_author("Made Wirawan")
    article = builders.make_article(
        section,
        "Perundingan iklim berlanjut",
        authors=[author, second],
        dateline="JENEWA",
        source_credit="Reuters",
    )
    article.tags.add("iklim", "diplomasi")
    article.save_revision().publish()
    html = client.get(article.url).content.decode()
    assert '<article class="article">' in html
    assert '<h1 class="article__headline">Perundingan iklim berlanjut</h1>' in html
    assert f'<time datetime="{article.first_published_at.astimezone().isoformat()[:16]}' in html
    assert "Oleh" in html and "Rina Hartono</a> dan <a" in html
    assert html.index("Rina Hartono") < html.index("Made Wirawan")
    assert "JENEWA —" in html and "Reuters" in html
    assert 'href="/topik/iklim/"' in html
    assert f'href="{section.url}"' in html


def test_article_in_english_is_marked_with_its_language(client, section):
    article = builders.make_article(section, "Talks resume in Geneva", language="en")
    html = client.get(article.url).content.decode()
    assert '<article class="article" lang="en">' in html


def test_section_front_lists_newest_first_and_paginates(client, section, settings):
    settings.KABAR_SECTION_PAGE_SIZE = 3
    articles = builders.make_articles(section, 5)  # index 0 is newest
    first = client.get(section.url).content.decode()
    assert first.index(articles[0].title) < first.index(articles[1].title)
    assert articles[3].title not in first
    assert 'rel="next" href="?page=2"' in first
    second = client.get(section.url + "?page=2").content.decode()
    assert articles[3].title in second and articles[4].title in second


def test_section_front_shows_only_live_articles(client, section):
    live = builders.make_article(section, "Sudah terbit")
    draft = builders.make_article(section, "Masih draf")
    draft.unpublish()
    html = client.get(section.url).content.decode()
    assert live.title in html and draft.title not in html
    assert client.get(draft.url).status_code == 404


@pytest.mark.parametrize("query", ["?page=abc", "?page=0", "?page=999", "?page=" + "9" * 30])
def test_a_page_number_that_is_not_one_of_the_listing_is_not_found(client, section, query):
    """Answered with page 1, each such address would be one more full copy in the page
    cache (any number of them: a flood)."""
    builders.make_article(section, "Satu-satunya")
    assert client.get(section.url + query).status_code == 404
    assert "Satu-satunya" in client.get(section.url + "?page=").content.decode()
    assert "Satu-satunya" in client.get(section.url + "?page=1").content.decode()


def test_a_page_number_beyond_an_author_listing_is_not_found(client, section):
    author = builders.make_author("Penulis Tunggal")
    builders.make_article(section, "Satu-satunya", authors=[author])
    url = reverse("news:author", args=[author.slug])
    assert client.get(url + "?page=2").status_code == 404
    assert "Satu-satunya" in client.get(url).content.decode()


def test_home_front_shows_top_stories_and_section_leads(client, home, section):
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    builders.make_article(section, "Berita unggulan", is_featured=True)
    builders.make_articles(section, 3)
    eco = builders.make_article(other, "Rupiah menguat")
    HomeTopStory.objects.create(home=home, article=eco, sort_order=0)
    html = client.get("/").content.decode()
    assert "Berita utama" in html
    assert html.index("Rupiah menguat") < html.index("Berita unggulan")
    assert 'class="card card--lead"' in html
    assert ">Ekonomi</a>" in html and ">Kabar Internasional</a>" in html


def test_navigation_lists_sections(client, home, section):
    html = client.get(section.url).content.decode()
    assert '<nav class="site-nav"' in html
    assert 'href="/kabar-internasional/" aria-current="page">Kabar Internasional</a>' in html


def test_author_page_lists_their_articles(client, section, author):
    builders.make_article(section, "Tulisan sang penulis", authors=[author])
    builders.make_article(section, "Tulisan orang lain")
    html = client.get(reverse("news:author", args=[author.slug])).content.decode()
    assert "Tulisan sang penulis" in html and "Tulisan orang lain" not in html


def test_tag_page_lists_tagged_articles_and_unknown_tag_is_404(client, section):
    article = builders.make_article(section, "Tentang pangan")
    article.tags.add("pangan")
    article.save_revision().publish()
    assert "Tentang pangan" in client.get("/topik/pangan/").content.decode()
    assert client.get("/topik/tidak-ada/").status_code == 404


def test_404_page_is_friendly(client, home):
    response = client.get("/tidak-ada-halaman-ini/")
    assert response.status_code == 404
    assert "Halaman tidak ditemukan" in response.content.decode()


def test_500_page_renders_without_a_traceback(rf):
    from kabar.news.views import server_error

    response = server_error(rf.get("/"))
    assert response.status_code == 500
    assert b"Maaf, terjadi kesalahan" in response.content
    assert b"Traceback" not in response.content


def test_no_request_to_other_hosts(client, article):
    html = client.get(article.url).content.decode()
    for attr in ('src="http', 'src="//', 'href="//', "fonts.googleapis", "cdn"):
        assert attr not in html


def test_language_switch_sets_english(client, article):
    response = client.get("/i18n/setlang/", {"language": "en", "next": article.url})
    assert response.status_code == 302
    assert "Leave a Reply" in client.get(article.url).content.decode()


def test_moving_an_article_updates_its_section(home, section):
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    article = builders.make_article(section, "Pindah rubrik")
    article.move(other, pos="last-child")
    assert ArticlePage.objects.get(pk=article.pk).section_id == other.pk


class TestQueryBounds:
    """Page queries must not grow with the number of comments or articles."""

    def _count_article(self, client, article, django_assert_max_num_queries, bound):
        with django_assert_max_num_queries(bound):
            assert client.get(article.url).status_code == 200

    def test_article_page_queries_do_not_grow_with_comments(
        self, section, author, django_assert_max_num_queries
    ):
        article = builders.make_article(section, authors=[author])
        client = Client()
        parent = None
        for i in range(3):
            parent = builders.submit(article, body=f"k{i}", parent=parent, approve=True)
        with django_assert_max_num_queries(30) as few:
            client.get(article.url)
        for i in range(40):
            parent = builders.submit(
                article,
                body=f"lagi {i}",
                name=f"N{i}",
                email=f"n{i}@example.org",
                parent=parent if i % 3 else None,
                approve=True,
            )
        with django_assert_max_num_queries(len(few.captured_queries)):
            html = client.get(article.url).content.decode()
        assert "lagi 39" in html

    def test_section_front_queries_do_not_grow_with_articles(
        self, section, author, django_assert_max_num_queries
    ):
        client = Client()
        builders.make_articles(section, 2, authors=[author])
        with django_assert_max_num_queries(30) as few:
            client.get(section.url)
        more = builders.make_articles(section, 15, authors=[author])
        for a in more[:5]:
            builders.submit(a, approve=True)
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get(section.url)

    def test_home_front_queries_do_not_grow_with_articles(
        self, home, section, author, django_assert_max_num_queries
    ):
        client = Client()
        builders.make_articles(section, 1, authors=[author])
        with django_assert_max_num_queries(40) as few:
            client.get("/")
        builders.make_articles(section, 10, authors=[author])
        with django_assert_max_num_queries(len(few.captured_queries)):
            client.get("/")
