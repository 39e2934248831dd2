"""PostgreSQL as Kabar connects to it (settings.base.POSTGRES_OPTIONS): parameters bound by
the server, and a query psycopg has run five times on a connection prepared there, so the
server stops parsing and planning it anew. Run against the real server on 127.0.0.1:5432
(started by scripts/services-up) whichever database the suite itself uses."""

import os

import dj_database_url
import psycopg
import pytest
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper

from kabar.settings.base import POSTGRES_OPTIONS

PG_URL = os.environ.get("KABAR_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
QUERY = "SELECT %s::integer + 1"


def _postgres_or_fail():
    try:
        psycopg.connect(PG_URL, connect_timeout=2).close()
    except psycopg.Error as exc:
        pytest.fail(f"PostgreSQL at {PG_URL} does not answer ({exc}); run scripts/services-up")


def _connection(options):
    """A Django connection of its own (not the suite's) with `options`."""
    alias = "kabar_postgres_options"
    databases = {"default": {}, alias: {**dj_database_url.parse(PG_URL), "OPTIONS": options}}
    return DatabaseWrapper(connections.configure_settings(databases)[alias], alias)


@pytest.fixture
def run_then_list_prepared(django_db_blocker):
    """Run QUERY `runs` times through Django's cursor on a connection with `options`, then
    list what the session prepared, and what the query answered."""
    _postgres_or_fail()

    def run(options, runs):
        with django_db_blocker.unblock():
            return _run_then_list_prepared(options, runs)

    return run


def _run_then_list_prepared(options, runs):
    db = _connection(options)
    try:
        with db.cursor() as cursor:
            answers = []
            for number in range(runs):
                cursor.execute(QUERY, [number])
                answers.append(cursor.fetchone()[0])
            cursor.execute("SELECT statement FROM pg_prepared_statements")
            return [row[0] for row in cursor.fetchall()], answers
    finally:
        db.close()


def test_a_query_run_often_is_prepared_on_the_server(run_then_list_prepared):
    prepared, answers = run_then_list_prepared(POSTGRES_OPTIONS, 6)
    assert answers == [1, 2, 3, 4, 5, 6]
    assert prepared == ["SELECT $1::integer + 1"]


def test_a_query_run_less_often_is_not_prepared(run_then_list_prepared):
    prepared, _answers = run_then_list_prepared(POSTGRES_OPTIONS, 4)
    assert prepared == []


def test_behind_a_pooler_that_cannot_keep_them_nothing_is_prepared(run_then_list_prepared):
    prepared, answers = run_then_list_prepared({**POSTGRES_OPTIONS, "prepare_threshold": None}, 8)
    assert answers == list(range(1, 9))
    assert prepared == []
