"""Comment rendering helpers: bodies and blank form inputs remembered per process, never
in place of what a reader typed."""

import pytest
from django.template import Context, Template
from django.utils.html import urlize
from hypothesis import given, settings
from hypothesis import strategies as st

from kabar.discussion.forms import CommentForm
from kabar.discussion.templatetags import discussion
from kabar.discussion.templatetags.discussion import comment_body


def urlized(line):
    """What the line renders as through urlize itself, with no shortcut."""
    return urlize(line, nofollow=True, autoescape=True).replace(
        ' rel="nofollow"', ' rel="nofollow ugc"'
    )


LINES = [
    "Komentar uji [kb:1-2-3]. Menurut saya: tidak.",
    "Kirim ke redaksi@contoh.id ya",
    "Baca WWW.CONTOH.ID sekarang",
    "Contoh.COM, (lihat contoh.org).",
    "HTTPS://contoh.id/a?b=1&c=<2>",
    "ftp://contoh.id/berkas mailto:siapa tautan:ini",
    "<script>alert('x')</script> & \"kutip\" 'tunggal'",
    *(f"Situs contoh.{tld}, katanya" for tld in ("com", "edu", "gov", "int", "mil", "net", "org")),
    "nama.net? contoh.int! contoh.mil; contoh.edu: contoh.gov",
    "Kalimat biasa. Titik di akhir.",
    "\u0130stanbul.com \u017fhttp://x.id K.\u212aOM www\u3002contoh",
]


@pytest.mark.parametrize("line", LINES)
def test_a_line_renders_as_urlize_renders_it(line):
    assert discussion._link(line) == urlized(line)


@settings(max_examples=400, deadline=None)
@given(
    st.text(
        alphabet=st.sampled_from(
            list("aAwWcCoOmMnNeEtTgGhHpPsSdDuUvViIlLrR.:/@<>&\"' -_()[]\u0130\u0131\u017f")
        ),
        max_size=40,
    )
)
def test_any_line_renders_as_urlize_renders_it(line):
    """The shortcut for lines with nothing to link never changes what a reader sees."""
    assert discussion._link(line) == urlized(line)


def test_a_body_renders_the_same_each_time_escaped_with_links():
    text = "Lihat https://contoh.id/berita <b>tebal</b>\n\nParagraf dua."
    first, again = comment_body(text), comment_body(text)
    assert first == again
    assert first.startswith("<p>Lihat <a href=") and 'rel="nofollow ugc"' in first
    assert "&lt;b&gt;tebal&lt;/b&gt;" in first and "<p>Paragraf dua.</p>" in first


def test_a_long_body_is_rendered_in_full():
    text = ("Kalimat panjang. " * 400) + "https://contoh.id/akhir"
    html = comment_body(text)
    assert len(text) > 4000
    assert html.count("Kalimat panjang.") == 400 and 'href="https://contoh.id/akhir"' in html


@settings(max_examples=400, deadline=None)
@given(
    st.lists(
        st.sampled_from([*"aAwWcCoOmMeEtTpPsShH.:/@<>&\"' -_()\t", "\n", "\r\n", "\u2028", "\x85"]),
        max_size=40,
    )
    .map("".join)
    .filter(lambda text: text.strip() and not discussion._PARAGRAPH_BREAK.search(text.strip()))
)
def test_a_paragraph_linked_in_one_pass_renders_as_each_line_would(text):
    lines = text.strip().splitlines()
    assert comment_body(text) == "<p>{}</p>".format("<br>".join(map(urlized, lines)))


def test_a_body_of_thousands_of_lines_is_linked_once_per_paragraph(monkeypatch):
    # 30,000 lines of "@" (each could be an address) took 0.7 s to render, one urlize
    # call per line; a held comment is rendered for its author on each page view.
    calls = []

    def counted(text, **kwargs):
        calls.append(text)
        return urlize(text, **kwargs)

    monkeypatch.setattr(discussion, "urlize", counted)
    text = "@\n" * 30_000 + "\nsurat@contoh.id"
    html = comment_body(text)
    assert len(calls) == 2
    assert html.count("<br>") == 29_999 and html.endswith(
        '<a href="mailto:surat@contoh.id">surat@contoh.id</a></p>'
    )


def render(form, name):
    template = Template("{% load discussion %}{% form_widget form." + name + " %}")
    return template.render(Context({"form": form}))


def test_blank_inputs_match_what_django_renders():
    for _ in range(2):
        form = CommentForm(page_id=7)
        for name in ("body", "author_name", "author_email", "remember", "subject", "parent"):
            assert render(form, name) == str(form[name])


def test_what_a_reader_typed_is_never_replaced_by_a_blank_input():
    render(CommentForm(page_id=7), "body")
    render(CommentForm(page_id=7), "author_email")
    sent = CommentForm(
        {"body": "Teks saya <tetap>", "author_name": "Budi", "author_email": "bukan-email"},
        page_id=7,
    )
    assert not sent.is_valid()
    body = render(sent, "body")
    assert "Teks saya &lt;tetap&gt;</textarea>" in body
    email = render(sent, "author_email")
    assert 'value="bukan-email"' in email and 'aria-invalid="true"' in email


def test_the_form_token_is_issued_afresh_for_each_form():
    first, second = CommentForm(page_id=7), CommentForm(page_id=8)
    assert render(first, "form_token") != render(second, "form_token")
