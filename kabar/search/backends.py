"""Wagtail's database search backend (WAGTAILSEARCH_BACKENDS: the admin's searches), with
the words of a query quoted for SQLite's FTS5 as FTS5 reads a quoted string.

modelsearch's SQLite backend puts each word between double quotes without doubling a quote
inside it, as FTS5 requires: a `"` typed in any admin search (a title in quotes, an exact
phrase with an unclosed quote) made FTS5 refuse the whole query ("unterminated string"),
and the database guard took the error for an outage (503, "database unavailable"). On
PostgreSQL and MySQL the backend is Wagtail's, unchanged."""

import copy
import functools

from django.db import connection
from modelsearch.backends.database import SearchBackend as database_backend
from modelsearch.query import Phrase, PlainText


def fts5_quoted(text):
    """`text` as the inside of an FTS5 string: each double quote doubled."""
    return text.replace('"', '""')


class _Quoting:
    def build_search_query_content(self, query, config=None):
        if isinstance(query, PlainText | Phrase) and '"' in query.query_string:
            query = copy.copy(query)
            query.query_string = fts5_quoted(query.query_string)
        return super().build_search_query_content(query, config=config)


@functools.cache
def _sqlite_backends():
    """(modelsearch's SQLite backend, Kabar's). Imported when SQLite is the database: the
    module looks up SQLite's index model, which no other database has."""
    from modelsearch.backends.database.sqlite import sqlite  # noqa: PLC0415 - see above

    class SearchCompiler(_Quoting, sqlite.SQLiteSearchQueryCompiler):
        pass

    class AutocompleteCompiler(_Quoting, sqlite.SQLiteAutocompleteQueryCompiler):
        pass

    class SQLiteSearchBackend(sqlite.SQLiteSearchBackend):
        query_compiler_class = SearchCompiler
        autocomplete_query_compiler_class = AutocompleteCompiler

    return sqlite.SQLiteSearchBackend, SQLiteSearchBackend


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend's module
    backend = database_backend(params)
    if connection.vendor == "sqlite":
        theirs, ours = _sqlite_backends()
        if type(backend) is theirs:  # FTS5 (not the fallback for a SQLite without it)
            return ours(params)
    return backend
