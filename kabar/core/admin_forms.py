"""Forms posted to Wagtail's admin in a shape its own pages never send: read as far as
they can be, then answered with a clear page (AdminInputMiddleware), never a crash.

- A formset's management fields: `…-TOTAL_FORMS` a whole number with every row it counts
  sent (Wagtail built every row counted, 10**6 of them from one field, for minutes; a row
  missing its ORDER crashed an InlinePanel), `…-INITIAL_FORMS` a whole number, a row's
  `…-id` a row id (modelcluster read it with to_python: ValidationError, a 500).
- A StreamField's or a rich-text field's posted data that cannot be read (a `-count`,
  `-type` or `-order` missing or not a number, a rich text's JSON that is not JSON) is
  an UnreadableField naming the field: Wagtail's widgets read them with int(), json.loads()
  and [] (KeyError, ValueError, AttributeError: a 500).
- A chooser shown again around a value that is no row's id (a form refused for it) shows
  nothing chosen: Wagtail's choosers looked the value up as given (ValueError, a 500).
"""

import functools
import logging

from django.core.exceptions import ValidationError
from wagtail.admin.rich_text.editors.draftail import DraftailRichTextArea
from wagtail.admin.widgets.chooser import BaseChooser
from wagtail.blocks.base import BlockWidget

from .ids import parse_id

logger = logging.getLogger(__name__)

TOTAL_FORMS = "-TOTAL_FORMS"
INITIAL_FORMS = "-INITIAL_FORMS"
# What Wagtail's widgets raise on posted data they cannot read.
UNREADABLE = (LookupError, ValueError, TypeError, AttributeError)


class UnreadableField(Exception):
    """Posted data for the field `name` that its widget cannot read."""

    def __init__(self, name):
        super().__init__(name)
        self.name = name


def _reading_or_refusing(read):
    @functools.wraps(read)
    def value_from_datadict(self, data, files, name):
        try:
            return read(self, data, files, name)
        except UNREADABLE as error:
            # Logged: a widget's own fault with data it made would look the same.
            logger.warning("Unreadable posted field %r: %r", name[:100], error)
            raise UnreadableField(name) from error

    return value_from_datadict


def _nothing_for_no_id(get_instance):
    @functools.wraps(get_instance)
    def chosen(self, value):
        try:
            return get_instance(self, value)
        except (ValueError, TypeError, ValidationError):
            return None

    return chosen


def guard_admin_widgets():
    """Wagtail's widgets that read posted text their way, reading it or refusing it."""
    if getattr(BlockWidget.value_from_datadict, "kabar_guarded", False):
        return
    for widget in (BlockWidget, DraftailRichTextArea):
        widget.value_from_datadict = _reading_or_refusing(widget.value_from_datadict)
        widget.value_from_datadict.kabar_guarded = True
    BaseChooser.get_instance = _nothing_for_no_id(BaseChooser.get_instance)


def _rows_sent(post, prefix):
    """The row numbers of formset `prefix` that posted fields belong to."""
    start = f"{prefix}-"
    rows = set()
    for key in post:
        if key.startswith(start):
            row = key[len(start) :].partition("-")[0]
            if _whole_number(row):
                rows.add(int(row))
    return rows


def _whole_number(value):
    return value.isascii() and value.isdigit() and len(value) <= 20


def formset_fault(post):
    """The name of a formset field posted in a shape the admin never sends, or None."""
    for key in post:
        if not key.endswith(TOTAL_FORMS):
            continue
        prefix = key[: -len(TOTAL_FORMS)]
        total = post.get(key, "")
        if not _whole_number(total):
            return key
        rows = _rows_sent(post, prefix)
        # Every row counted was sent (compared first: a huge count is not counted out).
        if int(total) > len(rows) or any(row not in rows for row in range(int(total))):
            return key
        initial = post.get(prefix + INITIAL_FORMS)
        if initial is not None and not (_whole_number(initial) and int(initial) <= int(total)):
            return prefix + INITIAL_FORMS
        for row in range(int(total)):
            row_id = post.get(f"{prefix}-{row}-id")
            if row_id and parse_id(row_id) is None:
                return f"{prefix}-{row}-id"
    return None
