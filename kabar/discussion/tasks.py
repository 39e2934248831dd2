"""Background tasks of reader discussion, on the "kabar" task backend, and the worker the
embedded default runs inside the web process.

Settings choose the backend per environment: a database queue (django-tasks-db) in
settings/base.py, worked by a thread in each web process unless KABAR_TASK_WORKER=external
(then `kabar worker` runs it); tasks run inline in settings/test.py.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.utils.crypto import get_random_string
from django_tasks import task, task_backends

logger = logging.getLogger(__name__)

BACKEND = "kabar"
WORKER_POLL_SECONDS = 1
WORKER_RESTART_SECONDS = 30


@task(backend=BACKEND)
def send_delivery(delivery_id):
    """Send one EmailDelivery; a failed try schedules the next one itself."""
    from .notifications import deliver

    return deliver(delivery_id)


@task(backend=BACKEND)
def announce_comment(comment_id, event):
    """Queue the mail a stored ("stored") or newly approved ("approved") comment sets off."""
    from .notifications import comment_announce

    comment_announce(comment_id, event)


def prune_task_results(days=None):
    """Delete finished (done or failed) task rows of the "kabar" database queue older than
    `days` (KABAR_TASK_RESULTS_KEEP_DAYS); the delivery log keeps what a newsroom needs to
    see of its mail. Returns how many rows went."""
    from django.utils import timezone
    from django_tasks_db.backend import DatabaseBackend
    from django_tasks_db.models import DBTaskResult

    backend = task_backends[BACKEND]
    if not isinstance(backend, DatabaseBackend):
        return 0
    if days is None:
        days = settings.KABAR_TASK_RESULTS_KEEP_DAYS
    cutoff = timezone.now() - timedelta(days=days)
    old = DBTaskResult.objects.finished().filter(
        backend_name=backend.alias, finished_at__lte=cutoff
    )
    deleted, _by_model = old.delete()
    return deleted


_worker_lock = threading.Lock()
_worker_thread = None


def _work_forever(worker):
    while True:
        try:
            worker.run()
        except Exception:
            # E.g. the queue's table does not exist until `migrate` has run.
            logger.exception("task worker stopped; restarting in %ss", WORKER_RESTART_SECONDS)
        if not worker.running:
            return
        time.sleep(WORKER_RESTART_SECONDS)


def start_worker_thread():
    """Work the "kabar" database queue from a daemon thread of this process, when the
    settings ask for an in-process worker; returns the thread, or None."""
    global _worker_thread
    if not settings.KABAR_TASKS_IN_PROCESS:
        return None
    from django_tasks_db import DatabaseBackend
    from django_tasks_db.management.commands.db_worker import Worker

    backend = task_backends[BACKEND]
    if not isinstance(backend, DatabaseBackend):
        return None
    with _worker_lock:
        if _worker_thread is not None and _worker_thread.is_alive():
            return _worker_thread
        worker = Worker(
            queue_names=sorted(backend.queues) or ["*"],
            interval=WORKER_POLL_SECONDS,
            batch=False,
            backend_name=BACKEND,
            startup_delay=True,
            max_tasks=None,
            worker_id=get_random_string(32),
            excluded_queue_names=[],
        )
        _worker_thread = threading.Thread(
            target=_work_forever, args=(worker,), name="kabar-task-worker", daemon=True
        )
        _worker_thread.start()
        logger.info("in-process task worker started")
        return _worker_thread
