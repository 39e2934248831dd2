"""Finding articles: a page of ranked ids from the engine's full-text index, then their
snippets. Only live public articles are found, whatever the index holds."""

import html
import json
from dataclasses import dataclass, field

from django.db import connection
from django.utils import timezone

from kabar.core.restrictions import without_restricted
from kabar.news.models import ArticlePage

from . import text

# Title words weigh more than body words; an article of today counts up to twice as much as
# the same match long ago, halfway there after RECENCY_DAYS.
TITLE_WEIGHT = 5.0
RECENCY_DAYS = 14.0
SNIPPET_WORDS = 30


@dataclass
class Filters:
    section_id: int | None = None
    date_from: object = None  # aware datetimes: from (inclusive), until (exclusive)
    date_until: object = None


@dataclass
class Hits:
    ids: list = field(default_factory=list)
    has_next: bool = False


def _candidates(filters):
    articles = ArticlePage.objects.live().filter(published_at__isnull=False, alias_of=None)
    articles = without_restricted(articles)
    if filters.section_id is not None:
        articles = articles.filter(section_id=filters.section_id)
    if filters.date_from is not None:
        articles = articles.filter(published_at__gte=filters.date_from)
    if filters.date_until is not None:
        articles = articles.filter(published_at__lt=filters.date_until)
    return articles.order_by()


def fts5_match(words):
    """An FTS5 query for `words`: each a quoted string (they hold only letters and digits),
    all of them required, stemmed in the language of the article they are matched against."""

    def terms(language):
        return " AND ".join(f'"{text.stem(word, language)}"' for word in words)

    columns = "{stemmed_title stemmed_body}"
    return (
        f'(({columns} : ({terms("id")})) NOT (language : "en"))'
        f' OR ((language : "en") AND ({columns} : ({terms("en")})))'
    )


def _page(queryset, offset, limit):
    rows = list(queryset[offset : offset + limit + 1])
    return Hits([row[0] for row in rows[:limit]], len(rows) > limit)


def _sqlite_hits(words, filters, offset, limit):
    now = timezone.now().strftime("%Y-%m-%d %H:%M:%S")
    article = ArticlePage._meta.db_table
    score = (
        f"bm25(search_fts, {TITLE_WEIGHT}, 1.0, 0.0) * (1.0 + 1.0 / (1.0 + "
        f"max(0.0, julianday(%s) - julianday({article}.published_at)) / {RECENCY_DAYS}))"
    )
    hits = _candidates(filters).extra(  # noqa: S610 - every value is a parameter
        select={"search_score": score},
        select_params=[now],
        tables=["search_fts"],
        where=[f"search_fts.rowid = {article}.page_ptr_id", "search_fts MATCH %s"],
        params=[fts5_match(words)],
        order_by=["search_score", "-published_at", "-page_ptr_id"],
    )
    return _page(hits.values_list("pk", "search_score"), offset, limit)


def _sqlite_snippets(words, ids):
    if not ids:
        return {}
    marks = [text.MARK_START, text.MARK_END, text.ELLIPSIS, SNIPPET_WORDS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.page_id, snippet(search_fts, 1, %s, %s, %s, %s), e.body_text,"
            " e.stemmed_body FROM search_fts JOIN search_searchentry e"
            " ON e.page_id = search_fts.rowid WHERE search_fts MATCH %s"
            " AND search_fts.rowid IN (SELECT value FROM json_each(%s))",
            [*marks, fts5_match(words), json.dumps(list(ids))],
        )
        return {
            page_id: text.snippet_from_stems(marked or "", body, stemmed)
            for page_id, marked, body, stemmed in cursor.fetchall()
        }


_PG_QUERY = (
    "(CASE WHEN search_searchentry.language = 'en' THEN plainto_tsquery('english', %s)"
    " ELSE plainto_tsquery('indonesian', %s) END)"
)


def _postgres_hits(words, filters, offset, limit):
    phrase = " ".join(words)
    article = ArticlePage._meta.db_table
    score = (
        f"ts_rank(search_searchentry.document, {_PG_QUERY}) * (1.0 + 1.0 / (1.0 + "
        f"greatest(0.0, extract(epoch from (%s - {article}.published_at)) / 86400.0)"
        f" / {RECENCY_DAYS}))"
    )
    # Two conditions, one per configuration, so that each can use the GIN index.
    match = (
        "((search_searchentry.language = 'en'"
        " AND search_searchentry.document @@ plainto_tsquery('english', %s))"
        " OR (search_searchentry.language <> 'en'"
        " AND search_searchentry.document @@ plainto_tsquery('indonesian', %s)))"
    )
    hits = _candidates(filters).extra(  # noqa: S610 - every value is a parameter
        select={"search_score": score},
        select_params=[phrase, phrase, timezone.now()],
        tables=["search_searchentry"],
        where=[f"search_searchentry.page_id = {article}.page_ptr_id", match],
        params=[phrase, phrase],
        order_by=["-search_score", "-published_at", "-page_ptr_id"],
    )
    return _page(hits.values_list("pk", "search_score"), offset, limit)


# ts_headline's parser takes "<script>" in the text for a tag and leaves it out: given the
# text escaped, it keeps it; unescaped again after, and escaped with the marks (highlighted).
_PG_ESCAPED_BODY = "replace(replace(replace(body_text, '&', '&amp;'), '<', '&lt;'), '>', '&gt;')"


def _postgres_snippets(words, ids):
    if not ids:
        return {}
    phrase = " ".join(words)
    options = (
        f"StartSel={text.MARK_START}, StopSel={text.MARK_END}, MaxWords={SNIPPET_WORDS},"
        f" MinWords=12, MaxFragments=2, FragmentDelimiter={text.ELLIPSIS}"
    )
    config = "(CASE WHEN language = 'en' THEN 'english' ELSE 'indonesian' END)::regconfig"
    with connection.cursor() as cursor:
        # Fixed SQL: every value is a parameter.
        sql = (
            f"SELECT page_id, ts_headline({config}, {_PG_ESCAPED_BODY}, {_PG_QUERY}, %s)"  # noqa: S608
            " FROM search_searchentry WHERE page_id = ANY(%s)"
        )
        cursor.execute(sql, [phrase, phrase, options, list(ids)])
        return {
            page_id: text.highlighted(html.unescape(headline))
            for page_id, headline in cursor.fetchall()
        }


def find(words, filters, offset, limit):
    """(Hits, {page id: snippet HTML}) for the reader's words (SQLite or PostgreSQL, the
    two databases Kabar runs on)."""
    vendor = connection.vendor
    if vendor == "sqlite":
        hits = _sqlite_hits(words, filters, offset, limit)
        return hits, _sqlite_snippets(words, hits.ids)
    hits = _postgres_hits(words, filters, offset, limit)
    return hits, _postgres_snippets(words, hits.ids)
