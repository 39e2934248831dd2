"""Row ids taken from a request (a form field, a URL, a cookie): one parser, one range.

Every id column holds 1 to 2**63 - 1: SQLite's integers, PostgreSQL's bigint (Kabar's own
tables, DEFAULT_AUTO_FIELD is BigAutoField). Wagtail's pages keep an integer id on
PostgreSQL, which compares with a larger number without error, so one range serves all.
A larger number reaching a query raises OverflowError on SQLite, so none gets that far.
"""

from django.core.exceptions import EmptyResultSet
from django.db.models import IntegerField
from django.db.models.fields.related_lookups import RelatedExact

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


class RelatedExactInRange(RelatedExact):
    """`relation=n` as Django reads `id=n`: a number past the key column's range matches no
    row. Django checks the range for an integer column, not for a relation's, and a page
    type's key is its page's: a form choosing an article by a longer number (a live entry's
    filter, an import's site) reached SQLite with it, OverflowError."""

    def process_rhs(self, compiler, connection):
        output = self.lhs.output_field
        if type(self.rhs) is int and hasattr(output, "path_infos"):
            target = output.path_infos[-1].target_fields[-1]
            if isinstance(target, IntegerField):
                low, high = connection.ops.integer_field_range(target.get_internal_type())
                if (low is not None and self.rhs < low) or (high is not None and self.rhs > high):
                    raise EmptyResultSet
        return super().process_rhs(compiler, connection)
