"""What a reader makes of another system's file: its threads and their comments, in one
shape for every format, and the small helpers the readers share."""

import gzip
import zlib
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

from kabar.discussion.models import CommentStatus

GZIP_MAGIC = b"\x1f\x8b"


class FormatError(Exception):
    """The file is not one the reader can read; nothing has been written."""


@dataclass(slots=True)
class SourceComment:
    """One comment as the other system kept it. `body` is already the text Kabar keeps
    (plain text); `parent_id` is "" for a top-level comment. `removed`: deleted there,
    kept here as a placeholder so that its replies keep their place. `problem`: why it
    cannot be brought in, when the reader knows better than the importer would."""

    id: str
    parent_id: str
    body: str
    author_name: str
    author_email: str
    author_url: str
    ip: str
    created_at: datetime | None
    status: str = CommentStatus.APPROVED
    removed: bool = False
    notes: list = field(default_factory=list)
    problem: str = ""


@dataclass(slots=True)
class SourceThread:
    """The comments about one page. `url` is the page's full address ("" when the source
    gives none that can be used; `problem` then says why). `identifier`: the source's own
    name for the page, when it has one (Disqus's <id>). `closed`: closed to new comments
    there."""

    key: str
    url: str
    title: str
    comments: list = field(default_factory=list)
    problem: str = ""
    closed: bool = False
    identifier: str = ""


@dataclass
class Source:
    """A whole file read: `system` (disqus, isso, remark42) and `name` (which site of that
    system) together say where the comment ids come from, so a second run finds them."""

    system: str
    name: str
    threads: list
    # Comments the file holds that belong to no thread in it: [(id, label, reason)].
    homeless: list = field(default_factory=list)

    @property
    def key(self):
        return f"{self.system}:{self.name}"[:200] if self.name else self.system


@contextmanager
def opened(path):
    """The file at `path` for binary reading, uncompressed on the fly when it is gzipped
    (Disqus mails its exports gzipped; Remark42 writes its backups so)."""
    with open(path, "rb") as raw:
        gzipped = raw.read(2) == GZIP_MAGIC
        raw.seek(0)
        if not gzipped:
            yield raw
            return
        with gzip.GzipFile(fileobj=raw, mode="rb") as unzipped:
            yield unzipped


# What reading a damaged file raises, besides the format's own errors.
DAMAGED = (gzip.BadGzipFile, EOFError, zlib.error, UnicodeDecodeError)


def aware(value):
    """An ISO 8601 date as an aware datetime (UTC when the text names no offset); None when
    missing or unreadable."""
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def truthy(value):
    return (value or "").strip().lower() in ("true", "1")
