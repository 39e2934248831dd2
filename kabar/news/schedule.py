"""Scheduled publishing and expiry as Wagtail's `publish_scheduled` command does them: what
is due and when the next thing falls due, for the task that runs them (news/tasks.py)."""

import logging

from django.apps import apps
from django.db import transaction
from django.db.models import Min
from django.utils import timezone
from wagtail.models import DraftStateMixin, Page, Revision

logger = logging.getLogger(__name__)


def _scheduled_models():
    """Pages and every other model with drafts, which Wagtail lets editors schedule too."""
    return [Page] + [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]


def scheduled_publish_due():
    """Unpublish what has expired, then publish the revisions whose time has come, each in
    its own transaction (one that fails is logged and tried again on the next round).
    Returns (published, expired) counts."""
    now = timezone.now()
    expired = 0
    for model in _scheduled_models():
        for obj in list(model.objects.filter(live=True, expire_at__lte=now).order_by("expire_at")):
            try:
                with transaction.atomic():
                    obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
            except Exception:
                logger.exception("expiry of %s %s failed", model.__name__, obj.pk)
            else:
                expired += 1
    published = 0
    due = Revision.objects.filter(approved_go_live_at__lte=now).order_by("approved_go_live_at")
    for revision in list(due):
        try:
            with transaction.atomic():
                # Its go-live time has passed, so Wagtail makes the object live now.
                revision.publish(log_action="wagtail.publish.scheduled")
        except Exception:
            logger.exception("scheduled publishing of revision %s failed", revision.pk)
        else:
            published += 1
    return published, expired


def scheduled_next_due(now=None):
    """The nearest go-live or expiry time after `now`; None if nothing is scheduled."""
    now = now or timezone.now()
    times = [
        Revision.objects.filter(approved_go_live_at__gt=now).aggregate(
            at=Min("approved_go_live_at")
        )["at"]
    ]
    times += [
        model.objects.filter(live=True, expire_at__gt=now).aggregate(at=Min("expire_at"))["at"]
        for model in _scheduled_models()
    ]
    times = [at for at in times if at is not None]
    return min(times) if times else None
