"""`<segment:name>` in a URL pattern: one path segment of text (a slug, in any script), or
the pattern does not match (404). Django's `<str:...>` takes any character but "/", NUL
among them, which PostgreSQL refuses in a query's text (a 500 where SQLite finds nothing);
`<slug:...>` takes ASCII only, and an imported site's slugs may be in any script."""

from .xmlsafe import CONTROL_CHARACTERS

# No control character (NUL among them), no "/".
SEGMENT_REGEX = f"[^/{CONTROL_CHARACTERS}]+"


class SegmentConverter:
    regex = SEGMENT_REGEX

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value
