"""Reader search at /cari/: Indonesian and English stemming, ranking, snippets, filters,
what is never found, bad queries, query bounds, and the index following publishing."""

import importlib
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from kabar.news.models import ArticleAuthor
from kabar.search import text
from kabar.search.models import HEAD_SQL, LEAD_SQL, SearchEntry, search_position
from kabar.search.query import Filters, find
from kabar.search.services import search_rebuild
from tests import builders

URL = "/cari/"


def found(client, query, **params):
    response = client.get(URL, {"q": query, **params})
    assert response.status_code == 200
    return response


def titles(response):
    return [article.title for article, _snippet in response.context["results"]]


def test_snowball_indonesian_reduces_the_words_of_the_issue():
    assert text.stem("menyerbu", "id") == "serbu"
    assert {text.stem(w, "id") for w in ("pertempuran", "bertempur", "tempur")} == {"tempur"}


def test_menyerbu_finds_serbu(client, publish):
    publish("Pasukan bersiap", "Mereka akan serbu benteng itu saat fajar.")
    publish("Cuaca cerah", "Hari ini cerah sepanjang pagi.")
    assert titles(found(client, "menyerbu")) == ["Pasukan bersiap"]


def test_pertempuran_finds_bertempur_and_tempur(client, publish):
    publish("Di perbatasan", "Dua kelompok bertempur semalaman.")
    publish("Pesawat baru", "Angkatan udara membeli pesawat tempur.")
    publish("Pasar pagi", "Harga cabai naik lagi.")
    assert sorted(titles(found(client, "pertempuran"))) == ["Di perbatasan", "Pesawat baru"]


def test_english_articles_are_searched_with_english_stemming(client, publish):
    publish("Vote count", "The candidates were elected in a close race.", language="en")
    publish("Pemilu daerah", "Warga memilih bupati baru.")
    response = found(client, "elections")
    assert titles(response) == ["Vote count"]
    (_article, snippet), *_ = response.context["results"]
    assert "were <mark>elected</mark> in" in snippet  # the words written, not their stems
    # Indonesian stemming is not applied to English text: "berlari" stems to "lari".
    publish("Morning run", "Berlari every morning is our habit.", language="en")
    assert titles(found(client, "lari")) == []


def test_a_title_match_ranks_above_a_body_match(client, publish):
    when = timezone.now() - timedelta(days=3)
    publish("Laporan harian", "Banjir merendam jalan utama kota.", published=when)
    publish("Banjir merendam kota", "Air naik setinggi lutut.", published=when)
    assert titles(found(client, "banjir")) == ["Banjir merendam kota", "Laporan harian"]


def test_the_article_naming_the_word_more_often_ranks_first(client, publish):
    when = timezone.now() - timedelta(days=3)
    # Made first, so that it would come second were relevance equal (newest first).
    publish("Laporan kota", "Banjir datang. Banjir lagi. Banjir besar melanda.", published=when)
    publish("Laporan desa", "Ada banjir kecil di desa.", published=when)
    assert titles(found(client, "banjir")) == ["Laporan kota", "Laporan desa"]


def test_the_newer_article_ranks_first_when_relevance_is_equal(client, publish):
    now = timezone.now()
    publish("Gempa kecil", "Gempa terasa di pesisir.", published=now - timedelta(days=40))
    publish("Gempa kecil", "Gempa terasa di pesisir.", published=now - timedelta(days=1))
    results = found(client, "gempa").context["results"]
    assert [article.published_at.date() for article, _ in results] == [
        (now - timedelta(days=1)).date(),
        (now - timedelta(days=40)).date(),
    ]


def test_the_snippet_marks_the_match_and_escapes_the_text(client, section, publish):
    with_script = [
        (
            "quote",
            {"quote": "Dia menulis <script>alert(1)</script> lalu menyerbu.", "attribution": ""},
        )
    ]
    with_script_article = builders.make_article(section, "Catatan", body=with_script, standfirst="")
    search_rebuild()
    response = found(client, "serbu")
    (article, snippet), *rest = response.context["results"]
    assert article.pk == with_script_article.pk and not rest
    assert "lalu <mark>menyerbu</mark>" in snippet
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in snippet
    body = response.content.decode()
    assert "<script>alert(1)" not in body
    assert "<mark>menyerbu</mark>" in body


def test_the_section_filter_keeps_one_section(client, home, section, publish):
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    publish("Harga beras di Jakarta", under=section)
    publish("Harga beras di pasar", under=other)
    assert titles(found(client, "beras", section=other.pk)) == ["Harga beras di pasar"]


def test_the_date_filter_keeps_the_range(client, publish):
    now = timezone.now()
    publish("Panen raya tahun lalu", published=now - timedelta(days=400))
    publish("Panen raya tahun ini", published=now - timedelta(days=2))
    since = (now - timedelta(days=30)).date().isoformat()
    assert titles(found(client, "panen", date_from=since)) == ["Panen raya tahun ini"]
    until = (now - timedelta(days=300)).date().isoformat()
    assert titles(found(client, "panen", date_until=until)) == ["Panen raya tahun lalu"]


def test_an_unpublished_article_is_not_found(client, publish, django_capture_on_commit_callbacks):
    article = publish("Rapat kabinet ditunda")
    assert titles(found(client, "kabinet")) == ["Rapat kabinet ditunda"]
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert titles(found(client, "kabinet")) == []
    assert not SearchEntry.objects.filter(page_id=article.pk).exists()


def test_a_restricted_article_is_not_found(client, publish, django_capture_on_commit_callbacks):
    article = publish("Dokumen rahasia negara")
    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(
            page=article, restriction_type=PageViewRestriction.PASSWORD, password="sandi"
        )
    assert titles(found(client, "dokumen")) == []
    assert not SearchEntry.objects.filter(page_id=article.pk).exists()


def test_a_restriction_hides_an_entry_the_index_still_holds(client, publish):
    article = publish("Dokumen rahasia negara")
    # Restricted without its commit callbacks running: the entry stays, the reader sees none.
    PageViewRestriction.objects.create(
        page=article.get_parent(), restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    assert SearchEntry.objects.filter(page_id=article.pk).exists()
    assert titles(found(client, "dokumen")) == []


@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        "gunung " * 2000,
        '"',
        "*",
        "NEAR(",
        "NEAR(a b)",
        "AND OR",
        '"tidak seimbang',
        "\x00",
        "a\x00b",
        "title:x",
        "^",
        "-",
        "{stemmed_body}:x",
        "'; DROP TABLE x;--",
    ],
)
def test_a_bad_query_gets_a_clear_page(client, publish, query):
    publish("Banjir di kota")
    response = found(client, query)
    assert response.context["message"]
    assert 'class="search-message"' in response.content.decode()


def test_a_long_query_is_searched_by_its_first_words(client, publish):
    publish("Banjir di kota")
    response = found(client, "banjir " + "kota " * 2_500)
    assert titles(response) == ["Banjir di kota"]
    assert str(response.context["message"]) in response.content.decode()  # says it was cut


def test_the_last_date_there_is_as_the_end_keeps_everything(client, publish):
    publish("Banjir di kota")
    assert titles(found(client, "banjir", date_until="9999-12-31")) == ["Banjir di kota"]
    assert titles(found(client, "banjir", date_from="0001-01-01")) == ["Banjir di kota"]


def test_bad_filters_and_pages_get_a_clear_page(client, publish):
    publish("Banjir di kota")
    assert found(client, "banjir", section="bukan-angka").context["message"]
    assert found(client, "banjir", date_from="kemarin").context["message"]
    assert titles(found(client, "banjir", page="abc")) == ["Banjir di kota"]
    assert found(client, "banjir", page="999999999999999999999999").status_code == 200


def test_result_pages_are_not_indexed_by_search_engines(client, publish):
    publish("Banjir di kota")
    response = found(client, "banjir")
    assert '<meta name="robots" content="noindex">' in response.content.decode()
    assert response["X-Robots-Tag"] == "noindex"


def test_the_pages_two_search_forms_are_told_apart(client, publish):
    """The header's search and the page's own are both search landmarks: each is named,
    so a screen reader's list of landmarks says which is which."""
    publish("Banjir di kota")
    html = found(client, "banjir").content.decode()
    assert html.count('role="search"') == 2
    assert 'role="search" aria-label="Cari di situs"' in html
    assert 'role="search" aria-label="Cari artikel"' in html


def test_results_come_in_pages_that_keep_the_query(client, publish):
    now = timezone.now()
    for n in range(12):
        publish(f"Banjir ke-{n}", published=now - timedelta(hours=n))
    first = found(client, "banjir")
    assert len(first.context["results"]) == 10
    assert 'href="?q=banjir&amp;page=2"' in first.content.decode()
    second = found(client, "banjir", page=2)
    assert titles(second) == ["Banjir ke-10", "Banjir ke-11"]


def test_a_results_page_takes_a_bounded_number_of_queries(
    client, publish, author, django_assert_max_num_queries
):
    def queries_for(count):
        for n in range(count):
            image = get_image_model().objects.create(
                title=f"Foto {n}", file=get_test_image_file(size=(800, 450))
            )
            article = publish(f"Longsor nomor {n}", "Longsor menutup jalan desa.", lead_image=image)
            ArticleAuthor.objects.create(article=article, author=author)
        found(client, "longsor")  # the cards' renditions made once
        # The search itself is two queries; on PostgreSQL three more: the probe that picks
        # the plan, and the savepoint it is set and undone in (its own transaction outside
        # a test's). The rest is the page around it (the site, view restrictions, the
        # breaking-news banner), read afresh here because the page cache, and with it the
        # site-wide memo, is off in tests. What matters: it does not grow.
        bound = 14 if connection.vendor == "sqlite" else 17
        with django_assert_max_num_queries(bound) as captured:
            response = found(client, "longsor")
        assert 'class="search-result__snippet"' in response.content.decode()
        return len(response.context["results"]), len(captured.captured_queries)

    few, few_queries = queries_for(2)
    many, many_queries = queries_for(13)
    assert (few, many) == (2, 10)
    assert many_queries == few_queries


def test_the_index_follows_publishing(client, publish, django_capture_on_commit_callbacks):
    article = publish("Jembatan baru dibuka", "Warga menyambut jembatan itu.")
    # Snowball's Indonesian stems, one per word: "dibuka" is "buka", "jembatan" is "jembat".
    assert SearchEntry.objects.get(page_id=article.pk).stemmed_title == "jembat baru buka"
    article.title = "Terowongan baru dibuka"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision().publish()
    assert titles(found(client, "terowongan")) == ["Terowongan baru dibuka"]
    assert titles(found(client, "jembatan")) == ["Terowongan baru dibuka"]  # still in the body
    assert titles(found(client, "jembatan baru dibuka jalan")) == []


def test_a_draft_edit_does_not_change_what_is_found(
    client, publish, django_capture_on_commit_callbacks
):
    article = publish("Pelabuhan ramai")
    article.title = "Bandara ramai"
    with django_capture_on_commit_callbacks(execute=True):
        article.save_revision()
    assert titles(found(client, "pelabuhan")) == ["Pelabuhan ramai"]
    assert titles(found(client, "bandara")) == []


def test_a_deleted_article_leaves_the_index(publish):
    article = publish("Kapal tenggelam")
    article.delete()
    assert not SearchEntry.objects.exists()


def test_search_rebuild_indexes_every_live_public_article(publish, capsys):
    kept = publish("Satu")
    publish("Dua")
    gone = publish("Tiga")
    gone.unpublish()  # its commit callbacks never run: the entry is left behind
    SearchEntry.objects.filter(page_id=kept.pk).delete()
    call_command("search_rebuild", batch_size=1)
    assert sorted(SearchEntry.objects.values_list("title", flat=True)) == ["Dua", "Satu"]
    assert "Indexed 2 articles" in capsys.readouterr().out


@pytest.mark.sqlite
def test_the_fts5_index_holds_the_stems(publish):
    article = publish("Pertempuran sengit", "Mereka menyerbu.")
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH 'tempur AND serbu'")
        # The rowid is the entry's position: publication order, for the newest matches first.
        assert cursor.fetchall() == [(SearchEntry.objects.get(page_id=article.pk).position,)]
        SearchEntry.objects.all().delete()
        cursor.execute("SELECT rowid FROM search_fts WHERE search_fts MATCH 'tempur'")
        assert cursor.fetchall() == []


@pytest.mark.postgres
def test_postgres_stems_by_the_articles_language(publish):
    indonesian = publish("Pertempuran sengit", "Mereka menyerbu.")
    english = publish("Battles raged", "Troops were running.", language="en")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT page_id, document::text FROM search_searchentry WHERE page_id IN (%s, %s)",
            [indonesian.pk, english.pk],
        )
        documents = dict(cursor.fetchall())
    assert "'tempur'" in documents[indonesian.pk] and "'serbu'" in documents[indonesian.pk]
    assert "'battl'" in documents[english.pk] and "'run'" in documents[english.pk]


def test_the_snippet_shows_the_matching_passage_in_the_words_written(client, publish):
    filler = " ".join(f"kalimat{n}" for n in range(200))
    publish("Laporan panjang", f"{filler} Pasukan menyerbu kota pada malam hari. {filler}")
    (_article, snippet), *_ = found(client, "serbu").context["results"]
    assert "<mark>menyerbu</mark>" in snippet
    assert "Pasukan" in snippet
    assert len(snippet) < 600


def test_the_snippet_shows_the_passage_holding_the_most_words(client, publish):
    filler = " ".join(f"kalimat{n}" for n in range(60))
    publish(
        "Laporan pasar",
        f"Harga beras naik. {filler} Harga beras dan cabai naik di pasar. {filler}",
    )
    (_article, snippet), *_ = found(client, "beras cabai").context["results"]
    assert "<mark>beras</mark> dan <mark>cabai</mark>" in snippet
    assert snippet.startswith("…") and snippet.endswith("…")


def test_a_headline_match_shows_the_opening_unmarked(client, publish):
    publish("Gempa di Palu", "Warga berkumpul di lapangan sejak pagi.")
    (_article, snippet), *_ = found(client, "gempa").context["results"]
    assert snippet == "Warga berkumpul di lapangan sejak pagi."


def test_the_search_page_without_a_query_asks_for_words(client, home):
    response = client.get(URL)
    assert response.status_code == 200
    assert str(response.context["message"]) in response.content.decode()
    assert response.context["results"] == []


def test_an_alias_does_not_show_the_article_twice(
    client, home, publish, django_capture_on_commit_callbacks
):
    article = publish("Kereta cepat diuji")
    other = builders.make_section(home, "Nasional", slug="nasional")
    with django_capture_on_commit_callbacks(execute=True):
        alias = article.create_alias(parent=other, update_slug="kereta-cepat")
    search_rebuild()
    assert titles(found(client, "kereta")) == ["Kereta cepat diuji"]
    assert not SearchEntry.objects.filter(page_id=alias.pk).exists()


# Only the newest matches are ranked (kabar.search.query.CANDIDATES; the setting
# KABAR_SEARCH_CANDIDATES lowers it here so that a few articles are "more than the limit").


def test_when_more_match_than_the_limit_the_newest_are_ranked(client, publish, settings):
    settings.KABAR_SEARCH_CANDIDATES = 3
    now = timezone.now()
    publish("Banjir bandang melanda lembah", published=now - timedelta(days=300))
    for n in range(1, 5):
        publish(
            f"Laporan cuaca {n}",
            "Hujan deras dan banjir di kota.",
            published=now - timedelta(days=n),
        )
    response = found(client, "banjir")
    # The old headline match is past the three newest matches: not ranked, and the page
    # says why and how to reach it.
    assert sorted(titles(response)) == ["Laporan cuaca 1", "Laporan cuaca 2", "Laporan cuaca 3"]
    assert response.context["capped"]
    assert "Lebih dari 3 artikel cocok" in response.content.decode()  # in the reader's language
    until = (now - timedelta(days=200)).date().isoformat()
    older = found(client, "banjir", date_until=until)
    assert titles(older) == ["Banjir bandang melanda lembah"]
    assert not older.context["capped"]
    assert "Lebih dari" not in older.content.decode()


def test_exactly_the_limit_is_not_called_more(client, publish, settings):
    settings.KABAR_SEARCH_CANDIDATES = 2
    publish("Kemarau panjang")
    publish("Kemarau di desa")
    response = found(client, "kemarau")
    assert sorted(titles(response)) == ["Kemarau di desa", "Kemarau panjang"]
    assert not response.context["capped"]


def test_the_newest_match_among_many_comes_with_the_page(client, publish, settings):
    settings.KABAR_SEARCH_CANDIDATES = 5
    now = timezone.now()
    # Created newest first, so page ids run against publication order.
    newest = publish("Kabar pasar", "Harga cabai naik lagi.", published=now - timedelta(hours=1))
    for n in range(2, 12):
        publish(f"Pasar {n}", "Harga cabai naik.", published=now - timedelta(days=n))
    shown = titles(found(client, "cabai"))
    assert newest.title in shown
    assert len(shown) == 5
    assert "Pasar 11" not in shown


def test_an_old_title_match_is_found_when_few_articles_match(client, publish):
    now = timezone.now()
    publish("Gempa mengguncang Palu", published=now - timedelta(days=3 * 365))
    publish("Laporan pagi", "Warga merasakan gempa kecil.", published=now - timedelta(days=1))
    publish("Laporan sore", "Gempa susulan terasa.", published=now - timedelta(days=2))
    response = found(client, "gempa")
    assert "Gempa mengguncang Palu" in titles(response)
    assert len(titles(response)) == 3
    assert not response.context["capped"]


def test_the_section_filter_applies_before_the_limit(client, home, section, publish, settings):
    settings.KABAR_SEARCH_CANDIDATES = 2
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    now = timezone.now()
    publish("Harga beras lama", under=other, published=now - timedelta(days=90))
    for n in range(3):
        publish(f"Beras {n}", under=section, published=now - timedelta(days=n))
    assert titles(found(client, "beras", section=other.pk)) == ["Harga beras lama"]


def test_entries_are_positioned_in_publication_order(publish):
    now = timezone.now()
    later = publish("Satu", published=now - timedelta(days=1))
    earlier = publish("Dua", published=now - timedelta(days=5))
    entries = SearchEntry.objects.order_by("position")
    assert [entry.page_id for entry in entries] == [earlier.pk, later.pk]
    for entry in entries:
        assert entry.position == search_position(entry.published_at, entry.page_id)
        assert entry.position >> 24 == int(entry.published_at.timestamp())


def test_the_migration_positions_existing_entries_as_the_product_does(publish):
    now = timezone.now()
    publish("Satu", published=now - timedelta(days=1, microseconds=1))
    publish("Dua", published=now - timedelta(days=700))
    for entry in SearchEntry.objects.all():
        SearchEntry.objects.filter(pk=entry.pk).update(position=-entry.pk)
    migration = importlib.import_module("kabar.search.migrations.0003_position")
    with connection.cursor() as cursor:
        cursor.execute(migration.BACKFILL[connection.vendor])
    for entry in SearchEntry.objects.all():
        assert entry.position == search_position(entry.published_at, entry.page_id)
    assert titles_found_by_stem("satu") == ["Satu"]


def titles_found_by_stem(word):
    hits, _snippets = find([word], Filters(), 0, 10)
    return list(SearchEntry.objects.filter(page_id__in=hits.ids).values_list("title", flat=True))


def test_a_capped_common_word_takes_as_many_queries_as_a_rare_one(client, publish, settings):
    settings.KABAR_SEARCH_CANDIDATES = 4
    for n in range(8):
        publish(f"Sidang {n}", "Sidang dibuka pagi ini.")
    publish("Putusan langka", "Hakim membacakan putusan.")

    def queries(word):
        found(client, word)
        with CaptureQueriesContext(connection) as captured:
            response = found(client, word)
        return len(captured.captured_queries), response

    rare_queries, rare = queries("putusan")
    common_queries, common = queries("sidang")
    assert len(titles(rare)) == 1 and len(titles(common)) == 4
    assert common.context["capped"]
    assert common_queries == rare_queries


def test_an_entry_left_stale_is_skipped_without_breaking_the_pages(client, publish):
    now = timezone.now()
    articles = [publish(f"Banjir ke-{n}", published=now - timedelta(hours=n)) for n in range(12)]
    # Unpublished without its commit callbacks: the index still holds the entry.
    articles[3].unpublish()
    assert SearchEntry.objects.filter(page_id=articles[3].pk).exists()
    first, second = found(client, "banjir"), found(client, "banjir", page=2)
    shown = titles(first) + titles(second)
    assert len(titles(first)) == 10 and len(shown) == 11
    assert "Banjir ke-3" not in shown and len(set(shown)) == 11
    assert not second.context["has_next"]


@pytest.mark.sqlite
def test_sqlite_ranks_from_the_headline_index_alone(publish):
    """The scores are read from the index search_entry_head: the expressions the query
    names are the ones the migration indexed, and the plan goes through it."""
    publish("Banjir di kota", "Air naik.")
    migration = importlib.import_module("kabar.search.migrations.0004_ranking_indexes")
    (indexed,) = migration.SQLITE_FORWARD
    assert HEAD_SQL in indexed and LEAD_SQL in indexed
    with CaptureQueriesContext(connection) as captured:
        find(["banjir"], Filters(), 0, 10)
    hits_sql = next(q["sql"] for q in captured.captured_queries if "WITH recent" in q["sql"])
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + hits_sql)
        plan = " ".join(row[-1] for row in cursor.fetchall())
    assert "USING INDEX search_entry_head" in plan


@pytest.mark.postgres
@pytest.mark.parametrize("plan", ["walk", "gin"])
def test_both_postgres_plans_find_the_newest_matches_within_the_filters(
    client, home, section, publish, settings, monkeypatch, plan
):
    """Common words are found by walking the newest entries, others from the GIN index:
    the same articles either way, whichever filters apply."""
    from kabar.search import query

    monkeypatch.setattr(query, "COMMON", 0.0 if plan == "walk" else 2.0)
    settings.KABAR_SEARCH_CANDIDATES = 2
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    now = timezone.now()
    publish("Harga beras lama", under=other, published=now - timedelta(days=400))
    publish("Beras impor tiba", under=other, published=now - timedelta(days=30))
    for n in range(3):
        publish(f"Beras {n}", under=section, published=now - timedelta(days=n))
    publish("Cuaca cerah", under=other, published=now)
    with CaptureQueriesContext(connection) as captured:
        everywhere = found(client, "beras")
    shape = "OFFSET 0" if plan == "walk" else "position + 0"
    assert any(shape in q["sql"] for q in captured.captured_queries)
    assert sorted(titles(everywhere)) == ["Beras 0", "Beras 1"]
    assert everywhere.context["capped"]
    in_other = found(client, "beras", section=other.pk)
    assert titles(in_other) == ["Beras impor tiba", "Harga beras lama"]
    assert not in_other.context["capped"]
    until = (now - timedelta(days=200)).date().isoformat()
    assert titles(found(client, "beras", date_until=until)) == ["Harga beras lama"]


@pytest.mark.postgres
def test_postgres_keeps_search_rows_narrow(db):
    """Long values live out of line (migration 0004): the rows the GIN index points at are
    read in few pages."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT reloptions FROM pg_class WHERE relname = 'search_searchentry'")
        (options,) = cursor.fetchone()
    assert "toast_tuple_target=128" in options
