"""What a comment's fields must hold, wherever they come from: the form's fields run these
rules (the HTML form and the API post through it), and comment_submit runs them for every
caller that did not (a reply from the desk, the demo)."""

import re
import unicodedata
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, MaxLengthValidator, URLValidator
from django.utils.translation import gettext_lazy as _

from kabar.core.xmlsafe import is_xml_text

from .models import BODY_MAX_LENGTH, EMAIL_MAX_LENGTH, NAME_MAX_LENGTH, URL_MAX_LENGTH

BODY_REQUIRED = _("Please type your comment.")
NAME_REQUIRED = _("Please enter your name.")
EMAIL_REQUIRED = _("Please enter your email address. It will not be published.")
EMAIL_INVALID = _("Please enter a valid email address.")
URL_INVALID = _("Please enter a valid web address.")
BODY_NOT_TEXT = _(
    "Your comment contains an invisible control character that cannot be published (it "
    "often comes along with pasted text). Please retype the part that was pasted and send "
    "it again."
)
NAME_NOT_TEXT = _(
    "Your name contains an invisible control character or a line break. Please type it "
    "again, on one line."
)
BODY_PILED_MARKS = _(
    "Your comment has a letter with more accent marks stacked on it than any language "
    "uses, which would spill over the comments around it. Please remove the extra marks "
    "and send it again."
)
NAME_PILED_MARKS = _(
    "Your name has a letter with more accent marks stacked on it than any language uses. "
    "Please type it again without the extra marks."
)
# The most non-spacing marks (accents, vowel and tone signs drawn above or below: Unicode's
# Mn and Me) one letter may carry, and the most marks of any kind (spacing ones too, Mc)
# after one letter. Writing stacks a few (Thai, Tibetan, Vietnamese, Hebrew with its
# cantillation: three or four; Myanmar and Javanese up to five with their spacing signs);
# "zalgo" text piles dozens, which a browser draws across the lines and the comments around
# them, or as one cluster no line break can split, wider than a phone's screen. Invisible
# joiners (Cf) between marks keep them on the same letter, so they neither count nor part.
MARKS_PER_LETTER = 6
MARKS_PER_CLUSTER = 12

# Text in a comment (browsers send a textarea's line breaks as CR LF), not in a one-line
# field: mail headers refuse line breaks.
LINE_CONTROLS = re.compile("[\t\n\r]")


def is_text(value):
    """Whether a page and a feed can carry every character of `value`: none of what XML 1.0
    refuses (the C0 controls but tab, line feed and carriage return, NUL among them;
    surrogates, U+FFFE and U+FFFF)."""
    return is_xml_text(value)


def is_one_line_text(value):
    return is_text(value) and not LINE_CONTROLS.search(value)


def has_few_marks(value):
    """Whether no character of `value` carries more than MARKS_PER_LETTER non-spacing
    marks or MARKS_PER_CLUSTER marks in all. Linear in the length of the text; ASCII, which
    has none, costs one test."""
    if value.isascii():
        return True
    stacked = run = 0
    for char in value:
        category = unicodedata.category(char)
        if category in ("Mn", "Me"):
            stacked += 1
        elif category != "Mc":
            if category != "Cf":
                stacked = run = 0
            continue
        run += 1
        if stacked > MARKS_PER_LETTER or run > MARKS_PER_CLUSTER:
            return False
    return True


class TextOnly:
    """Refuses a value `test` finds is not text, saying `message`."""

    def __init__(self, test, message):
        self.test, self.message = test, message

    def __call__(self, value):
        if not self.test(value):
            raise ValidationError(self.message, code="not_text")


def is_visible_address(value):
    """Whether an address holds no character a reader cannot see: Django's email and web
    address validators take any character above U+00A0 in a domain, the invisible ones too
    (a right-to-left override, a zero-width space, a line separator), which make an address
    look like another one and which no mail server takes."""
    if value.isascii():
        # Of ASCII, only the control characters (not printable) and the space are C or Z.
        return value.isprintable() and " " not in value
    return not any(unicodedata.category(char)[0] in "CZ" for char in value)


def has_mailable_domain(value):
    """Whether mail can be sent to the address's domain (Python's IDNA codec, which
    Django's mail uses, encodes it)."""
    try:
        value.rpartition("@")[2].encode("idna")
    except UnicodeError:
        return False
    return True


class OneLine:
    """`validator` (Django's email or web address validator), refusing first, with its own
    message, the control characters it lets a quoted local part or a path carry, invisible
    characters, and what `deliverable` (if given) finds cannot be reached."""

    def __init__(self, validator, deliverable=None):
        self.validator, self.deliverable = validator, deliverable

    def __call__(self, value):
        if not (is_one_line_text(value) and is_visible_address(value)) or (
            self.deliverable is not None and not self.deliverable(value)
        ):
            raise ValidationError(self.validator.message, code=self.validator.code)
        self.validator(value)


# Characters drawn as nothing besides white space and the format characters (Cf: the
# zero-width space, joiners, direction marks): Hangul's fillers, the braille blank.
_DRAWN_BLANK = frozenset("\u115f\u1160\u3164\uffa0\u2800")
# The direction embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): a name
# needs none (its own script sets its direction), and one left open turned the words after
# it around, the article's title after the name in a feed's "NAME on TITLE".
DIRECTION_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069]")


def shows_nothing(value):
    """Whether `value` shows no character at all: white space, format characters and the
    characters drawn blank only ("\u200b", "\u3164" looked like a name or a comment)."""
    return all(
        char.isspace() or char in _DRAWN_BLANK or unicodedata.category(char) == "Cf"
        for char in value
    )


class NotBlank:
    """Refuses a value that shows nothing (shows_nothing), as if it were left empty."""

    def __init__(self, message):
        self.message = message

    def __call__(self, value):
        if shows_nothing(value):
            raise ValidationError(self.message, code="required")


@dataclass(frozen=True)
class FieldRules:
    """One field's rules: `required`, the message when it is left empty (None: it may be),
    and the validators any other value must pass, limits included (limits are checked on
    the server only: a browser's maxlength would silently cut pasted text)."""

    validators: tuple
    required: str | None = None

    def check(self, value):
        """ValidationError listing every rule `value` breaks, as a form field would."""
        if value is None or value == "":
            if self.required:
                raise ValidationError(self.required, code="required")
            return
        errors = []
        for validator in self.validators:
            try:
                validator(value)
            except ValidationError as exc:
                errors.extend(exc.error_list)
        if errors:
            raise ValidationError(errors)


BODY = FieldRules(
    required=BODY_REQUIRED,
    validators=(
        NotBlank(BODY_REQUIRED),
        MaxLengthValidator(BODY_MAX_LENGTH),
        TextOnly(is_text, BODY_NOT_TEXT),
        TextOnly(has_few_marks, BODY_PILED_MARKS),
    ),
)
NAME = FieldRules(
    required=NAME_REQUIRED,
    validators=(
        NotBlank(NAME_REQUIRED),
        MaxLengthValidator(NAME_MAX_LENGTH),
        TextOnly(is_one_line_text, NAME_NOT_TEXT),
        TextOnly(lambda value: not DIRECTION_CONTROLS.search(value), NAME_NOT_TEXT),
        TextOnly(has_few_marks, NAME_PILED_MARKS),
    ),
)
EMAIL = FieldRules(
    required=EMAIL_REQUIRED,
    validators=(
        OneLine(EmailValidator(message=EMAIL_INVALID), deliverable=has_mailable_domain),
        MaxLengthValidator(EMAIL_MAX_LENGTH),
    ),
)
WEBSITE = FieldRules(
    validators=(OneLine(URLValidator(message=URL_INVALID)), MaxLengthValidator(URL_MAX_LENGTH)),
)
# By the names the form and the Comment model give these fields.
COMMENT_FIELDS = {"body": BODY, "author_name": NAME, "author_email": EMAIL, "author_url": WEBSITE}


def comment_fields_validate(**values):
    """ValidationError({field name: errors}) if a value breaks its field's rules (values
    by the names in COMMENT_FIELDS)."""
    errors = {}
    for name, value in values.items():
        try:
            COMMENT_FIELDS[name].check(value)
        except ValidationError as exc:
            errors[name] = exc.error_list
    if errors:
        raise ValidationError(errors)


def warm_up():
    """Run each field's rules once on an ordinary value: Django's email and web-address
    validators compile their regular expressions on first use (about 25 ms), which a web
    worker otherwise spends on the first comment a reader sends it."""
    for rules, value in (
        (BODY, "Kabar"),
        (NAME, "Kabar"),
        (EMAIL, "redaksi@example.com"),
        (WEBSITE, "https://example.com/"),
    ):
        rules.check(value)
