"""Finding articles: a page of ranked ids from the engine's full-text index, then their
snippets. Only live public articles are found, whatever the index holds."""

import html
import json
import math
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kabar.core.restrictions import without_restricted
from kabar.news.models import ArticlePage

from . import text
from .models import POSITION_SHIFT, position_bound

# Title words weigh more than body words; an article of today counts up to twice as much as
# the same match long ago, halfway there after RECENCY_DAYS.
TITLE_WEIGHT = 5.0
RECENCY_DAYS = 14.0
SNIPPET_WORDS = 30
# Only the newest CANDIDATES matches (within the filters) are scored and ranked: a word in
# most articles then costs what a rare one does, and for a news site the newest matches are
# the ones a reader looks for. Older ones are reached with the date filter; the page says
# so when the limit was reached (Hits.capped). More than the view can page through (500).
# The setting KABAR_SEARCH_CANDIDATES overrides it.
CANDIDATES = 1000


def candidate_limit():
    return int(getattr(settings, "KABAR_SEARCH_CANDIDATES", CANDIDATES))


@dataclass
class Filters:
    section_id: int | None = None
    date_from: object = None  # aware datetimes: from (inclusive), until (exclusive)
    date_until: object = None


@dataclass
class Hits:
    ids: list = field(default_factory=list)
    has_next: bool = False
    # True when more articles matched than were ranked (the CANDIDATES newest).
    capped: bool = False


def _is_public(page_id_sql):
    """SQL and parameters: whether the article `page_id_sql` names is live, public and not
    an alias (an entry the index still holds for anything else is never shown). Correlated,
    so that only the rows asked about are looked up, never every public article."""
    outer = RawSQL(page_id_sql, [])  # noqa: S611 - a column name of ours, a constant
    articles = ArticlePage.objects.live().filter(alias_of=None, pk=outer)
    sql, params = without_restricted(articles).order_by().values("pk").query.sql_with_params()
    return f"EXISTS ({sql})", params


def _position_range(filters):
    low = position_bound(filters.date_from) if filters.date_from is not None else None
    high = position_bound(filters.date_until) if filters.date_until is not None else None
    return low, high


def fts5_match(words, section_id=None):
    """An FTS5 query for `words`: each a quoted string (they hold only letters and digits),
    all of them required, stemmed in the language of the article they are matched against;
    and the section, when given, as one more required term."""

    def terms(language):
        return " AND ".join(f'"{text.stem(word, language)}"' for word in words)

    columns = "{stemmed_title stemmed_body}"
    if terms("id") == terms("en"):
        # The same stems in both languages (most names and many words): one plain term
        # each, three to five times faster than the two-language expression below.
        match = f"{columns} : ({terms('id')})"
    else:
        match = (
            f'(({columns} : ({terms("id")})) NOT (language : "en"))'
            f' OR ((language : "en") AND ({columns} : ({terms("en")})))'
        )
    if section_id is not None:
        match = f'({match}) AND (section_id : "{int(section_id)}")'
    return match


def _within_limit():
    """SQL keeping the newest candidate_limit() of `recent`, which holds one more when more
    matched (so that Hits.capped is exact)."""
    # An integer from the settings, made an int.
    return (
        f"((SELECT count(*) FROM recent) <= {candidate_limit()}"  # noqa: S608
        " OR recent.position > (SELECT min(position) FROM recent))"
    )


# Entries of articles no longer public (the index not yet in step) are skipped while paging,
# up to this many within the results before the page asked for.
STALE_SLACK = 10


def _hits(recent, recent_params, ranked, ranked_params, offset, limit):
    """The page of ids from `recent` (the newest matches, one more than the limit when more
    matched) and `ranked` (those scored: page_id, position, score; lower is better). Only
    the best offset + limit rows (and a few more) are checked against the live public
    articles: that check joins the pages, which is dear for a thousand rows."""
    public, public_params = _is_public("ranked.page_id")
    # Constants and Django's compiled SQL: every value is a parameter.
    sql = (
        f"WITH recent AS MATERIALIZED ({recent}),"  # noqa: S608
        f" ranked AS MATERIALIZED ({ranked} {_within_limit()}"
        " ORDER BY score, position DESC LIMIT %s)"
        " SELECT ranked.page_id, (SELECT count(*) FROM recent) FROM ranked"
        f" WHERE {public}"
        " ORDER BY ranked.score, ranked.position DESC LIMIT %s OFFSET %s"
    )
    params = [*recent_params, *ranked_params, offset + limit + 1 + STALE_SLACK]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *public_params, limit + 1, offset])
        rows = cursor.fetchall()
    capped = bool(rows) and rows[0][1] > candidate_limit()
    return Hits([row[0] for row in rows[:limit]], len(rows) > limit, capped)


def _sqlite_hits(words, filters, offset, limit):
    now = math.floor(timezone.now().timestamp())
    low, high = _position_range(filters)
    where = ["search_fts MATCH %s"]
    params = [fts5_match(words, filters.section_id)]
    if low is not None:
        where.append("rowid >= %s")
        params.append(low)
    if high is not None:
        where.append("rowid < %s")
        params.append(high)
    # The FTS5 rowid is the entry's position (publication order): FTS5 hands the matches
    # newest first and stops after the limit, computing bm25 for those only; the recency
    # comes from the rowid too.
    recent = (
        f"SELECT rowid AS position, bm25(search_fts, {TITLE_WEIGHT}, 1.0, 0.0, 0.0)"  # noqa: S608
        f" * (1.0 + 1.0 / (1.0 + max(0.0, %s - (rowid >> {POSITION_SHIFT})) / 86400.0"
        f" / {RECENCY_DAYS})) AS score FROM search_fts WHERE {' AND '.join(where)}"
        f" ORDER BY rowid DESC LIMIT {candidate_limit() + 1}"
    )
    ranked = (
        "SELECT (SELECT e.page_id FROM search_searchentry e WHERE e.position = recent.position)"
        " AS page_id, position, score FROM recent WHERE"
    )
    return _hits(recent, [now, *params], ranked, [], offset, limit)


def _sqlite_snippets(words, ids):
    if not ids:
        return {}
    marks = [text.MARK_START, text.MARK_END, text.ELLIPSIS, SNIPPET_WORDS]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT e.page_id, snippet(search_fts, 1, %s, %s, %s, %s), e.body_text,"
            " e.stemmed_body FROM search_fts JOIN search_searchentry e"
            " ON e.position = search_fts.rowid WHERE search_fts MATCH %s"
            " AND search_fts.rowid IN (SELECT position FROM search_searchentry"
            " WHERE page_id IN (SELECT value FROM json_each(%s)))",
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
    low, high = _position_range(filters)
    conditions, values = [], []
    for condition, value in (
        ("section_id = %s", filters.section_id),
        ("position >= %s", low),
        ("position < %s", high),
    ):
        if value is not None:
            conditions.append(f" AND {condition}")
            values.append(value)
    filtered = "".join(conditions)
    # Any article holding the words stemmed either way (one `@@` the GIN index answers
    # exactly, or, for a common word, position's index walked newest first), the newest
    # first; the language each was stemmed in is checked on those only, in `ranked`. Split
    # by language instead, the planner misjudged the English half of an Indonesian word and
    # read every tsvector of the table.
    either = "(plainto_tsquery('indonesian', %s) || plainto_tsquery('english', %s))"
    recent = (
        "SELECT page_id, position, published_at, language, document"  # noqa: S608
        f" FROM search_searchentry WHERE document @@ {either}{filtered}"
        f" ORDER BY position DESC LIMIT {candidate_limit() + 1}"
    )
    query = (
        "(CASE WHEN recent.language = 'en' THEN plainto_tsquery('english', %s)"
        " ELSE plainto_tsquery('indonesian', %s) END)"
    )
    # ts_rank on the newest matches only; negated, lower is better as with bm25.
    ranked = (
        f"SELECT page_id, position, -ts_rank(document, {query}) * (1.0 + 1.0 / (1.0 +"  # noqa: S608
        " greatest(0.0, extract(epoch FROM (%s - published_at)) / 86400.0)"
        f" / {RECENCY_DAYS})) AS score FROM recent WHERE document @@ {query} AND"
    )
    return _hits(
        recent,
        [phrase, phrase, *values],
        ranked,
        [phrase, phrase, timezone.now(), phrase, phrase],
        offset,
        limit,
    )


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
