"""Sending a queued EmailDelivery: one try at a time, retried with exponential backoff.

Every message is first an EmailDelivery row (kind, recipient, comment; unique together, so
one message is queued once about one comment), then a background task sends it, retrying
with exponential backoff (tasks.delivery_queue); the row is what the admin's delivery log
shows. A try cut off (its worker killed) is tried again (tasks.deliveries_sweep): at least
once, so a message the mail server took just before the cut may go twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from .messages import NotSendable, message_build
from .models import DeliveryStatus, EmailDelivery
from .tasks import SWEEP_AFTER, delivery_schedule

logger = logging.getLogger(__name__)


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
    if delivery.attempts >= settings.KABAR_MAIL["MAX_ATTEMPTS"]:
        # Queued still after its last try: every try was cut off (a worker killed while it
        # sent, each time), and each may have reached the mail server. No more.
        EmailDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.QUEUED).update(
            status=DeliveryStatus.FAILED, last_error="Not sent: every try was cut off"
        )
        return DeliveryStatus.FAILED
    # Claim this attempt, so two workers never send the same message; never one whose try
    # another worker began lately and has not finished (claimed, no next try planned).
    under_way = Q(
        attempts__gt=0, next_attempt_at__isnull=True, last_attempt_at__gt=now - SWEEP_AFTER
    )
    claimed = (
        EmailDelivery.objects.filter(
            pk=delivery.pk, status=DeliveryStatus.QUEUED, attempts=delivery.attempts
        )
        .exclude(under_way)
        .update(attempts=delivery.attempts + 1, last_attempt_at=now, next_attempt_at=None)
    )
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
