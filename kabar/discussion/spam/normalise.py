"""Text as a spam check reads it, whatever games its writer played with the letters.

`normalise(text)` gives the analysis form of a comment's text; the text stored and shown
is never changed. In order:

1. fold as text.fold does (NFKC, no invisible format characters, case-folded), with the
   confusable skeleton as Unicode's UTS #39 defines it taken before and after case-folding,
   from the confusables.txt table that the confusable-homoglyphs package ships (no download
   at run time): Cyrillic "ѕ", Greek "ο", dotless "ı" read as Latin "s", "o", "i". Only
   non-ASCII characters are mapped, so "0" and "1" in ordinary numbers stay digits;
2. nothing more for a single word of letters (a name, mostly);
3. letters split by separators: "s l o t", "g.a.c.o.r", "s-l-o-t" read as one word (three
   or more single characters joined by the same separator), before the dots are read, so
   "c o m" is a top-level domain again;
4. spelled-out domains: "gacor88 titik com", "dot com", "(dot)", "[.]", "www ." read as
   "." ("w w w . c u a n 4 d . c l u b" reads "www.cuan4d.club");
5. leetspeak in words that mix letters with digits or @ and $: "sl0t g4c0r" reads "slot
   gacor", "$lot" reads "slot"; runs of two or more digits ("slot88") are kept and split
   off the letters, "slot 88", so the word is found;
6. a letter repeated three or more times counts once ("gacoooor").

Linear in the length of the text. ASCII text skips the skeleton, and each later step is
skipped when a cheap test shows it has nothing to do.
"""

import functools
import re
import unicodedata

from .text import fold

SEPARATED_RE = re.compile(
    # Three or more single letters or digits, each pair joined by the same short run of
    # separators ("s l o t", "g.a.c.o.r", "s - l - o - t"). The run is taken whole
    # (possessive: no giving back) and what follows it is checked by _join_separated: a
    # lookahead here made each start scan to the end of such a run and back again, so
    # "a/ " 21,000 times took 6 s (time in the square of the length).
    r"(?<![\w.@/-])(\w)(?P<sep>[ .\-_*+•·|~/]{1,3})\w(?:(?P=sep)\w)++"
)
SPELLED_DOT_RE = re.compile(
    r"\s*(?:[\(\[\{]\s*(?:dot|titik|\.)\s*[\)\]\}]|\s(?:dot|titik|\.)\s)\s*"
    r"(?=(?:com|net|org|xyz|id|co|info|biz|site|online|io|me|vip|pro|top|club|live|asia|"
    r"cc|shop|store|link|win|bet|fun|games?|app|sbs|icu|cyou|click|tk|ml|ga|cf)\b)"
)
BRACKETED_DOT_RE = re.compile(r"\s*[\(\[\{]\s*(?:dot|titik|\.)\s*[\)\]\}]\s*")
WWW_DOT_RE = re.compile(r"\bwww(?:\s*\.\s*|\s+(?:dot|titik)\s+)(?=\w)")
MIXED_GATE_RE = re.compile(r"[\d@$]")
# A whole token (a run of [\w@$]) with a digit, "@" or "$" in it: the only ones _unleet
# can change, which leaves a token of letters (most of a text) as it is.
UNLEET_TOKEN_RE = re.compile(r"(?<![\w@$])[\w@$]*[\d@$][\w@$]*")
# Underscore is a word character: "g_a_c_o_r" has no word boundary inside it.
SEPARATED_GATE_RE = re.compile(
    r"(?<![^\W_])[^\W_][ .\-_*+•·|~/]{1,3}[^\W_][ .\-_*+•·|~/]{1,3}[^\W_](?![^\W_])"
)
LEET = {"0": "o", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
VOWELS = set("aeiou")
REPEAT_RE = re.compile(r"([a-vx-z])\1{2,}")
SPACE_RE = re.compile(r"\s+")
DIGIT_RUN_RE = re.compile(r"\d{2,}")


@functools.cache
def skeleton_table():
    """{code point: prototype} for every single non-ASCII character that confusables.txt
    maps to a prototype, as str.translate takes it. Built once per process from the data
    the confusable-homoglyphs package ships: its table lists each pair both ways, so a
    character is a source when it has exactly one partner; of two characters that list
    only each other, the ASCII one is the prototype."""
    # Imported here: the import reads a 0.9 MB table, needed only for non-ASCII text.
    from confusable_homoglyphs.confusables import confusables_data  # noqa: PLC0415

    table = {}
    for char, partners in confusables_data.items():
        if len(char) != 1 or char.isascii() or len(partners) != 1:
            continue
        target = partners[0]["c"].replace("\u200e", "")
        if not target or target == char:
            continue
        back = confusables_data.get(target, ())
        if len(back) == 1 and not target.isascii():
            # Only each other's partner, neither ASCII: which is the prototype is not
            # recorded, and neither helps to read Latin spam.
            continue
        target = target.casefold()
        if target == "l" and char.isupper():
            # UTS #39 gives capital I and small l one skeleton; a capital look-alike in a
            # word of capitals ("PΙNJOL") stands for I.
            target = "i"
        table[ord(char)] = target
    return table


def skeleton(text):
    """UTS #39's skeleton of `text`, for non-ASCII characters only."""
    if text.isascii():
        return text
    return text.translate(skeleton_table())


def fold_skeleton(text):
    """fold() with the skeleton taken before case-folding, as UTS #39 takes it (Greek
    capital nu "Ν" looks like N; its small letter "ν" like v), then again after."""
    if text.isascii():
        return text.lower()
    text = unicodedata.normalize("NFKC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf")
    return skeleton(skeleton(text).casefold())


def _unleet_token(token):
    letters = sum(ch.isalpha() for ch in token)
    if not letters or letters == len(token) or token[0] == "@":
        return token
    if token[0].isdigit() and len(token) < 5:
        return token  # a quantity: "1jt", "5rb", "3x", "4d"
    # Runs of two or more digits are numbers ("slot88", "303"): kept, split off the letters.
    kept = set()
    for run in DIGIT_RUN_RE.finditer(token):
        kept.update(range(run.start(), run.end()))
    out = []
    length = len(token)
    for index, ch in enumerate(token):
        if index in kept or (ch not in LEET and ch != "1"):
            out.append(ch)
        elif ch == "1":
            before = token[index - 1] if index else ""
            after = token[index + 1] if index + 1 < length else ""
            # Between a consonant and a vowel it stands for l ("s1ot", "k1ik"), else i.
            consonant = before.isalpha() and before not in VOWELS
            out.append("l" if consonant and after in VOWELS else "i")
        elif ch == "4" and index + 2 == length and token[-1] == "d":
            out.append(ch)  # "togel4d": the lottery, not a letter
        else:
            out.append(LEET[ch])
    word = "".join(out)
    return DIGIT_RUN_RE.sub(lambda m: f" {m.group(0)} ", word).strip()


def _unleet(match):
    token = match.group(0)
    if token.isalpha():
        return token  # letters only: nothing to read otherwise (most words of a text)
    if (
        match.string.startswith(".", match.end())
        and match.string[match.end() + 1 : match.end() + 2].isalnum()
    ):
        # A part of a host name or an email address ("putusan3.example.go.id",
        # "budi@gmail.com"): kept as written, so the address is the one linked.
        return token
    return _unleet_token(token)


def _ends_a_word(char):
    """Whether `char` may follow split letters: not a word character, "@" or "/" (the run
    would be part of an address or a path)."""
    return not (char and (char in "_@/" or char.isalnum()))


def _join_separated(match):
    """The run of split letters joined, up to its longest end that _ends_a_word, as a
    lookahead with backtracking would have found it: the whole run, or all of it but its
    last letter (each shorter end is followed by the separator), or none."""
    run, sep = match.group(0), match.group("sep")
    if _ends_a_word(match.string[match.end() : match.end() + 1]):
        return run.replace(sep, "")
    if _ends_a_word(sep[0]) and run.count(sep) >= 3:  # three letters left at least
        head, _sep, last = run.rpartition(sep)
        return head.replace(sep, "") + sep + last
    return run


def normalise(text):
    """The analysis form of `text`: folded, skeletonised, de-obfuscated (see the module)."""
    if not text:
        return ""
    text = fold_skeleton(text)
    if text.isalpha():
        return REPEAT_RE.sub(r"\1", text)  # one word of letters only: nothing else to read
    if SEPARATED_GATE_RE.search(text):
        text = SEPARATED_RE.sub(_join_separated, text)
    if "dot" in text or "titik" in text or "(" in text or "[" in text or " . " in text:
        text = SPELLED_DOT_RE.sub(".", text)
        text = BRACKETED_DOT_RE.sub(".", text)
        text = WWW_DOT_RE.sub("www.", text)
    if MIXED_GATE_RE.search(text):
        text = UNLEET_TOKEN_RE.sub(_unleet, text)
    text = REPEAT_RE.sub(r"\1", text)
    return SPACE_RE.sub(" ", text).strip()


# A commenter's name, email and website come again with each of their comments: read once
# per process, not on each comment (a tenth of the time reading a comment).
FIELDS_KEPT = 4096


@functools.lru_cache(maxsize=FIELDS_KEPT)
def normalise_field(text):
    """normalise() for a short field (a name), kept for the next comment that sends it."""
    return normalise(text)


HOST_PART_RE = re.compile(r"[^\w@$]+|_")


@functools.lru_cache(maxsize=FIELDS_KEPT)
def host_words(host):
    """A host name as words: "slot-gacor88.xyz" -> ("slot", "gacor", "88", "xyz"); each
    part read as text is ("sl0t-g4cor.example" -> slot gacor example)."""
    parts = [part for part in HOST_PART_RE.split(fold(host or "")) if part and part != "www"]
    return tuple(normalise(" ".join(parts)).split())
