"""Slugs in every script. Django's and Wagtail's slugify keep letters, digits and `_-` only,
so the vowel signs and viramas of Devanagari, Bengali, Tamil, Thai, Khmer and the other
scripts that write them as combining marks are dropped: "हिन्दी" becomes "हनद" and "ข่าว"
"ขาว", other words or none (WordPress keeps them). Their validators refuse a slug that
keeps them, so an editor who types the right word is told it is not a valid slug.

Kabar's slugs keep marks: slugify() for the slugs Kabar makes (authors, imports, wire
copy), validate_slug for every slug field and SlugFormField for the admin's forms (Wagtail's
too: use_script_slugs at start), tags' slugs (taggit's), and the admin's slug input
keeps them as it types (static/core/slugs.js, the same rules in the browser)."""

import re
import unicodedata

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import models
from django.utils.text import slugify as ascii_slugify

SEPARATORS = re.compile(r"[-\s]+")


def _kept(ch):
    # Python's \w is a letter, digit or number (isalnum) or "_"; marks (Mn, Mc, Me) too.
    return ch.isalnum() or ch == "_" or unicodedata.category(ch).startswith("M")


def slugify(value):
    """`value` as a slug: NFKC, lower case, letters, digits, marks and `_` kept, each run
    of spaces and hyphens one hyphen, none at either end."""
    value = str(value)
    if value.isascii():
        return ascii_slugify(value)
    # "İ" lowers to "i" and a combining dot above, which would stay in the slug unseen.
    value = unicodedata.normalize("NFKC", value).replace("İ", "i").lower()
    value = "".join(ch for ch in value if _kept(ch) or ch == "-" or ch.isspace())
    return SEPARATORS.sub("-", value).strip("-_")


def validate_slug(value):
    """Django's validate_unicode_slug, marks allowed: what slugify() can make."""
    if not value or not all(_kept(ch) or ch == "-" for ch in value):
        raise ValidationError(validate_unicode_slug.message, code=validate_unicode_slug.code)


def marks_allowed(validators):
    """`validators` (a Unicode slug field's) with validate_slug in place of Django's."""
    return [validate_slug if check is validate_unicode_slug else check for check in validators]


class SlugFormField(forms.SlugField):
    """A form's slug field that takes what validate_slug takes (allow_unicode)."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = marks_allowed(self.validators)


class SlugField(models.SlugField):
    """A slug column in any script (allow_unicode, marks kept)."""

    def __init__(self, *args, **kwargs):
        kwargs["allow_unicode"] = True
        super().__init__(*args, **kwargs)
        self.default_validators = [validate_slug]

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("allow_unicode", None)
        return name, path, args, kwargs

    def formfield(self, **kwargs):
        return super().formfield(**{"form_class": SlugFormField, **kwargs})


def use_script_slugs():
    """Set at start: Wagtail's Page.slug validated as validate_slug does (every page type
    shares the field), every admin form's slug field a SlugFormField, and tags' slugs made
    by slugify(). Those are Wagtail's and taggit's, changed once before any form is built
    or tag made (a wagtail_hooks module loads later)."""
    from taggit.models import TagBase  # noqa: PLC0415 - models are ready only now
    from wagtail.admin.forms.models import register_form_field_override  # noqa: PLC0415 - idem
    from wagtail.admin.widgets import SlugInput  # noqa: PLC0415 - imports models
    from wagtail.models import Page  # noqa: PLC0415 - models are ready only now

    field = Page._meta.get_field("slug")
    field.default_validators = [validate_slug]
    field.__dict__.pop("validators", None)  # a cached_property, read again
    # Replaces Wagtail's own entry for SlugField, whose widget is kept.
    register_form_field_override(
        models.SlugField, override={"widget": SlugInput, "form_class": SlugFormField}
    )
    TagBase.slugify = _tag_slug


def _tag_slug(tag, name, i=None):
    """taggit's TagBase.slugify, marks kept: "_2" and on for a name whose slug is taken."""
    slug = slugify(name)
    return slug if i is None else f"{slug}_{i}"
