"""Text as XML 1.0 can hold it, and feed writers that use it, so that whatever is already
stored (a comment, a title) can never make a feed unwritable or unreadable; and the one way
an import reads an XML file."""

import re
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils import feedgenerator

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


def xml_events(source):
    """iterparse's start and end events over the binary file `source`, refusing a DTD
    (DefusedXmlException). An encoding its declaration names that Python or expat cannot
    read ("x-bogus", "utf-32") is a ParseError like any other fault of the file: expat
    raised LookupError or ValueError for it."""
    try:
        yield from iterparse(source, events=("start", "end"), forbid_dtd=True)
    except DefusedXmlException:
        raise  # a ValueError too, said as what it is by the importer
    except (LookupError, ValueError) as exc:
        raise ParseError(f"the encoding its XML declaration names cannot be read: {exc}") from exc
