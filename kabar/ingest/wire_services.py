"""Checking wire sources: fetch a feed (or read a drop folder), keep each new item, and give
it a draft article in the source's section for an editor to translate and publish.

Nothing is published here: a wire story goes out only when an editor publishes its draft.
"""

import hashlib
import logging
import re
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from wagtail.log_actions import log

from kabar.core.language import content_language
from kabar.core.slugs import slugify
from kabar.news.models import ArticlePage

from .bodies import html_to_body
from .models import WireItem, WireSource
from .wire import FeedError, Skipped, WireFeed, html_to_text, parse_feed

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 20
MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
FOLDER_PATTERNS = ("*.json", "*.xml")
USER_AGENT = "Kabar wire ingest (+https://github.com/kabar)"
STANDFIRST_MAX = ArticlePage._meta.get_field("standfirst").max_length
SLUG_MAX = 80


class SourceError(Exception):
    """The source as a whole could not be read (its address, its folder, its document)."""


@dataclass
class CheckResult:
    source: WireSource
    new: list[WireItem] = field(default_factory=list)
    duplicates: int = 0
    skipped: list[Skipped] = field(default_factory=list)
    error: str = ""


def wire_source_check(source, *, now=None):
    """Take in what `source` has that Kabar has not: a WireItem and a draft article for each
    new item, none for a GUID already seen. Never raises for what the feed holds: a bad item
    is skipped with its reason, an unreadable source is recorded in `last_error`."""
    now = now or timezone.now()
    result = CheckResult(source)
    feed = WireFeed()
    errors = []
    try:
        for name, data, content_type in _documents(source.location):
            try:
                feed.extend(parse_feed(data, content_type))
            except FeedError as exc:
                errors.append(f"{name}: {exc}" if name else str(exc))
    except SourceError as exc:
        errors.append(str(exc))
    result.skipped.extend(feed.skipped)
    result.error = " ".join(errors)

    entries, result.duplicates = _new_entries(source, feed.entries)
    for entry in entries:
        _take_in(source, entry, now, result)

    source.last_checked_at = now
    source.last_error = result.error
    source.save(update_fields=["last_checked_at", "last_error"])
    if result.error:
        logger.warning("wire source %s: %s", source.pk, result.error)
    return result


def wire_sources_due(now=None):
    """Active sources never checked, or last checked at least their interval ago."""
    now = now or timezone.now()
    # A newsroom has a handful of sources: compared here, the same on every database.
    return [
        source
        for source in WireSource.objects.filter(active=True).select_related("section")
        if _due_at(source, now) <= now
    ]


def _due_at(source, now):
    if source.last_checked_at is None:
        return now
    return source.last_checked_at + timedelta(minutes=source.interval_minutes)


def wire_check_due(now=None):
    """Check every source that is due; one failing source does not stop the others."""
    now = now or timezone.now()
    results = []
    for source in wire_sources_due(now):
        try:
            results.append(wire_source_check(source, now=now))
        except Exception:
            # E.g. the section was deleted under it: logged, and the next source checked.
            logger.exception("wire source %s could not be checked", source.pk)
    return results


def wire_next_due(now=None):
    """When the next active source falls due (now, if one is due already); None if none."""
    now = now or timezone.now()
    times = [_due_at(source, now) for source in WireSource.objects.filter(active=True)]
    return max(min(times), now) if times else None


def wire_source_for_location(location, *, section=None, credit=""):
    """(source, created): the source reading `location`, or a new one in `section` with
    `credit`, left out of the schedule (whoever named the location checks it) until an
    editor switches it on. None for the source when there is none and no section."""
    source = WireSource.objects.filter(location=location).order_by("pk").first()
    if source is not None or section is None:
        return source, False
    source = WireSource(
        name=f"{credit}: {location}"[:120],
        credit=credit,
        location=location,
        section=section,
        active=False,
    )
    source.full_clean()
    source.save()
    return source, True


# Reading a location: an http(s) address, or a folder of .json and .xml files.


def _documents(location):
    """(name, bytes, content type) of each document at `location`."""
    if re.match(r"^https?://", location, re.I):
        data, content_type = _fetch(location)
        return [("", data, content_type)]
    if "://" in location:
        raise SourceError(f"Only http and https addresses can be fetched: {location}")
    folder = Path(location)
    if not folder.is_dir():
        raise SourceError(f"Not a feed address or a folder: {location}")
    paths = sorted({path for pattern in FOLDER_PATTERNS for path in folder.glob(pattern)})
    documents = []
    for path in paths:
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_DOCUMENT_BYTES + 1)
        except OSError as exc:
            raise SourceError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
        if len(data) > MAX_DOCUMENT_BYTES:
            raise SourceError(f"{path.name}: larger than {MAX_DOCUMENT_BYTES} bytes.")
        documents.append((path.name, data, "application/json" if path.suffix == ".json" else None))
    return documents


def _fetch(url):
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            data = response.read(MAX_DOCUMENT_BYTES + 1)
            content_type = response.headers.get("Content-Type")
    except urllib.error.HTTPError as exc:
        raise SourceError(f"The feed answered HTTP {exc.code} ({exc.reason}).") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise SourceError(f"The feed could not be fetched ({reason}).") from exc
    if len(data) > MAX_DOCUMENT_BYTES:
        raise SourceError(f"The feed is larger than {MAX_DOCUMENT_BYTES} bytes.")
    return data, content_type


# Taking entries in.


def _new_entries(source, entries):
    """The entries whose GUID this source has not delivered (nor this batch twice), oldest
    first so that the newest story is listed first on the desk; and how many were not."""
    unique = {}
    for entry in entries:
        unique.setdefault(entry.guid, entry)
    guids = list(unique)
    known = set()
    for start in range(0, len(guids), 500):
        known.update(
            WireItem.objects.filter(source=source, guid__in=guids[start : start + 500]).values_list(
                "guid", flat=True
            )
        )
    new = [entry for guid, entry in unique.items() if guid not in known]
    new.sort(key=lambda entry: (entry.sent_at is not None, entry.sent_at or 0))
    return new, len(entries) - len(new)


def _take_in(source, entry, now, result):
    try:
        with transaction.atomic():
            article = _draft_article(source, entry)
            item = WireItem(
                source=source,
                guid=entry.guid,
                headline=entry.headline,
                summary=entry.summary,
                body_html=entry.body_html,
                link=entry.link,
                dateline=entry.dateline,
                urgency=entry.urgency,
                language=entry.language,
                sent_at=entry.sent_at,
                received_at=now,
                article=article,
            )
            item.full_clean(validate_constraints=False)
            item.save()
    except IntegrityError:
        # Another check of the same source took it in a moment ago.
        result.duplicates += 1
    except ValidationError as exc:
        reasons = "; ".join(exc.messages)
        result.skipped.append(Skipped(f"refused ({reasons})", entry.guid[:80]))
    except Exception as exc:
        # One item that cannot be stored must not hold back the rest of the feed for ever.
        logger.exception("wire item %r of source %s not stored", entry.guid[:80], source.pk)
        result.skipped.append(Skipped(f"not stored ({type(exc).__name__})", entry.guid[:80]))
    else:
        result.new.append(item)


def _draft_article(source, entry):
    """A draft ArticlePage in the source's section, never live, with a first revision."""
    section = source.section
    article = ArticlePage(
        title=entry.headline,
        slug=_free_slug(section, entry),
        standfirst=_trim(entry.summary, STANDFIRST_MAX),
        dateline=entry.dateline,
        source_credit=source.credit,
        source_url=entry.link,
        urgency=entry.urgency,
        language=_article_language(entry.language, source.language),
        original_text=html_to_text(entry.body_html) or entry.summary,
        body=html_to_body(entry.body_html).blocks,
        live=False,
        has_unpublished_changes=True,
    )
    section.add_child(instance=article)
    article.save_revision()
    log(instance=article, action="wagtail.create", content_changed=True)
    return article


def _free_slug(section, entry):
    base = slugify(entry.headline)[:SLUG_MAX].strip("-")
    base = base or "kawat-" + hashlib.sha256(entry.guid.encode()).hexdigest()[:10]
    taken = set(section.get_children().filter(slug__startswith=base).values_list("slug", flat=True))
    slug, n = base, 1
    while slug in taken:
        n += 1
        slug = f"{base}-{n}"
    return slug


def _article_language(*candidates):
    for candidate in candidates:
        if language := content_language(candidate):
            return language
    return settings.LANGUAGE_CODE.split("-")[0]


def _trim(text, limit):
    text = " ".join((text or "").split())
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,.;:") + "\u2026"
