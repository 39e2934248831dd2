"""How the database reads the comment table for a query: the rows a plan PostgreSQL executes
reads, or SQLite's plan's steps, for tests that bound what a query walks as the table grows."""

import re

from django.db import connection


def comment_rows_read(sql, params):
    """Where the database finds a query's comments: on SQLite the plan's searches of the
    comment table (by index or key; a SCAN reads it all); on PostgreSQL the comment rows
    the executed plan read (each index hit, and each row filtered out after it)."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return sqlite_steps(cursor, sql, params)
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        return rows_read(cursor.fetchone()[0])


def sqlite_steps(cursor, sql, params):
    """SQLite's query plan's steps that touch the comment table (by index or key; a SCAN
    reads it all)."""
    cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
    return [row[-1] for row in cursor.fetchall() if "discussion_comment" in row[-1]]


def rows_read(plan):
    """The comment rows a plan PostgreSQL executed (EXPLAIN ANALYZE, FORMAT JSON) read."""
    read = 0
    nodes = [plan[0]["Plan"]]
    while nodes:
        node = nodes.pop()
        nodes += node.get("Plans", [])
        if node.get("Relation Name") == "discussion_comment" or "discussion" in node.get(
            "Index Name", ""
        ):
            read += node["Actual Rows"] * node["Actual Loops"]
            read += node.get("Rows Removed by Filter", 0) + node.get(
                "Rows Removed by Index Recheck", 0
            )
    return read


def generic_plan_reads(sql, params):
    """A query's reading of the comment table as the server runs it for a prepared
    statement: on PostgreSQL the comment rows read by the generic plan (made once
    for any parameters, as for the statements psycopg prepares), executed; on SQLite the
    steps of its query plan."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            return sqlite_steps(cursor, sql, params)
        numbered = iter(range(1, len(params) + 1))
        types = [{int: "bigint", str: "text"}.get(type(value), "timestamptz") for value in params]
        cursor.execute("SET plan_cache_mode = force_generic_plan")
        try:
            cursor.execute(
                f"PREPARE kabar_count ({', '.join(types)}) AS "
                + re.sub("%s", lambda _m: f"${next(numbered)}", sql)
            )
            args = ", ".join(f"%s::{name}" for name in types)
            # The values written into the statement: EXECUTE's arguments cannot be bound.
            cursor.execute(
                connection.ops.compose_sql(
                    f"EXPLAIN (ANALYZE, FORMAT JSON) EXECUTE kabar_count({args})", params
                )
            )
            return rows_read(cursor.fetchone()[0])
        finally:
            cursor.execute("DEALLOCATE ALL")
            cursor.execute("RESET plan_cache_mode")
