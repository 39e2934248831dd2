"""An Isso database (its SQLite file, comments.db), read as Isso's own code writes it:
threads(id, uri, title) and comments(tid, id, parent, created, modified, mode,
remote_addr, text, author, email, website, likes, dislikes, voters, notification).

Isso keeps only the page's path (`uri`), so the site it served is given: its origin
makes the full addresses. `mode` is 1 for an accepted comment, 2 for one awaiting
moderation and 4 for a deleted one that had replies (Isso blanks its text and keeps it so
the replies keep their place; a deleted comment without replies is gone from the file).
`text` is the reader's Markdown, kept as they typed it: Kabar shows text as text, with a
link's address beside its words (`[peta](https://…)` showed as typed, no link), and the
HTML Isso's own migration from Disqus or WordPress stored there read as the text it
showed. Isso escaped the name, email and website as HTML on the way in (`Budi &amp;
Sari`): they are read back as typed. `remote_addr` is already anonymised by Isso (the last
part zeroed)."""

import html
import re
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from kabar.discussion.models import CommentStatus

from ..wordpress import mapping
from .source import FormatError, Source, SourceComment, SourceThread

SYSTEM = "isso"
SQLITE_HEADER = b"SQLite format 3\x00"
MODES = {1: CommentStatus.APPROVED, 2: CommentStatus.PENDING, 4: CommentStatus.TRASH}
MODE_DELETED = 4
COLUMNS = {
    "threads": {"id", "uri", "title"},
    "comments": {
        "tid", "id", "parent", "created", "mode", "remote_addr", "text", "author", "email",
        "website",
    },
}  # fmt: skip
# Text as text: SQLite keeps whatever a column is given, and a blob would reach the reader
# as bytes (a value that is not UTF-8 makes the file unreadable, as in a text column).
QUERY = """
    SELECT comments.tid, threads.id, CAST(threads.uri AS TEXT), CAST(threads.title AS TEXT),
           comments.id, comments.parent, comments.created, comments.mode,
           CAST(comments.remote_addr AS TEXT), CAST(comments.text AS TEXT),
           CAST(comments.author AS TEXT), CAST(comments.email AS TEXT),
           CAST(comments.website AS TEXT)
    FROM comments LEFT JOIN threads ON threads.id = comments.tid
    ORDER BY comments.tid, comments.id
"""


def _connect(path):
    path = Path(path)
    with path.open("rb") as raw:
        if raw.read(len(SQLITE_HEADER)) != SQLITE_HEADER:
            raise FormatError("not an Isso database: the file is not an SQLite database")
    # Read-only: the file stays exactly as Isso left it. An uploaded file is not trusted:
    # its schema may not call functions from views or triggers (SQLite's own advice for
    # a database file from elsewhere).
    connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    connection.execute("PRAGMA trusted_schema = OFF")
    return connection


def _check_schema(connection):
    for table, columns in COLUMNS.items():
        # A view of the name (SQLite's names ignore case) could hold any query, one that
        # never ends too.
        kinds = {
            row[0]
            for row in connection.execute(
                "SELECT type FROM sqlite_master WHERE name = ? COLLATE NOCASE", (table,)
            )
        }
        if kinds - {"table"}:
            raise FormatError(f"not an Isso database: {table} is not a table")
        found = {row[1] for row in connection.execute(f"PRAGMA table_info({table})")}
        if not found:
            raise FormatError(f"not an Isso database: it has no table {table!r}")
        missing = sorted(columns - found)
        if missing:
            raise FormatError(f"not an Isso database: {table} has no {', '.join(missing)}")


# A Markdown link or picture, [words](address "title"): each part bounded, as a reader's
# text may hold any number of brackets.
_MARKDOWN_LINK = re.compile(
    r"(!?)\[([^\[\]\n]{0,500})\]\(\s*(https?://[^\s()<>]{1,2000})(?:\s+\"[^\"\n]{0,300}\")?\s*\)"
)

# Markdown's autolinks (<https://…>, <nama@contoh.id>): their address, as Isso shows it.
_AUTOLINK = re.compile(r"<((?:https?://|mailto:)[^\s<>]{1,2000}|[^\s<>@]{1,200}@[^\s<>@]{1,200})>")
# Markup as Isso's own migration writes it (and readers may type): HTML's text tags only.
_TAG = re.compile(
    r"</?(?:p|a|br|em|strong|b|i|u|s|del|code|pre|blockquote|ul|ol|li|img|div|span|h[1-6]|"
    r"sup|sub|hr)\b[^<>]{0,2000}>",
    re.IGNORECASE,
)


def _text(markdown):
    """A comment's Markdown as Kabar keeps text: a link's (or a picture's) words with its
    address beside them, HTML as the text it showed (mapping.comment_text)."""

    def link(match):
        words, address = match.group(2).strip(), match.group(3)
        return f"{words} ({address})" if words and words != address else address

    text = _AUTOLINK.sub(lambda match: match.group(1), _MARKDOWN_LINK.sub(link, markdown))
    # Only markup is read as HTML: a reader's "&copy=2" in an address stays as typed.
    return (mapping.comment_text(text) if _TAG.search(text) else text).strip()


def _created(value):
    try:
        return datetime.fromtimestamp(float(value), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def _comment(row):
    _tid, _thread, _uri, _title, cid, parent, created, mode, addr, text, author, email, site = row
    status = MODES.get(mode)
    notes = []
    if status is None:
        status = CommentStatus.PENDING
        notes.append(f"mode {mode!r} held for moderation")
    return SourceComment(
        id=str(cid),
        parent_id=str(parent) if parent else "",
        body=_text(text or ""),
        author_name=html.unescape(author or ""),
        author_email=html.unescape(email or "").strip(),
        author_url=html.unescape(site or "").strip(),
        ip=(addr or "").strip(),
        created_at=_created(created),
        status=status,
        removed=mode == MODE_DELETED,
        notes=notes,
    )


def _url(origin, uri):
    if not uri.startswith("/"):
        return "", f"the thread's uri {uri[:80]!r} is not a path (a data-isso-id?)"
    return origin + uri, ""


def read_isso(path, *, origin):
    """The database at `path` as a Source, its threads' addresses on `origin`
    ("https://blog.example.org"); FormatError when it is not an Isso database."""
    try:
        connection = _connect(path)
        try:
            _check_schema(connection)
            rows = connection.execute(QUERY).fetchall()
        finally:
            connection.close()
    except sqlite3.DatabaseError as exc:
        raise FormatError(f"the database cannot be read: {exc}") from exc
    threads = {}
    homeless = []
    for row in rows:
        tid, thread_id, uri, title = row[:4]
        comment = _comment(row)
        if thread_id is None:
            homeless.append((comment.id, comment.body, f"its thread {tid!r} is not in the file"))
            continue
        thread = threads.get(thread_id)
        if thread is None:
            url, problem = _url(origin, uri or "")
            thread = threads[thread_id] = SourceThread(
                key=str(thread_id), url=url, title=mapping.plain(title, 255), problem=problem
            )
        thread.comments.append(comment)
    return Source(system=SYSTEM, name=origin, threads=list(threads.values()), homeless=homeless)
