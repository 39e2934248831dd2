"""Timed work without cron: the rounds of a task queued to run by a deadline (`Rounds`),
and chains of them (`Chain`), a task that does what is due and queues itself again for when
the next thing falls due.

Why a chain and not cron: `kabar serve` (or the web process's own worker thread) already
works the database queue, and a queued task is a database row, so the chain outlives
restarts. A second chain started by a race ends itself when it finds the other's round
queued. Queues that cannot defer (inline tasks, as in the tests) run no chain.
"""

import logging
import threading

from django.db.models import Q
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks.backends.dummy import DummyBackend
from django_tasks_db import DatabaseBackend
from django_tasks_db.models import DBTaskResult, get_date_max

logger = logging.getLogger(__name__)


class Rounds:
    """The queued runs ("rounds") of `task`, a task taking no arguments: whether one waits,
    when the first due by a time runs, and a new one queued for a deadline unless one due
    by then waits already. With `remember`, each process keeps the time of the round it
    last queued or found, so that work arriving before then need not ask the queue again
    (`forget` clears it)."""

    def __init__(self, task, *, remember=False):
        self.task = task
        self.remember = remember
        self._known_at = None
        self._lock = threading.Lock()

    def forget(self):
        with self._lock:
            self._known_at = None

    def can_defer(self):
        return self.task.get_backend().supports_defer

    def queued(self, by=None):
        """Whether a round waits in the queue (one due by `by`, when given)."""
        backend = self.task.get_backend()
        if isinstance(backend, DatabaseBackend):
            rounds = DBTaskResult.objects.filter(
                backend_name=backend.alias,
                task_path=self.task.module_path,
                status=TaskResultStatus.READY,
            )
            if by is not None:
                rounds = rounds.filter(Q(run_after=get_date_max()) | Q(run_after__lte=by))
            return rounds.exists()
        return any(True for _when in self._waiting(backend, by))

    def due_by(self, when):
        """When the first round queued to run by `when` runs (now, for one queued with no
        time), or None if there is none."""
        backend = self.task.get_backend()
        if isinstance(backend, DatabaseBackend):
            run_after = (
                DBTaskResult.objects.filter(
                    backend_name=backend.alias,
                    task_path=self.task.module_path,
                    status=TaskResultStatus.READY,
                )
                .filter(Q(run_after=get_date_max()) | Q(run_after__lte=when))
                .order_by("run_after")
                .values_list("run_after", flat=True)
                .first()
            )
            if run_after is None:
                return None
            return timezone.now() if run_after == get_date_max() else run_after
        return min(self._waiting(backend, when), default=None)

    def _waiting(self, backend, by):
        """The times of the rounds the tests' queue (which keeps what it is given) holds."""
        if not isinstance(backend, DummyBackend):
            return
        for result in backend.results:
            if (
                result.task.module_path == self.task.module_path
                and result.status == TaskResultStatus.READY
                and (by is None or result.task.run_after is None or result.task.run_after <= by)
            ):
                yield result.task.run_after or timezone.now()

    def wake_by(self, when):
        """Make sure a round runs by `when` (a new deadline): queue one for then unless a
        round due by then is queued already (or this process queued or found one that
        still waits); a chain that was waiting carries on after. Returns when the round
        that runs by then is due, or None when the queue cannot defer or would not take
        it."""
        if not self.can_defer():
            return None
        now = timezone.now()
        with self._lock:
            known = self._known_at
        if known is not None and now < known <= when:
            return known
        try:
            due = self.due_by(when)
            if due is None:
                if when <= now:
                    self.task.enqueue()
                else:
                    self.task.using(run_after=when).enqueue()
                due = when
        except Exception:
            logger.exception("a round of %s could not be queued", self.task.module_path)
            return None
        if self.remember:
            with self._lock:
                self._known_at = due
        return due


class Chain(Rounds):
    """The rounds of `task` (which calls `next()` when done): each queued for
    `next_due(now)` (a datetime or None), no sooner than `at_least` after the round and no
    later than `at_most`."""

    def __init__(self, task, next_due, *, at_least, at_most):
        super().__init__(task)
        self.next_due = next_due
        self.at_least = at_least
        self.at_most = at_most

    def next(self, now=None):
        """Queue the next round for when the next thing falls due (within the bounds);
        None when the queue cannot defer or another round is queued already."""
        if not self.can_defer() or self.queued():
            return None
        now = now or timezone.now()
        due = self.next_due(now) or now + self.at_most
        run_after = min(max(due, now + self.at_least), now + self.at_most)
        return self.task.using(run_after=run_after).enqueue()

    def start(self):
        """Start the chain now unless a round is queued already; None if nothing was
        queued. Safe to call at any time (a worker starting, an object saved)."""
        if not self.can_defer() or self.queued():
            return None
        try:
            return self.task.enqueue()
        except Exception:
            # The queue's table may not exist before `migrate`: the next start will try again.
            logger.exception("the chain of %s could not be started", self.task.module_path)
            return None
