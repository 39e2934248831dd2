"""Corrections and updates on an article (shown where the editor placed them, in its JSON-LD,
moving dateModified), and withdrawal: a 410 notice in its place, gone from every listing,
closed to comments, purged from the page cache, and back when un-withdrawn."""

import re
from datetime import datetime, timedelta

import pytest
from defusedxml import ElementTree
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kabar.core.page_cache import HEADER
from kabar.discussion.models import Comment
from kabar.news.models import ArticleNotice, ArticlePage, HomeTopStory
from kabar.search.models import SearchEntry
from tests import builders
from tests.news.test_metadata import Head

pytestmark = pytest.mark.django_db

ENGLISH = {"HTTP_COOKIE": "django_language=en"}
BODY = "Kalimat isi berita yang hanya ada di badan artikel."
CORRECTION = "Versi awal menyebut angka 40 korban; yang benar 14."
UPDATE = "Polisi telah merilis keterangan resmi pada sore hari."
NOTICE = "Artikel ini ditarik karena sumbernya tidak dapat diverifikasi."


def republish(article, **fields):
    """Edit the article as the editor does: change fields, save a revision, publish it."""
    article = ArticlePage.objects.get(pk=article.pk)
    for name, value in fields.items():
        setattr(article, name, value)
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def add_notices(article, *notices):
    article = ArticlePage.objects.get(pk=article.pk)
    for notice in notices:
        article.notices.add(notice)
    article.save_revision().publish()
    return ArticlePage.objects.get(pk=article.pk)


def page(url, status=200, **extra):
    response = Client().get(url, **extra)
    assert response.status_code == status, (url, response.status_code)
    return response.content.decode()


def time_of(html, after):
    """The datetime of the first <time datetime=…> after the text `after`."""
    found = re.search(re.escape(after) + r'.*?<time datetime="([^"]+)"', html, re.S)
    return datetime.fromisoformat(found[1])


@pytest.fixture
def noticed(section, author):
    """An article first published three hours ago, last an hour ago... until its notices:
    a correction above the text and an update below it, both issued after."""
    article = builders.make_article(
        section, "Banjir di hulu sungai", authors=[author], body=[("paragraph", f"<p>{BODY}</p>")]
    )
    now = timezone.now().replace(microsecond=0)
    article = add_notices(
        article,
        ArticleNotice(kind="correction", text=CORRECTION, placement="top", issued_at=now),
        ArticleNotice(
            kind="update", text=UPDATE, placement="bottom", issued_at=now + timedelta(minutes=5)
        ),
    )
    ArticlePage.objects.filter(pk=article.pk).update(
        first_published_at=now - timedelta(hours=3),
        last_published_at=now - timedelta(hours=1),
        published_at=now - timedelta(hours=3),
    )
    return ArticlePage.objects.get(pk=article.pk)


def box(html, kind):
    """The one <aside> box of a notice of `kind` in the page's <main>, and where it starts."""
    main = html[html.index("<main") :]
    (start,) = [m.start() for m in re.finditer(f'<aside class="notice notice--{kind}"', main)]
    return main[start : main.index("</aside>", start)], start


def test_a_correction_and_an_update_show_where_placed_with_their_dates(noticed):
    html = page(noticed.url, **ENGLISH)
    correction, correction_at = box(html, "correction")
    update, update_at = box(html, "update")
    body_at = html[html.index("<main") :].index(BODY)
    assert correction_at < body_at < update_at
    assert ">Correction</h2>" in correction and CORRECTION in correction
    assert ">Update</h2>" in update and UPDATE in update
    issued = {n.kind: n.issued_at for n in noticed.notices.all()}
    assert time_of(correction, "notice__date") == issued["correction"]
    assert time_of(update, "notice__date") == issued["update"]


def test_the_notices_are_in_indonesian_by_default(noticed):
    html = page(noticed.url)
    assert CORRECTION in html and UPDATE in html
    assert '<aside class="notice notice--correction"' in html


def test_the_visible_updated_time_is_the_newest_notice(noticed):
    html = page(noticed.url, **ENGLISH)
    newest = max(n.issued_at for n in noticed.notices.all())
    assert time_of(html, "Updated") == newest


def test_json_ld_lists_corrections_and_date_modified_is_the_newest_notice(noticed):
    (article,) = Head(page(noticed.url)).of_type("NewsArticle")
    notices = {n.kind: n for n in noticed.notices.all()}
    assert article["correction"] == [
        {
            "@type": "CorrectionComment",
            "text": CORRECTION,
            "datePublished": notices["correction"].issued_at.isoformat(),
        }
    ]
    assert datetime.fromisoformat(article["dateModified"]) == notices["update"].issued_at
    assert datetime.fromisoformat(article["dateModified"]) > noticed.last_published_at
    head = Head(page(noticed.url))
    assert datetime.fromisoformat(head.one("article:modified_time")) == notices["update"].issued_at


def test_without_notices_date_modified_is_the_last_publication(article):
    (data,) = Head(page(article.url)).of_type("NewsArticle")
    assert "correction" not in data
    assert datetime.fromisoformat(data["dateModified"]) == article.last_published_at


def test_an_update_alone_is_no_correction(section):
    article = builders.make_article(section)
    article = add_notices(article, ArticleNotice(kind="update", text=UPDATE))
    (data,) = Head(page(article.url)).of_type("NewsArticle")
    assert "correction" not in data
    assert UPDATE in page(article.url)


def test_ninjs_version_created_moves_with_the_newest_notice(noticed):
    newest = max(n.issued_at for n in noticed.notices.all())
    doc = Client().get(reverse("news:ninjs_article", args=[noticed.pk])).json()
    assert datetime.fromisoformat(doc["versionCreated"]) == newest
    (item,) = Client().get(reverse("news:ninjs_feed")).json()["items"]
    assert datetime.fromisoformat(item["versionCreated"]) == newest


def test_the_article_with_notices_takes_no_query_per_notice(
    section, author, django_assert_max_num_queries
):
    article = builders.make_article(section, authors=[author])
    client = Client()
    with django_assert_max_num_queries(40) as without_notices:
        assert client.get(article.url).status_code == 200
    add_notices(
        article,
        *(
            ArticleNotice(kind=kind, text=f"Catatan nomor {i}.", placement=place)
            for i, (kind, place) in enumerate(
                [("correction", "top"), ("update", "bottom"), ("correction", "bottom")] * 3
            )
        ),
    )
    with django_assert_max_num_queries(len(without_notices.captured_queries)):
        html = client.get(article.url).content.decode()
    assert html.count('class="notice notice--') == 9


# Withdrawal


@pytest.fixture
def withdrawn_pair(home, section, author, django_capture_on_commit_callbacks):
    """Two tagged, bylined, searchable articles with a shared word; the first a home top
    story. Returns (kept, to_withdraw)."""
    with django_capture_on_commit_callbacks(execute=True):
        kept = builders.make_article(section, "Pelabuhan tetap buka", authors=[author])
        gone = builders.make_article(
            section,
            "Pelabuhan ditutup sementara",
            authors=[author],
            body=[("paragraph", f"<p>{BODY}</p>")],
        )
        for article in (kept, gone):
            article.tags.add("pelabuhan")
            article.save_revision().publish()
    HomeTopStory.objects.create(home=home, article=gone, sort_order=0)
    return kept, ArticlePage.objects.get(pk=gone.pk)


def withdraw(article, captured, withdrawn=True):
    with captured(execute=True):
        return republish(article, withdrawn=withdrawn, withdrawal_notice=NOTICE)


def listings(section, author):
    return {
        "home": "/",
        "section": section.url,
        "tag": reverse("news:tag", args=["pelabuhan"]),
        "author": author.get_absolute_url(),
        "rss": reverse("news:feed"),
        "atom": reverse("news:feed_atom"),
        "section rss": reverse("news:section_feed", args=[section.slug]),
        "section atom": reverse("news:section_feed_atom", args=[section.slug]),
        "sitemap": reverse("sitemap_pages"),
        "news sitemap": reverse("sitemap_news"),
        "ninjs": reverse("news:ninjs_feed"),
        "search": f"{reverse('search:search')}?q=pelabuhan",
    }


def test_a_withdrawn_article_answers_410_with_its_notice_and_nothing_else(
    withdrawn_pair, django_capture_on_commit_callbacks
):
    _kept, gone = withdrawn_pair
    builders.submit(gone, body="Komentar lama yang sudah tampil.", approve=True)
    gone = withdraw(gone, django_capture_on_commit_callbacks)
    assert gone.withdrawn_at is not None
    response = Client().get(gone.url, **ENGLISH)
    assert response.status_code == 410
    html = response.content.decode()
    assert gone.title in html and NOTICE in html
    assert "This article has been withdrawn" in html
    assert time_of(html, "Withdrawn") == gone.withdrawn_at
    assert '<meta name="robots" content="noindex">' in html
    for absent in (BODY, gone.standfirst, "Komentar lama", 'id="commentform"', "ld+json"):
        assert absent not in html, absent


def shows(html, article):
    """Whether a listing (HTML, feed, sitemap, ninjs) names the article."""
    return any(
        mark in html for mark in (article.title, article.url, f"/articles/{article.pk}.json")
    )


def test_a_withdrawn_article_leaves_every_listing(
    withdrawn_pair, section, author, django_capture_on_commit_callbacks
):
    kept, gone = withdrawn_pair
    for name, url in listings(section, author).items():
        assert shows(page(url), gone), name
    withdraw(gone, django_capture_on_commit_callbacks)
    for name, url in listings(section, author).items():
        html = page(url)
        assert shows(html, kept), name  # the listing itself is still there
        assert not shows(html, gone), name
    assert not SearchEntry.objects.filter(page_id=gone.pk).exists()
    assert Client().get(reverse("news:ninjs_article", args=[gone.pk])).status_code == 404


def test_a_withdrawn_article_s_comments_leave_the_comment_feeds(
    withdrawn_pair, django_capture_on_commit_callbacks
):
    kept, gone = withdrawn_pair
    builders.submit(kept, body="Komentar di artikel yang tetap.", approve=True)
    builders.submit(gone, body="Komentar di artikel yang ditarik.", approve=True)
    article_feeds = [
        reverse(name, args=[gone.pk])
        for name in ("discussion:article_feed", "discussion:article_feed_atom")
    ]
    site_feeds = [reverse("discussion:feed"), reverse("discussion:feed_atom")]
    for url in article_feeds + site_feeds:
        assert "Komentar di artikel yang ditarik." in page(url), url
    withdraw(gone, django_capture_on_commit_callbacks)
    for url in article_feeds:
        assert Client().get(url).status_code == 404, url
    for url in site_feeds:
        xml = page(url)
        assert "Komentar di artikel yang tetap." in xml, url
        assert "Komentar di artikel yang ditarik." not in xml and gone.title not in xml, url


def test_the_sitemaps_are_well_formed_without_it(
    withdrawn_pair, section, author, django_capture_on_commit_callbacks
):
    _kept, gone = withdrawn_pair
    withdraw(gone, django_capture_on_commit_callbacks)
    for name in ("sitemap", "sitemap_pages", "sitemap_news"):
        ElementTree.fromstring(Client().get(reverse(name)).content)


def test_a_comment_on_a_withdrawn_article_is_refused_as_closed(
    withdrawn_pair, django_capture_on_commit_callbacks
):
    _kept, gone = withdrawn_pair
    withdraw(gone, django_capture_on_commit_callbacks)
    data = {
        "page": gone.pk,
        "body": "Saya tetap ingin berkomentar.",
        "author_name": "Dewi",
        "author_email": "dewi.pembaca@example.org",
        "author_url": "",
        "form_token": builders.form_token(gone),
    }
    response = Client().post(reverse("discussion:post"), data, **ENGLISH)
    assert response.status_code == 403
    assert "Comments are closed on this article." in response.content.decode()
    assert Comment.objects.count() == 0


def test_withdrawing_purges_the_cached_article(
    page_cache, withdrawn_pair, django_capture_on_commit_callbacks
):
    _kept, gone = withdrawn_pair
    client = Client()
    client.get(gone.url)
    cached = client.get(gone.url)
    assert cached.get(HEADER) == "hit" and BODY in cached.content.decode()
    withdraw(gone, django_capture_on_commit_callbacks)
    response = client.get(gone.url)
    assert response.status_code == 410
    assert NOTICE in response.content.decode() and BODY not in response.content.decode()
    again = client.get(gone.url)
    assert again.status_code == 410 and again.get(HEADER) != "hit"  # a 410 is never kept


def test_un_withdrawing_brings_it_back_everywhere(
    withdrawn_pair, section, author, django_capture_on_commit_callbacks
):
    _kept, gone = withdrawn_pair
    withdraw(gone, django_capture_on_commit_callbacks)
    gone = withdraw(gone, django_capture_on_commit_callbacks, withdrawn=False)
    assert gone.withdrawn_at is None
    html = page(gone.url)
    assert BODY in html and NOTICE not in html and "ld+json" in html
    for name, url in listings(section, author).items():
        assert shows(page(url), gone), name
    assert SearchEntry.objects.filter(page_id=gone.pk).exists()
    data = {
        "page": gone.pk,
        "body": "Komentar setelah artikel kembali.",
        "author_name": "Dewi",
        "author_email": "dewi.pembaca@example.org",
        "author_url": "",
        "form_token": builders.form_token(gone),
    }
    assert Client().post(reverse("discussion:post"), data).status_code == 302
    assert Comment.objects.count() == 1
