"""Text as two readers would compare it: Unicode-normalised, without invisible characters,
case-folded, its spacing made one space. The spam checks read every field this way, and
the duplicate check compares comments by the key of their folded text."""

import hashlib
import re
import unicodedata

SPACE_RE = re.compile(r"\s+")


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


def squash(text):
    """Folded with runs of whitespace made one space: how two texts are compared."""
    return SPACE_RE.sub(" ", fold(text)).strip()


def text_key(text):
    """32 hex digits, the same for two texts that squash() reads alike: what an index
    holds for comparing texts without reading them. Changing squash() changes every key,
    so stored keys are then computed again (a data migration)."""
    return hashlib.blake2b(squash(text).encode(), digest_size=16).hexdigest()
