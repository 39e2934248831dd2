"""How WordPress's fields become Kabar's: statuses, titles, slugs, comment text, addresses."""

import bisect
import hashlib
import html
import ipaddress
import json
import re
import unicodedata
import zoneinfo
from datetime import UTC, datetime, timedelta
from urllib.parse import unquote, urlsplit

from bs4 import NavigableString, Tag
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email

from kabar.core.language import content_language
from kabar.core.slugs import slugify
from kabar.core.xmlsafe import CONTROL_RE, xml_safe
from kabar.discussion.models import (
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
    CommentStatus,
)
from kabar.discussion.validation import DIRECTION_CONTROLS, shows_nothing

from ..markup import parse, shallow_soup

# comment_approved as WordPress writes it; anything else (a plugin's own state) is held.
COMMENT_STATUS = {
    "1": CommentStatus.APPROVED,
    "approve": CommentStatus.APPROVED,
    "0": CommentStatus.PENDING,
    "hold": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.TRASH,
    "post-trashed": CommentStatus.TRASH,
}
# Not a reader's words: notices from other sites. Kabar has no pingbacks.
NOT_COMMENTS = {"pingback", "trackback"}
# What readers wrote: a comment ("" before WordPress 5.5), or a review (WooCommerce).
# Every other type is a plugin's or the editors' own record kept in the comments table
# (WordPress 6.9's block notes, WooCommerce's order notes, action logs): never public.
READER_COMMENTS = {"", "comment", "review"}
_url = URLValidator(schemes=["http", "https"])
_BREAK_TAGS = {"br"}
_BLOCK_TAGS = {"p", "div", "blockquote", "li", "pre", "h1", "h2", "h3", "h4", "h5", "h6"}
# What makes a comment HTML rather than words in angle brackets: with only these and no
# words, it showed nothing.
_HTML_TAGS = [
    *_BREAK_TAGS, *_BLOCK_TAGS, "a", "img", "script", "style", "span", "b", "i", "em",
    "strong", "u", "s", "code", "ul", "ol", "iframe", "video", "audio", "source", "picture",
    "figure", "svg", "object", "embed", "form", "input", "button",
]  # fmt: skip
_SPACES = re.compile(r"[ \t]+")
_SIZED = re.compile(r"-\d+x\d+(?=\.\w+$)")
_SEO_VARIABLE = re.compile(r"%%?[a-z_]+%%?", re.I)


# WordPress writes its dates twice: the site's local time and GMT.
_WP_DATE = "%Y-%m-%d %H:%M:%S"
# UTC-12 to UTC+14: anything else is not an offset but a date changed by hand.
_FARTHEST_OFFSET = timedelta(hours=14)


class SiteClock:
    """The WordPress site's local time, learned from the export itself: each date written
    both ways (local and GMT) says the offset in force on that day. A date written only in
    local time (WordPress leaves the GMT one unset for posts sent by some old clients and
    plugins, and for some comments) is read with the offset of the nearest date learned,
    summer time included; with nothing learned, in the newsroom's time zone (TIME_ZONE)."""

    def __init__(self):
        self._learned = []  # (GMT date, offset), put in order of date when first read
        self._in_order = True

    def learn(self, date_gmt, date_local):
        local = _local_date(date_local)
        if date_gmt is None or local is None:
            return
        offset = local - date_gmt.replace(tzinfo=None)
        # WordPress offsets are whole quarter hours; a local date changed by hand is not one.
        if abs(offset) <= _FARTHEST_OFFSET and not offset.total_seconds() % 900:
            self._learned.append((date_gmt, offset))
            self._in_order = False

    def dated(self, date_gmt, date_local):
        """The GMT date, or the local one read as the site's time; None when neither is."""
        if date_gmt is not None:
            return date_gmt
        local = _local_date(date_local)
        if local is None:
            return None
        if not self._learned:
            zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
            return local.replace(tzinfo=zone).astimezone(UTC)
        if not self._in_order:  # sorted once for the whole file, not at each date learned
            self._learned.sort()
            self._in_order = True
        near = local.replace(tzinfo=UTC)
        at = bisect.bisect_left(self._learned, (near, timedelta.min))
        around = self._learned[max(at - 1, 0) : at + 1]
        _when, offset = min(around, key=lambda pair: abs(pair[0] - near))
        return (local - offset).replace(tzinfo=UTC)


def _local_date(value):
    try:
        return datetime.strptime((value or "").strip(), _WP_DATE)
    except ValueError:
        return None  # unset ("0000-00-00 00:00:00") or unreadable


def digest(*values):
    """A stable hash of what Kabar takes from an item: equal means nothing to update."""
    data = json.dumps(values, sort_keys=True, default=str, ensure_ascii=False)
    return hashlib.sha256(data.encode()).hexdigest()


def plain(value, limit=None):
    """Text of a title or excerpt: tags gone, entities decoded, whitespace collapsed, no
    control character (a title's CDATA may hold `&#1;`, which decodes to one)."""
    text = parse(value).get_text(" ")
    text = " ".join(CONTROL_RE.sub(" ", html.unescape(text)).split())
    return text[:limit] if limit else text


def shortened(text, limit):
    """`text` in at most `limit` characters: whole, or cut at the last space that leaves
    room for an ellipsis (at `limit` - 1 when there is none)."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut.rsplit(" ", 1)[0]
    return cut.rstrip() + "…"


# sanitize_title_with_dashes's "save" context (wp-includes/formatting.php), on UTF-8 octets
# already percent-encoded: no-break space, dashes and the spaces that show a width become a
# hyphen; quotes, marks and the characters that show nothing are dropped; × is an x.
_SAVE_HYPHENS = re.compile(r"%c2%a0|%e2%80%9[34]|%e2%80%8[0-9a]|%e2%80%a[89]|%e2%80%af")
_SAVE_DROPPED = re.compile(
    r"%c2%a[19be]|%c2%b[04bf]|%e2%80%9[89a-f]|%e2%80%b[9a]|%e2%80%a[26]"
    r"|%e2%84%a2|%cb%8a|%cc%8[014c]|%cd%81|%e2%80%8[b-f]|%e2%80%a[a-e]|%ef%bb%bf|%ef%bf%bc"
)
_OCTET = re.compile(r"%([a-fA-F0-9]{2})")


def _without_accents(text):
    """remove_accents for Latin letters: a letter with marks as its base letter."""
    out = []
    for char in text:
        base = unicodedata.normalize("NFD", char)
        if len(base) > 1 and base[0].isascii() and all(unicodedata.combining(c) for c in base[1:]):
            char = base[0]
        out.append(_LATIN_LETTERS.get(char, char))
    return "".join(out)


_LATIN_LETTERS = {
    "ß": "ss", "æ": "ae", "Æ": "AE", "ø": "o", "Ø": "O", "œ": "oe", "Œ": "OE", "đ": "d",
    "Đ": "D", "ð": "d", "Ð": "D", "ł": "l", "Ł": "L", "þ": "th", "Þ": "TH", "ı": "i",
}  # fmt: skip


def _utf8_uri_encode(text, length=200):
    """WordPress's utf8_uri_encode: non-ASCII as lower-case percent-encoded UTF-8 octets,
    no more than `length` characters of it."""
    out, used = [], 0
    for char in text:
        if char.isascii():
            if used >= length:
                break
            out.append(char)
            used += 1
            continue
        octets = char.encode("utf-8", "surrogatepass")
        if used + 3 * len(octets) > length:
            break
        out.append("".join(f"%{octet:02x}" for octet in octets))
        used += 3 * len(octets)
    return "".join(out)


def user_nicename(login):
    """The user_nicename WordPress made of `login` when the account was created
    (wp_insert_user: sanitize_title of its first 50 characters), the name in the author's
    archive address (/author/<nicename>/). A WordPress export does not hold it."""
    title = _without_accents(login[:50])
    # sanitize_title_with_dashes
    title = re.sub(r"<[^>]*>?", "", title)
    title = _OCTET.sub(r"---\1---", title).replace("%", "")
    title = re.sub(r"---([a-fA-F0-9]{2})---", r"%\1", title)
    title = _utf8_uri_encode(title.lower()).lower()
    title = _SAVE_HYPHENS.sub("-", title)
    title = re.sub(r"&(?:nbsp|#160|ndash|#8211|mdash|#8212);", "-", title).replace("/", "-")
    title = _SAVE_DROPPED.sub("", title).replace("%c3%97", "x")
    title = re.sub(r"&.+?;", "", title).replace(".", "-")
    title = re.sub(r"[^%a-z0-9 _-]", "", title)
    title = re.sub(r"-+", "-", re.sub(r"\s+", "-", title))
    return title.strip("-")[:50]


# What a login may hold and a nicename never does (even with its octets decoded).
_NOT_IN_NICENAME = re.compile(r"[^a-z0-9_%\-\x80-\U0010ffff]", re.I)


def author_archive_names(login):
    """The names an author's archive answered to: the nicename, then the login when it
    holds a character no nicename holds ("Budi.Santoso": WordPress's query read
    /author/Budi.Santoso/ as budi-santoso), so that it is no other author's nicename."""
    nicename = user_nicename(login)
    names = [nicename] if nicename else []
    if _NOT_IN_NICENAME.search(login) or not nicename:
        names.append(login)
    return names


# WordPress 6.3's footnotes: a mark in the text (<sup data-fn="…"><a href="#…">1</a></sup>),
# the notes themselves in the post's "footnotes" meta (JSON), shown where the post's
# <!-- wp:footnotes /--> block stands.
FOOTNOTES_KEY = "footnotes"
_FOOTNOTE_MARK = re.compile(r"<sup\b[^>]*\bdata-fn=[^>]*>(.*?)</sup>", re.S | re.I)
_FOOTNOTES_BLOCK = re.compile(r"<!--\s*wp:footnotes\b.*?-->", re.S)


def with_footnotes(content, footnotes):
    """A post's content with its footnotes (`footnotes`: the meta's JSON) where WordPress
    shows them, as a numbered list, and each mark in the text as its number in brackets
    (an article's paragraphs hold no superscript)."""
    notes = []
    try:
        loaded = json.loads(footnotes) if footnotes else []
    except ValueError:
        loaded = []
    for note in loaded if isinstance(loaded, list) else ():
        text = note.get("content") if isinstance(note, dict) else None
        if isinstance(text, str) and text.strip():
            notes.append(text)
    content = _FOOTNOTE_MARK.sub(lambda m: f"[{plain(m.group(1))}]", content)
    if not notes:
        return content
    listing = "<ol>" + "".join(f"<li>{text}</li>" for text in notes) + "</ol>"
    if _FOOTNOTES_BLOCK.search(content):
        return _FOOTNOTES_BLOCK.sub(lambda m: listing, content, count=1)
    return f"{content}\n{listing}"


def slug_of(post_name, title, fallback):
    """WordPress's slug (percent-encoded UTF-8 for non-Latin ones), or one from the title."""
    slug = slugify(unquote(post_name or ""))
    return (slug or slugify(title) or fallback)[:255]


def comment_text(content):
    """A comment's text as Kabar keeps it (plain text; blank lines part paragraphs).
    WordPress keeps readers' words with a little HTML (kses) and entities (&amp;): those
    become the text they showed; a link keeps its address beside its words, and so does a
    picture (Remark42's uploads), its address alone when it has no alt text. Text with no
    markup stays exactly as it was, and so does text whose only "tags" are no HTML
    ("<tidak setuju>"); markup that shows no words (an empty link, a broken image) is
    no text at all."""
    if "<" not in content and "&" not in content:
        return content
    soup = shallow_soup(content)
    if not soup.find(True) and "&" not in content:
        return content
    parts = []

    def walk(node):
        for child in node.children:
            if isinstance(child, NavigableString):
                if child.__class__ is NavigableString:  # not a comment, CDATA or doctype
                    parts.append(str(child))
            elif isinstance(child, Tag):
                name = child.name.lower()
                if name in ("script", "style"):
                    parts.append(child.get_text())  # shown as the text it is, never run
                elif name in _BREAK_TAGS:
                    parts.append("\n")
                elif name == "a":
                    words = child.get_text()
                    href = (child.get("href") or "").strip()
                    parts.append(words)
                    if href and href != words.strip() and href.startswith(("http:", "https:")):
                        parts.append(f" ({href})")
                elif name == "img":
                    words = " ".join((child.get("alt") or "").split())
                    src = (child.get("src") or "").strip()
                    if not src.startswith(("http:", "https:")):
                        parts.append(words)
                    else:
                        parts.append(f"{words} ({src})" if words else src)
                else:
                    if name in _BLOCK_TAGS:
                        parts.append("\n\n")
                    walk(child)
                    if name in _BLOCK_TAGS:
                        parts.append("\n\n")

    walk(soup)
    text = "".join(parts)
    text = re.sub(r"\n{3,}", "\n\n", text).strip("\n")
    if text.strip() or soup.find(_HTML_TAGS):
        return text
    return content


def valid_email(value):
    value = (value or "").strip()
    if not value or len(value) > EMAIL_MAX_LENGTH:
        return None
    try:
        validate_email(value)
    except ValidationError:
        return None
    return value


def valid_url(value):
    value = (value or "").strip()
    if not value or len(value) > URL_MAX_LENGTH:
        return ""
    try:
        _url(value)
    except ValidationError:
        return ""
    return value


def valid_ip(value):
    try:
        return str(ipaddress.ip_address((value or "").strip()))
    except ValueError:
        return None


def comment_name(value, anonymous, *, escaped=False):
    """A commenter's name as a page shows it. `escaped`: the name as WordPress keeps it,
    its &, < and > written as entities (_wp_specialchars on pre_comment_author_name), so
    "Budi &amp; Ani" is Budi & Ani."""
    if escaped:
        value = html.unescape(value or "")
    # What no page can show (NUL, control characters: a database or a JSON backup may
    # hold them) goes, with the line breaks and the direction controls a name may not
    # hold (validation.DIRECTION_CONTROLS); a name that shows nothing is anonymous.
    name = " ".join(DIRECTION_CONTROLS.sub("", xml_safe(value or "")).split())
    return (name if not shows_nothing(name) else str(anonymous))[:NAME_MAX_LENGTH]


_DATED_UPLOAD = re.compile(r"(?:^|/)(\d{4}/\d{2}/[^/]+)$")


def upload_paths(url, attached_file=""):
    """Where the file may be inside wp-content/uploads, the likeliest first: WordPress's own
    record of it (_wp_attached_file), then as its address shows it: below
    wp-content/uploads (a network site's files are in sites/<n>/ there, which the record
    leaves out), or in its year and month folders (WordPress.com's and a CDN's addresses
    have no wp-content/uploads)."""
    path = unquote(urlsplit(url).path)
    marker = "/wp-content/uploads/"
    dated = _DATED_UPLOAD.search(path)
    found = (
        attached_file.lstrip("/"),
        path.split(marker, 1)[1] if marker in path else "",
        dated.group(1) if dated else "",
    )
    return list(dict.fromkeys(p for p in found if p))


def unsized(url):
    """An upload's address without WordPress's size suffix (photo-300x200.jpg)."""
    return _SIZED.sub("", url)


# The files WordPress made of an uploaded image (its sizes: "file" entries; since 5.3 the
# original of a large image it scaled down: "original_image"), in its attachment metadata.
# WordPress's file names hold no quote (sanitize_file_name), so a name ends at the first.
_MADE_FILE = re.compile(r's:(?:4:"file"|14:"original_image");s:\d+:"([^"/\\]{1,255})";')


def upload_variants(url, attachment_metadata):
    """The addresses of the other files WordPress made of the upload at `url` (its
    thumbnail, medium and large sizes, the unscaled original), read with a pattern from
    its attachment metadata, never unserialised: beside `url`, in the same folder."""
    folder, _, name = url.rpartition("/")
    if not folder or "?" in url:
        return []
    names = dict.fromkeys(_MADE_FILE.findall(attachment_metadata or ""))
    return [f"{folder}/{n}" for n in names if n not in (name, ".", "..")]


_CREDIT = re.compile(r's:6:"credit";s:\d+:"(.*?)";', re.S)
_CREDIT_LENGTH = re.compile(rb's:6:"credit";s:(\d{1,5}):"')


def image_credit(attachment_metadata):
    """The photographer's credit WordPress read from the image's IPTC data (a PHP-serialised
    array in _wp_attachment_metadata); read with a pattern, never unserialised. The string
    is as long as its length says (in UTF-8 bytes), so a credit holding '";' is whole;
    where the length does not fit (the export re-encoded the text), up to the first '";'."""
    data = (attachment_metadata or "").encode("utf-8", "surrogatepass")
    found = _CREDIT_LENGTH.search(data)
    if found:
        start, length = found.end(), int(found.group(1))
        if data[start + length : start + length + 2] == b'";':
            return data[start : start + length].decode("utf-8", "replace")[:255]
    match = _CREDIT.search(attachment_metadata or "")
    return match.group(1)[:255] if match else ""


# The description search engines show, as SEO plugins keep it (Yoast, Rank Math, All in One
# SEO before its version 4); one made of the plugin's variables (%%excerpt%%, %excerpt%) is
# left to Kabar.
SEO_DESCRIPTION_KEYS = ("_yoast_wpseo_metadesc", "rank_math_description", "_aioseop_description")


def seo_description(meta):
    for key in SEO_DESCRIPTION_KEYS:
        text = plain(meta.get(key, ""))
        if text and not _SEO_VARIABLE.search(text):
            return text
    return ""


# The category an SEO plugin was told is the post's main one (Yoast, Rank Math): the WordPress
# id of a category term.
PRIMARY_CATEGORY_KEYS = ("_yoast_wpseo_primary_category", "rank_math_primary_category")


def primary_category(meta):
    """The WordPress id of the post's primary category as its SEO plugin kept it, or ""."""
    for key in PRIMARY_CATEGORY_KEYS:
        value = meta.get(key, "").strip()
        if value:
            return value
    return ""


def language_of(channel_language, default):
    """The export's language (en-US, th) as an article language (en, th), else `default`."""
    return content_language(channel_language) or default
