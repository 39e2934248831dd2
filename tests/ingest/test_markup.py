"""Markup from elsewhere parsed by html.parser (kabar.ingest.markup.parse): unfinished
constructs read as the text they are without looking to the end of the input once for each
(the work is counted, not timed), an unknown marked section never refuses the whole story,
and what the source wrote as text stays text."""

import html.parser

import pytest
from bs4 import BeautifulSoup

from kabar.ingest.bodies import html_to_body
from kabar.ingest.markup import parse
from kabar.ingest.wire import html_to_text
from kabar.ingest.wordpress.mapping import comment_text, plain

# Pieces of markup that never finish (no ">" after them): each one made html.parser look
# through the rest of the input for its end (65 KB of "<a " took 22 s, of "<!--" 1 s).
UNFINISHED = ["<a ", "<a\n", '<a x="', "<a x=1 ", "<p <p", "<a/", "<!--", "<?", "</", "<![CDATA["]


@pytest.fixture
def looked_to_the_end(monkeypatch):
    """How many times html.parser found a construct unfinished, each time after reading the
    rest of the input for its end."""
    count = {"n": 0}
    for name in ("check_for_whole_start_tag", "parse_comment", "parse_pi", "parse_endtag"):
        original = getattr(html.parser.HTMLParser, name)

        def counting(self, i, *args, _original=original):
            found = _original(self, i, *args)
            if found < 0:
                count["n"] += 1
            return found

        monkeypatch.setattr(html.parser.HTMLParser, name, counting)
    return count


@pytest.mark.parametrize("piece", UNFINISHED)
def test_unfinished_markup_is_read_as_text_in_one_pass(piece, looked_to_the_end):
    hostile = "<p>Paragraf pembuka.</p>" + piece * 2_000 + "kata terakhir"
    soup = parse(hostile)
    assert looked_to_the_end["n"] <= 1
    # The same text html.parser would give it at last: every piece there, as words.
    assert soup.get_text() == BeautifulSoup(hostile, "html.parser").get_text()
    assert soup.get_text().endswith("kata terakhir")


@pytest.mark.parametrize("piece", ["<a ", "<!--", '<a x="'])
def test_every_reader_of_outside_markup_parses_it_in_one_pass(piece, looked_to_the_end):
    hostile = "<p>Paragraf pembuka.</p>" + piece * 2_000
    html_to_body(hostile)
    html_to_text(hostile)
    comment_text(hostile)
    plain(hostile)
    assert looked_to_the_end["n"] <= 8  # a few per reader, never one per piece


@pytest.mark.parametrize(
    "text", ["Rapat <![ anggaran", "Rapat <![1]> anggaran", "Rapat <![x]]> anggaran"]
)
def test_a_marked_section_html_parser_does_not_know_is_text(text):
    # html.parser refused the whole markup ("expected name token"): a title, a story or
    # a comment lost for it.
    assert plain(text) == text
    # A story of more than a hundred tags is parsed for its depth (markup.shallow).
    assert "Rapat" in html_to_text("<p>Paragraf.</p>" * 60 + text)
    assert comment_text(text).endswith("anggaran")
    rich = "".join(b["value"] for b in html_to_body(f"<p>{text}</p>").blocks)
    assert BeautifulSoup(rich, "html.parser").get_text() == text


def test_words_conditional_comments_stay_hidden():
    rich = "".join(
        b["value"]
        for b in html_to_body("<p><![if !supportLists]>1. <![endif]>Butir pertama</p>").blocks
    )
    assert BeautifulSoup(rich, "html.parser").get_text() == "1. Butir pertama"


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        # Markup the source wrote as text stays words (it became markup, or was lost).
        ("<p>Tulis &lt;br&gt; untuk baris baru.</p>", "Tulis <br> untuk baris baru."),
        ("<p>5 &lt; 6 dan &lt;script&gt;x&lt;/script&gt;.</p>", "5 < 6 dan <script>x</script>."),
        ("<h2>Kode &lt;b&gt;tebal&lt;/b&gt;</h2>", "Kode <b>tebal</b>"),
        # An HTML comment in a paragraph is the writer's note, never shown.
        ("<p>Teks <!-- catatan redaksi: cek ulang --> lanjut.</p>", "Teks  lanjut."),
    ],
)
def test_what_a_paragraph_shows_is_what_the_source_showed(source, shown):
    rich = "".join(b["value"] for b in html_to_body(source).blocks)
    soup = BeautifulSoup(rich, "html.parser")
    assert soup.get_text() == shown
    assert soup.find(["br", "script", "b"]) is None
