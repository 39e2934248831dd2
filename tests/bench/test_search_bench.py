"""bench/search.py at a small size: the generated site is a real one (tree, pages, search
entries, index), the product's query finds stemmed forms in it, and the measurement holds
what the table reports."""

import pytest
from django.db import connection
from wagtail.models import Page

from bench import search
from kabar.news.models import ArticlePage
from kabar.search import text
from kabar.search.models import SearchEntry
from kabar.search.query import Filters, find

ARTICLES = 300
QUERIES = 40


@pytest.fixture
def measured(db):
    return search.run_engine(ARTICLES, QUERIES, baseline_every=4, plans=1)


def test_the_generator_is_repeatable_and_mixes_languages():
    first = list(search.article_specs(200))
    assert first == list(search.article_specs(200))
    assert 5 <= sum(spec["language"] == "en" for spec in first) <= 40
    lengths = [sum(len(p.split()) for p in spec["paragraphs"]) for spec in first]
    assert min(lengths) >= 150 and max(lengths) <= 400
    years = {spec["published"].year for spec in first}
    assert len(years) >= 5
    assert search.query_list(QUERIES) == search.query_list(QUERIES)
    assert len(search.query_list(QUERIES)) == QUERIES


def test_the_bulk_rows_make_a_valid_live_page_tree(measured):
    assert ArticlePage.objects.live().count() == ARTICLES
    assert SearchEntry.objects.count() == ARTICLES
    # treebeard's own check of paths, depths and child counts.
    assert all(problems == [] for problems in Page.find_problems())


def test_menyerbu_finds_the_articles_holding_any_form_of_serbu(measured):
    entries = SearchEntry.objects.exclude(language="en")
    expected = {
        entry.page_id
        for entry in entries
        if "serbu" in f"{entry.stemmed_title} {entry.stemmed_body}".split()
    }
    hits, snippets = find(["menyerbu"], Filters(), 0, ARTICLES)
    assert expected and set(hits.ids) == expected
    # Stemming did the work: some of them never hold the word the reader typed.
    bodies = SearchEntry.objects.filter(page_id__in=expected).values_list("body_text", flat=True)
    assert any("menyerbu" not in text.words(body) for body in bodies)
    assert all("<mark>" in snippets[page_id] for page_id in hits.ids[:10])


def test_the_reader_search_page_shows_generated_articles(measured, client):
    response = client.get("/cari/", {"q": "menyerbu"})
    assert response.status_code == 200
    assert len(response.context["results"]) == search.PAGE_SIZE


def test_the_measurement_holds_what_the_table_reports(measured):
    result = measured
    assert result["articles"] == ARTICLES and 0 < result["english"] < ARTICLES
    assert result["queries"] == len(result["rows"]) == QUERIES
    assert result["baseline_queries"] == QUERIES // 4
    assert all(row["search_ms"] > 0 for row in result["rows"])
    assert all(row["icontains_ms"] > 0 for row in result["rows"] if row["baseline"])
    assert result["search_p50"] <= result["search_p95"] <= result["search_max"]
    assert result["icontains_p50"] <= result["icontains_p95"]
    first = result["rows"][0]
    assert first["q"] == "menyerbu" and first["search_hits"] == search.PAGE_SIZE
    rebuild = "INSERT INTO search_fts" if connection.vendor == "sqlite" else "CREATE INDEX"
    assert any(name.startswith(rebuild) for name, _seconds in result["index_steps"])
    assert result["index_seconds"] > 0
    assert result["plans"] and result["plans"][0]["plan"]
    table = search.table([result])
    assert f"| {result['engine']} | {ARTICLES} |" in table
    assert "goal search p95 ≤ 50 ms" in table and "faster than icontains" in table


def test_percentile_is_nearest_rank():
    values = list(range(1, 101))
    assert search.percentile(values, 50) == 50
    assert search.percentile(values, 95) == 95
    assert search.percentile([7.0], 95) == 7.0
