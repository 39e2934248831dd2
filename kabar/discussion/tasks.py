"""Background tasks of reader discussion, on the "kabar" task backend, the mail queue they
work (every message is an EmailDelivery row first, sent by a task after commit; the staff's
are digests that gather comments for a while), and the worker the embedded default runs
inside the web process.

Settings choose the backend per environment: a database queue (django-tasks-db) in
settings/base.py, worked by a thread in each web process unless KABAR_TASK_WORKER=external
(then `kabar worker` runs it); tasks run inline in settings/test.py.
"""

import logging
import threading
import time
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.crypto import get_random_string
from django_tasks import task, task_backends
from django_tasks_db import DatabaseBackend
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from .models import DeliveryKind, DeliveryStatus, EmailDelivery

logger = logging.getLogger(__name__)

BACKEND = "kabar"
WORKER_POLL_SECONDS = 1
WORKER_RESTART_SECONDS = 30
DIGEST_KINDS = (DeliveryKind.STAFF_HELD, DeliveryKind.STAFF_NEW)
# A digest lists at most this many comments and counts the rest: its row stays small however
# long the burst, and so does each UPDATE that adds one.
DIGEST_MAX_LISTED = 50


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


# Staff digests: one delivery per moderator, opened by the first comment to tell them of
# and due a little later; comments that follow join it until the first of the round is sent.


def _open_digests(kind):
    # Still taking comments: queued, never tried, due at next_attempt_at (digests_close and
    # every attempt clear it).
    return EmailDelivery.objects.filter(
        kind=kind, status=DeliveryStatus.QUEUED, attempts=0, next_attempt_at__isnull=False
    )


def digest_is_open(delivery):
    return (
        delivery.kind in DIGEST_KINDS
        and delivery.status == DeliveryStatus.QUEUED
        and delivery.attempts == 0
        and delivery.next_attempt_at is not None
    )


def digest_join(kind, comment_id, subject_for):
    """Add a comment to every open digest of `kind`, in one UPDATE, with the subject
    `subject_for(count)`; False if none is open. The rows are locked in key order, as
    digests_close locks them, so a comment joins a whole round or none of it."""
    # Most comments find none (no staff mail, a quiet hour): one read, no transaction.
    if not _open_digests(kind).exists():
        return False
    with transaction.atomic():
        digests = list(_open_digests(kind).select_for_update().order_by("pk"))
        if not digests:
            return False
        for digest in digests:
            listed = digest.data.setdefault("comments", [])
            if comment_id in listed:
                continue
            if len(listed) < DIGEST_MAX_LISTED:
                listed.append(comment_id)
            else:
                digest.data["more"] = digest.data.get("more", 0) + 1
            count = len(listed) + digest.data.get("more", 0)
            digest.subject = " ".join(str(subject_for(count)).split())[:255]
        EmailDelivery.objects.bulk_update(digests, ["data", "subject"])
    return True


def digests_open(kind, recipients, subject, comment_id, delay):
    """An open digest of `kind` for each recipient, listing `comment_id`, sent `delay`
    seconds from now; None if another worker opened some a moment ago (join those)."""
    due = timezone.now() + timedelta(seconds=delay)
    try:
        with transaction.atomic():
            digests = EmailDelivery.objects.bulk_create(
                EmailDelivery(
                    kind=kind,
                    recipient=recipient.strip().lower(),
                    subject=" ".join(str(subject).split())[:255],
                    data={"comments": [comment_id]},
                    next_attempt_at=due,
                )
                for recipient in recipients
            )
    except IntegrityError:
        return None
    for digest in digests:
        transaction.on_commit(partial(delivery_schedule, digest.pk, run_after=due), robust=True)
    return digests


def digests_close(kind, due):
    """Stop the open digests of `kind` due by `due` taking comments: the first of a round to
    be sent closes all of it, so no moderator's digest lacks a comment another's lists."""
    with transaction.atomic():
        closing = list(
            _open_digests(kind)
            .filter(next_attempt_at__lte=due)
            .select_for_update()
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        EmailDelivery.objects.filter(pk__in=closing).update(next_attempt_at=None)


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
def announce_comment(comment_id, event):
    """Queue the mail a stored ("stored") or newly approved ("approved") comment sets off."""
    from .notifications import comment_announce  # noqa: PLC0415 - notifications queues here

    comment_announce(comment_id, event)


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
