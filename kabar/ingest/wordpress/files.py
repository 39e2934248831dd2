"""A WordPress site's uploaded files: which become images and which documents, where each
is in the uploads folder, and the addresses by which posts point at them."""

import os
from urllib.parse import unquote, urlsplit

from django.conf import settings

from . import mapping

IMAGE_TYPES = (".jpg", ".jpeg", ".png", ".gif", ".webp", ".avif", ".bmp", ".tif", ".tiff")
# Documents when the project names none (WAGTAILDOCS_EXTENSIONS): files readers download.
DOCUMENT_TYPES = (
    "pdf", "doc", "docx", "xls", "xlsx", "ppt", "pptx", "odt", "ods", "odp", "key", "rtf",
    "txt", "csv", "epub", "zip", "mp3", "m4a", "ogg", "oga", "wav",
)  # fmt: skip
# Never a document whatever the settings say: what a server runs, or a browser renders as
# a page of this site (markup, SVG, script) or runs as a program.
NEVER_DOCUMENTS = frozenset(
    {
        "php", "php3", "php4", "php5", "php7", "phtml", "phar", "pht", "cgi", "pl", "py",
        "asp", "aspx", "jsp", "html", "htm", "xhtml", "shtml", "xht", "mht", "mhtml", "svg",
        "svgz", "xml", "xsl", "xslt", "js", "mjs", "css", "swf", "hta", "htc", "exe", "msi",
        "bat", "cmd", "com", "sh", "jar", "vbs", "wasm",
    }
)  # fmt: skip


def extension(name):
    return os.path.splitext(name)[1].lower().lstrip(".")


def is_image(name):
    return name.lower().endswith(IMAGE_TYPES)


def is_document(name):
    allowed = getattr(settings, "WAGTAILDOCS_EXTENSIONS", None) or DOCUMENT_TYPES
    kind = extension(name)
    return bool(kind) and kind not in NEVER_DOCUMENTS and kind in {e.lower() for e in allowed}


def find(uploads, candidates):
    """The real path of the first of `candidates` (paths inside the uploads folder) that is
    a file there, or None; never one outside the folder (../, a link leading elsewhere)."""
    root = os.path.realpath(uploads)
    for candidate in candidates:
        path = os.path.realpath(os.path.join(uploads, candidate))
        if path.startswith(root + os.sep) and os.path.isfile(path):
            return path
    return None


def _keys(url):
    """The keys an upload's address is known by: its path (any host: the site's other
    names, http or https), and where it is inside the uploads folder (a network site's,
    WordPress.com's or a CDN's address of the same file)."""
    keys = [urlsplit(url).path, *mapping.upload_paths(url)] if url else []
    # Not an address of no file ("/": a guid of ?attachment_id=12 has the home page's path).
    return [key for key in keys if key and not key.endswith("/")]


class Addresses:
    """Upload addresses, with or without WordPress's size suffix (photo-300x200.jpg), to
    what Kabar made of the file (an image's or a document's pk)."""

    def __init__(self):
        self._by_key = {}

    def remember(self, item, pk):
        attached = unquote(item.meta.get("_wp_attached_file", "") or "")
        keys = [*_keys(item.attachment_url), *_keys(item.guid)]
        keys += mapping.upload_paths(item.attachment_url, attached)
        for key in keys:
            self._by_key[key] = pk

    def find(self, url):
        for key in (*_keys(url), *_keys(mapping.unsized(url or ""))):
            if key in self._by_key:
                return self._by_key[key]
        return None
