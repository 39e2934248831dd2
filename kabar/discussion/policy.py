"""The discussion rules in force for one page: site settings, then the page's own
overrides (an article's section), then its own switch. Every check reads them from here."""

from dataclasses import dataclass, fields
from datetime import datetime, time, timedelta

from django.conf import settings as django_settings
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.models import Site

from kabar.core.memo import site_wide

from . import targets
from .models import DiscussionSettings


@dataclass(frozen=True)
class Rules:
    close_after_days: int | None = None
    thread_depth: int = 5
    comments_per_page: int = 50
    comment_order: str = "oldest"
    closed_from: time | None = None
    closed_until: time | None = None
    premoderate_all: bool = False
    trust_after_approved: int = 1
    links_to_hold: int = 2
    moderation_words: str = ""
    disallowed_words: str = ""
    min_seconds_to_post: int = 3
    flood_interval_seconds: int = 15
    burst_comments: int = 20
    burst_minutes: int = 10
    reports_to_hold: int = 3
    notify_staff_on_new: bool = False
    notify_staff_on_held: bool = True
    edit_window_minutes: int = 10
    ip_retention_days: int = 30
    erase_keeps_text: bool = True
    gravatar_enabled: bool = False

    def closed_by_clock(self, now=None):
        """True inside the daily closed window (which may span midnight)."""
        if self.closed_from is None or self.closed_until is None:
            return False
        now = timezone.localtime(now).time()
        start, end = self.closed_from, self.closed_until
        if start <= end:
            return start <= now < end
        return now >= start or now < end

    def closed_by_age(self, published_at, now=None):
        if not self.close_after_days or published_at is None:
            return False
        return (now or timezone.now()) - published_at > timedelta(days=self.close_after_days)


RULE_FIELDS = [f.name for f in fields(Rules)]


def site_settings(site=None):
    """The site's discussion settings; the defaults, unsaved, where none were saved yet.
    Reading never writes a row: Wagtail's for_site() would create one on a reader's GET,
    and every saved DiscussionSettings purges the whole page cache."""
    if site is None:
        # One query: the default site, joined with its row where there is one.
        site = (
            Site.objects.filter(is_default_site=True).select_related("discussionsettings").first()
        )
        if site is None:
            return DiscussionSettings()
        try:
            return site.discussionsettings
        except DiscussionSettings.DoesNotExist:
            return DiscussionSettings(site=site)
    return DiscussionSettings.objects.filter(site=site).first() or DiscussionSettings(site=site)


def site_rules(site=None):
    """The site's rules, read once per change of the settings in each process (saving
    DiscussionSettings or a Site renews the site-wide generation, kabar/core/memo.py)."""
    key = ("discussion-rules", site.pk if site is not None else None)
    return site_wide.get(key, lambda: _site_rules(site))


def _site_rules(site):
    stored = site_settings(site)
    values = {name: getattr(stored, name) for name in RULE_FIELDS}
    # The deployment's THREAD_DEPTH setting caps what editors choose.
    values["thread_depth"] = min(
        values["thread_depth"], django_settings.KABAR_COMMENTS.get("THREAD_DEPTH", 10)
    )
    return Rules(**values)


def rules_for(target, site=None):
    """Rules for `target` (a Commentable page): the site's settings with the page's own
    overrides. Each call may read the settings: work them out once per request and pass
    them along."""
    rules = site_rules(site)
    overrides = dict(target.discussion_overrides())
    if target.discussion_premoderated:
        overrides["premoderate_all"] = True
    if not overrides:
        return rules
    return Rules(**{**rules.__dict__, **overrides})


def rules_for_page(page):
    """Rules for any page: its own when it takes comments, else the site's."""
    target = targets.as_target(page)
    return rules_for(target) if target is not None else site_rules()


def is_open_now(target, rules=None, now=None):
    """Whether `target` takes a new comment at this moment, and if not, why."""
    rules = rules or rules_for(target)
    if not target.comments_open:
        return False, _("Comments are closed on this article.")
    if rules.closed_by_age(target.discussion_opened_at(), now):
        return False, _("Comments are closed on this article.")
    if rules.closed_by_clock(now):
        return False, _("Comments are closed at this hour; the discussion reopens at %(time)s.") % {
            "time": rules.closed_until.strftime("%H:%M")
        }
    return True, ""


def seconds_to_next_change(target, rules, now=None):
    """Seconds until the comment form opens or closes by the clock (closing after N days,
    a nightly closed window), or None: a page showing it must not be kept longer."""
    if not target.comments_open:
        return None
    now = now or timezone.now()
    moments = []
    opened_at = target.discussion_opened_at()
    if rules.close_after_days and opened_at:
        moments.append(opened_at + timedelta(days=rules.close_after_days))
    if rules.closed_from is not None and rules.closed_until is not None:
        local = timezone.localtime(now)
        for clock in (rules.closed_from, rules.closed_until):
            moment = timezone.make_aware(datetime.combine(local.date(), clock), local.tzinfo)
            if moment <= now:
                moment += timedelta(days=1)
            moments.append(moment)
    future = [m for m in moments if m > now]
    return (min(future) - now).total_seconds() if future else None
