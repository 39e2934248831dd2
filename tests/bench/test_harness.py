"""bench/harness.py: a started server is measured only once each of its web workers
listens, since the kernel spreads new connections only over the sockets listening then."""

import socket
import threading
import time
from types import SimpleNamespace

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
