"""Live coverage: an article's timestamped entries on its page, the "new updates" count its
script asks for, its LiveBlogPosting structured data, and the purge each entry makes."""

import re
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count, Max, Q
from django.db.models.signals import post_delete, post_save
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe
from django.utils.text import normalize_newlines
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET
from wagtail.rich_text import expand_db_html

from kabar.core.ids import parse_id
from kabar.core.page_cache import expire_within
from kabar.core.pagination import listing_page
from kabar.core.purge import Purge
from kabar.core.restrictions import view_restrictions_on_path

from .models import ArticlePage, LiveEntry

# Entries a page shows (the pinned ones first on page 1); older ones are on ?page=2, 3...
ENTRIES_PER_PAGE = 50
# Entries in the structured data's liveBlogUpdate: the newest, as search engines read it.
STRUCTURED_UPDATES = 10
# How often (seconds) the page's script asks for new entries while the tab is visible.
POLL_SECONDS = 30
# Public caches may answer the count from a copy this old (seconds).
UPDATES_MAX_AGE = 10
# Between entries' bodies expanded together: an HTML comment the rewriter leaves alone.
_SPLIT = "<!--kabar-live-entry-->"


def shows_live(article):
    """Whether the article's page shows live entries: a live page, published, not withdrawn."""
    return bool(
        getattr(article, "live_coverage", False)
        and article.live
        and article.first_published_at is not None
        and not getattr(article, "withdrawn", False)
    )


def coverage_is_on(article, now=None):
    """Whether the coverage is still running (no end time, or one still to come)."""
    return article.coverage_running(now)


def entries_for(article):
    """The article's entries as its page lists them: pinned first, then newest first."""
    return (
        LiveEntry.objects.filter(article=article)
        .select_related("author")
        .order_by("-pinned", "-posted_at", "-pk")
    )


def expand_bodies(entries):
    """Each entry's rich text body as HTML (what the `richtext` filter gives), links to
    pages resolved for all entries at once: a query per kind of link, not per entry."""
    if not entries:
        return
    bodies = [normalize_newlines(entry.body or "").replace(_SPLIT, "") for entry in entries]
    expanded = expand_db_html(_SPLIT.join(bodies)).split(_SPLIT)
    for entry, html in zip(entries, expanded, strict=True):
        entry.body_html = mark_safe(html)  # noqa: S308 - stored by the admin's rich text editor


def update_labels():
    """The "n new updates" message in the reader's language, with %(n)s left for the
    script to fill: one form for a single update, one for more."""
    return (
        ngettext("%(n)s new update", "%(n)s new updates", 1),
        ngettext("%(n)s new update", "%(n)s new updates", 2),
    )


@dataclass
class LiveView:
    article: ArticlePage
    entries: object  # a ListingPage of LiveEntry
    is_on: bool
    newest_id: int
    poll_seconds: int
    label_one: str
    label_many: str

    @property
    def polls(self):
        """Whether the page asks for new entries: the first page, while the coverage runs."""
        return self.is_on and self.entries.number == 1

    @property
    def updates_url(self):
        return reverse("news:live_updates", args=[self.article.pk])


def live_view(article, request, page_number=None):
    """What the article's page shows of its live coverage, or None when it shows none.
    Two queries (the entries with their authors; the newest entry's number) whatever their
    number; Http404 for a
    page of entries that holds nothing."""
    if not shows_live(article):
        return None
    now = timezone.now()
    is_on = coverage_is_on(article, now)
    if is_on and article.coverage_ended_at is not None:
        # The "Live" label turns to "Coverage ended" at that time: no copy outlives it.
        expire_within(request, (article.coverage_ended_at - now).total_seconds())
    entries = listing_page(entries_for(article), page_number, ENTRIES_PER_PAGE)
    expand_bodies(entries.object_list)
    label_one, label_many = update_labels()
    return LiveView(
        article=article,
        entries=entries,
        is_on=is_on,
        # The newest by number, which a back-dated entry may be without being on page 1.
        newest_id=LiveEntry.objects.filter(article=article).aggregate(n=Max("pk"))["n"] or 0,
        poll_seconds=POLL_SECONDS,
        label_one=label_one,
        label_many=label_many,
    )


# The endpoint the page's script polls.


def _bad_request(message):
    return JsonResponse({"error": message}, status=400)


def _public_live_article(pk, since):
    """(path, coverage_ended_at, new entries, newest entry id) of a public live article, or
    None: one indexed query."""
    return (
        ArticlePage.objects.filter(
            pk=pk,
            live=True,
            live_coverage=True,
            withdrawn=False,
            first_published_at__isnull=False,
        )
        .annotate(
            new=Count("live_entries", filter=Q(live_entries__pk__gt=since)),
            newest=Max("live_entries__pk"),
        )
        .values_list("path", "coverage_ended_at", "new", "newest")
        .first()
    )


@require_GET
def live_updates(request, pk):
    """`{"new": n, "newest": id, "live": bool}`: how many entries the article has after
    entry `?sejak=<id>` (0: all of them). 404 for an article that is not a public live
    page; 400 for a missing or malformed `sejak`."""
    raw = request.GET.get("sejak")
    if raw is None:
        return _bad_request(_("The parameter “sejak” (the newest entry seen) is missing."))
    since = 0 if raw == "0" else parse_id(raw)
    if since is None or len(request.GET.getlist("sejak")) > 1:
        return _bad_request(_("“sejak” must be one entry number, 0 or more."))
    row = _public_live_article(pk, since)
    if row is None or view_restrictions_on_path(row[0]):
        raise Http404
    _path, ended_at, new, newest = row
    response = JsonResponse(
        {
            "new": new,
            "newest": newest or 0,
            "live": ended_at is None or ended_at > timezone.now(),
        }
    )
    response["Cache-Control"] = f"public, max-age={UPDATES_MAX_AGE}"
    return response


# Structured data.


def _plain(html):
    text = strip_tags(re.sub(r"</(p|li|blockquote|h\d)>", r"</\1>\n", html or ""))
    return re.sub(r"\n\s*\n+", "\n", text).strip()


def live_structured_data(article, data):
    """The article's NewsArticle `data` made a LiveBlogPosting (schema.org: a BlogPosting
    giving rolling coverage of an event) with its coverage times and newest entries; `data`
    unchanged for an article that is not a live page."""
    if not shows_live(article):
        return data
    newest = list(
        LiveEntry.objects.filter(article=article)
        .select_related("author")
        .order_by("-posted_at", "-pk")[:STRUCTURED_UPDATES]
    )
    url = data.get("mainEntityOfPage") or ""
    updates = []
    for entry in newest:
        update = {
            "@type": "BlogPosting",
            "@id": f"{url}#entri-{entry.pk}",
            "url": f"{url}#entri-{entry.pk}",
            "headline": (entry.headline or _plain(entry.body))[:110],
            "datePublished": entry.posted_at.isoformat(),
            "articleBody": _plain(entry.body),
        }
        if entry.updated_at and entry.updated_at > entry.posted_at:
            update["dateModified"] = entry.updated_at.isoformat()
        if entry.author is not None:
            update["author"] = {"@type": "Person", "name": entry.author.name}
        updates.append(update)
    # Both types: LiveBlogPosting (an Article by way of BlogPosting) for the live coverage,
    # NewsArticle for what stays a news article's (its dateline, for one).
    data = {**data, "@type": ["NewsArticle", "LiveBlogPosting"]}
    start = article.first_published_at
    if start is not None:
        data["coverageStartTime"] = start.isoformat()
    if article.coverage_ended_at is not None and not coverage_is_on(article):
        data["coverageEndTime"] = article.coverage_ended_at.isoformat()
    if updates:
        data["liveBlogUpdate"] = updates
        latest = max(entry.updated_at or entry.posted_at for entry in newest)
        if not data.get("dateModified") or latest.isoformat() > data["dateModified"]:
            data["dateModified"] = latest.isoformat()
    return data


# Purging: each entry saved or deleted makes the article's page fresh.


class _PurgeArticlePage:
    """Run after commit: purge the live article's own page (all its ?page= copies)."""

    def __init__(self, article_id):
        self.article_id = article_id
        self.ran = False

    def __call__(self):
        self.ran = True
        url_path = (
            ArticlePage.objects.filter(pk=self.article_id)
            .values_list("url_path", flat=True)
            .first()
        )
        if url_path is None:
            return  # deleted with its entries: the page's own deletion purged it
        purge = Purge()
        purge.page_ids.add(self.article_id)
        purge.add_url_path(url_path)
        purge.run()


def purge_article_page_on_commit(article_id):
    """Queue the purge of the article's page once for the transaction, however many of its
    entries it changes (deleting an article deletes all of its entries, one signal each)."""
    connection = transaction.get_connection()
    if connection.in_atomic_block:
        for _savepoints, callback, _robust in connection.run_on_commit:
            if (
                isinstance(callback, _PurgeArticlePage)
                and callback.article_id == article_id
                and not callback.ran
            ):
                return
    transaction.on_commit(_PurgeArticlePage(article_id))


def entry_changed(sender, instance, **kwargs):
    purge_article_page_on_commit(instance.article_id)


def connect():
    uid = "kabar.news.live"
    post_save.connect(entry_changed, sender=LiveEntry, dispatch_uid=f"{uid}.saved")
    post_delete.connect(entry_changed, sender=LiveEntry, dispatch_uid=f"{uid}.deleted")
