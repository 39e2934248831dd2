"""Model instances from a row of plain SQL, with each value converted as Django's own
queries convert it (SQLite's dates and booleans, say): for a statement run on every
request, where a RawQuerySet spends longer setting itself up than the database spends
answering (a commenter's read on each comment post: 56 µs through raw(), 20 µs so). And
the SQL of a queryset's update, to be run inside another statement."""

import weakref
from collections.abc import Callable
from dataclasses import dataclass

from django.db import connections
from django.db.models.sql import UpdateQuery

# Per connection (each thread has its own): its converters are bound to it.
_readers = weakref.WeakKeyDictionary()


class RowReader:
    """Reads rows whose first columns are `select` (the model's concrete fields, in order)
    into instances of `model` for one database connection."""

    def __init__(self, model, connection):
        meta = model._meta
        quote = connection.ops.quote_name
        fields = meta.concrete_fields
        self.model, self.connection = model, connection
        self.names = [field.attname for field in fields]
        self.select = ", ".join(f"{quote(meta.db_table)}.{quote(f.column)}" for f in fields)
        self.converters = []
        for index, field in enumerate(fields):
            column = field.get_col(meta.db_table)
            found = connection.ops.get_db_converters(column) + field.get_db_converters(connection)
            if found:
                self.converters.append((index, column, found))

    def __call__(self, row):
        """The instance for `row`'s first len(select) values."""
        values = list(row[: len(self.names)])
        for index, column, converters in self.converters:
            for convert in converters:
                values[index] = convert(values[index], column, self.connection)
        return self.model.from_db(self.connection.alias, self.names, values)


def reader(model, using="default"):
    """The RowReader of `model` for this thread's connection to `using`, made once."""
    connection = connections[using]
    kept = _readers.setdefault(connection, {})
    found = kept.get(model)
    if found is None:
        found = kept[model] = RowReader(model, connection)
    return found


def update_sql(queryset, values):
    """(sql, params) of `queryset.update(**values)`, for a statement that runs it with
    another (a data-modifying WITH query), compiled as QuerySet.update compiles it."""
    query = queryset.query.chain(UpdateQuery)
    query.add_update_values(values)
    return query.get_compiler(queryset.db).as_sql()


@dataclass(frozen=True)
class Alongside:
    """A value read as one more column of another statement's row, to spare it a
    statement of its own: `sql` (a scalar subquery) with its `params`, and `receive`,
    called with the value read."""

    sql: str
    params: list
    receive: Callable
