"""Words and their Snowball stems, the same at index and at query time, and snippets."""

import bisect
import functools
import re
import unicodedata

import snowballstemmer
from django.utils.html import escape
from django.utils.safestring import mark_safe

# Marks put around matched words in a snippet (snippet()): control characters, which never
# survive in indexed text (clean()).
MARK_START, MARK_END, ELLIPSIS = "\x02", "\x03", "\x04"
_controls = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_QUERY_CHARS = 200
MAX_QUERY_WORDS = 12
MAX_WORD_CHARS = 40

STEMMERS = {"en": "english"}
DEFAULT_STEMMER = "indonesian"


def stemmer_name(language):
    return STEMMERS.get(language, DEFAULT_STEMMER)


@functools.cache
def _stemmer(name):
    return snowballstemmer.stemmer(name)


@functools.lru_cache(maxsize=100_000)
def stem(word, language):
    """The Snowball stem of one lower-case word; news repeats its words, hence the cache."""
    return _stemmer(stemmer_name(language)).stemWord(word) or word


# A word is a letter or digit, then letters, digits and combining marks (Mn, Mc, Me: the
# vowel signs and viramas of Devanagari, Bengali, Tamil, Thai, Khmer, Myanmar, and accents
# NFKC leaves apart), as FTS5's tokenizer takes them (migration 0005: categories
# 'L* N* Co M*') and PostgreSQL's parser in a UTF-8 or C locale: each word a stem is made of
# is one token in either index, so stems and words line up one to one. Without its marks
# "हिन्दी" was "ह", "न", "द", found by every word of the same consonants.
#
# Python's \w holds no marks and its re has no \p{M}: their class is built from unicodedata
# once, at the first search, over the planes Unicode assigns marks in (the others hold
# ideographs, private use or nothing yet), some 25 ms.
_MARK_PLANES = (0, 1, 14)


@functools.cache
def _patterns():
    """(a word, two word characters, a mark), compiled once."""
    ranges = []
    for plane in _MARK_PLANES:
        for code in range(plane << 16, (plane + 1) << 16):
            if unicodedata.category(chr(code))[0] != "M":
                continue
            if ranges and ranges[-1][1] == code - 1:
                ranges[-1][1] = code
            else:
                ranges.append([code, code])
    marks = "".join(f"{re.escape(chr(low))}-{re.escape(chr(high))}" for low, high in ranges)
    char = rf"(?:[^\W_]|[{marks}])"
    return re.compile(rf"[^\W_]{char}*"), re.compile(rf"{char}{{2}}"), re.compile(f"[{marks}]")


# Letters and digits only: a text without marks is split by this one, four times faster.
_PLAIN_WORD = re.compile(r"[^\W_]+")


def _word_pattern(text):
    """The word pattern for `text`: with marks only where it holds any."""
    if text.isascii():
        return _PLAIN_WORD
    word, _pair, mark = _patterns()
    return word if mark.search(text) else _PLAIN_WORD


def clean(text):
    """Text as indexed and shown: composed characters, no control characters."""
    return _controls.sub(" ", unicodedata.normalize("NFKC", text or ""))


def words(text):
    # Lower-cased after splitting: lowering can add characters (İ) that would split a word.
    text = clean(text)
    return [word.lower() for word in _word_pattern(text).findall(text)]


def stems(text, language):
    """The stems of `text`'s words, space-separated, one per word and in order."""
    return " ".join(stem(word, language) for word in words(text))


def query_words(raw):
    """A reader's query as plain words (None: nothing searchable). Everything else (quotes,
    operators, FTS syntax, NUL) is dropped, and long queries are cut short."""
    raw = raw or ""
    found = [word[:MAX_WORD_CHARS] for word in words(raw[:MAX_QUERY_CHARS])]
    cut = raw[MAX_QUERY_CHARS - 1 : MAX_QUERY_CHARS + 1]
    if len(raw) > MAX_QUERY_CHARS and _patterns()[1].fullmatch(cut):
        found = found[:-1]  # cut in the middle of a word (a letter and its vowel sign too)
    return list(dict.fromkeys(found))[:MAX_QUERY_WORDS] or None


def highlighted(text):
    """HTML for text holding MARK_START / MARK_END / ELLIPSIS: all of it escaped, then the
    marks turned into <mark> and an ellipsis."""
    html = escape(text).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")
    return mark_safe(html.replace(ELLIPSIS, "…"))  # noqa: S308 - escaped just above


def _window(stemmed, wanted, size):
    """The first word of the `size`-word window of `stemmed` holding the most of the
    `wanted` stems, then the most matches, its matches centred; 0 when none match."""
    hits = [i for i, stem in enumerate(stemmed) if stem in wanted]
    best, best_score = 0, None
    for n, first in enumerate(hits):
        inside = hits[n : bisect.bisect_left(hits, first + size, n)]
        score = (len({stemmed[i] for i in inside}), len(inside))
        if best_score is None or score > best_score:
            slack = size - (inside[-1] - first + 1)
            best, best_score = max(0, first - slack // 2), score
    return min(best, max(0, len(stemmed) - size))


def snippet(body_text, stemmed_body, wanted, size):
    """HTML: the passage of `size` words of `body_text` where the `wanted` stems are (the
    opening when none is), in the words written, the matches marked. `stemmed_body` holds
    one stem per word of `body_text` (stems()), so a stem's place is its word's place."""
    source = clean(body_text)
    matches = list(_word_pattern(source).finditer(source))
    stemmed = stemmed_body.split()[: len(matches)]
    matches = matches[: len(stemmed)]
    if not matches:
        return ""
    first = _window(stemmed, wanted, size)
    shown = matches[first : first + size]
    pieces = []
    position = shown[0].start()
    for n, match in enumerate(shown, start=first):
        pieces.append(source[position : match.start()])
        word = match.group()
        pieces.append(f"{MARK_START}{word}{MARK_END}" if stemmed[n] in wanted else word)
        position = match.end()
    if first + size < len(matches):
        pieces.append(" " + ELLIPSIS)
    else:
        pieces.append(source[position:].rstrip())  # the closing full stop
    text = "".join(pieces)
    if first > 0:
        text = ELLIPSIS + " " + text
    return highlighted(text)
