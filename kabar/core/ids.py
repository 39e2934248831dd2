"""Row ids taken from a request (a form field, a URL, a cookie): one parser, one range.

Every id column holds 1 to 2**63 - 1: SQLite's integers, PostgreSQL's bigint (Kabar's own
tables, DEFAULT_AUTO_FIELD is BigAutoField). Wagtail's pages keep an integer id on
PostgreSQL, which compares with a larger number without error, so one range serves all.
A larger number reaching a query raises OverflowError on SQLite, so none gets that far.
"""

from django.core.exceptions import EmptyResultSet, ValidationError
from django.db.models import IntegerField
from django.db.models.fields.related_lookups import RelatedExact, RelatedIn
from django.db.models.lookups import In

ID_MAX = 2**63 - 1
ID_MAX_DIGITS = len(str(ID_MAX))


def parse_id(text):
    """The row id `text` spells, or None: ASCII digits only ("²".isdigit() is true, and
    int("²") fails), at most ID_MAX, never 0."""
    if not isinstance(text, str) or not 0 < len(text) <= ID_MAX_DIGITS:
        return None
    if not (text.isascii() and text.isdigit()):
        return None
    value = int(text)
    return value if 0 < value <= ID_MAX else None


def parse_key(model, text):
    """The primary key of `model` that `text` spells, or None: a row id (parse_id) where the
    key is a whole number, else what the key's field reads (a snippet's may be any text)."""
    field = model._meta.pk
    # A page type's key is its page's.
    while field.is_relation:
        field = field.target_field
    if isinstance(field, IntegerField):
        return parse_id(text)
    try:
        return field.to_python(text)
    except ValidationError:
        return None


class IdConverter:
    """`<id:name>` in a URL pattern: a row id in range, or the pattern does not match (404)."""

    regex = "[0-9]+"

    def to_python(self, value):
        parsed = parse_id(value)
        if parsed is None:
            raise ValueError(f"not a row id: {value[:40]!r}")
        return parsed

    def to_url(self, value):
        return str(value)


def _out_of_range(field, connection):
    """A test of a number against the column `field` (a relation: its key's column) reads:
    true for a number past the column's range, which no row holds; None when the column is
    not an integer one."""
    # A relation's key, itself maybe a relation (a page type's key is its page's): as far
    # as the column it stands for.
    while hasattr(field, "path_infos"):
        field = field.path_infos[-1].target_fields[-1]
    if not isinstance(field, IntegerField):
        return None
    low, high = connection.ops.integer_field_range(field.get_internal_type())

    def out(value):
        return type(value) is int and (
            (low is not None and value < low) or (high is not None and value > high)
        )

    return out


class RelatedExactInRange(RelatedExact):
    """`relation=n` as Django reads `id=n`: a number past the key column's range matches no
    row. Django checks the range for an integer column, not for a relation's, and a page
    type's key is its page's: a form choosing an article by a longer number (a live entry's
    filter, an import's site) reached SQLite with it, OverflowError."""

    def process_rhs(self, compiler, connection):
        out = _out_of_range(self.lhs.output_field, connection)
        if out is not None and out(self.rhs):
            raise EmptyResultSet
        return super().process_rhs(compiler, connection)


class _InRange:
    """`__in` leaving out the numbers past the column's range (no row holds one; none left:
    nothing matches). Django checks no `in` list: Wagtail's admin filters and choosers
    (?site=, ?content_type=, ?id= with a longer number) reached SQLite with it,
    OverflowError."""

    def process_rhs(self, compiler, connection):
        if self.rhs_is_direct_value():
            out = _out_of_range(self.lhs.output_field, connection)
            if out is not None:
                self.rhs = [value for value in self.rhs if not out(value)]
        return super().process_rhs(compiler, connection)


class InInRange(_InRange, In):
    pass


class RelatedInInRange(_InRange, RelatedIn):
    pass
