"""Old WordPress addresses kept working: their normal form, their lookup, and the one write
path for the redirect table (LegacyRedirect). The addresses each kind of imported item had
are wordpress/addresses.py's."""

import re
import unicodedata
from typing import NamedTuple
from urllib.parse import unquote_to_bytes, urlsplit

from django.db import transaction

from kabar.core import generations
from kabar.core.xmlsafe import CONTROL_RE

from .models import LegacyRedirect

# Query parameters by which WordPress addresses content (with any permalink structure):
# only these are kept in a key, and any of them makes a request worth looking up even on
# a path that answers (`/?p=12` is the home page to Kabar). Pagination (`paged`, `cpage`)
# is left out on purpose: page 2 of an old archive lands on the new one's first page.
CONTENT_PARAMETERS = frozenset(
    {"p", "page_id", "attachment_id", "cat", "tag", "author", "feed", "m"}
)
NUMERIC_PARAMETERS = frozenset({"p", "page_id", "attachment_id", "cat", "author", "m"})
_escapes = re.compile(r"(?:%[0-9A-Fa-f]{2})+")
_key_unsafe = re.compile(r"[%&=#\s]")
# Parts WordPress adds after an address that show the same item: an archive's or a
# post's further pages (a post split by <!--nextpage--> has /2/, /3/…), its AMP copy,
# embed view or trackback address. Tried only after the address itself.
_TAILS = re.compile(r"/(?:page/\d+|comment-page-\d+|amp|embed|trackback)$")
# A post's further page (/2/) is a bare number after its slug; after a number (/2026/11/13/)
# or at the root (/2026/) it is an archive of its own.
_PAGE_NUMBER = re.compile(r"[1-9]\d{0,3}")
MAX_KEY_LENGTH = LegacyRedirect._meta.get_field("old_path").max_length


def _decode_escapes(text):
    """Percent-escapes decoded where they spell UTF-8; any other run kept, in lower case."""

    def decode(match):
        run = match.group(0)
        try:
            decoded = unquote_to_bytes(run).decode("utf-8")
        except UnicodeDecodeError:
            return run.lower()
        # A control character stays escaped: NUL above all, which PostgreSQL refuses in
        # the lookup's text (no old address holds one anyway).
        return run.lower() if CONTROL_RE.search(decoded) else decoded

    return unicodedata.normalize("NFC", _escapes.sub(decode, text))


def _normal_path(path):
    # WordPress matches slugs whatever their case (MySQL collations), so old links in any
    # case worked; "almost pretty" permalinks carry /index.php/ in front.
    path = _decode_escapes(path).lower()
    if path == "/index.php" or path.startswith("/index.php/"):
        path = path[len("/index.php") :]
    path = path.rstrip("/")
    return path or "/"


def _normal_query(query):
    kept = {}
    for pair in query.split("&"):
        name, _eq, value = pair.partition("=")
        name = _decode_escapes(name.replace("+", " ")).strip().lower()
        if name not in CONTENT_PARAMETERS:
            continue
        value = _decode_escapes(value.replace("+", " ")).strip().lower()
        if name in NUMERIC_PARAMETERS and value.isascii() and value.isdigit():
            # As str(int(value)), which refuses more than 4,300 digits (ValueError).
            value = value.lstrip("0") or "0"
        if value:
            kept[name] = _key_unsafe.sub(lambda m: f"%{ord(m.group(0)):02x}", value)
    return "&".join(f"{name}={kept[name]}" for name in sorted(kept))


def _folder(base_url):
    """The folder a WordPress site lived in, normalised ("/blog"); "/" at a domain's root."""
    return _normal_path(urlsplit(base_url).path or "/") if base_url else "/"


def _in_folder(path, folder):
    return folder != "/" and (path == folder or path.startswith(folder + "/"))


def key_for(path, query="", base_url=""):
    """The key of a path (as Django decoded it, or raw) and raw query string, the path
    taken relative to the WordPress site's root (see old_path_key)."""
    path = _normal_path(path or "/")
    folder = _folder(base_url)
    if _in_folder(path, folder):
        path = path[len(folder) :] or "/"
    query = _normal_query(query) if query else ""
    return path + (f"?{query}" if query else "")


def old_path_key(url, base_url=""):
    """The normal form of an old address: its path relative to the WordPress site's root
    (the path of `base_url`, e.g. "/blog" for http://example.id/blog/), percent-escapes
    decoded, in lower case, without a trailing slash, and only the content parameters of
    its query string, sorted. Scheme and host are dropped."""
    parts = urlsplit(url)
    return key_for(parts.path, parts.query, base_url)


class StoredKey(NamedTuple):
    """A key an old address is stored under; `yields` when an address of another item
    may have the same key, which then keeps the row (see old_path_keys)."""

    key: str
    yields: bool


def old_path_keys(url, base_url=""):
    """The keys an old address of a site in a folder is stored under: relative to the
    folder (old_path_key: the folder's address now leads to Kabar's root) and with it (Kabar
    took over the domain itself). http://example.com/blog/blog/x/ and .../blog/x/ both
    claim "/blog/x": the address with its folder wins, whichever is written first, so a
    second import changes nothing."""
    relative = old_path_key(url, base_url)
    whole = old_path_key(url)
    if whole == relative:
        return [StoredKey(relative, False)]
    folder = _folder(base_url)
    yields = _in_folder(relative.partition("?")[0], folder)
    return [StoredKey(relative, yields), StoredKey(whole, False)]


# Looking an address up: what the middleware answers and comment imports follow.


def lookup_keys(path, query="", base_url=""):
    """The keys an address's item may be stored under, the exact one first: then without
    what WordPress adds after an item's address to show the same item (_TAILS)."""
    keys = [key_for(path, query, base_url)]
    shorter = _TAILS.sub("", path.rstrip("/"))
    if shorter == path.rstrip("/"):
        head, _slash, last = shorter.rpartition("/")
        if _PAGE_NUMBER.fullmatch(last) and head and not head.rpartition("/")[2].isdigit():
            shorter = head
    if shorter != path.rstrip("/"):
        keys.append(key_for(shorter or "/", query, base_url))
    return keys


def redirect_rows(site_id, keys):
    """{key: (page id, target)} for those of `keys` the site's redirect table holds, in
    one query."""
    rows = LegacyRedirect.objects.filter(site_id=site_id, old_path__in=keys)
    return {
        key: (page_id, target)
        for key, page_id, target in rows.values_list("old_path", "page_id", "target")
    }


def redirect_for(site_id, keys):
    """(page id, target) of the first of `keys` (see lookup_keys) the site's redirect
    table holds, or None."""
    found = redirect_rows(site_id, keys)
    return next((found[key] for key in keys if key in found), None)


# What the importer writes.


def redirects_key(site_id):
    """The generation renewed whenever the site's redirect table changes."""
    return generations.generation_key("legacy-redirects", site_id)


def redirects_changed(site):
    """Make every process read the site's redirect table again, once the transaction
    commits (a reader loading it before then would keep the old table)."""
    key = redirects_key(site.pk if hasattr(site, "pk") else site)
    transaction.on_commit(lambda: generations.renew([key]))


def _destination(key, page=None, target=""):
    """(page id, target) the old address `key` is to answer with, or None: nothing to point
    to, a key longer than the table holds, or a target that is the old address itself."""
    if len(key) > MAX_KEY_LENGTH:
        return None
    if page is not None:
        return page.pk, ""
    if not target or key == old_path_key(target):
        return None
    return None, target


def write_keys(site, wanted, yielding=frozenset()):
    """Store {key: (page id, target)} for `site` in one read and one write of new rows,
    leaving the rows of keys in `yielding` that point elsewhere as they are;
    {"created": n, "updated": n, "unchanged": n, "skipped": n}."""
    counts = dict.fromkeys(("created", "updated", "unchanged", "skipped"), 0)
    existing = {
        row.old_path: row for row in LegacyRedirect.objects.filter(site=site, old_path__in=wanted)
    }
    new_rows = []
    for key, (page_id, target) in wanted.items():
        row = existing.get(key)
        if row is None:
            new_rows.append(LegacyRedirect(site=site, old_path=key, page_id=page_id, target=target))
            counts["created"] += 1
        elif (row.page_id, row.target) == (page_id, target):
            counts["unchanged"] += 1
        elif key in yielding:
            counts["skipped"] += 1
        else:
            row.page_id, row.target = page_id, target
            row.save(update_fields=["page", "target"])
            counts["updated"] += 1
    LegacyRedirect.objects.bulk_create(new_rows)
    return counts


def want_keys(wanted, yielding, url, base_url, where):
    """Add the keys of old address `url` that are to answer `where` (the page or target
    of _destination) to `wanted` and `yielding` (for write_keys); how many were left out."""
    skipped = 0
    for key, yields in old_path_keys(url, base_url):
        destination = _destination(key, **where) if where is not None else None
        if destination is None or key in wanted:
            skipped += 1
            continue
        wanted[key] = destination
        if yields:
            yielding.add(key)
    return skipped


def redirect_set(site, old_url, base_url="", *, page=None, target="", renew=True):
    """Make `old_url` on `site` answer 301 to `page` (wherever it is then) or `target`;
    "created", "updated", "unchanged", or "skipped" (see _destination)."""
    wanted, yielding = {}, set()
    want_keys(wanted, yielding, old_url, base_url, {"page": page, "target": target})
    if not wanted:
        return "skipped"
    result = next(name for name, n in write_keys(site, wanted, yielding).items() if n)
    if renew and result in ("created", "updated"):
        redirects_changed(site)
    return result
