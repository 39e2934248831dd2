"""One way of reading text for every spam check: Unicode-normalised, case-folded, with
invisible characters removed, so "Ｊｕｄｉ", "𝒿𝓊𝒹𝒾" and "ju\u200bdi" all read "judi"."""

import functools
import re
import unicodedata

WORD_RE = re.compile(r"\w+")
SPACE_RE = re.compile(r"\s+")
# Links as a reader (or the autolinker) sees them: a scheme, or a bare www. host.
LINK_RE = re.compile(r"(?:\bhttps?://|\bwww\.)[^\s<>\"']+", re.IGNORECASE)
# A host ends where its path does, or at punctuation the sentence put after a bare link
# ("lihat https://www.bpk.go.id, dan ...").
HOST_RE = re.compile(r"^(?:https?://)?([^/\s:?#,;!)\]}>]+)", re.IGNORECASE)


def fold(text):
    """NFKC, without format characters (zero-width joiners, bidi controls, soft hyphens),
    case-folded. Linear in the length of the text."""
    if not text:
        return ""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return text.casefold()


def is_word_char(ch):
    """Letters, digits, underscore and combining marks (so Devanagari or Arabic words are
    not split at their vowel signs)."""
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


# An author's latest comments are compared with each new one of theirs (the duplicate
# check): each earlier text is squashed once per process, not once per comment posted.
@functools.lru_cache(maxsize=4096)
def squash(text):
    """Folded with runs of whitespace made one space: how two texts are compared."""
    return SPACE_RE.sub(" ", fold(text)).strip()


def links_in(text):
    return LINK_RE.findall(text or "")


def host_of(url):
    match = HOST_RE.match((url or "").strip())
    if not match:
        return ""
    host = match.group(1).lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
