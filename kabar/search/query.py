"""Finding articles: a page of ranked ids from the engine's full-text index, then their
snippets. Only live public articles are found, whatever the index holds."""

import math
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.db.models.expressions import RawSQL
from django.utils import timezone

from kabar.core.restrictions import without_restricted
from kabar.news.models import ArticlePage

from . import text
from .models import HEAD_SQL, LEAD_SQL, POSITION_SHIFT, SearchEntry, position_bound

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
    """An FTS5 query for `words`: each a quoted string (letters, digits and marks, no quote),
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


def _hits(recent, recent_params, ranked, ranked_params, offset, limit, exact=("", ())):
    """The page of ids from `recent` (the newest matches, one more than the limit when more
    matched) and `ranked` (those scored: page_id, position, score; lower is better). Only
    the best offset + limit rows (and a few more) are checked against the live public
    articles, and against `exact` (SQL over ranked.position, and its parameters) when
    given: those checks read the pages and the entries, which is dear for a thousand rows."""
    public, public_params = _is_public("ranked.page_id")
    exact_sql, exact_params = exact
    # Constants and Django's compiled SQL: every value is a parameter.
    sql = (
        f"WITH recent AS MATERIALIZED ({recent}),"  # noqa: S608
        f" ranked AS MATERIALIZED ({ranked} {_within_limit()}"
        " ORDER BY score, position DESC LIMIT %s)"
        " SELECT ranked.page_id, (SELECT count(*) FROM recent) FROM ranked"
        f" WHERE {public}{f' AND {exact_sql}' if exact_sql else ''}"
        " ORDER BY ranked.score, ranked.position DESC LIMIT %s OFFSET %s"
    )
    params = [*recent_params, *ranked_params, offset + limit + 1 + STALE_SLACK]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *public_params, *exact_params, limit + 1, offset])
        rows = cursor.fetchall()
    capped = bool(rows) and rows[0][1] > candidate_limit()
    return Hits([row[0] for row in rows[:limit]], len(rows) > limit, capped)


def _sqlite_score(words):
    """SQL and parameters: how well an entry holds the words, from its headline and opening
    as the index search_entry_head holds them (HEAD_SQL, LEAD_SQL); from 0 up, each word
    counting less than 1: f / (f + 1), f its count in the opening plus TITLE_WEIGHT times
    its count in the headline, its stem that of the entry's language."""
    terms, params = [], []
    for word in words:
        stem = "(CASE WHEN language = 'en' THEN %s ELSE %s END)"
        stems = [f" {text.stem(word, language)} " for language in ("en", "id")]
        head, lead = (
            f"(length({column}) - length(replace({column}, {stem}, ''))) / length({stem})"
            for column in (HEAD_SQL, LEAD_SQL)
        )
        terms.append(f"(1.0 - 1.0 / ({TITLE_WEIGHT} * {head} + {lead} + 1.0))")
        params += stems * 4
    return " + ".join(terms), params


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
    # newest first and stops after the limit.
    recent = (
        "SELECT rowid AS position FROM search_fts"  # noqa: S608
        f" WHERE {' AND '.join(where)} ORDER BY rowid DESC LIMIT {candidate_limit() + 1}"
    )
    # Scored from the index search_entry_head alone (the rows, long text in overflow pages,
    # are never read), not with bm25: bm25 first reads every row of the FTS5 index holding
    # each word (how rare it is), which for a common word costs more than all the rest.
    # The recency factor reads the publication second from the position.
    score, score_params = _sqlite_score(words)
    ranked = (
        f"SELECT page_id, recent.position AS position, -({score}) * (1.0 + 1.0 / (1.0 +"  # noqa: S608
        f" max(0.0, %s - (recent.position >> {POSITION_SHIFT})) / 86400.0 / {RECENCY_DAYS}))"
        " AS score FROM recent JOIN search_searchentry INDEXED BY search_entry_head"
        " ON search_searchentry.position = recent.position WHERE"
    )
    return _hits(recent, params, ranked, [*score_params, now], offset, limit)


def _snippets(words, ids):
    """{page id: snippet HTML} of the entries of `ids`, each around the words' stems in its
    own language (text.snippet), the same on both engines."""
    if not ids:
        return {}
    entries = SearchEntry.objects.filter(page_id__in=ids).values_list(
        "page_id", "language", "body_text", "stemmed_body"
    )
    return {
        page_id: text.snippet(
            body, stemmed, {text.stem(word, language) for word in words}, SNIPPET_WORDS
        )
        for page_id, language, body, stemmed in entries
    }


# The words stemmed either way ("menyerbu": serbu | menyerbu), which the GIN index answers;
# then the language each article was stemmed in, checked on the rows shown only.
_PG_EITHER = "(plainto_tsquery('indonesian', %s) || plainto_tsquery('english', %s))"
_PG_QUERY = (
    "(CASE WHEN {table}.language = 'en' THEN plainto_tsquery('english', %s)"
    " ELSE plainto_tsquery('indonesian', %s) END)"
)
# How common the words are among the newest PROBE entries (within the filters) decides how
# their newest matches are found. When at least COMMON of them match, by walking position's
# index newest first and reading each row's tsvector: a few thousand rows at most. Else from
# the GIN index, which answers `@@` without reading a tsvector, then sorted by position: as
# many rows as match (reading a tsvector is dearer than sorting), so the walk is for words
# in most articles, where it stops soonest.
PROBE = 200
COMMON = 0.4


def _pg_filters(filters, indexed):
    """SQL conditions (each with a leading AND) and parameters for the filters; written
    `column + 0` when not `indexed`, so that the planner reads no b-tree for them."""
    low, high = _position_range(filters)
    plus = "" if indexed else " + 0"
    sql, params = "", []
    for condition, value in (
        (f"section_id{plus} = %s", filters.section_id),
        (f"position{plus} >= %s", low),
        (f"position{plus} < %s", high),
    ):
        if value is not None:
            sql += f" AND {condition}"
            params.append(value)
    return sql, params


def _pg_plan(cursor, phrase, filters):
    """Whether the words are common: in at least COMMON of the newest PROBE entries within
    the filters (their index walked newest first). The plan for the words is set with it
    for the rest of the transaction, in the same statement: the walk when they are common
    (no bitmap scans), the GIN index when not; never a table scan (it reads every
    tsvector), nor workers (they cost more than they save on such a query). The planner
    cannot choose well itself: it counts nothing for reading a tsvector, and guesses how
    common a word is from statistics, which it has none of until ANALYZE."""
    filtered, params = _pg_filters(filters, indexed=True)
    cursor.execute(
        "SELECT common, set_config('enable_bitmapscan', CASE WHEN common THEN 'off'"  # noqa: S608
        " ELSE 'on' END, true), set_config('enable_seqscan', 'off', true),"
        " set_config('max_parallel_workers_per_gather', '0', true)"
        " FROM (SELECT count(*) >= %s AS common FROM (SELECT document"
        f" FROM search_searchentry WHERE true{filtered} ORDER BY position DESC"
        f" LIMIT {PROBE}) AS newest WHERE document @@ {_PG_EITHER}) AS probe",
        [COMMON * PROBE, *params, phrase, phrase],
    )
    return cursor.fetchone()[0]


@contextmanager
def _planning():
    """A transaction for the plan's settings (set_config(..., true) lasts until it ends);
    within a caller's transaction, a savepoint rolled back after, which undoes them."""
    if not connection.in_atomic_block:
        with transaction.atomic():
            yield
        return
    savepoint = transaction.savepoint()
    try:
        yield
    finally:
        transaction.savepoint_rollback(savepoint)


def _postgres_hits(words, filters, offset, limit):
    phrase = " ".join(words)
    with _planning(), connection.cursor() as cursor:
        common = _pg_plan(cursor, phrase, filters)
        filtered, values = _pg_filters(filters, indexed=common)
        columns = "page_id, position, published_at, language, document"
        if common:
            # The entries within the filters newest first, from (section_id, position) or
            # position's index (OFFSET 0 keeps the planner from gathering the matches and
            # sorting them), those matching kept until the limit.
            recent = (
                f"SELECT {columns} FROM (SELECT {columns} FROM search_searchentry"  # noqa: S608
                f" WHERE true{filtered} ORDER BY position DESC OFFSET 0) AS newest"
                f" WHERE document @@ {_PG_EITHER}"
                f" ORDER BY position DESC LIMIT {candidate_limit() + 1}"
            )
            recent_params = [*values, phrase, phrase]
        else:
            recent = (
                f"SELECT {columns} FROM search_searchentry"  # noqa: S608
                f" WHERE document @@ {_PG_EITHER}{filtered}"
                f" ORDER BY position + 0 DESC LIMIT {candidate_limit() + 1}"
            )
            recent_params = [phrase, phrase, *values]
        # ts_rank on the newest matches only; negated, lower is better as on SQLite. An
        # entry matched only by the other language's stems ranks 0 and is left out by
        # `exact` should it reach the page.
        ranked = (
            f"SELECT page_id, position, -ts_rank(document, {_PG_QUERY.format(table='recent')})"  # noqa: S608
            " * (1.0 + 1.0 / (1.0 + greatest(0.0, extract(epoch FROM (%s - published_at))"
            f" / 86400.0) / {RECENCY_DAYS})) AS score FROM recent WHERE"
        )
        exact = (
            "EXISTS (SELECT 1 FROM search_searchentry AS entry"  # noqa: S608
            " WHERE entry.position = ranked.position"
            f" AND entry.document @@ {_PG_QUERY.format(table='entry')})"
        )
        return _hits(
            recent,
            recent_params,
            ranked,
            [phrase, phrase, timezone.now()],
            offset,
            limit,
            exact=(exact, [phrase, phrase]),
        )


def find(words, filters, offset, limit):
    """(Hits, {page id: snippet HTML}) for the reader's words (SQLite or PostgreSQL, the
    two databases Kabar runs on)."""
    if connection.vendor == "sqlite":
        hits = _sqlite_hits(words, filters, offset, limit)
    else:
        hits = _postgres_hits(words, filters, offset, limit)
    return hits, _snippets(words, hits.ids)
