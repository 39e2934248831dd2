"""Text as XML 1.0 can hold it, and feed writers that use it, so that whatever is already
stored (a comment, a title) can never make a feed unwritable or unreadable; and the one way
an import reads an XML file."""

import codecs
import logging
import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils import feedgenerator

logger = logging.getLogger(__name__)

# Everything outside XML 1.0's Char production: most C0 controls, lone surrogates, U+FFFE
# and U+FFFF. (Django's feed writer refuses some of them, and writes the others unreadably.)
_NOT_XML_CHAR = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


# Unicode's control characters (category Cc: C0, DEL, C1), as a character class's body.
# NUL is one, which PostgreSQL refuses in a query's text.
CONTROL_CHARACTERS = "\x00-\x1f\x7f-\x9f"
CONTROL_RE = re.compile(f"[{CONTROL_CHARACTERS}]")


def xml_safe(text):
    """`text` without the characters XML 1.0 forbids."""
    return _NOT_XML_CHAR.sub("", text)


def is_xml_text(text):
    """Whether XML 1.0 can hold every character of `text`."""
    return _NOT_XML_CHAR.search(text) is None


def _xml_safe_values(values):
    """A feed's or an item's fields with xml_safe applied to every text in them."""

    def clean(value):
        if isinstance(value, str):
            return xml_safe(value)
        if isinstance(value, list | tuple):
            return type(value)(clean(item) for item in value)
        return value

    return {key: clean(value) for key, value in values.items()}


class XmlSafeFeedMixin:
    """For a django.utils.feedgenerator.SyndicationFeed: every text it is given (Django's
    Feed views give it what their item_* methods return) is written through xml_safe."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.feed = _xml_safe_values(self.feed)

    def add_item(self, *args, **kwargs):
        super().add_item(*args, **kwargs)
        self.items[-1] = _xml_safe_values(self.items[-1])


class Rss201rev2Feed(XmlSafeFeedMixin, feedgenerator.Rss201rev2Feed):
    pass


class Atom1Feed(XmlSafeFeedMixin, feedgenerator.Atom1Feed):
    pass


# The encoding an XML declaration names, read from the file's first bytes.
_DECLARED_ENCODING = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
# The same declaration in the text read from it, to say UTF-8 once that text is UTF-8.
_DECLARATION_TEXT = re.compile(r"""^(\ufeff?<\?xml[^>]*?\sencoding\s*=\s*["'])[A-Za-z0-9._-]+""")
# What surrogateescape makes of a byte that is not UTF-8 (0x80-0xFF).
_ESCAPED_BYTE = re.compile("[\udc80-\udcff]")
_UTF8_NAMES = {"utf-8", "utf8"}
# The encodings a declaration names read as the larger one that browsers read them as
# (WHATWG's Encoding standard), the one such a site's text was really in: a page declared
# ISO-8859-1 or GB2312 held Windows-1252's quotation marks or GBK's letters all the same.
_READ_AS = {
    "iso8859-1": "cp1252",
    "ascii": "cp1252",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "big5": "big5hkscs",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
}
# Characters XML 1.0 forbids that WordPress exports hold all the same (written raw into
# its CDATA sections): C0 controls pasted from word processors, U+FFFE and U+FFFF. expat
# refuses the whole file at the first; a vertical tab or a form feed (a word processor's
# line and page break) is read as a line break, the others are left out.
_FORBIDDEN_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_CONTROL_AS = {"\x0b": "\n", "\x0c": "\n"}
# A character reference to such a character (&#11;, in a title, a term's or a commenter's
# name) is refused by expat as much, except where a reference is only text: in a CDATA
# section (a post's content), a comment or a processing instruction, up to their end.
_LITERAL_END = {"<![CDATA[": "]]>", "<!--": "-->", "<?": "?>"}
_MARKUP = re.compile(r"<!\[CDATA\[|<!--|<\?|&#(?:([0-9]+)|x([0-9a-fA-F]+));")
_REFERENCE_START = re.compile(r"&(?:#(?:x[0-9a-fA-F]*|[0-9]*))?")


def _windows_1252(match):
    return bytes([ord(match.group()) - 0xDC00]).decode("cp1252", errors="replace")


def _control(match):
    return _CONTROL_AS.get(match.group(), "")


def _reference_as(match):
    """What a character reference _MARKUP found is read as: itself, or for a character
    XML forbids what that character is read as (_control)."""
    digits = match.group(1) or match.group(2)
    # More digits than zeros and seven: past U+10FFFF, however written (and never a number
    # too long for int()).
    if len(digits.lstrip("0")) > 7:
        return ""
    number = int(digits, 10 if match.group(1) else 16)
    if number > 0x10FFFF:
        return ""
    char = chr(number)
    return match.group() if is_xml_text(char) else _CONTROL_AS.get(char, "")


def _unfinished(tail):
    """Whether `tail`, the end of what was read, may be the start of a CDATA section, a
    comment, a processing instruction or a character reference, cut by a read (one of more
    than 64 characters, zeros in front, is not held: a file of digits is read once)."""
    if len(tail) > 64:
        return False
    if tail.startswith("<"):
        return any(start.startswith(tail) for start in _LITERAL_END)
    return _REFERENCE_START.fullmatch(tail) is not None


class Utf8Mender:
    """The binary file `raw` as UTF-8 that expat reads whole. Where it says (or, saying
    nothing, is taken to be) UTF-8, every byte that is not part of valid UTF-8 is read as
    Windows-1252, the encoding such a byte comes from in practice: a WordPress database
    that held Latin-1 text beside UTF-8 exports both into one file declared UTF-8, which
    expat refuses whole at the first such byte ("not well-formed (invalid token)").
    `mended` counts the bytes read so. A file declaring another encoding Python knows is
    read in it (expat reads no multi-byte one: EUC-JP, Shift_JIS, GBK, Big5, EUC-KR, which
    old WordPress sites in those languages were in) and given on as UTF-8. Either way the
    control characters XML forbids are left out, and character references to them where
    expat would read them (`controls` counts both). A file in UTF-16
    or UTF-32 (with a byte order mark or without), or declaring an encoding Python does not
    know, is read as it is."""

    CHUNK = 64 * 1024
    # Enough of the file's start to hold its XML declaration.
    DECLARATION = 256

    def __init__(self, raw):
        self.raw = raw
        self.mended = 0
        self.controls = 0
        self.pending = b""
        self.held = ""  # text read that may be the start of markup, looked at with the next
        self.literal_end = None  # in a CDATA section, a comment or a PI: what ends it
        self.decoder = None
        self.utf8 = False
        first = raw.read(self.CHUNK)
        while 0 < len(first) < self.DECLARATION:  # a stream that gives less than asked
            more = raw.read(self.CHUNK)
            if not more:
                break
            first += more
        # UTF-16 or UTF-32, with a byte order mark or without (a NUL among the first bytes
        # of "<?xml"): not UTF-8, read as expat reads it.
        if b"\x00" not in first[:4] and not first.startswith(
            (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
        ):
            # Blank lines before the declaration, which a theme or plugin printing
            # whitespace puts at the start of a WordPress export (and expat refuses: the
            # declaration must come first), are left out.
            bom = codecs.BOM_UTF8 if first.startswith(codecs.BOM_UTF8) else b""
            start = first.removeprefix(bom).lstrip(b" \t\r\n")
            if start.startswith(b"<?xml"):
                first = bom + start
            declared = _DECLARED_ENCODING.match(first.removeprefix(codecs.BOM_UTF8))
            name = declared.group(1).decode().lower() if declared else "utf-8"
            if first.startswith(codecs.BOM_UTF8) or name in _UTF8_NAMES:
                self.utf8 = True
                self.decoder = codecs.getincrementaldecoder("utf-8")("surrogateescape")
            else:
                self.decoder = self._decoder(name)
        self.pending = self._mend(first, final=not first, first=True)

    @staticmethod
    def _decoder(name):
        try:
            codec = codecs.lookup(name).name
        except LookupError:
            return None  # expat says it cannot read it, as the file's fault
        if codec.startswith(("utf-16", "utf-32")):
            return None  # declared so, yet not (its first bytes are ASCII): expat refuses it
        return codecs.getincrementaldecoder(_READ_AS.get(codec, codec))("replace")

    def _mend(self, data, *, final=False, first=False):
        if self.decoder is None:
            return data
        text = self.decoder.decode(data, final=final)
        if self.utf8:
            text, count = _ESCAPED_BYTE.subn(_windows_1252, text)
            self.mended += count
        text, count = _FORBIDDEN_CONTROL.subn(_control, text)
        self.controls += count
        if first:
            text = _DECLARATION_TEXT.sub(r"\1UTF-8", text, count=1)
        return self._references(self.held + text, final).encode()

    def _references(self, text, final):
        """`text` without character references to what XML forbids, outside the parts
        where they are only text; what may be cut markup at its end is held for the next."""
        out, position = [], 0
        while True:
            if self.literal_end is not None:
                end = text.find(self.literal_end, position)
                if end < 0:
                    # Its end may be cut by the read: the last characters wait for the next.
                    keep = len(text) if final else len(text) - len(self.literal_end) + 1
                    keep = max(position, keep)
                    out.append(text[position:keep])
                    position = keep
                    break
                end += len(self.literal_end)
                out.append(text[position:end])
                position, self.literal_end = end, None
                continue
            found = _MARKUP.search(text, position)
            if found is None:
                keep = len(text)
                last = max(text.rfind("<", position), text.rfind("&", position))
                if not final and last >= 0 and _unfinished(text[last:]):
                    keep = last
                out.append(text[position:keep])
                position = keep
                break
            out.append(text[position : found.start()])
            markup = found.group()
            if markup in _LITERAL_END:
                self.literal_end = _LITERAL_END[markup]
            else:
                markup = _reference_as(found)
                self.controls += markup != found.group()
            out.append(markup)
            position = found.end()
        self.held = text[position:]
        return "".join(out)

    def read(self, size=-1):
        while size < 0 or len(self.pending) < size:
            data = self.raw.read(self.CHUNK)
            self.pending += self._mend(data, final=not data)
            if not data:
                break
        if size < 0:
            size = len(self.pending)
        out, self.pending = self.pending[:size], self.pending[size:]
        return out


def xml_events(source, *, on_mended=None):
    """iterparse's start and end events over the binary file `source`, refusing a DTD
    (DefusedXmlException), its bytes that are not UTF-8 in a UTF-8 file read as
    Windows-1252 (Utf8Mender; `on_mended(count)` is told how many there were, at the end).
    An encoding its declaration names that Python or expat cannot read ("x-bogus",
    "utf-32") is a ParseError like any other fault of the file: expat raised LookupError or
    ValueError for it."""
    mender = Utf8Mender(source)
    try:
        yield from iterparse(mender, events=("start", "end"), forbid_dtd=True)
        if mender.controls:
            logger.warning("%d control characters XML forbids left out", mender.controls)
        if mender.mended:
            logger.warning("%d bytes not UTF-8 read as Windows-1252", mender.mended)
            if on_mended is not None:
                on_mended(mender.mended)
    except DefusedXmlException:
        raise  # a ValueError too, said as what it is by the importer
    except (LookupError, ValueError) as exc:
        raise ParseError(f"the encoding its XML declaration names cannot be read: {exc}") from exc
