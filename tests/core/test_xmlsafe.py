"""Text and feeds written as XML 1.0 whatever is stored: the characters it forbids are
dropped, everything else is kept."""

import xml.etree.ElementTree as ET
from io import StringIO

import pytest

from kabar.core.xmlsafe import Atom1Feed, Rss201rev2Feed, xml_safe

FORBIDDEN = "\x00\x01\x08\x0b\x0c\x0e\x1f\ufffe\uffff"


def test_xml_safe_drops_what_xml_forbids():
    assert xml_safe(f"a{FORBIDDEN}b") == "ab"


def test_xml_safe_keeps_tab_newlines_and_any_language():
    text = "Kabar\tdari\r\nJakarta — 東京, مرحبا, 🙂 \u00a0\ud7ff\ue000\ufffd"
    assert xml_safe(text) == text


@pytest.mark.parametrize("feed_type", [Rss201rev2Feed, Atom1Feed])
def test_a_feed_with_forbidden_characters_everywhere_is_well_formed(feed_type):
    feed = feed_type(
        title=f"Judul{FORBIDDEN}",
        link="https://example.org/",
        description="Deskripsi\x0c",
        author_name="Redaksi\x01",
        categories=["Rubrik\x1f"],
    )
    feed.add_item(
        title="Berita\x0c hari ini",
        link="https://example.org/berita/",
        description="<p>Isi\x01 berita</p>",
        author_name="Pembaca\x1f",
        categories=["Topik\x0b"],
    )
    out = StringIO()
    feed.write(out, "utf-8")
    ET.fromstring(out.getvalue().encode())  # noqa: S314 - written by the test itself
    text = out.getvalue()
    assert "Berita hari ini" in text and "Pembaca" in text and "Topik" in text
    assert not any(char in text for char in FORBIDDEN)
