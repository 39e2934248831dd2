"""WordPress's export format (WXR 1.0-1.2), read as a stream: one item in memory at a time."""

import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from defusedxml import DefusedXmlException

from kabar.core.xmlsafe import xml_events

# WordPress's namespaces carry the WXR version (http://wordpress.org/export/1.2/); each is
# known here by a short prefix, whatever its version.
_NAMESPACES = (
    (re.compile(r"^https?://wordpress\.org/export/[\d.]+/excerpt/$"), "excerpt"),
    (re.compile(r"^https?://wordpress\.org/export/[\d.]+/$"), "wp"),
    (re.compile(r"^http://purl\.org/rss/1\.0/modules/content/$"), "content"),
    (re.compile(r"^http://purl\.org/dc/elements/1\.1/$"), "dc"),
)
_TAG = re.compile(r"^\{([^}]*)\}(.*)$")
_UNSET_DATE = "0000-00-00 00:00:00"


class WXRError(Exception):
    """The file is not a WordPress export this importer can read."""


def _short(tag, cache={}):  # noqa: B006 - a process-wide cache of tag names
    name = cache.get(tag)
    if name is None:
        match = _TAG.match(tag)
        if match is None:
            name = tag
        else:
            uri, local = match.groups()
            prefix = next((p for pattern, p in _NAMESPACES if pattern.match(uri)), uri)
            name = f"{prefix}:{local}"
        cache[tag] = name
    return name


def wp_datetime(value):
    """A WordPress GMT date ("2026-11-03 08:15:00") as an aware UTC datetime; None when
    unset ("0000-00-00 00:00:00", as drafts have) or unreadable."""
    value = (value or "").strip()
    if not value or value == _UNSET_DATE:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S").replace(tzinfo=UTC)
    except ValueError:
        return None


def _text(element, name, default=""):
    for child in element:
        if _short(child.tag) == name:
            return child.text or ""
    return default


@dataclass
class Site:
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""
    language: str = ""
    wxr_version: str = ""


@dataclass
class Author:
    wp_id: str
    login: str
    email: str
    display_name: str
    first_name: str
    last_name: str


@dataclass
class Term:
    """A category, a tag, or another taxonomy's term (wp:term)."""

    taxonomy: str
    wp_id: str
    slug: str
    name: str
    parent_slug: str
    description: str


@dataclass
class Comment:
    wp_id: int
    author: str
    email: str
    url: str
    ip: str
    date_gmt: datetime | None
    date_local: str
    content: str
    approved: str
    type: str
    parent: int
    user_id: int


@dataclass
class Item:
    """A post, page, attachment or any other post type, with its terms, meta and comments."""

    wp_id: int
    post_type: str
    title: str
    link: str
    guid: str
    creator: str
    content: str
    excerpt: str
    date_gmt: datetime | None
    date_local: str
    modified_gmt: datetime | None
    comment_status: str
    post_name: str
    status: str
    parent: int
    menu_order: int
    password: str
    is_sticky: bool
    attachment_url: str
    terms: list = field(default_factory=list)  # [(domain, nicename, name)]
    meta: dict = field(default_factory=dict)
    comments: list = field(default_factory=list)


def _int(value, default=0):
    try:
        return int((value or "").strip())
    except ValueError:
        return default


def _author(element):
    return Author(
        wp_id=_text(element, "wp:author_id").strip(),
        login=_text(element, "wp:author_login").strip(),
        email=_text(element, "wp:author_email").strip(),
        display_name=_text(element, "wp:author_display_name").strip(),
        first_name=_text(element, "wp:author_first_name").strip(),
        last_name=_text(element, "wp:author_last_name").strip(),
    )


def _term(element, kind):
    if kind == "wp:category":
        return Term(
            "category",
            _text(element, "wp:term_id").strip(),
            _text(element, "wp:category_nicename").strip(),
            _text(element, "wp:cat_name"),
            _text(element, "wp:category_parent").strip(),
            _text(element, "wp:category_description"),
        )
    if kind == "wp:tag":
        return Term(
            "post_tag",
            _text(element, "wp:term_id").strip(),
            _text(element, "wp:tag_slug").strip(),
            _text(element, "wp:tag_name"),
            "",
            _text(element, "wp:tag_description"),
        )
    return Term(
        _text(element, "wp:term_taxonomy").strip(),
        _text(element, "wp:term_id").strip(),
        _text(element, "wp:term_slug").strip(),
        _text(element, "wp:term_name"),
        _text(element, "wp:term_parent").strip(),
        _text(element, "wp:term_description"),
    )


def _comment(element):
    return Comment(
        wp_id=_int(_text(element, "wp:comment_id")),
        author=_text(element, "wp:comment_author"),
        email=_text(element, "wp:comment_author_email").strip(),
        url=_text(element, "wp:comment_author_url").strip(),
        ip=_text(element, "wp:comment_author_IP").strip(),
        date_gmt=wp_datetime(_text(element, "wp:comment_date_gmt")),
        date_local=_text(element, "wp:comment_date").strip(),
        content=_text(element, "wp:comment_content"),
        approved=_text(element, "wp:comment_approved").strip(),
        type=_text(element, "wp:comment_type").strip(),
        parent=_int(_text(element, "wp:comment_parent")),
        user_id=_int(_text(element, "wp:comment_user_id")),
    )


def _item(element):
    item = Item(
        wp_id=_int(_text(element, "wp:post_id")),
        post_type=_text(element, "wp:post_type").strip() or "post",
        title=_text(element, "title"),
        link=_text(element, "link").strip(),
        guid=_text(element, "guid").strip(),
        creator=_text(element, "dc:creator").strip(),
        content=_text(element, "content:encoded"),
        excerpt=_text(element, "excerpt:encoded"),
        date_gmt=wp_datetime(_text(element, "wp:post_date_gmt")),
        date_local=_text(element, "wp:post_date").strip(),
        modified_gmt=wp_datetime(_text(element, "wp:post_modified_gmt")),
        comment_status=_text(element, "wp:comment_status").strip(),
        post_name=_text(element, "wp:post_name").strip(),
        status=_text(element, "wp:status").strip(),
        parent=_int(_text(element, "wp:post_parent")),
        menu_order=_int(_text(element, "wp:menu_order")),
        password=_text(element, "wp:post_password"),
        is_sticky=_text(element, "wp:is_sticky").strip() == "1",
        attachment_url=_text(element, "wp:attachment_url").strip(),
    )
    for child in element:
        name = _short(child.tag)
        if name == "category":
            # WXR 1.0 (WordPress 2.x) also wrote each term bare, for RSS readers
            # (<category>Name</category>), and its tags in the domain "tag": a term is the
            # one with a nicename, as WordPress's own importer reads it.
            nicename = child.get("nicename")
            if nicename is not None:
                domain = child.get("domain", "category")
                item.terms.append(
                    ("post_tag" if domain == "tag" else domain, nicename, child.text or "")
                )
        elif name == "wp:postmeta":
            item.meta[_text(child, "wp:meta_key")] = _text(child, "wp:meta_value")
        elif name == "wp:comment":
            item.comments.append(_comment(child))
    return item


class _CountingReader:
    """A binary file that tells how many bytes were read (for the progress bar)."""

    def __init__(self, raw, on_read):
        self.raw = raw
        self.on_read = on_read

    def read(self, size=-1):
        data = self.raw.read(size)
        self.on_read(len(data))
        return data


def read_wxr(fileobj, *, on_read=None, on_mended=None):
    """Yield what the export holds, in file order: one Site first (when the first author,
    term or item starts), then Author, Term and Item objects. `fileobj` is binary; bytes
    that are not UTF-8 in a UTF-8 export are read as Windows-1252, `on_mended(count)` told
    at the end (kabar.core.xmlsafe.Utf8Mender)."""
    source = _CountingReader(fileobj, on_read) if on_read else fileobj
    site = Site()
    site_sent = False
    channel = None
    depth = 0
    seen_rss = False
    try:
        for event, element in xml_events(source, on_mended=on_mended):
            name = _short(element.tag)
            if event == "start":
                depth += 1
                if depth == 1:
                    if name != "rss":
                        raise WXRError(f"not a WordPress export: the root element is <{name}>")
                    seen_rss = True
                elif depth == 2 and name == "channel":
                    channel = element
                elif depth == 3 and not site_sent and name in _TOP_LEVEL:
                    site_sent = True
                    yield site
                continue
            depth -= 1
            if depth != 2 or channel is None:
                continue
            if name in _SITE_FIELDS:
                setattr(site, _SITE_FIELDS[name], (element.text or "").strip())
            elif name == "wp:author":
                yield _author(element)
            elif name in ("wp:category", "wp:tag", "wp:term"):
                yield _term(element, name)
            elif name == "item":
                yield _item(element)
            # Read: forget it, so memory holds one item however long the file is.
            element.clear()
            channel.remove(element)
    except SyntaxError as exc:  # ParseError
        raise WXRError(f"the file is not well-formed XML: {exc}") from exc
    except DefusedXmlException as exc:
        msg = f"the file declares a DTD or entities, which exports never do: {exc}"
        raise WXRError(msg) from exc
    if not seen_rss:
        raise WXRError("the file is empty")
    if not site_sent:
        yield site
    if not site.base_site_url and not site.wxr_version:
        # A feed (RSS 2.0 has <link> and <item>s too) is not an export: its items would be
        # taken for posts with nothing in them, and its <link> for the old site's address.
        raise WXRError(
            "not a WordPress export: no wp:wxr_version or wp:base_site_url (a feed? "
            "WordPress writes the export under Tools → Export)"
        )


_SITE_FIELDS = {
    "title": "title",
    "link": "link",
    "wp:base_site_url": "base_site_url",
    "wp:base_blog_url": "base_blog_url",
    "language": "language",
    "wp:wxr_version": "wxr_version",
}
_TOP_LEVEL = {"wp:author", "wp:category", "wp:tag", "wp:term", "item"}
