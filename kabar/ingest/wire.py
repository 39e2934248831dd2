"""Wire feeds read into plain entries: RSS 2.0, Atom and IPTC ninjs 1.x (as Superdesk emits
it), 2.x and 3.x; parsing only, nothing fetched and nothing stored.

`parse_feed(data, content_type)` returns a `WireFeed`: the entries it could read and, for
each one it could not (no GUID and no link, no headline, an over-long field, control
characters), a `Skipped` with the reason. A document that is not a feed at all raises
`FeedError`, whose message is what the wire desk shows as the source's last error.
"""

import codecs
import io
import json
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape, unescape

import nh3
from django.utils.dateparse import parse_datetime

from .markup import shallow

# The sizes of the fields an entry lands in (WireItem, ArticlePage): longer is refused,
# never cut, so that a GUID or a link stays what the sender meant.
MAX_GUID = 500
MAX_HEADLINE = 255
MAX_LINK = 500
MAX_DATELINE = 120
MAX_BYLINE = 255
MAX_LANGUAGE = 12
MAX_BODY = 500_000

# C0 and C1 controls other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# "JAKARTA (Reuters) - " or "SURABAYA, Indonesia (AP) —": the dateline an agency writes at the
# start of its text, when the feed has no field for it.
_TEXT_DATELINE = re.compile(
    r"^\s*([A-Z][A-Z .'\-]{1,40}(?:,\s*[A-Za-z .'\-]{2,40})?)\s*\([^)]{1,40}\)\s*[-\u2013\u2014]"
)
_BLOCK_END = re.compile(
    r"</(?:p|div|h[1-6]|li|blockquote|ul|ol|section|article|tr|pre)\s*>|<br\s*/?>", re.I
)
_HTML_TYPES = ("text/html", "application/xhtml+xml", "html", "xhtml")


class FeedError(Exception):
    """The whole document could not be read as a feed."""


@dataclass
class WireEntry:
    guid: str
    headline: str
    summary: str = ""
    body_html: str = ""
    link: str = ""
    dateline: str = ""
    urgency: int | None = None
    language: str = ""
    sent_at: datetime | None = None
    byline: str = ""


@dataclass
class Skipped:
    reason: str
    guid: str = ""

    def __str__(self):
        return f"{self.guid}: {self.reason}" if self.guid else self.reason


@dataclass
class WireFeed:
    entries: list[WireEntry] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def extend(self, other):
        self.entries.extend(other.entries)
        self.skipped.extend(other.skipped)


def parse_feed(data: bytes, content_type: str | None = None) -> WireFeed:
    """The entries of an RSS, Atom or ninjs document (a ninjs file may hold a JSON list)."""
    data = data.removeprefix(codecs.BOM_UTF8)
    if _looks_like_json(data, content_type):
        return _parse_ninjs(data)
    return _parse_xml_feed(data)


def html_to_text(html):
    """Plain text of an HTML fragment, a blank line between its paragraphs; what scripts and
    styles contain is dropped with them."""
    if not html:
        return ""
    marked = _BLOCK_END.sub(lambda m: m.group(0) + "\n\n", shallow(html))
    text = unescape(nh3.clean(marked, tags=set(), attributes={}))
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text))
    return "\n\n".join(p for p in paragraphs if p)


def text_to_html(text):
    """Plain text as HTML paragraphs, one per blank-line-separated block."""
    paragraphs = (" ".join(part.split()) for part in re.split(r"\n\s*\n", text or ""))
    return "".join(f"<p>{escape(p)}</p>" for p in paragraphs if p)


def _looks_like_json(data, content_type):
    if content_type and "json" in content_type.lower():
        return True
    head = data.lstrip()[:1]
    return head in (b"{", b"[")


# RSS and Atom, through feedparser, which is handed the bytes (never an address: it would
# fetch it) and told not to resolve relative links against anything.


def _parse_xml_feed(data):
    # Imported here, not with the module: about 10 MB that no web worker needs, the wire
    # ingest being the task worker's (and the admin's "fetch now").
    import feedparser  # noqa: PLC0415 - kept out of every web worker's memory

    parsed = feedparser.parse(
        io.BytesIO(data),
        resolve_relative_uris=False,
        sanitize_html=False,
        response_headers={"content-location": ""},
    )
    if not parsed.get("version"):
        problem = parsed.get("bozo_exception")
        detail = f" ({_one_line(problem)})" if problem else ""
        raise FeedError(f"Not an RSS, Atom or ninjs document{detail}.")
    feed_language = parsed.feed.get("language", "")
    result = WireFeed()
    for raw in parsed.entries:
        result_entry_or_skip(result, lambda raw=raw: _from_feed_entry(raw, feed_language))
    return result


def _from_feed_entry(raw, feed_language):
    content = raw.get("content") or []
    description = raw.get("summary", "")
    if content:
        body_html = _as_html(content[0].get("value", ""), content[0].get("type", ""))
        summary = html_to_text(description)
    else:
        body_html = _as_html(description, raw.get("summary_detail", {}).get("type", ""))
        summary = ""
    language = (content[0].get("language") if content else None) or feed_language
    sent = raw.get("published_parsed") or raw.get("updated_parsed")
    return _entry(
        guid=raw.get("id", ""),
        link=raw.get("link", ""),
        headline=html_to_text(raw.get("title", "")),
        summary=summary,
        body_html=body_html,
        dateline="",
        urgency=None,
        language=language or "",
        sent_at=datetime(*sent[:6], tzinfo=UTC) if sent else None,
        byline=raw.get("author", ""),
    )


def _as_html(value, mime):
    return value if not mime or any(t in mime for t in _HTML_TYPES) else text_to_html(value)


# ninjs: one document, or a list of them. 1.x has flat fields (Superdesk writes `guid`
# where the standard has `uri`, `byline`, `body_html`, `description_text`); 2.x has lists of
# `headlines`, `bodies` and `descriptions`; 3.x the same lists, its other names in camelCase
# (`versionCreated`, `contentType`, `altIds`).


def _parse_ninjs(data):
    try:
        document = json.loads(data)
    except (ValueError, RecursionError) as exc:
        raise FeedError(f"Not a readable JSON document ({_one_line(exc)}).") from exc
    documents = document if isinstance(document, list) else [document]
    if not documents or not all(isinstance(item, dict) for item in documents):
        raise FeedError("Not a ninjs document: expected an object or a list of objects.")
    result = WireFeed()
    for item in documents:
        result_entry_or_skip(result, lambda item=item: _from_ninjs(item))
    return result


def _get(item, *names):
    for name in names:
        value = item.get(name)
        if value not in (None, "", [], {}):
            return value
    return None


def _pick(values, prefer_roles=("main",)):
    """The value of the object with a preferred role in a ninjs 2/3 list, else the first."""
    if isinstance(values, str):
        return values, ""
    if not isinstance(values, list):
        return "", ""
    objects = [v for v in values if isinstance(v, dict) and isinstance(v.get("value"), str)]
    for role in prefer_roles:
        for obj in objects:
            if obj.get("role") == role:
                return obj["value"], _get(obj, "contentType", "contenttype") or ""
    if objects:
        return objects[0]["value"], _get(objects[0], "contentType", "contenttype") or ""
    return "", ""


def _ninjs_body(item):
    if _get(item, "body_html", "body_xhtml"):
        return _get(item, "body_html", "body_xhtml")
    if _get(item, "body_text"):
        return text_to_html(item["body_text"])
    bodies = item.get("bodies")
    if isinstance(bodies, list):
        marked_up = [
            b
            for b in bodies
            if isinstance(b, dict)
            and isinstance(b.get("value"), str)
            and (
                any(t in str(_get(b, "contentType", "contenttype") or "") for t in _HTML_TYPES)
                or b.get("role") in ("richtext", "html")
            )
        ]
        if marked_up:
            return marked_up[0]["value"]
    value, mime = _pick(bodies)
    return _as_html(value, mime or "text/plain")


def _ninjs_summary(item):
    if _get(item, "description_text"):
        return item["description_text"]
    if _get(item, "description_html"):
        return html_to_text(item["description_html"])
    value, mime = _pick(item.get("descriptions"), ("summary", "main", "abstract"))
    return html_to_text(value) if mime and any(t in mime for t in _HTML_TYPES) else value


def _ninjs_link(item):
    renditions = item.get("renditions")
    if isinstance(renditions, dict):  # 1.x: keyed by name
        renditions = [dict(r, name=name) for name, r in renditions.items() if isinstance(r, dict)]
    for rendition in renditions if isinstance(renditions, list) else []:
        if not isinstance(rendition, dict):
            continue
        mime = str(_get(rendition, "contentType", "contenttype", "mimetype") or "")
        web = rendition.get("name") in ("web", "html") or "html" in mime
        if web and _is_web_address(rendition.get("href")):
            return rendition["href"]
    uri = item.get("uri")
    return uri if _is_web_address(uri) else ""


def _from_ninjs(item):
    kind = item.get("type")
    if kind not in (None, "text", "composite"):
        return Skipped(f"not a text item ({_one_line(kind)[:40]})", _short_id(item))
    headline = _get(item, "headline") or _pick(item.get("headlines"))[0]
    sent = _get(item, "versioncreated", "versionCreated", "firstcreated", "firstCreated")
    return _entry(
        guid=_get(item, "guid", "uri") or "",
        link=_ninjs_link(item),
        headline=html_to_text(headline) if isinstance(headline, str) else "",
        summary=_ninjs_summary(item),
        body_html=_ninjs_body(item),
        dateline=_get(item, "located") or "",
        urgency=item.get("urgency"),
        language=_get(item, "language") or "",
        sent_at=_datetime(sent),
        byline=_get(item, "byline", "by") or "",
    )


def _short_id(item):
    value = _get(item, "guid", "uri")
    return value[:80] if isinstance(value, str) else ""


# Checks shared by every format: what an entry must have and may not hold.


def result_entry_or_skip(result, build):
    """Append what `build()` makes (a WireEntry, or a Skipped) to `result`; an entry so
    malformed that building it fails is skipped, never raised."""
    try:
        made = build()
    except (TypeError, ValueError, AttributeError, KeyError, OverflowError) as exc:
        made = Skipped(f"unreadable item ({_one_line(exc)})")
    (result.entries if isinstance(made, WireEntry) else result.skipped).append(made)


def _entry(*, guid, link, headline, summary, body_html, dateline, urgency, language, **rest):
    fields = {
        "guid": guid,
        "link": link,
        "headline": headline,
        "dateline": dateline,
        "language": language,
        "byline": rest["byline"],
    }
    if not all(isinstance(value, str) for value in (guid, headline, summary, body_html)):
        return Skipped("a field that should be text is not", _label(guid, link))
    # Optional details in another shape than the standard's (a list of bylines) are left out.
    fields = {
        name: value.strip() if isinstance(value, str) else "" for name, value in fields.items()
    }
    if not _is_web_address(fields["link"]):
        fields["link"] = ""  # e.g. javascript: or a relative address: nothing to link to
    fields["guid"] = fields["guid"] or fields["link"]
    label = _label(fields["guid"], link)
    if not fields["guid"]:
        return Skipped("no GUID and no link")
    for name, value in fields.items():
        if _CONTROL.search(value):
            return Skipped(f"control characters in the {name}", label)
    if not fields["headline"]:
        return Skipped("no headline", label)
    limits = {
        "guid": MAX_GUID,
        "headline": MAX_HEADLINE,
        "link": MAX_LINK,
        "dateline": MAX_DATELINE,
        "language": MAX_LANGUAGE,
        "byline": MAX_BYLINE,
    }
    for name, limit in limits.items():
        if len(fields[name]) > limit:
            return Skipped(f"{name} longer than {limit} characters", label)
    if len(body_html) > MAX_BODY or len(summary) > MAX_BODY:
        return Skipped(f"text longer than {MAX_BODY} characters", label)
    # Stray controls in running text (a form feed from a word processor) are dropped, not
    # a reason to lose the story.
    body_html = _CONTROL.sub("", body_html)
    summary = _CONTROL.sub("", summary).strip()
    if not fields["dateline"]:
        found = _TEXT_DATELINE.match(html_to_text(body_html[:2000]))
        fields["dateline"] = found.group(1).strip() if found else ""
    return WireEntry(
        summary=summary,
        body_html=body_html,
        urgency=_urgency(urgency),
        sent_at=rest["sent_at"],
        **fields,
    )


def _label(guid, link):
    value = guid if isinstance(guid, str) and guid else link if isinstance(link, str) else ""
    return _CONTROL.sub("?", value)[:80]


def _urgency(value):
    if isinstance(value, bool):
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        return None
    return number if 1 <= number <= 9 and number == float(value) else None


def _datetime(value):
    if not isinstance(value, str):
        return None
    try:
        parsed = parse_datetime(value.strip())
    except ValueError:
        return None
    if parsed is None:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _is_web_address(value):
    return isinstance(value, str) and value.lower().startswith(("http://", "https://"))


def _one_line(value):
    return " ".join(str(value).split())[:200]
