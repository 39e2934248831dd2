"""Live coverage: entries on the live article's page (pinned first, newest first, paged), the
"new updates" endpoint its script polls, the LiveBlogPosting structured data, the purge each
entry makes, and the admin's live entry form."""

import json
import re
import time
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import ngettext
from wagtail.models import PageViewRestriction

from kabar.news import live
from kabar.news.models import ArticlePage, LiveEntry
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def live_article(section, author):
    return builders.make_article(
        section, "Pemilihan kepala daerah hari ini", authors=[author], live_coverage=True
    )


def add_entry(article, body="<p>Tempat pemungutan suara dibuka pukul tujuh.</p>", **fields):
    fields.setdefault("posted_at", timezone.now())
    return LiveEntry.objects.create(article=article, body=body, **fields)


def entry_ids(html):
    return [
        int(pk) for pk in re.findall(r'<article class="live-entry[^"]*" id="entri-(\d+)"', html)
    ]


class LD(HTMLParser):
    def __init__(self, html):
        super().__init__()
        self.blocks, self._in = [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self._in = tag == "script" and dict(attrs).get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in:
            self.blocks.append(json.loads(data))
            self._in = False

    def article(self):
        (found,) = [b for b in self.blocks if "headline" in b and "publisher" in b]
        return found


# The page.


def test_live_page_shows_pinned_entry_first_then_newest_first(client, live_article, author):
    now = timezone.now()
    old = add_entry(live_article, headline="Pembukaan", posted_at=now - timedelta(hours=2))
    pinned = add_entry(
        live_article, headline="Ringkasan", posted_at=now - timedelta(hours=3), pinned=True
    )
    new = add_entry(live_article, headline="Hasil sementara", posted_at=now, author=author)
    html = client.get(live_article.url).content.decode()
    assert entry_ids(html) == [pinned.pk, new.pk, old.pk]
    assert f'class="live-entry live-entry--pinned" id="entri-{pinned.pk}"' in html
    assert f'<time datetime="{new.posted_at.isoformat()}' in html or "<time datetime=" in html
    assert "Hasil sementara" in html
    assert "Tempat pemungutan suara dibuka pukul tujuh." in html
    assert author.get_absolute_url() in html.split(f'id="entri-{new.pk}"')[1].split("</article>")[0]


def test_live_page_carries_the_poll_settings_and_the_script(client, live_article):
    entry = add_entry(live_article)
    html = client.get(live_article.url).content.decode()
    assert 'class="live__badge"' in html
    assert f'data-live-url="{reverse("news:live_updates", args=[live_article.pk])}"' in html
    assert f'data-live-since="{entry.pk}"' in html
    assert 'data-live-interval="30"' in html
    # In the reader's language (Indonesian by default), with %(n)s left for the script.
    with translation.override("id"):
        one = ngettext("%(n)s new update", "%(n)s new updates", 1)
        many = ngettext("%(n)s new update", "%(n)s new updates", 5)
    assert "%(n)s" in one and "%(n)s" in many
    assert f'data-live-one="{one}"' in html
    assert f'data-live-many="{many}"' in html
    assert 'aria-live="polite"' in html
    assert re.search(r'<script src="[^"]*js/live\.js" defer></script>', html)
    # The script is loaded from our own origin only: no inline code for the CSP to refuse.
    assert "<script>" not in html


def test_the_labels_follow_the_readers_language(client, live_article):
    client.cookies["django_language"] = "en"
    html = client.get(live_article.url).content.decode()
    assert 'data-live-one="%(n)s new update"' in html


def test_a_back_dated_entry_is_not_announced_again_and_again(client, live_article):
    now = timezone.now()
    for i in range(live.ENTRIES_PER_PAGE):
        add_entry(live_article, posted_at=now - timedelta(minutes=i))
    late = add_entry(live_article, posted_at=now - timedelta(days=1))  # off page 1
    html = client.get(live_article.url).content.decode()
    assert late.pk not in entry_ids(html)
    assert f'data-live-since="{late.pk}"' in html


def test_ended_coverage_shows_its_label_and_no_polling(client, live_article):
    add_entry(live_article)
    ArticlePage.objects.filter(pk=live_article.pk).update(
        coverage_ended_at=timezone.now() - timedelta(minutes=5)
    )
    html = client.get(live_article.url).content.decode()
    assert "live__badge--ended" in html
    assert "data-live-url" not in html
    assert "js/live.js" not in html
    assert len(entry_ids(html)) == 1


def test_coverage_ending_later_ends_the_cached_copy_then(
    client, live_article, page_cache, monkeypatch
):
    ends = timezone.now() + timedelta(minutes=10)
    ArticlePage.objects.filter(pk=live_article.pk).update(coverage_ended_at=ends)
    assert client.get(live_article.url)["X-Kabar-Cache"] == "miss"
    response = client.get(live_article.url)
    assert response["X-Kabar-Cache"] == "hit"
    assert 'class="live__badge"' in response.content.decode()
    later = ends + timedelta(seconds=5)
    monkeypatch.setattr(time, "time", lambda: later.timestamp())
    monkeypatch.setattr(timezone, "now", lambda: later)
    response = client.get(live_article.url)
    assert response["X-Kabar-Cache"] == "miss"
    assert "live__badge--ended" in response.content.decode()


def test_article_without_live_coverage_shows_no_live_section(client, section):
    article = builders.make_article(section)
    add_entry(article, headline="Tidak tampil")
    html = client.get(article.url).content.decode()
    assert 'class="live"' not in html
    assert "Tidak tampil" not in html


def test_withdrawn_live_article_shows_no_entries(client, live_article):
    add_entry(live_article, headline="Tidak boleh tampil")
    live_article.withdrawn = True
    live_article.withdrawal_notice = "Artikel ditarik karena kesalahan data."
    live_article.save_revision().publish()
    response = client.get(live_article.url)
    assert "Tidak boleh tampil" not in response.content.decode()


def test_unpublished_live_article_shows_nothing(client, live_article):
    add_entry(live_article, headline="Tidak boleh tampil")
    live_article.unpublish()
    assert client.get(live_article.url).status_code == 404
    url = reverse("news:live_updates", args=[live_article.pk])
    assert client.get(url, {"sejak": "0"}).status_code == 404


def test_entries_are_paged_and_older_pages_link_back(client, live_article):
    now = timezone.now()
    entries = [
        add_entry(live_article, headline=f"Entri {i}", posted_at=now - timedelta(minutes=i))
        for i in range(live.ENTRIES_PER_PAGE + 7)
    ]
    first = client.get(live_article.url).content.decode()
    assert entry_ids(first) == [e.pk for e in entries[: live.ENTRIES_PER_PAGE]]
    # The article's own address: the page is also shown at the comment form's, after a
    # refused comment, where "?page=2" alone would lead elsewhere.
    assert f'href="{live_article.url}?page=2#liputan-langsung"' in first
    second = client.get(live_article.url, {"page": "2"}).content.decode()
    assert entry_ids(second) == [e.pk for e in entries[live.ENTRIES_PER_PAGE :]]
    assert f'href="{live_article.url}#liputan-langsung"' in second
    assert "data-live-url" not in second  # only the first page asks for new entries
    assert client.get(live_article.url, {"page": "3"}).status_code == 404
    assert client.get(live_article.url, {"page": "x"}).status_code == 404


def _queries_for(client, url):
    client.get(url)  # warm: Wagtail's and Django's own per-process caches
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_query_count_does_not_grow_with_entries_or_their_links(client, live_article, section):
    linked = builders.make_article(section, "Latar belakang")
    add_entry(live_article, body=f'<p>Lihat <a linktype="page" id="{linked.pk}">ini</a>.</p>')
    few = _queries_for(client, live_article.url)
    for i in range(120):
        add_entry(
            live_article,
            headline=f"Entri {i}",
            body=f'<p>Baca <a linktype="page" id="{linked.pk}">latar</a> {i}.</p>',
        )
    many = _queries_for(client, live_article.url)
    assert many == few
    html = client.get(live_article.url).content.decode()
    section_html = html.split('id="liputan-langsung"')[1].split("</section>")[0]
    assert section_html.count(f'href="{linked.url}"') == live.ENTRIES_PER_PAGE


def test_entry_text_is_escaped(client, live_article):
    add_entry(live_article, headline="<script>alert(1)</script>")
    html = client.get(live_article.url).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html


# The endpoint.


def updates(client, article, **params):
    return client.get(reverse("news:live_updates", args=[article.pk]), params)


def test_updates_count_entries_after_the_one_given(client, live_article):
    first = add_entry(live_article)
    second = add_entry(live_article)
    third = add_entry(live_article)
    response = updates(client, live_article, sejak=str(first.pk))
    assert response.status_code == 200
    assert response.json() == {"new": 2, "newest": third.pk, "live": True}
    assert response["Cache-Control"] == "public, max-age=10"
    assert updates(client, live_article, sejak=str(third.pk)).json()["new"] == 0
    assert updates(client, live_article, sejak="0").json()["new"] == 3
    assert second.pk < third.pk


def test_updates_say_when_coverage_ended(client, live_article):
    ArticlePage.objects.filter(pk=live_article.pk).update(coverage_ended_at=timezone.now())
    assert updates(client, live_article, sejak="0").json() == {"new": 0, "newest": 0, "live": False}


@pytest.mark.parametrize(
    "params",
    [{}, {"sejak": ""}, {"sejak": "abc"}, {"sejak": "-1"}, {"sejak": "9" * 40}, {"sejak": "²"}],
)
def test_updates_refuse_a_bad_parameter_with_json(client, live_article, params):
    response = updates(client, live_article, **params)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "sejak" in response.json()["error"]


def test_updates_refuse_the_parameter_given_twice(client, live_article):
    url = reverse("news:live_updates", args=[live_article.pk])
    response = client.get(f"{url}?sejak=1&sejak=2")
    assert response.status_code == 400


def test_updates_answer_404_for_what_is_not_a_public_live_page(client, section, live_article):
    plain = builders.make_article(section)
    assert updates(client, plain, sejak="0").status_code == 404
    missing = reverse("news:live_updates", args=[live_article.pk + 1000])
    assert client.get(missing, {"sejak": "0"}).status_code == 404
    PageViewRestriction.objects.create(page=live_article, restriction_type="password", password="x")
    assert updates(client, live_article, sejak="0").status_code == 404


def test_updates_answer_404_for_a_withdrawn_article(client, live_article):
    ArticlePage.objects.filter(pk=live_article.pk).update(withdrawn=True)
    assert updates(client, live_article, sejak="0").status_code == 404


def test_updates_take_one_query(client, live_article, django_assert_num_queries):
    for _i in range(30):
        add_entry(live_article)
    updates(client, live_article, sejak="0")  # the restrictions memo, filled once
    with django_assert_num_queries(2):  # the article with its count; the restrictions
        assert updates(client, live_article, sejak="5").status_code == 200


# Structured data.


def test_live_article_is_a_live_blog_posting(client, live_article, author):
    now = timezone.now()
    add_entry(
        live_article,
        headline="Penghitungan dimulai",
        body="<p>Petugas <b>mulai</b> menghitung.</p><p>Saksi hadir.</p>",
        posted_at=now - timedelta(minutes=3),
        author=author,
    )
    add_entry(live_article, body="<p>Tanpa judul, hanya teks singkat.</p>", posted_at=now)
    data = LD(client.get(live_article.url).content.decode()).article()
    assert data["@type"] == ["NewsArticle", "LiveBlogPosting"]
    assert data["coverageStartTime"] == live_article.first_published_at.isoformat()
    assert "coverageEndTime" not in data
    newest, older = data["liveBlogUpdate"]
    assert newest["@type"] == "BlogPosting"
    assert newest["headline"] == "Tanpa judul, hanya teks singkat."
    assert newest["datePublished"] == now.isoformat()
    assert older["headline"] == "Penghitungan dimulai"
    assert older["articleBody"] == "Petugas mulai menghitung.\nSaksi hadir."
    assert older["author"] == {"@type": "Person", "name": author.name}
    assert newest["url"].startswith(data["mainEntityOfPage"] + "#entri-")


def test_ended_coverage_has_its_end_time_and_plain_articles_stay_news_articles(
    client, live_article, section
):
    ended = timezone.now() - timedelta(hours=1)
    ArticlePage.objects.filter(pk=live_article.pk).update(coverage_ended_at=ended)
    data = LD(client.get(live_article.url).content.decode()).article()
    assert data["coverageEndTime"] == ended.isoformat()
    plain = LD(client.get(builders.make_article(section).url).content.decode()).article()
    assert plain["@type"] == "NewsArticle"
    assert "liveBlogUpdate" not in plain


def test_structured_data_lists_only_the_newest_entries(client, live_article):
    now = timezone.now()
    for i in range(live.STRUCTURED_UPDATES + 5):
        add_entry(live_article, headline=f"Entri {i}", posted_at=now - timedelta(minutes=i))
    data = LD(client.get(live_article.url).content.decode()).article()
    assert [u["headline"] for u in data["liveBlogUpdate"]] == [
        f"Entri {i}" for i in range(live.STRUCTURED_UPDATES)
    ]


# Purging.


def test_a_new_entry_purges_the_cached_page(
    client, live_article, page_cache, django_capture_on_commit_callbacks
):
    assert client.get(live_article.url)["X-Kabar-Cache"] == "miss"
    assert client.get(live_article.url)["X-Kabar-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        entry = add_entry(live_article, headline="Kabar terbaru dari lapangan")
    response = client.get(live_article.url)
    assert response["X-Kabar-Cache"] == "miss"
    assert "Kabar terbaru dari lapangan" in response.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        entry.headline = "Kabar terbaru, diperbaiki"
        entry.save()
    assert "Kabar terbaru, diperbaiki" in client.get(live_article.url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        entry.delete()
    assert "Kabar terbaru" not in client.get(live_article.url).content.decode()


def test_many_entries_changed_at_once_queue_one_purge(
    live_article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        for _i in range(20):
            add_entry(live_article)
        for entry in LiveEntry.objects.filter(article=live_article):
            entry.delete()
    assert len([c for c in callbacks if isinstance(c, live._PurgeArticlePage)]) == 1


def test_deleting_a_live_article_with_its_entries_does_not_fail(
    live_article, django_capture_on_commit_callbacks
):
    for _i in range(5):
        add_entry(live_article)
    with django_capture_on_commit_callbacks(execute=True):
        live_article.delete()
    assert not LiveEntry.objects.exists()


# The admin.


@pytest.fixture
def reporter(django_user_model):
    return builders.admin_user_with(
        django_user_model, "reporter", "news", "add_liveentry", "change_liveentry", "view_liveentry"
    )


def test_add_form_is_prefilled_with_the_article(client, reporter, live_article):
    client.force_login(reporter)
    url = reverse("live_entries:add")
    response = client.get(url, {"article": live_article.pk})
    assert response.status_code == 200
    assert f'value="{live_article.pk}"' in response.content.decode()


def test_reporter_posts_an_entry_that_shows_on_the_page(client, reporter, live_article):
    client.force_login(reporter)
    response = client.post(
        reverse("live_entries:add"),
        {
            "article": live_article.pk,
            "posted_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "headline": "Dari posko pemantauan",
            "body": json.dumps(
                {
                    "blocks": [
                        {
                            "key": "a1",
                            "text": "Antrean pemilih mengular sejak pagi.",
                            "type": "unstyled",
                            "depth": 0,
                            "inlineStyleRanges": [],
                            "entityRanges": [],
                        }
                    ],
                    "entityMap": {},
                }
            ),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LiveEntry.objects.get()
    assert entry.article_id == live_article.pk
    client.logout()
    assert "Antrean pemilih mengular sejak pagi." in client.get(live_article.url).content.decode()


def _entry_form(live_article, posted_at):
    return {
        "article": live_article.pk,
        "posted_at": posted_at,
        "headline": "Dari posko",
        "body": json.dumps(
            {
                "blocks": [
                    {
                        "key": "b1",
                        "text": "Hujan reda, pemungutan suara dilanjutkan.",
                        "type": "unstyled",
                        "depth": 0,
                        "inlineStyleRanges": [],
                        "entityRanges": [],
                    }
                ],
                "entityMap": {},
            }
        ),
    }


def test_a_new_entry_left_without_a_time_takes_the_moment_it_is_saved(
    client, reporter, live_article
):
    client.force_login(reporter)
    form = client.get(reverse("live_entries:add"), {"article": live_article.pk})
    field = re.search(r'<input[^>]*name="posted_at"[^>]*>', form.content.decode()).group(0)
    # Not the moment the form was opened: empty, to be filled in when it is saved.
    assert 'value="' not in field or 'value=""' in field
    before = timezone.now()
    response = client.post(reverse("live_entries:add"), _entry_form(live_article, ""))
    assert response.status_code == 302, response.content.decode()[:2000]
    entry = LiveEntry.objects.get()
    assert before <= entry.posted_at <= timezone.now()


def test_a_back_dated_entry_keeps_its_time(client, reporter, live_article):
    client.force_login(reporter)
    earlier = timezone.localtime() - timedelta(hours=2)
    response = client.post(
        reverse("live_entries:add"), _entry_form(live_article, earlier.strftime("%Y-%m-%d %H:%M"))
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert LiveEntry.objects.get().posted_at == earlier.replace(second=0, microsecond=0)


def test_an_entry_dated_in_the_future_is_refused(client, reporter, live_article):
    client.force_login(reporter)
    later = timezone.localtime() + timedelta(hours=1)
    response = client.post(
        reverse("live_entries:add"), _entry_form(live_article, later.strftime("%Y-%m-%d %H:%M"))
    )
    assert response.status_code == 200
    assert "its time cannot be in the future" in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_entry_for_an_article_that_is_not_live_is_refused(client, reporter, section):
    plain = builders.make_article(section)
    client.force_login(reporter)
    response = client.post(
        reverse("live_entries:add"),
        {
            "article": plain.pk,
            "posted_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "body": json.dumps({"blocks": [], "entityMap": {}}),
        },
    )
    assert response.status_code == 200
    assert "not a live page" in response.content.decode()
    assert not LiveEntry.objects.exists()


def test_listing_filters_by_article(client, reporter, live_article, section):
    other = builders.make_article(section, "Liputan lain", live_coverage=True)
    add_entry(live_article, headline="Milik liputan pertama")
    add_entry(other, headline="Milik liputan kedua")
    client.force_login(reporter)
    html = client.get(reverse("live_entries:index"), {"article": live_article.pk}).content.decode()
    assert "Milik liputan pertama" in html
    assert "Milik liputan kedua" not in html


def test_listing_filtered_by_an_article_number_out_of_range_is_refused(
    client, reporter, live_article
):
    add_entry(live_article, headline="Milik liputan pertama")
    client.force_login(reporter)
    response = client.get(reverse("live_entries:index"), {"article": str(2**64)})
    assert response.status_code == 200
    assert response.context["filters"].errors["article"]


def test_an_entry_for_an_article_number_out_of_range_is_refused(client, reporter):
    client.force_login(reporter)
    response = client.post(
        reverse("live_entries:add"),
        {
            "article": str(2**64),
            "posted_at": timezone.localtime().strftime("%Y-%m-%d %H:%M"),
            "body": json.dumps({"blocks": [], "entityMap": {}}),
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["article"]
    assert not LiveEntry.objects.exists()


@pytest.mark.parametrize("number", [2**63, 2**64, -(2**63) - 1])
def test_entries_asked_for_by_an_article_number_out_of_range_are_none(live_article, number):
    # The article's key is its page's (a page type): the range is that column's, found
    # through both relations. SQLite raised OverflowError.
    add_entry(live_article, headline="Milik liputan pertama")
    assert not LiveEntry.objects.filter(article=number).exists()
    assert not LiveEntry.objects.filter(article_id=number).exists()
    assert not LiveEntry.objects.filter(article__in=[number]).exists()
    assert LiveEntry.objects.filter(article__in=[number, live_article.pk]).count() == 1


def test_live_article_edit_page_offers_add_live_entry(admin_client, live_article, section):
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[live_article.pk])).content
    add_url = f"{reverse('live_entries:add')}?article={live_article.pk}"
    assert add_url in html.decode()
    plain = builders.make_article(section)
    html = admin_client.get(reverse("wagtailadmin_pages:edit", args=[plain.pk])).content
    assert reverse("live_entries:add") not in html.decode()


def test_users_without_the_permission_get_no_live_entries(client, django_user_model):
    user = builders.admin_user_with(django_user_model, "pembaca", "news", "view_author")
    client.force_login(user)
    assert client.get(reverse("live_entries:add")).status_code == 302


def card_of(html, article):
    """The card on a listing that links to `article` (its <article> element)."""
    for card in re.findall(r'<article class="card.*?</article>', html, re.S):
        if f'href="{article.url}"' in card:
            return card
    raise AssertionError(f"no card for {article.url}")


def test_a_live_article_s_card_says_live_while_the_coverage_runs(client, section, live_article):
    calm = builders.make_article(section, "Harga beras stabil di pasar")
    html = client.get(section.url).content.decode()
    assert 'class="live__badge"' in card_of(html, live_article)
    assert "live__badge" not in card_of(html, calm)
    # Ended: the article is saved, which renews the listings it is on.
    live_article.coverage_ended_at = timezone.now() - timedelta(minutes=1)
    live_article.save_revision().publish()
    html = client.get(section.url).content.decode()
    assert "live__badge" not in card_of(html, live_article)
