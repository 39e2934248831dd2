import copy

import pytest
from django import forms

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


def test_each_form_gets_its_own_copies_of_the_fields_as_djangos_deepcopy_gives():
    """CommentForm copies its fields without the copy protocol (CheaplyCopiedFields): the
    result is what Field.__deepcopy__ and Widget.__deepcopy__ would give."""
    first, second = form(), form()
    base = CommentForm.base_fields
    for name, field in first.fields.items():
        other = second.fields[name]
        assert type(field) is type(base[name]) and field is not base[name] and field is not other
        assert field.widget is not base[name].widget and field.widget is not other.widget
        for part in ("error_messages", "validators"):
            assert getattr(field, part) == getattr(base[name], part)
            assert getattr(field, part) is not getattr(other, part)
        assert field.widget.attrs == base[name].widget.attrs
        assert field.widget.attrs is not other.widget.attrs
    # What one form changes stays in that form.
    first.fields["author_url"].required = True
    first.fields["body"].widget.attrs["rows"] = 3
    first.fields["author_name"].validators.append(lambda value: None)
    first.fields["author_email"].error_messages["required"] = "?"
    assert not base["author_url"].required and not second.fields["author_url"].required
    assert second.fields["body"].widget.attrs["rows"] == base["body"].widget.attrs["rows"] == 8
    assert len(second.fields["author_name"].validators) == len(base["author_name"].validators)
    assert second.fields["author_email"].error_messages["required"] != "?"
    assert form(author_url="").is_valid()


def test_the_fields_are_copied_without_the_copy_protocol(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("a field or widget went through copy.copy or __deepcopy__")

    monkeypatch.setattr(forms.Field, "__deepcopy__", refuse)
    monkeypatch.setattr(forms.Widget, "__deepcopy__", refuse)
    monkeypatch.setattr(copy, "copy", refuse)
    assert form().is_valid()


def test_no_comment_field_or_widget_copies_itself_its_own_way():
    """CheaplyCopiedFields copies as Field and Widget do: a field or widget with a
    __deepcopy__ of its own (ChoiceField, Select) would need it run."""
    for field in CommentForm.base_fields.values():
        for obj, root in ((field, forms.Field), (field.widget, forms.Widget)):
            own = [c for c in type(obj).__mro__ if "__deepcopy__" in vars(c) and c is not root]
            assert own == [], obj
