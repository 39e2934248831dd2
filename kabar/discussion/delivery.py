"""Sending a queued EmailDelivery: one try at a time, retried with exponential backoff.

Every message is first an EmailDelivery row (kind, recipient, comment; unique together, so
nothing is mailed twice about one comment), then a background task sends it, retrying with
exponential backoff (tasks.delivery_queue); the row is what the admin's delivery log shows.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .messages import NotSendable, message_build
from .models import DeliveryStatus, EmailDelivery
from .tasks import delivery_schedule

logger = logging.getLogger(__name__)
# A try this recent may still be under way in another worker (a mail server may take
# EMAIL_TIMEOUT, 20 s, per step): the sweep leaves its delivery alone.
SWEEP_AFTER = timedelta(minutes=10)
SWEEP_AT_MOST = 1000


def backoff_delay(attempts):
    """Seconds before try number attempts + 1: BACKOFF_SECONDS, doubling, capped."""
    mail = settings.KABAR_MAIL
    return min(mail["BACKOFF_SECONDS"] * 2 ** (attempts - 1), mail["BACKOFF_MAX_SECONDS"])


def _delivery(delivery_id):
    return (
        EmailDelivery.objects.select_related("comment__page", "comment__parent")
        .filter(pk=delivery_id)
        .first()
    )


def deliver(delivery_id):
    """Try once to send a queued delivery; on failure, schedule the next try with backoff
    or, after MAX_ATTEMPTS, mark it failed. Returns the delivery's status."""
    delivery = _delivery(delivery_id)
    if delivery is None or delivery.status != DeliveryStatus.QUEUED:
        return delivery.status if delivery else None
    now = timezone.now()
    # Claim this attempt, so two workers never send the same message.
    claimed = EmailDelivery.objects.filter(
        pk=delivery.pk, status=DeliveryStatus.QUEUED, attempts=delivery.attempts
    ).update(attempts=delivery.attempts + 1, last_attempt_at=now, next_attempt_at=None)
    if not claimed:
        return None
    attempts = delivery.attempts + 1
    try:
        message_build(delivery).send(fail_silently=False)
    except NotSendable as exc:
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            status=DeliveryStatus.FAILED, last_error=f"Not sent: {exc}"
        )
        return DeliveryStatus.FAILED
    except Exception as exc:  # a mail server's failure (or our own) is worth another try
        error = f"{type(exc).__name__}: {exc}"[:2000]
        if attempts >= settings.KABAR_MAIL["MAX_ATTEMPTS"]:
            EmailDelivery.objects.filter(pk=delivery.pk).update(
                status=DeliveryStatus.FAILED, last_error=error
            )
            logger.warning("delivery %s failed after %s attempts: %s", delivery.pk, attempts, error)
            return DeliveryStatus.FAILED
        retry_at = timezone.now() + timedelta(seconds=backoff_delay(attempts))
        EmailDelivery.objects.filter(pk=delivery.pk).update(
            last_error=error, next_attempt_at=retry_at
        )
        logger.info(
            "delivery %s attempt %s failed, retrying at %s", delivery.pk, attempts, retry_at
        )
        delivery_schedule(delivery.pk, run_after=retry_at)
        return DeliveryStatus.QUEUED
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        status=DeliveryStatus.SENT, sent_at=timezone.now(), subject=delivery.subject[:255]
    )
    return DeliveryStatus.SENT


def deliveries_sweep(now=None):
    """At a worker's start: schedule again every delivery still queued that no task will
    send (a worker killed in the middle of a send leaves it claimed and never finished; a
    queue lost with its worker, its job gone). At least once: a message cut off after the
    mail server took it is sent again. Returns how many were scheduled; never raises."""
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
        for delivery_id in ids:
            delivery_schedule(delivery_id)
    except Exception:
        logger.exception("the start-up sweep of queued mail failed")
        return 0
    if ids:
        logger.warning("%s queued message(s) no task would send: scheduled again", len(ids))
    return len(ids)
