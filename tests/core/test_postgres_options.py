"""PostgreSQL as Kabar connects to it (settings.base.POSTGRES_OPTIONS): parameters bound by
the server, and a query psycopg has run five times on a connection prepared there, so the
server stops parsing and planning it anew. Run against the real server on 127.0.0.1:5432
(started by scripts/services-up) whichever database the suite itself uses."""

import os
import select

import dj_database_url
import psycopg
import pytest
from django.db import connections
from django.db.backends.postgresql.base import DatabaseWrapper

from kabar.core.postgresql.base import DatabaseWrapper as HealthCheckedWrapper
from kabar.settings.base import POSTGRES_OPTIONS, with_engine_options

PG_URL = os.environ.get("KABAR_TEST_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
QUERY = "SELECT %s::integer + 1"


def _postgres_or_fail():
    try:
        psycopg.connect(PG_URL, connect_timeout=2).close()
    except psycopg.Error as exc:
        pytest.fail(f"PostgreSQL at {PG_URL} does not answer ({exc}); run scripts/services-up")


def _connection(options, wrapper=DatabaseWrapper):
    """A Django connection of its own (not the suite's) with `options`, of `wrapper`'s
    backend (Django's unless told)."""
    alias = "kabar_postgres_options"
    databases = {"default": {}, alias: {**dj_database_url.parse(PG_URL), "OPTIONS": options}}
    return wrapper(connections.configure_settings(databases)[alias], alias)


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


# The health check (kabar/core/postgresql/base.py) -----------------------------------------


def _last_query_of(pid):
    with psycopg.connect(PG_URL, autocommit=True) as other:
        row = other.execute("SELECT query FROM pg_stat_activity WHERE pid = %s", [pid]).fetchone()
    return row[0]


@pytest.fixture
def health_checked(django_db_blocker):
    _postgres_or_fail()
    with django_db_blocker.unblock():
        db = _connection({}, HealthCheckedWrapper)
        db.ensure_connection()
        try:
            yield db
        finally:
            db.close()


def test_the_suite_and_production_use_the_health_check_of_our_backend():
    assert connections["default"].vendor != "postgresql" or isinstance(
        connections["default"], HealthCheckedWrapper
    )
    assert with_engine_options(dj_database_url.parse(PG_URL))["ENGINE"] == "kabar.core.postgresql"


def test_an_idle_connection_is_usable_without_asking_the_server(health_checked):
    db = health_checked
    with db.cursor() as cursor:
        cursor.execute("SELECT 42")
    assert db.is_usable()
    # Django's own check would have sent SELECT 1: the session's last query is still ours.
    assert _last_query_of(db.connection.info.backend_pid) == "SELECT 42"
    with db.cursor() as cursor:
        cursor.execute("SELECT 43")
        assert cursor.fetchone() == (43,)


def test_a_connection_the_server_ended_is_not_usable_and_the_next_request_reconnects(
    health_checked,
):
    db = health_checked
    pid = db.connection.info.backend_pid
    with psycopg.connect(PG_URL, autocommit=True) as other:
        assert other.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone() == (True,)
    # The server's farewell reaches the socket a moment later.
    poller = select.poll()
    poller.register(db.connection.pgconn.socket, select.POLLIN)
    assert poller.poll(5000)
    assert not db.is_usable()
    # As a request would: the failed check closes the connection, the next query reconnects.
    db.health_check_enabled, db.health_check_done = True, False
    db.close_if_health_check_failed()
    assert db.connection is None
    with db.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        assert cursor.fetchone()[0] != pid


def test_a_connection_inside_a_transaction_is_checked_by_asking_the_server(health_checked):
    db = health_checked
    db.set_autocommit(False)
    with db.cursor() as cursor:
        cursor.execute("SELECT 44")
    assert db.is_usable()
    assert _last_query_of(db.connection.info.backend_pid) == "SELECT 1"
    db.rollback()
