"""A comment's fields keep one set of rules (kabar/discussion/validation.py) wherever they
come from: the public form refuses control characters with a message under the field
that had them, the service refuses what the form refuses with the same words (an importer
or the API sends no form), and invalid UTF-8 is reported under the field it was in."""

import collections
import re
import unicodedata
from urllib.parse import urlencode

import pytest
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.test import Client
from django.utils import translation

from kabar.discussion import validation
from kabar.discussion.forms import CommentForm
from kabar.discussion.models import Comment
from kabar.discussion.services import CommentAuthor, comment_edit, comment_submit
from kabar.discussion.submission import UNDECODABLE, UNDECODABLE_FIELD
from tests import builders
from tests.discussion.test_views import EMAIL, POST_URL, post

VALID = {
    "body": "Isi komentar.",
    "author_name": "Sari",
    "author_email": "sari@example.org",
    "author_url": "",
}
# What XML 1.0 cannot carry (a feed with one answers 500), NUL among them.
NOT_TEXT = ["\x00", "\x01", "\x08", "\x0b", "\x0c", "\x1b", "\x1f", "\ufffe", "\uffff"]


def form(**changes):
    return CommentForm(data={**VALID, **changes})


def codes(bound, field):
    return [error.code for error in bound.errors.as_data().get(field, [])]


def field_error(html, field):
    """The message shown under `field` on the page, or None."""
    found = re.search(
        rf'<span class="field-error" id="id_{field}_error" role="alert">(.*?)</span>', html
    )
    return found and found.group(1)


def in_indonesian(message):
    with translation.override("id"):
        return str(message)


# Finding 13: the public form.


@pytest.mark.parametrize("char", NOT_TEXT, ids=[f"U+{ord(c):04X}" for c in NOT_TEXT])
@pytest.mark.parametrize("field", ["body", "author_name"])
def test_the_form_refuses_a_character_that_is_not_text(field, char):
    bound = form(**{field: f"Teks{char}biasa"})
    assert not bound.is_valid()
    # One clear message, in the field's words (not Django's "Null characters..." as well).
    assert codes(bound, field) == ["not_text"]


def test_the_comment_keeps_tabs_and_line_breaks_as_browsers_send_them():
    assert form(body="Baris satu\r\nBaris dua\n\n\tparagraf kedua\rakhir").is_valid()


@pytest.mark.parametrize("char", ["\t", "\n", "\r"], ids=["tab", "LF", "CR"])
def test_a_name_is_one_line(char):
    bound = form(author_name=f"Sari{char}Admin")
    assert codes(bound, "author_name") == ["not_text"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("author_email", '"sari\x01"@example.org'),
        ("author_email", "sa\x0cri@example.org"),
        ("author_url", "https://contoh.org/\x01halaman"),
    ],
)
def test_email_and_website_refuse_control_characters_too(field, value):
    assert codes(form(**{field: value}), field) == ["invalid"]


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("author_email", "pembaca@example.org\u202e"),
        ("author_email", "x@exa\u200bmple.org"),
        ("author_email", "x@exam\u2028ple.org"),
        ("author_email", "x@contoh\u00ad.org"),
        ("author_url", "https://con\u200btoh.org/"),
        ("author_url", "https://contoh.org\u202e/gro.live"),
    ],
    ids=["RLO", "zero-width space", "line separator", "soft hyphen", "url ZWSP", "url RLO"],
)
def test_addresses_refuse_invisible_characters(field, value):
    """An address that looks like another one, and mail that could never be delivered (the
    IDNA codec refuses it after five attempts), are refused at the form."""
    assert codes(form(**{field: value}), field) == ["invalid"]


@pytest.mark.parametrize("code", range(128))
def test_every_ascii_character_is_judged_by_its_unicode_category(code):
    """ASCII addresses take a short way (no lookup per character); it must agree with the
    rule for every character: control characters (Cc) and the space (Zs) are refused."""
    char = chr(code)
    refused = unicodedata.category(char)[0] in "CZ"
    for value in (char, f"pembaca{char}@contoh.org", f"https://contoh.org/{char}"):
        assert validation.is_visible_address(value) is not refused, (code, value)


def test_an_international_domain_is_still_welcome():
    assert form(
        author_email="pembaca@contoh.co.id", author_url="https://bücher.example/"
    ).is_valid()
    assert form(author_email="pembaca@bücher.example").is_valid()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "message"),
    [("body", validation.BODY_NOT_TEXT), ("author_name", validation.NAME_NOT_TEXT)],
)
def test_a_post_with_a_form_feed_is_refused_under_its_field(article, field, message):
    typed = {"body": "Komentar biasa.", "author_name": "Dewi", field: "Halo\x0cdunia"}
    response = post(Client(), article, **typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert field_error(html, field) == in_indonesian(message)
    other = "author_name" if field == "body" else "body"
    assert field_error(html, other) is None
    assert Comment.objects.count() == 0


# Letters buried under piled marks ("zalgo" text): drawn across the comments around them,
# or (Thai tone marks, dozens on one letter) as one cluster no line break can split, which
# made a phone's page scroll sideways (the Big List of Naughty Strings, tests/e2e).
PILED = "\u0e14" + "\u0e49\u0e47" * 44
ZALGO = "H" + "\u0336\u0332\u0353\u035a\u0325\u0347\u0356"  # seven marks on one letter
# What writing stacks: Thai, Vietnamese written with combining accents, Hebrew with its
# vowels and cantillation, Tibetan, Arabic with its vowel signs, an emoji keycap.
WRITTEN = [
    "\u0e19\u0e49\u0e33 \u0e17\u0e35\u0e48\u0e19\u0e35\u0e48",
    "Tie\u0302\u0301ng Vie\u0323\u0302t",
    "\u05d1\u05bc\u05b0\u05e8\u05b5\u05d0\u05e9\u05c1\u05b4\u0596\u05d9\u05ea",
    "\u0f56\u0f66\u0f92\u0fb2\u0f74\u0f56\u0f66",
    "\u0628\u0650\u0633\u0652\u0645\u0650 \u0671\u0644\u0644\u0651\u064e\u0670\u0647\u0650",
    "1\ufe0f\u20e3",
    "\U0001f3f3\ufe0f\u200d\U0001f308",  # a flag: emoji, variation selector, joiner
    "\u1000\u103c\u102d\u102f\u1038",  # Myanmar: a letter and four signs, two spacing
    "\ua98f\ua9be\ua9b6\ua981",  # Javanese: a letter, cakra, wulu, cecak
    "\u0915\u094d\u0937\u093f",  # Devanagari: a conjunct and its vowel sign
    "e" + "\u0301" * validation.MARKS_PER_LETTER,
]


@pytest.mark.parametrize("text", WRITTEN)
def test_what_writing_stacks_on_a_letter_is_welcome(text):
    assert validation.has_few_marks(text)
    assert form(body=f"Komentar: {text}", author_name=f"Nama {text}").is_valid()


@pytest.mark.parametrize(
    "text",
    [
        PILED,
        ZALGO,
        "e" + "\u0301" * (validation.MARKS_PER_LETTER + 1),
        # Joiners between the marks keep them on the letter.
        "e" + "\u0301\u200c" * 50,
        "e" + "\u0301\u200d" * 50,
        # Spacing marks: one cluster, as wide as it is long.
        "\u0915" + "\u093e" * (validation.MARKS_PER_CLUSTER + 1),
    ],
)
def test_a_letter_under_piled_marks_is_refused(text):
    assert not validation.has_few_marks(text)
    assert not validation.has_few_marks(f"Awal yang biasa, lalu {text} dan akhir.")
    # Marks on different letters do not add up.
    assert validation.has_few_marks(" ".join(text))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "message"),
    [("body", validation.BODY_PILED_MARKS), ("author_name", validation.NAME_PILED_MARKS)],
)
def test_a_post_with_piled_marks_is_refused_under_its_field(article, field, message):
    typed = {"body": "Komentar biasa.", "author_name": "Dewi", field: f"Halo {PILED}"}
    response = post(Client(), article, **typed)
    html = response.content.decode()
    assert response.status_code == 400
    assert field_error(html, field) == in_indonesian(message)
    assert Comment.objects.count() == 0
    with pytest.raises(ValidationError) as refused:
        comment_submit(
            page=article,
            author=CommentAuthor(
                name=typed["author_name"], email="dewi@example.org", ip_address="203.0.113.9"
            ),
            body=typed["body"],
        )
    assert list(refused.value.message_dict) == [field]
    assert Comment.objects.count() == 0


# Finding 14: the service keeps the same rules on its own.


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("body", "\x00awal dengan NUL"),
        ("body", "teks\x0cdengan form feed"),
        ("body", " \n\t "),
        ("body", "a" * 65526),
        ("author_name", "\x00Budi"),
        ("author_name", "Bu\ndi"),
        ("author_name", "   "),
        ("author_name", ""),
        ("author_name", "n" * 246),
        ("author_email", "bukan-email"),
        ("author_email", '"b\x01"@example.org'),
        ("author_email", ""),
        ("author_email", "e" * 101 + "@example.org"),
        ("author_url", "javascript:alert(1)"),
        ("author_url", "https://contoh.org/\x01"),
        ("author_url", "https://contoh.org/" + "p" * 200),
    ],
)
def test_the_service_refuses_what_the_form_refuses_in_the_same_words(article, field, value):
    values = {**VALID, field: value}
    bound = form(**values)
    assert not bound.is_valid()
    with pytest.raises(ValidationError) as refused:
        comment_submit(
            page=article,
            author=CommentAuthor(
                name=values["author_name"],
                email=values["author_email"],
                url=values["author_url"],
                ip_address="203.0.113.9",
            ),
            body=values["body"],
        )
    assert refused.value.message_dict == {field: bound.errors[field]}
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_a_posted_comment_s_address_and_website_are_checked_once(article, monkeypatch):
    """The form runs the reader's fields through their rules; the service and the model
    do not run them again (each check is a regular expression or several)."""
    calls = collections.Counter()
    for validator in (EmailValidator, URLValidator):

        def counted(self, value, original=validator.__call__, name=validator.__name__):
            calls[name] += 1
            return original(self, value)

        monkeypatch.setattr(validator, "__call__", counted)
    response = post(Client(), article, author_url="https://contoh.org/blog")
    assert response.status_code == 302
    assert Comment.objects.get().author_url == "https://contoh.org/blog"
    assert calls == {"EmailValidator": 1, "URLValidator": 1}


@pytest.mark.django_db
def test_an_edit_through_the_service_refuses_a_nul(article):
    comment = builders.submit(article, body="Teks awal.")
    with pytest.raises(ValidationError) as refused:
        comment_edit(comment, body="\x00Teks baru.")
    assert list(refused.value.message_dict) == ["body"]
    comment.refresh_from_db()
    assert comment.body == "Teks awal."


# Finding 16: invalid UTF-8 is reported where it was typed.


def post_raw(client, article, **raw_fields):
    """A form post whose fields in `raw_fields` are sent as already percent-encoded."""
    fields = {
        "page": article.pk,
        "body": "Komentar biasa.",
        "author_name": "Dewi",
        "author_email": EMAIL,
        "form_token": builders.form_token(article),
    }
    for name in raw_fields:
        fields.pop(name, None)
    raw = urlencode(fields) + "".join(f"&{name}={value}" for name, value in raw_fields.items())
    return client.generic("POST", POST_URL, raw, content_type="application/x-www-form-urlencoded")


@pytest.mark.django_db
def test_invalid_utf8_in_the_name_is_reported_under_the_name(article):
    response = post_raw(Client(), article, author_name="Dew%E9")
    html = response.content.decode()
    assert response.status_code == 400
    assert field_error(html, "author_name") == in_indonesian(UNDECODABLE_FIELD)
    assert field_error(html, "body") is None
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_invalid_utf8_in_the_comment_and_the_website_is_reported_under_each(article):
    response = post_raw(Client(), article, body="caf%E9+rusak", author_url="https://x.org/%FF")
    html = response.content.decode()
    assert response.status_code == 400
    assert field_error(html, "body") == in_indonesian(UNDECODABLE)
    assert field_error(html, "author_url") == in_indonesian(UNDECODABLE_FIELD)
    assert field_error(html, "author_name") is None


@pytest.mark.django_db
def test_invalid_utf8_in_a_hidden_field_is_reported_for_the_whole_form(article):
    response = post_raw(Client(), article, subject="%C3%28")
    html = response.content.decode()
    assert response.status_code == 400
    assert in_indonesian(UNDECODABLE) in html
    assert field_error(html, "body") is None
    assert Comment.objects.count() == 0


def post_multipart(article, body, params=""):
    """The comment form posted as multipart/form-data, its body as the bytes `body`."""
    boundary = "kabarbatas"
    fields = {
        "page": str(article.pk).encode(),
        "body": body,
        "author_name": b"Dewi",
        "author_email": EMAIL.encode(),
        "form_token": builders.form_token(article).encode(),
    }
    raw = b"".join(
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'.encode()
        + value
        + b"\r\n"
        for name, value in fields.items()
    )
    return Client().generic(
        "POST",
        POST_URL,
        raw + f"--{boundary}--\r\n".encode(),
        content_type=f"multipart/form-data; boundary={boundary}{params}",
    )


@pytest.mark.django_db
def test_invalid_utf8_in_a_multipart_post_is_reported_too(article):
    """A form sends multipart/form-data only when told to, but a client may: its parts are
    decoded as leniently, and nothing with U+FFFD for what was sent is stored."""
    response = post_multipart(article, b"Komentar tentang \xff\xfe desa.")
    assert response.status_code == 400
    assert field_error(response.content.decode(), "body") == in_indonesian(UNDECODABLE)
    assert Comment.objects.count() == 0
    # The same post in valid UTF-8 is taken: the check is of the bytes, not of the format.
    taken = post_multipart(article, "Komentar tentang désa.".encode())
    assert taken.status_code == 302
    assert Comment.objects.get().body == "Komentar tentang désa."


@pytest.mark.django_db
@pytest.mark.parametrize("charset", ["latin-1", "base64", "rot13", "undefined"])
def test_a_multipart_post_in_another_charset_is_refused(article, charset):
    """Django decodes the parts in the charset the request names: latin-1 makes any bytes
    into letters, with no U+FFFD to find. Comments are UTF-8. A codec that makes no text
    of bytes (base64, rot13) or none of any (undefined) is refused the same, not a 500."""
    response = post_multipart(article, b"Komentar \xff\xfe desa.", f"; charset={charset}")
    assert response.status_code == 400
    assert in_indonesian(UNDECODABLE) in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("params", ["; charset*=bogus''x", "; charset*=utf-8''%00"])
def test_a_multipart_post_whose_content_type_cannot_be_read_is_refused(article, params):
    """An RFC 2231 charset Python does not know, or one spelling a NUL: Django raised
    reading the header; the body is no form, and the post is refused."""
    response = post_multipart(article, "Komentar tentang désa.".encode(), params)
    assert response.status_code == 400
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_the_content_type_is_read_whatever_its_case(article):
    response = Client().generic(
        "POST",
        POST_URL,
        urlencode(
            {
                "page": article.pk,
                "author_name": "Dewi",
                "author_email": EMAIL,
                "form_token": builders.form_token(article),
            }
        )
        + "&body=%FF%FE+teks",
        content_type="Application/X-WWW-Form-Urlencoded",
    )
    assert response.status_code == 400
    assert field_error(response.content.decode(), "body") == in_indonesian(UNDECODABLE)
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_the_message_follows_the_readers_language(article):
    client = Client()
    client.cookies["django_language"] = "en"
    html = post_raw(client, article, author_name="Dew%E9").content.decode()
    with translation.override("en"):
        assert field_error(html, "author_name") == str(UNDECODABLE_FIELD)


@pytest.mark.django_db
def test_a_character_cut_in_two_by_the_field_separator_is_still_reported(article):
    """The whole body is checked first (views.comments.undecodable_fields): "Dew\\xe2" and a next
    field named "\\x82\\xac" would make "€" if the "&" between them were not there."""
    response = post_raw(Client(), article, author_name="Dew%E2", **{"%82%AC": "1"})
    html = response.content.decode()
    assert response.status_code == 400
    assert field_error(html, "author_name") == in_indonesian(UNDECODABLE_FIELD)
    assert Comment.objects.count() == 0


@pytest.mark.django_db
def test_valid_text_in_every_script_is_taken(article):
    body = "Kopi%E2%98%95+caf%C3%A9+%D0%BC%D0%B8%D1%80+%E4%B8%AD%E6%96%87+%F0%9F%98%80"
    response = post_raw(Client(), article, body=body, author_name="D%C3%A9wi")
    assert response.status_code == 302
    assert Comment.objects.get().body == "Kopi☕ café мир 中文 😀"


@pytest.mark.parametrize("blank", ["\u200b", "\u200b\u200c \u2060", "\u3164", "\u2800\ufeff"])
def test_a_name_or_comment_that_shows_nothing_is_left_empty(blank):
    # Accepted before and shown as a real author or an empty-looking comment.
    bound = form(author_name=blank, body=blank)
    assert codes(bound, "author_name") == ["required"]
    assert codes(bound, "body") == ["required"]
    named = form(author_name="Redaksi\u200b", body="Baik.\u200b")
    assert named.is_valid(), named.errors  # words with an invisible one are words


@pytest.mark.parametrize("control", ["\u202e", "\u202a", "\u2067", "\u2069"])
def test_a_name_may_not_turn_the_text_after_it_around(control):
    bound = form(author_name=f"Admin{control}ninmda")
    assert codes(bound, "author_name") == ["not_text"]
    assert form(author_name="محمد علي", body="نص\u202bمضمّن\u202c").is_valid()
