"""Wagtail's database search backend (WAGTAILSEARCH_BACKENDS: the admin's searches), with
the words of a query quoted for SQLite's FTS5 as FTS5 reads a quoted string.

modelsearch's SQLite backend puts each word between double quotes without doubling a quote
inside it, as FTS5 requires: a `"` typed in any admin search (a title in quotes, an exact
phrase with an unclosed quote) made FTS5 refuse the whole query ("unterminated string"),
and the database guard took the error for an outage (503, "database unavailable"). On
PostgreSQL and MySQL the backend is Wagtail's, the query cleaned as below.

On every database a query's control characters are spaces before it is searched: NUL ended
FTS5's string early (the same refusal) and PostgreSQL refuses it in any string; a query of
nothing but such characters and spaces (\x1f splits as a space) is an empty one, which
finds nothing, as modelsearch answers an empty query (its SQLite compiler crashed on it).
The admin's own search forms refuse NUL; the admin API's `search` passed it on.

modelsearch reads a searched queryset's filters column by column, and crashed on a filter
on a computed value (the admin's image and document listings' "usage count" range with a
search typed: AttributeError, a 500): such filters become one `pk IN (…)` of the rows they
keep, as Wagtail's own tag filter does while searching (RelatedFilterMixin)."""

import copy
import functools

from django.db import connection
from django.db.models import Lookup, QuerySet
from django.db.models.expressions import Col
from django.db.models.functions import Extract
from django.db.models.sql.where import WhereNode
from modelsearch.backends.database import SearchBackend as database_backend
from modelsearch.query import Phrase, PlainText

from kabar.core.xmlsafe import CONTROL_RE


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


def cleaned_query(query):
    """`query` (a typed string; a query object is left alone) with its control characters
    made spaces, and "" when nothing else is left."""
    if not isinstance(query, str):
        return query
    query = CONTROL_RE.sub(" ", query)
    return query if query.strip() else ""


def _filters_a_computed_value(node):
    """Whether the filter `node` (a queryset's where) tests anything but a column."""
    if isinstance(node, Lookup):
        tested = node.lhs.lhs if isinstance(node.lhs, Extract) else node.lhs
        return not isinstance(tested, Col)
    return any(_filters_a_computed_value(child) for child in getattr(node, "children", ()))


def searchable(queryset):
    """`queryset`, its filters one `pk IN (…)` of the rows they keep when one of them tests
    a computed value and none reaches another table (which would stay joined without them);
    else `queryset` as it is."""
    query = queryset.query
    if len(query.alias_map) > 1 or not _filters_a_computed_value(query.where):
        return queryset
    kept = queryset.all()
    kept.query.where = WhereNode()
    return kept.filter(pk__in=queryset.order_by().values("pk"))


class _CleanQuery:
    def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
        if isinstance(model_or_queryset, QuerySet):
            model_or_queryset = searchable(model_or_queryset)
        return super()._search(
            query_compiler_class, cleaned_query(query), model_or_queryset, **kwargs
        )


@functools.cache
def _cleaning(backend_class):
    return type(backend_class.__name__, (_CleanQuery, backend_class), {})


def SearchBackend(params):  # noqa: N802 - the name Wagtail looks up in a backend's module
    backend_class = type(database_backend(params))
    if connection.vendor == "sqlite":
        theirs, ours = _sqlite_backends()
        if backend_class is theirs:  # FTS5 (not the fallback for a SQLite without it)
            backend_class = ours
    return _cleaning(backend_class)(params)


def filter_images_by_tag_name():
    """Let a search of Wagtail's images be narrowed to a tag's name, as its image chooser
    does when an editor picks a tag and types a search (`?q=…&tag=…`): Wagtail's image model
    indexes the tags' names for searching but not for filtering, and modelsearch refused the
    query (FilterFieldError, a 500). A filter needs no index entry of the database backend,
    so nothing is re-indexed."""
    from wagtail.images import get_image_model  # noqa: PLC0415 - models are ready only now
    from wagtail.search import index  # noqa: PLC0415 - the same

    image_model = get_image_model()
    fields = []
    for field in image_model.search_fields:
        if isinstance(field, index.RelatedFields) and field.field_name == "tags":
            names = [f for f in field.fields if isinstance(f, index.FilterField)]
            if not any(f.field_name == "name" for f in names):
                field = index.RelatedFields("tags", [*field.fields, index.FilterField("name")])
        fields.append(field)
    image_model.search_fields = fields
