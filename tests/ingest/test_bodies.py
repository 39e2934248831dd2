"""Classic-editor bodies into paragraphs as WordPress's wpautop makes them: text beside a
block-level element on the same line is a paragraph of its own, never one around it."""

import pytest
from bs4 import BeautifulSoup
from hypothesis import given, settings
from hypothesis import strategies as st

from kabar.ingest.bodies import _autop, html_to_body

BLOCKS = {"p", "ul", "ol", "li", "blockquote", "div", "h2", "pre", "table", "figure", "hr"}


def paragraphs_holding_blocks(html):
    soup = BeautifulSoup(html, "html.parser")
    return [p for p in soup.find_all("p") if p.find(BLOCKS)]


def words(html):
    return BeautifulSoup(html, "html.parser").get_text(" ").split()


@pytest.mark.parametrize(
    ("html", "blocks"),
    [
        (
            "Pengantar singkat <ul><li>satu</li><li>dua</li></ul>",
            [("paragraph", "<p>Pengantar singkat</p><ul><li>satu</li><li>dua</li></ul>")],
        ),
        ("Teks <p>lagi</p>", [("paragraph", "<p>Teks</p><p>lagi</p>")]),
        (
            "Teks <blockquote>kutipan</blockquote> sesudahnya",
            [
                ("paragraph", "<p>Teks</p>"),
                ("quote", "kutipan"),
                ("paragraph", "<p>sesudahnya</p>"),
            ],
        ),
        (
            "Pembuka\nbaris kedua <h2>Judul</h2>Isi <em>miring</em>.",
            [
                (
                    "paragraph",
                    "<p>Pembuka<br>\nbaris kedua</p><h2>Judul</h2><p>Isi <i>miring</i>.</p>",
                )
            ],
        ),
    ],
)
def test_text_beside_a_block_on_its_line_is_a_paragraph_of_its_own(html, blocks):
    body = html_to_body(html)
    got = [
        (b["type"], b["value"]["quote"] if b["type"] == "quote" else b["value"])
        for b in body.blocks
    ]
    assert got == blocks


class _Image:
    pk = 1


def test_a_caption_shortcode_in_a_paragraph_keeps_its_caption():
    # A browser ends the <p> where the [caption]'s figure starts; html.parser would put the
    # figure inside it, its caption then read as the paragraph's words.
    html = (
        '<p>Sebelum [caption id="attachment_4" width="300"]<img src="https://x.example.id/a.jpg"/>'
        " Gedung lama[/caption] sesudah</p>"
    )
    body = html_to_body(html, image_for_url=lambda url: _Image)
    assert [(b["type"], b["value"]) for b in body.blocks] == [
        ("paragraph", "<p>Sebelum</p>"),
        ("image", {"image": 1, "caption": "Gedung lama", "credit": ""}),
        ("paragraph", "<p>sesudah</p>"),
    ]


def test_a_list_item_and_a_preformatted_block_keep_their_own_text():
    html = "<ul><li>satu dua</li></ul>\n<pre>kode\n\n  baris</pre>"
    assert _autop(html) == html


@pytest.mark.parametrize(
    ("html", "made"),
    [
        # wpautop: a newline in a list item's, a cell's, a heading's or a paragraph's text
        # is a line break too (an address, a verse), but not next to the tags around it.
        (
            "<ul>\n<li>Jl. Merdeka 10\nJakarta</li>\n<li>\nsatu\n</li>\n</ul>",
            "<ul>\n<li>Jl. Merdeka 10<br>\nJakarta</li>\n<li>\nsatu\n</li>\n</ul>",
        ),
        ("<table><tr><td>a\nb</td></tr></table>", "<table><tr><td>a<br>\nb</td></tr></table>"),
        ("<h2>Judul\nlagi</h2>", "<h2>Judul<br>\nlagi</h2>"),
        ("<p>Satu\ndua</p>", "<p>Satu<br>\ndua</p>"),
        ("<pre><div>a\nb</div></pre>", "<pre><div>a\nb</div></pre>"),
        # A <br> the text already has is the line's break: none added after it.
        ("<li>Jl. Merdeka<br />\nJakarta</li>", "<li>Jl. Merdeka<br />\nJakarta</li>"),
        ("Satu<br>\n dua\ntiga", "<p>Satu<br>\n dua<br>\ntiga</p>"),
        ("<ul><li>satu\n\ndua</li></ul>", "<ul><li>satu<br>\n<br>\ndua</li></ul>"),
    ],
)
def test_a_newline_in_a_block_s_own_text_is_a_line_break(html, made):
    assert _autop(html) == made


def test_a_tag_written_over_two_lines_stays_a_tag():
    # An editor's HTML with a tag's attributes on a line of their own: a <br> put there
    # broke the tag, and the link became text showing its own markup.
    body = html_to_body(
        'Baca <a\nhref="https://contoh.id/berita">laporan lengkap</a> di sini.\n'
        '<ul><li>Lihat <a\nhref="https://contoh.id/peta">peta</a>\nlokasi</li></ul>'
    )
    assert [(b["type"], b["value"]) for b in body.blocks] == [
        (
            "paragraph",
            '<p>Baca <a href="https://contoh.id/berita">laporan lengkap</a> di sini.</p>'
            '<ul><li>Lihat <a href="https://contoh.id/peta">peta</a><br>\nlokasi</li></ul>',
        )
    ]


def test_a_closing_tag_closes_one_block_of_its_name():
    html = "<ul><li><div><div>x</div>a\n\nb</div></li></ul>"
    assert _autop(html) == "<ul><li><div><div><p>x</p>\n</div><p>a</p>\n<p>b</p>\n</div></li></ul>"


_WORD = st.sampled_from(["satu", "dua", "Teks", "a &amp; b", "kata-kata", "<em>miring</em>"])
_GAP = st.sampled_from([" ", "\n", "\n\n", ""])
_TEXT = st.lists(st.tuples(_WORD, _GAP), max_size=5).map(
    lambda pairs: "".join(w + g for w, g in pairs)
)


def _blocks(inner):
    return st.one_of(
        _TEXT.map(lambda t: f"<p>{t}</p>"),
        # A paragraph a block is written in: the block ends it, as a browser reads it.
        st.tuples(_TEXT, inner, _TEXT).map(lambda parts: "<p>{}{}{}</p>".format(*parts)),
        _TEXT.map(lambda t: f"<h2>{t}</h2>"),
        st.lists(_TEXT, min_size=1, max_size=3).map(
            lambda items: "<ul>" + "".join(f"<li>{t}</li>" for t in items) + "</ul>"
        ),
        _TEXT.map(lambda t: f"<pre>{t}</pre>"),
        st.just("<hr>"),
        st.lists(st.one_of(inner, _TEXT), max_size=3).map(
            lambda parts: "<blockquote>" + "".join(parts) + "</blockquote>"
        ),
        st.lists(st.one_of(inner, _TEXT), max_size=3).map(
            lambda parts: "<div>" + "".join(parts) + "</div>"
        ),
    )


_BODY = st.lists(
    st.one_of(_TEXT, st.recursive(_blocks(_TEXT), _blocks, max_leaves=6), _GAP), max_size=8
).map("".join)


@settings(max_examples=300, deadline=None)
@given(_BODY)
def test_no_paragraph_ever_holds_a_block_and_no_word_is_lost(html):
    out = _autop(html)
    assert not paragraphs_holding_blocks(out)
    assert words(out) == words(html)


@pytest.mark.parametrize(
    ("html", "text"),
    [
        # wpautop wraps a player on a line of its own in a paragraph (it is no block to it).
        (
            'Sebelum.\n\n<video controls src="https://media.example.id/banjir.mp4"></video>'
            "\n\nSesudah.",
            ["Sebelum.", "Sesudah."],
        ),
        (
            '<p>Dengarkan wawancaranya <audio controls><source src="https://media.example.id/'
            'wawancara.mp3" type="audio/mpeg"></audio> di sini.</p>',
            ["Dengarkan wawancaranya di sini."],
        ),
        (
            '<p><video src="https://media.example.id/banjir.mp4"></video></p>',
            [],
        ),
    ],
)
def test_a_player_in_a_paragraph_is_a_link_to_its_file(html, text):
    rich = "".join(b["value"] for b in html_to_body(html).blocks if b["type"] == "paragraph")
    paragraphs = BeautifulSoup(rich, "html.parser").find_all("p")
    links = [p for p in paragraphs if p.find("a", href=lambda h: "media.example.id/" in h)]
    assert len(links) == 1, rich
    assert [" ".join(p.get_text(" ").split()) for p in paragraphs if p not in links] == text


def test_superscripts_and_subscripts_stay_and_show_on_the_article(client, article):
    body = html_to_body("<p>E = mc<sup>2</sup>, air H<sub>2</sub>O, 10<sup>-3</sup></p>")
    assert [(b["type"], b["value"]) for b in body.blocks] == [
        ("paragraph", "<p>E = mc<sup>2</sup>, air H<sub>2</sub>O, 10<sup>-3</sup></p>")
    ]
    # The article's editor keeps them too (Wagtail's superscript and subscript features).
    article.body = body.blocks
    article.save_revision().publish()
    assert "mc<sup>2</sup>" in client.get(article.url).content.decode()
