"""Text and feeds written as XML 1.0 whatever is stored: the characters it forbids are
dropped, everything else is kept."""

import xml.etree.ElementTree as ET
from io import BytesIO, StringIO

import pytest

from kabar.core.xmlsafe import Atom1Feed, Rss201rev2Feed, Utf8Mender, xml_events, xml_safe

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


# A file declared UTF-8 holding bytes of Windows-1252 (a WordPress database with Latin-1
# text beside UTF-8): read, those bytes as the letters they stand for.
MIXED = (
    '<?xml version="1.0" encoding="UTF-8"?><a>kafé “tubruk” </a>'.encode()
    .replace(b"</a>", b"caf\xe9 \x93kopi\x94 na\xefve</a>")
)  # fmt: skip


def _read_all(mender, size):
    out = b""
    while chunk := mender.read(size):
        out += chunk
    return out


@pytest.mark.parametrize("size", [1, 3, 7, 16 * 1024, -1])
def test_bytes_not_utf8_in_a_utf8_file_are_read_as_windows_1252(size, monkeypatch):
    # Chunks of 5 bytes: the file's valid multibyte letters are split between reads too.
    monkeypatch.setattr(Utf8Mender, "CHUNK", 5)
    mender = Utf8Mender(BytesIO(MIXED))
    text = _read_all(mender, size).decode()
    assert text.endswith("<a>kafé “tubruk” café “kopi” naïve</a>")
    assert mender.mended == 4


def test_a_file_of_valid_utf8_or_utf16_is_read_as_it_is():
    valid = '<?xml version="1.0"?><a>kafé “tubruk”</a>'.encode()
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><a>café</a>'.encode("utf-16")
    for data in (valid, utf16):
        mender = Utf8Mender(BytesIO(data))
        assert _read_all(mender, 4) == data
        assert mender.mended == 0


@pytest.mark.parametrize(
    ("encoding", "text"),
    [
        ("ISO-8859-1", "café"),
        ("windows-1251", "Новости дня"),
        # expat reads no multi-byte encoding: old WordPress sites in Japanese, Chinese and
        # Korean exported in these.
        ("EUC-JP", "今日のニュース"),
        ("Shift_JIS", "今日のニュース"),
        ("GB2312", "今日新闻"),
        ("Big5", "今日新聞"),
        ("EUC-KR", "오늘의 뉴스"),
    ],
)
def test_a_file_of_another_encoding_is_read_in_it(encoding, text, monkeypatch):
    # Chunks of 5 bytes: letters of two bytes are split between reads too.
    monkeypatch.setattr(Utf8Mender, "CHUNK", 5)
    data = f'<?xml version="1.0" encoding="{encoding}"?><a>{text}</a>'.encode(encoding)
    texts = [el.text for event, el in xml_events(BytesIO(data)) if event == "end"]
    assert texts == [text]


def test_a_declared_encoding_is_read_as_browsers_read_it():
    # Word's quotation marks in a page declared ISO-8859-1, GBK's letters in one declared
    # GB2312: what the site's readers saw.
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><a>“kopi”</a>'.encode("cp1252")
    gbk = '<?xml version="1.0" encoding="GB2312"?><a>镕基</a>'.encode("gbk")
    for data, text in ((latin, "“kopi”"), (gbk, "镕基")):
        assert [el.text for event, el in xml_events(BytesIO(data)) if event == "end"] == [text]


def test_control_characters_xml_forbids_are_left_out_and_line_breaks_kept():
    # Pasted from a word processor into WordPress, which exports them as they are: expat
    # refused the whole file at the first.
    data = (
        '<?xml version="1.0" encoding="UTF-8"?><a>Baris\x0bkedua\x0c dan\x00 ketiga\x1a'
        "\x08 \ufffe</a>"
    ).encode()
    mender = Utf8Mender(BytesIO(data))
    texts = [el.text for event, el in xml_events(BytesIO(data)) if event == "end"]
    assert texts == ["Baris\nkedua\n dan ketiga "]
    _read_all(mender, -1)
    assert mender.controls == 6
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><a>caf\x1aé</a>'.encode("latin-1")
    assert [el.text for event, el in xml_events(BytesIO(latin)) if event == "end"] == ["café"]


# Past the first read (which holds the declaration, at least 256 bytes), so that every
# reference and every CDATA section's start and end is cut by reads of a byte or two.
REFERENCES = (
    '<?xml version="1.0" encoding="UTF-8"?><a><!-- ' + "x" * 300 + " -->"
    '<b t="x&#x1;y">Judul&#11;baru&#0; &#65;&amp;&#xFFFE;&#1114112;&#xD800;&#00000011;</b>'
    "<c><![CDATA[isi &#11; &#x1;]]]]><![CDATA[>&#0;]]></c><!-- &#11; --><?pi &#1; ?>"
    "<d>&#x10FFFF;&#9;</d></a>"
).encode()


@pytest.mark.parametrize("size", [1, 2, 3, 7, -1])
def test_references_to_characters_xml_forbids_are_left_out_but_not_in_cdata(size, monkeypatch):
    # expat refuses a reference to a character XML forbids as much as the character; in a
    # CDATA section (WordPress writes a post's content in one), a comment or a processing
    # instruction it is five characters of text.
    monkeypatch.setattr(Utf8Mender, "CHUNK", 1)
    mender = Utf8Mender(BytesIO(REFERENCES))
    text = _read_all(mender, size).decode()
    assert text.endswith(
        '<b t="xy">Judul\nbaru &#65;&amp;\n</b>'
        "<c><![CDATA[isi &#11; &#x1;]]]]><![CDATA[>&#0;]]></c><!-- &#11; --><?pi &#1; ?>"
        "<d>&#x10FFFF;&#9;</d></a>"
    )
    assert mender.controls == 7
    root = ET.fromstring(text)  # noqa: S314 - written by the test itself
    assert root.find("b").get("t") == "xy"
    assert root.find("b").text == "Judul\nbaru A&\n"  # a vertical tab a line break
    assert root.find("c").text == "isi &#11; &#x1;]]>&#0;"
    assert root.find("d").text == "\U0010ffff\t"


def test_xml_events_reads_the_mended_text_and_says_how_many_bytes():
    told = []
    texts = [
        el.text for event, el in xml_events(BytesIO(MIXED), on_mended=told.append) if event == "end"
    ]
    assert texts == ["kafé “tubruk” café “kopi” naïve"]
    assert told == [4]


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-16"])
def test_a_utf16_file_with_or_without_its_mark_is_read_as_it_is(codec):
    # (expat reads no UTF-32: such a file is refused, as before.)
    data = '<?xml version="1.0" encoding="UTF-16"?><a>café 漢字</a>'.encode(codec)
    texts = [el.text for event, el in xml_events(BytesIO(data)) if event == "end"]
    assert texts == ["café 漢字"]


class _Trickling(BytesIO):
    """A stream that gives at most 10 bytes a read, whatever is asked."""

    def read(self, size=-1):
        return super().read(10)


def test_a_stream_giving_less_than_asked_still_shows_its_declaration():
    data = '<?xml version="1.0" encoding="ISO-8859-1"?><a>café</a>'.encode("latin-1")
    texts = [el.text for event, el in xml_events(_Trickling(data)) if event == "end"]
    assert texts == ["café"]


@pytest.mark.parametrize("before", [b"\n\n", b"\xef\xbb\xbf\r\n", b" \t\n"])
def test_blank_lines_before_the_declaration_are_left_out(before):
    """A WordPress theme or plugin that prints whitespace puts it before the export's
    declaration, which expat refuses ("XML or text declaration not at start of entity");
    WordPress's own importer reads such a file. The declared encoding is still read."""
    for encoding, text in (("UTF-8", "kopi “tubruk”"), ("ISO-8859-1", "café")):
        data = before + f'<?xml version="1.0" encoding="{encoding}"?><a>{text}</a>'.encode(
            "utf-8" if encoding == "UTF-8" else "latin-1"
        )
        texts = [el.text for event, el in xml_events(BytesIO(data)) if event == "end"]
        assert texts == [text]
