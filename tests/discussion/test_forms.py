import pytest

from kabar.discussion.forms import CommentForm
from kabar.discussion.models import (
    BODY_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
)

VALID = {"body": "Isi komentar.", "author_name": "Sari", "author_email": "sari@example.org"}


def form(**changes):
    return CommentForm(data={**VALID, **changes})


def test_valid_form_with_optional_website_left_empty():
    assert form().is_valid()


@pytest.mark.parametrize("field", ["body", "author_name", "author_email"])
def test_required_fields(field):
    f = form(**{field: ""})
    assert not f.is_valid()
    assert field in f.errors


def test_whitespace_only_comment_is_refused():
    f = form(body="   \n\t ")
    assert not f.is_valid()
    assert "body" in f.errors


@pytest.mark.parametrize(
    ("field", "limit", "make"),
    [
        ("body", BODY_MAX_LENGTH, lambda n: "a" * n),
        ("author_name", NAME_MAX_LENGTH, lambda n: "n" * n),
        ("author_email", EMAIL_MAX_LENGTH, lambda n: "e" * (n - 12) + "@example.org"),
        ("author_url", URL_MAX_LENGTH, lambda n: "https://example.org/" + "p" * (n - 20)),
    ],
)
def test_limits_accept_exactly_the_limit_and_refuse_one_more(field, limit, make):
    assert form(**{field: make(limit)}).is_valid(), field
    too_long = form(**{field: make(limit + 1)})
    assert not too_long.is_valid()
    assert field in too_long.errors


def test_over_long_comment_is_refused_not_truncated():
    text = "kata " * 14000
    f = form(body=text)
    assert not f.is_valid()
    assert f.data["body"] == text


def test_textarea_has_no_maxlength_that_would_cut_pasted_text():
    html = str(CommentForm()["body"])
    assert "maxlength" not in html
    assert "required" in html


def test_nul_byte_is_refused_with_a_message():
    f = form(body="sebelum\x00sesudah")
    assert not f.is_valid()
    assert "body" in f.errors


def test_invalid_email_is_refused():
    f = form(author_email="bukan-email")
    assert not f.is_valid()
    assert "author_email" in f.errors


def test_website_without_scheme_gets_https():
    f = form(author_url="contoh.org")
    assert f.is_valid()
    assert f.cleaned_data["author_url"] == "https://contoh.org"


def test_javascript_url_is_refused():
    f = form(author_url="javascript:alert(1)")
    assert not f.is_valid()
