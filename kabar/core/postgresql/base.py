"""Django's PostgreSQL backend, with a health check that asks the server only when the
connection has heard from it.

With CONN_HEALTH_CHECKS on (production: a worker must survive a database restart), Django
checks a kept connection before each request's first query by sending `SELECT 1`: one of
the five round trips of a comment post, paid by every request that reads the database.
Between requests the server sends nothing on an idle connection, except when it is going
away (a restart, `pg_terminate_backend`, `idle_session_timeout`): it then sends its error
and closes, and the socket becomes readable. So a connection libpq still holds as good,
idle, with nothing waiting on its socket, is usable as it stands; in any other case the
server is asked, as Django asks it."""

import select

from django.db.backends.postgresql import base
from psycopg import pq


class DatabaseWrapper(base.DatabaseWrapper):
    def is_usable(self):
        connection = self.connection
        if connection is None or connection.closed:
            return False
        pgconn = connection.pgconn
        if (
            pgconn.status == pq.ConnStatus.OK
            and pgconn.transaction_status == pq.TransactionStatus.IDLE
            and not _has_input(pgconn.socket)
        ):
            return True
        return super().is_usable()


def _has_input(fd):
    """Whether anything (data, or the end of the stream) waits to be read on `fd`; poll,
    not select, which fails for descriptors above 1023."""
    poller = select.poll()
    poller.register(fd, select.POLLIN | select.POLLPRI)
    return bool(poller.poll(0))
