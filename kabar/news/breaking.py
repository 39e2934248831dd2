"""The breaking-news banner (NewsSettings.breaking_*) on every public page, and the purges
that keep cached pages right about it: every page when the settings are saved, and every
page again when the banner expires.

Why both a purge at expiry and a cap on cached copies: the purge is a queued task that runs
when the worker gets to it, and the inline queue (tests, a site without a worker) cannot
defer at all; a page rendered while a banner is up is therefore also kept no longer than
until the banner expires (page_cache.expire_within), and the expiry is checked whenever a
page is rendered. Either alone removes the banner on time; with both, a late worker costs
nothing and the memo below is renewed at expiry as well.
"""

import logging
from dataclasses import dataclass
from datetime import datetime
from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.utils import timezone
from django_tasks import task
from wagtail.models import Page, Site

from kabar.core.memo import site_wide
from kabar.core.page_cache import expire_within
from kabar.core.purge import purge_everything

from .models import NewsSettings

logger = logging.getLogger(__name__)

BACKEND = "kabar"


@dataclass(frozen=True)
class Banner:
    text: str
    url: str | None
    expires_at: datetime | None


def _banner_for_site(site_id):
    """The site's banner as saved (expired or not), or None: one query, and a second for
    the linked page's address when there is one."""
    row = (
        NewsSettings.objects.filter(site_id=site_id)
        .values_list("breaking_text", "breaking_page_id", "breaking_expires_at")
        .first()
    )
    if row is None or not row[0].strip():
        return None
    text, page_id, expires_at = row
    url = None
    if page_id is not None:
        page = Page.objects.live().public().filter(pk=page_id).first()
        url = page.get_url() if page is not None else None
    return Banner(text=text.strip(), url=url, expires_at=expires_at)


def banner_for_request(request):
    """The banner to show on the page rendered for `request`, or None. Read from the
    site-wide memo (no query once this process has it: saving the settings renews the
    site-wide generation); a banner with an expiry caps the life of the page's cached copy."""
    site = getattr(request, "_wagtail_site", None) or Site.find_for_request(request)
    if site is None:
        return None
    banner = site_wide.get(("breaking banner", site.pk), partial(_banner_for_site, site.pk))
    if banner is None:
        return None
    if banner.expires_at is not None:
        left = (banner.expires_at - timezone.now()).total_seconds()
        if left <= 0:
            return None
        expire_within(request, left)
    return banner


@task(backend=BACKEND)
def breaking_expired_task():
    """At a banner's expiry: every cached page rendered with it is made fresh."""
    purge_everything()


def schedule_expiry_purge(expires_at):
    """Queue the purge for `expires_at` (when the queue can defer; see the module's note)."""
    if expires_at is None or expires_at <= timezone.now():
        return None
    if not breaking_expired_task.get_backend().supports_defer:
        return None
    try:
        return breaking_expired_task.using(run_after=expires_at).enqueue()
    except Exception:
        logger.exception("the breaking banner's expiry purge could not be queued")
        return None


def settings_saved(sender, instance, created=False, **kwargs):
    """Every page shows the banner (and feeds the full-text switch): all are made fresh;
    not for the empty row Wagtail makes on a site's first read of its settings."""
    banner_text = (instance.breaking_text or "").strip()
    if created and not banner_text and not instance.feeds_full_text:
        return
    transaction.on_commit(purge_everything)
    if banner_text:
        transaction.on_commit(
            partial(schedule_expiry_purge, instance.breaking_expires_at), robust=True
        )


def connect():
    uid = "kabar.news.breaking"
    post_save.connect(settings_saved, sender=NewsSettings, dispatch_uid=f"{uid}.saved")
    post_delete.connect(settings_saved, sender=NewsSettings, dispatch_uid=f"{uid}.deleted")
