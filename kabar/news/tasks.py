"""The publishing schedule: one task on the "kabar" queue that publishes and expires what
is due and queues itself again for the next go-live or expiry time, at least once a minute
(a chain, kabar.core.schedule), so that a scheduled article goes live on time with only
`kabar serve` running and nothing is missed while the worker was down.

The chain is started by the worker's start-up sweep (`kabar worker`) and woken for the
exact time whenever an editor schedules a revision or publishes with an expiry date.
"""

import logging
from datetime import timedelta
from functools import partial

from django.db import transaction
from django.db.models.signals import post_save
from django_tasks import task
from wagtail.models import Revision
from wagtail.signals import page_published, published

from kabar.core.schedule import Chain

from .schedule import scheduled_next_due, scheduled_publish_due

logger = logging.getLogger(__name__)

BACKEND = "kabar"
# Every minute even with nothing due, so that a time missed by the wake-up (an object
# scheduled outside the admin, a round that failed) is late by a minute at most; never
# sooner than a few seconds, so that a revision that keeps failing does not spin the queue.
RECHECK_AT_MOST_EVERY = timedelta(minutes=1)
RECHECK_AT_LEAST_AFTER = timedelta(seconds=5)


@task(backend=BACKEND)
def publish_scheduled_task():
    """Publish and expire what is due, then queue the next round."""
    try:
        published_count, expired_count = scheduled_publish_due()
    finally:
        publishing_schedule_next()
    return published_count + expired_count


PUBLISHING_CHAIN = Chain(
    publish_scheduled_task,
    scheduled_next_due,
    at_least=RECHECK_AT_LEAST_AFTER,
    at_most=RECHECK_AT_MOST_EVERY,
)


def publishing_schedule_next(now=None):
    """Queue the next round (None when the queue cannot defer or one is queued already)."""
    return PUBLISHING_CHAIN.next(now)


def publishing_schedule_start():
    """Start the chain now unless a round is queued already; None if nothing was queued."""
    return PUBLISHING_CHAIN.start()


def publishing_sweep():
    """At a worker's start: publish and expire what fell due while it was down, then start
    the chain. Never raises (a worker that cannot sweep still sends mail); returns the
    (published, expired) counts, or None when the sweep failed."""
    try:
        done = scheduled_publish_due()
    except Exception:
        # E.g. the tables do not exist before `migrate`, or the database is down: the
        # chain's first round, or the next start, sweeps again.
        logger.exception("the start-up sweep of scheduled publishing failed")
        done = None
    publishing_schedule_start()
    return done


def _wake_on_commit(when):
    transaction.on_commit(partial(PUBLISHING_CHAIN.wake_by, when), robust=True)


def revision_saved(sender, instance, **kwargs):
    """A revision scheduled to go live (Wagtail sets approved_go_live_at): a round then."""
    if instance.approved_go_live_at is not None:
        _wake_on_commit(instance.approved_go_live_at)


def object_published(sender, instance, **kwargs):
    """Something published with an expiry date: a round when it expires."""
    expire_at = getattr(instance, "expire_at", None)
    if expire_at is not None:
        _wake_on_commit(expire_at)


def connect():
    post_save.connect(revision_saved, sender=Revision, dispatch_uid="news-schedule-revision")
    page_published.connect(object_published, dispatch_uid="news-schedule-page")
    published.connect(object_published, dispatch_uid="news-schedule-object")
