"""The discussion rules in force for one article: site settings, then the section's
overrides, then the article's own switch. Every check reads them from here."""

from dataclasses import dataclass, fields
from datetime import time, timedelta

from django.conf import settings as django_settings
from django.utils import timezone
from wagtail.models import Site

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
    DiscussionSettings or a Site renews the site-wide generation, kabar/core/cache.py)."""
    from kabar.core.cache import site_wide

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


def rules_for(article, site=None):
    """Rules for `article` (an ArticlePage): site settings with its section's overrides.
    Each call reads the settings (and the section, unless loaded with the article): work
    them out once per request and pass them along."""
    from kabar.news.models import Discussion

    rules = site_rules(site)
    section = getattr(article, "section", None)
    overrides = {}
    if section is not None:
        if section.comments_close_after_days is not None:
            overrides["close_after_days"] = section.comments_close_after_days
        if section.comments_premoderate:
            overrides["premoderate_all"] = True
        if section.comments_closed_from and section.comments_closed_until:
            overrides["closed_from"] = section.comments_closed_from
            overrides["closed_until"] = section.comments_closed_until
    if getattr(article, "discussion", None) == Discussion.PREMODERATED:
        overrides["premoderate_all"] = True
    return Rules(**{**rules.__dict__, **overrides})


def is_open_now(article, rules=None, now=None):
    """Whether `article` takes a new comment at this moment, and if not, why."""
    from django.utils.translation import gettext as _

    rules = rules or rules_for(article)
    if not article.comments_open:
        return False, _("Comments are closed on this article.")
    if rules.closed_by_age(article.first_published_at, now):
        return False, _("Comments are closed on this article.")
    if rules.closed_by_clock(now):
        return False, _("Comments are closed at this hour; the discussion reopens at %(time)s.") % {
            "time": rules.closed_until.strftime("%H:%M")
        }
    return True, ""
