"""Background tasks of reader discussion, on the "kabar" task backend, the mail queue they
work (every message is an EmailDelivery row first, sent by a task after commit; the staff's
are digests that gather comments for a while, staff.py), and the worker the embedded default runs
inside the web process.

Settings choose the backend per environment: a database queue (django-tasks-db) in
settings/base.py, worked by a thread in each web process unless KABAR_TASK_WORKER=external
(then `kabar worker` runs it); tasks run inline in settings/test.py.
"""

import logging
import threading
import time
from datetime import timedelta

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import TaskResultStatus, task, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import DeliveryStatus, EmailDelivery

logger = logging.getLogger(__name__)

BACKEND = "kabar"
WORKER_POLL_SECONDS = 1
WORKER_RESTART_SECONDS = 30
# A try this recent may still be under way in another worker (a mail server may take
# EMAIL_TIMEOUT, 20 s, per step): the sweep leaves its delivery alone, and no second
# worker claims it (delivery.deliver).
SWEEP_AFTER = timedelta(minutes=10)
SWEEP_AT_MOST = 1000


def delivery_queue(kind, recipient, subject, comment=None, *, data=None):
    """One EmailDelivery, sent by a task after commit; None if this message about this
    comment was already queued for this address. A message about no comment (`comment`
    None) is queued every time; `data` is what it is rebuilt from when it is sent."""
    recipient = recipient.strip().lower()
    subject = " ".join(str(subject).split())[:255]
    data = data or {}
    if comment is None:
        delivery = EmailDelivery.objects.create(
            kind=kind, recipient=recipient, subject=subject, data=data
        )
    else:
        try:
            with transaction.atomic():
                delivery, created = EmailDelivery.objects.get_or_create(
                    comment=comment,
                    recipient=recipient,
                    kind=kind,
                    defaults={"subject": subject, "data": data},
                )
        except IntegrityError:
            return None
        if not created:
            return None
    # Robust: a queue that cannot take the job must not turn the request that asked for
    # the mail into an error page; the row stays queued in the delivery log.
    transaction.on_commit(lambda: delivery_schedule(delivery.pk), robust=True)
    return delivery


def delivery_schedule(delivery_id, run_after=None):
    """Enqueue the send; `run_after` is honoured where the task backend can defer."""
    sender = send_delivery
    if run_after is not None and sender.get_backend().supports_defer:
        sender = sender.using(run_after=run_after)
    sender.enqueue(delivery_id)


@task(backend=BACKEND)
def send_delivery(delivery_id):
    """Send one EmailDelivery; a failed try schedules the next one itself."""
    from .delivery import deliver  # noqa: PLC0415 - delivery schedules its retries through here

    return deliver(delivery_id)


@task(backend=BACKEND)
def staff_digest_round():
    """Tell the moderators, in one digest each, of the comments waiting for it."""
    from .staff import staff_digests_send  # noqa: PLC0415 - staff queues this task

    return len(staff_digests_send())


@task(backend=BACKEND)
def announce_comment(comment_id, event):
    """Queue the mail a stored ("stored") or newly approved ("approved") comment sets off."""
    from .notifications import comment_announce  # noqa: PLC0415 - notifications queues here

    comment_announce(comment_id, event)


def forget_task_arguments(task, first):
    """Blank the arguments kept in the database queue's rows of `task` run with `first` as
    its first argument (the queue keeps a finished row for KABAR_TASK_RESULTS_KEEP_DAYS):
    for a task whose arguments are what a reader typed (a privacy request's email), kept
    no longer than the task runs. The worker writes only the outcome back, not the
    arguments; a row still waiting to run keeps what it needs."""
    DBTaskResult.objects.filter(task_path=task.module_path, args_kwargs__args__0=first).exclude(
        status=TaskResultStatus.READY
    ).update(args_kwargs={"args": [], "kwargs": {}})


def prune_task_results(days=None):
    """Delete finished (done or failed) task rows of the "kabar" database queue older than
    `days` (KABAR_TASK_RESULTS_KEEP_DAYS); the delivery log keeps what a newsroom needs to
    see of its mail. Returns how many rows went."""
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


def deliveries_sweep(now=None):
    """At a worker's start and with the hourly retention (privacy.forget_ips_task): schedule
    again every delivery still queued that no task will send (a worker killed in the middle
    of a send leaves it claimed and never finished; a queue lost with its worker, its job
    gone), not one whose job still waits in the queue. At least once: a message cut off
    after the mail server took it is sent again. Returns how many were scheduled; never
    raises."""
    now = now or timezone.now()
    stale = now - SWEEP_AFTER
    try:
        lost = EmailDelivery.objects.filter(status=DeliveryStatus.QUEUED).filter(
            # never tried, its job lost
            Q(last_attempt_at__isnull=True, created_at__lte=stale)
            # tried, cut off before it finished (no next try planned)
            | Q(next_attempt_at__isnull=True, last_attempt_at__lte=stale)
            # a next try long overdue, its job lost
            | Q(next_attempt_at__lte=stale)
        )
        ids = list(lost.order_by("created_at").values_list("pk", flat=True)[:SWEEP_AT_MOST])
        waiting = _waiting_to_send(ids)
        ids = [pk for pk in ids if pk not in waiting]
        for delivery_id in ids:
            delivery_schedule(delivery_id)
    except Exception:
        logger.exception("the start-up sweep of queued mail failed")
        return 0
    if ids:
        logger.warning("%s queued message(s) no task would send: scheduled again", len(ids))
    return len(ids)


def _waiting_to_send(delivery_ids):
    """Of `delivery_ids`, those with a send still waiting or running in the database queue."""
    backend = task_backends[BACKEND]
    if not isinstance(backend, DatabaseBackend) or not delivery_ids:
        return set()
    rows = DBTaskResult.objects.filter(
        backend_name=backend.alias,
        task_path=send_delivery.module_path,
        args_kwargs__args__0__in=delivery_ids,
    ).exclude(status__in=[TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED])
    return {row.args_kwargs["args"][0] for row in rows.only("args_kwargs")}
