"""One way of reading text for every spam check: Unicode-normalised, case-folded, with
invisible characters removed, so "Ｊｕｄｉ", "𝒿𝓊𝒹𝒾" and "ju\u200bdi" all read "judi"."""

import re
import unicodedata

from kabar.core.text import fold, squash  # noqa: F401 (read here by every check)

WORD_RE = re.compile(r"\w+")
# Links as a reader (or the autolinker) sees them: a scheme, or a bare www. host.
LINK_RE = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)
# A host ends where its path does, or at punctuation the sentence put after a bare link
# ("lihat https://www.bpk.go.id, dan ...").
HOST_RE = re.compile(r"^(?:https?://)?([^/\s:?#,;!)\]}>]+)", re.IGNORECASE)


def is_word_char(ch):
    """Letters, digits, underscore and combining marks (so Devanagari or Arabic words are
    not split at their vowel signs)."""
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def links_in(text):
    return LINK_RE.findall(text or "")


def host_of(url):
    match = HOST_RE.match((url or "").strip())
    if not match:
        return ""
    host = match.group(1).lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
