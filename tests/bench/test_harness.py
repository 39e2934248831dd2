"""bench/harness.py: a started server is measured only once each of its web workers
listens, since the kernel spreads new connections only over the sockets listening then."""

import os
import socket
import threading
import time
from types import SimpleNamespace

import psycopg

from bench import harness


def reuseport_listener(port=0):
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((harness.HOST, port))
    sock.listen()
    return sock


def test_each_listening_socket_on_the_port_is_counted_and_nothing_else(tmp_path):
    first = reuseport_listener()
    port = first.getsockname()[1]
    client = socket.create_connection((harness.HOST, port))
    try:
        assert harness.listening_sockets(port) == 1
        second = reuseport_listener(port)
        assert harness.listening_sockets(port) == 2
        second.close()
        assert harness.listening_sockets(port) == 1
    finally:
        client.close()
        first.close()
    assert harness.listening_sockets(port) == 0


def test_the_wait_ends_when_the_last_worker_listens_or_at_its_deadline(tmp_path):
    first = reuseport_listener()
    port = first.getsockname()[1]
    server = harness.Server(SimpleNamespace(data_dir=tmp_path), port=port, workers=2)
    late = []
    opener = threading.Timer(0.3, lambda: late.append(reuseport_listener(port)))
    try:
        started = time.monotonic()
        opener.start()
        server.wait_listening(started + 10)
        assert late and harness.listening_sockets(port) == 2
        assert time.monotonic() - started < 5

        # Workers that share one socket (gunicorn) never show two: taken as they are.
        late.pop().close()
        started = time.monotonic()
        server.wait_listening(started + 0.3)
        assert 0.3 <= time.monotonic() - started < 5
    finally:
        opener.cancel()
        for sock in [first, *late]:
            sock.close()


def test_a_postgresql_site_is_analyzed_once_loaded(tmp_path):
    """This machine's PostgreSQL runs without autovacuum: the bench gathers the planner's
    statistics of the site it loaded itself (Site.analyze)."""
    assert harness.pg_reachable(), "PostgreSQL at 127.0.0.1:5432 does not answer"
    name = f"kabar_bench_analyze_{os.getpid()}"
    url = harness.pg_create_database(name)
    try:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute("CREATE TABLE loaded (id integer)")
            conn.execute("INSERT INTO loaded SELECT generate_series(1, 500)")
        site = harness.Site(tag="t", data_dir=tmp_path, env={}, database_url=url)
        site.analyze()
        with psycopg.connect(url) as conn:
            tuples, analyzed = conn.execute(
                "SELECT reltuples, (SELECT last_analyze FROM pg_stat_user_tables"
                " WHERE relname = 'loaded') FROM pg_class WHERE relname = 'loaded'"
            ).fetchone()
        assert tuples == 500
        assert analyzed is not None
    finally:
        harness.pg_drop_database(name)


def test_a_sqlite_site_needs_no_analyze(tmp_path):
    harness.Site(tag="t", data_dir=tmp_path, env={}).analyze()
    assert list(tmp_path.iterdir()) == []
