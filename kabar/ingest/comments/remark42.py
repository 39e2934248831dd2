"""A Remark42 backup (its admin export, or the daily backup-<site>-<date>.gz), read as
Remark42's migrator writes it (backend/app/migrator/native.go): one JSON value per line,
first {"version": 1, "users": [...], "posts": [...]}, then one comment per line.

A comment: {"id", "pid" (its parent, "" at the top), "text" (HTML, sanitised by
Remark42), "user": {"name", "id", "ip" (an HMAC of the address, not an address: not
kept), ...}, "locator": {"site", "url"}, "time", "delete", "title", ...}. Remark42 keeps
the user's name HTML-escaped (store.Comment.SanitizeText: "Tom &amp; Jerry", "&lt;3");
Kabar keeps the name it showed, and escapes it wherever it is shown. It keeps the page's
address as an href (SanitizeAsURL: "?a=1&amp;b=2"), read back here as the address it
was. A time Remark42 never had is Go's zero time, 0001-01-01T00:00:00Z: no date, and the
report says so. Addresses of commenters are in the users' details ({"id", "details":
{"email"}}), written by Remark42 versions that keep them. A deleted comment (its text
blanked by Remark42) becomes a placeholder, so that its replies stay; the comments of a
user blocked at the time of the backup are trashed, as Remark42 hides them. A page
Remark42 made read-only ({"url", "read_only": true} in the first line's posts) is closed
here too."""

import html
import json
import re
from datetime import UTC, datetime

from kabar.discussion.models import CommentStatus

from ..wordpress import mapping
from .source import DAMAGED, FormatError, Source, SourceComment, SourceThread, aware, opened

SYSTEM = "remark42"
VERSIONS = (0, 1)
GO_ZERO_TIME = datetime(1, 1, 1, tzinfo=UTC)
# What Go's html.EscapeString writes in an href, which Remark42 keeps page addresses as.
_HREF_ESCAPES = {"&amp;": "&", "&lt;": "<", "&gt;": ">", "&#34;": '"', "&#39;": "'"}
_HREF_ESCAPE = re.compile("|".join(map(re.escape, _HREF_ESCAPES)))


def _meta(line):
    try:
        meta = json.loads(line)
    except (ValueError, RecursionError) as exc:  # nested deeper than Python recurses too
        raise FormatError(f"not a Remark42 backup: the first line is not JSON ({exc})") from exc
    if not isinstance(meta, dict) or not {"users", "posts"} & meta.keys():
        raise FormatError("not a Remark42 backup: the first line has no users or posts")
    version = meta.get("version", 0)
    if version not in VERSIONS:
        raise FormatError(f"a Remark42 backup of version {version!r}, which Kabar cannot read")
    return meta


def _users(meta, now):
    """{user id: (email, blocked now)} from the backup's user metadata."""
    users = {}
    for user in meta.get("users") or ():
        if not isinstance(user, dict) or not isinstance(user.get("id"), str):
            continue
        details = user.get("details") if isinstance(user.get("details"), dict) else {}
        blocked = user.get("blocked") if isinstance(user.get("blocked"), dict) else {}
        until = aware(blocked.get("until") if isinstance(blocked.get("until"), str) else "")
        users[user["id"]] = (
            str(details.get("email") or "").strip(),
            bool(blocked.get("status")) and until is not None and until > now,
        )
    return users


def _address(value):
    """A page's address as Remark42 keeps it, as it was: only Go's escapes undone (an
    address may hold "&copy=" that an HTML unescape would take for "©")."""
    return _HREF_ESCAPE.sub(lambda match: _HREF_ESCAPES[match.group(0)], value.strip())


def _read_only(meta):
    """The addresses of the pages made read-only on Remark42."""
    return {
        _address(post["url"])
        for post in meta.get("posts") or ()
        if isinstance(post, dict)
        and isinstance(post.get("url"), str)
        and post.get("read_only") is True
    }


def _str(data, *keys):
    for key in keys:
        data = data.get(key) if isinstance(data, dict) else None
    return data if isinstance(data, str) else ""


def _comment(data, users, number):
    if not isinstance(data, dict) or not _str(data, "id"):
        raise FormatError(f"line {number} is not a Remark42 comment")
    user = data.get("user") if isinstance(data.get("user"), dict) else {}
    email, blocked = users.get(_str(user, "id"), ("", False))
    deleted = data.get("delete") is True
    notes = []
    if deleted:
        status = CommentStatus.TRASH
    elif blocked or user.get("block") is True:
        status = CommentStatus.TRASH
        notes.append("its author is blocked on Remark42: trashed")
    else:
        status = CommentStatus.APPROVED
    text = _str(data, "text")
    created_at = aware(_str(data, "time"))
    if created_at == GO_ZERO_TIME:
        created_at = None
        problem = "its time is Go's zero time (0001-01-01T00:00:00Z): Remark42 kept no date for it"
    else:
        problem = ""
    return SourceComment(
        id=_str(data, "id"),
        parent_id=_str(data, "pid"),
        body=mapping.comment_text(text).strip() if text.strip() else "",
        author_name=html.unescape(_str(user, "name")),
        author_email=email,
        author_url="",
        ip="",
        created_at=created_at,
        status=status,
        removed=deleted,
        notes=notes,
        problem=problem,
    )


# The longest line read: a comment is one line (Remark42 takes comments of a few thousand
# characters), the first line the site's settings, users and blocks.
MAX_LINE = 64 * 1024 * 1024


def read_remark42(path, *, now=None):
    """The backup at `path` (plain or gzipped) as a Source; FormatError when it is not one
    or a line of it cannot be read, before anything is written."""
    now = now or datetime.now(UTC)
    threads = {}  # address -> SourceThread
    site = ""
    meta = None
    try:
        with opened(path) as raw:
            for number, line in enumerate(iter(lambda: raw.readline(MAX_LINE + 1), b""), 1):
                if len(line) > MAX_LINE:
                    # A line read whole may unpack to gigabytes (a small gzip can).
                    raise FormatError(f"line {number} is longer than {MAX_LINE:,} bytes")
                line = line.strip()
                if not line:
                    continue
                if meta is None:
                    meta = _meta(line)
                    users = _users(meta, now)
                    continue
                try:
                    data = json.loads(line)
                except (ValueError, RecursionError) as exc:
                    raise FormatError(f"line {number} is not JSON ({exc})") from exc
                comment = _comment(data, users, number)
                url = _address(_str(data, "locator", "url"))
                site = site or _str(data, "locator", "site")
                thread = threads.get(url)
                if thread is None:
                    thread = threads[url] = SourceThread(key=url, url=url, title="")
                    if not url:
                        thread.problem = "comments with no locator.url"
                # Remark42 keeps the page's title on its comments, not on every one.
                thread.title = thread.title or mapping.plain(_str(data, "title"), 255)
                thread.comments.append(comment)
    except DAMAGED as exc:
        raise FormatError(f"the file is damaged: {exc}") from exc
    if meta is None:
        raise FormatError("the file is empty")
    read_only = _read_only(meta)
    for url, thread in threads.items():
        thread.closed = bool(url) and url in read_only
    return Source(system=SYSTEM, name=site, threads=list(threads.values()))
