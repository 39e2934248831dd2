"""Hypothesis strategies for hostile HTTP requests: methods, headers, query strings, ids,
path segments and form bodies, with invalid UTF-8, NUL and lengths around every limit."""

import json
from pathlib import Path
from urllib.parse import quote, quote_from_bytes, urlencode

from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from hypothesis import strategies as st

from kabar.discussion.models import (
    BODY_MAX_LENGTH,
    EMAIL_MAX_LENGTH,
    NAME_MAX_LENGTH,
    URL_MAX_LENGTH,
)

FORM = "application/x-www-form-urlencoded"
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE", "PROPFIND"]
# The hosts the test settings allow: a refused Host is a 400 by design, not a finding.
HOSTS = ["testserver", "localhost", "127.0.0.1", "localhost:80"]

# Strings a parser, a template or a database may trip on.
HOSTILE = [
    "",
    " ",
    "\x00",
    "a\x00b",
    "\x0c\x01\x1f",
    "\t\n\r",
    "\u202etxet\u202c",
    "\ufeff",
    "\ufffd",
    "\U0001f600" * 3,
    "<script>window.__pwned=1</script>",
    '"><img src=x onerror="window.__pwned=1">',
    "javascript:window.__pwned=1",
    "{{ request.META }}",
    "{% debug %}",
    "${7*7}",
    "%s%s%n",
    "'; DROP TABLE discussion_comment; --",
    "../../../../etc/passwd",
    "-1",
    "0",
    "1e9",
    "0x10",
    "١٢٣",
    "²",
]
# The Big List of Naughty Strings (tests/data/blns/README.md): a public corpus of strings
# known to break software.
NAUGHTY = json.loads((Path(__file__).parents[1] / "data" / "blns" / "blns.json").read_text())
# Lengths on either side of each field's limit, and well past all of them.
LIMITS = sorted(
    {
        n + d
        for n in (NAME_MAX_LENGTH, EMAIL_MAX_LENGTH, URL_MAX_LENGTH, BODY_MAX_LENGTH, 4096)
        for d in (-1, 0, 1)
    }
    | {100_000}
)


def text(max_size=40):
    """Any text a browser can send (lone surrogates cannot be encoded, so none)."""
    return st.text(st.characters(exclude_categories=("Cs",)), max_size=max_size)


def long_text():
    return st.builds(
        lambda unit, n: (unit * n)[:n],
        st.sampled_from(["a", "é", "\u202e", "x y ", "\x00", "😀"]),
        st.sampled_from(LIMITS),
    )


def junk():
    return st.one_of(st.sampled_from(HOSTILE), st.sampled_from(NAUGHTY), text(), long_text())


def junk_in(text):
    """Anything, alone or inside ordinary `text` (so a field is not refused as empty)."""
    return st.one_of(junk(), junk().map(lambda s: f"{text} {s} {text}"))


def ids(known=()):
    """Row ids as a request carries them: known rows, edges of every integer type, huge,
    negative, non-numeric."""
    return st.one_of(
        st.sampled_from([str(k) for k in known] or ["1"]),
        st.sampled_from(["0", "-1", str(2**31), str(2**63 - 1), str(2**63), "9" * 23, "9" * 40]),
        st.integers(-(2**80), 2**80).map(str),
        # Past every database's integer: SQLite's driver overflows on these.
        st.integers(2**63, 10**30).map(str),
        st.from_regex(r"[0-9]{1,30}", fullmatch=True),
        junk(),
    )


def segment(known=()):
    """One path segment, percent-encoded; sometimes bytes that are not UTF-8."""
    return st.one_of(
        st.sampled_from(list(known) or ["x"]),
        ids().map(lambda s: quote(s, safe="")),
        st.binary(min_size=1, max_size=12).map(lambda b: quote_from_bytes(b, safe="")),
    )


def latin1(max_size=60):
    """A header value as a server hands it on: printable Latin-1 and tabs (servers refuse
    CR, LF and other controls in headers before Django sees them)."""
    return st.text(
        st.one_of(st.just("\t"), st.characters(min_codepoint=0x20, max_codepoint=0xFF)),
        max_size=max_size,
    )


def cookies(known=()):
    names = ["kabar_own", "kabar_commenter", "sessionid", "csrftoken", "django_language"]
    pair = st.tuples(st.sampled_from(names) | latin1(10), latin1(80)).map("=".join)
    return st.one_of(
        latin1(),
        st.sampled_from(list(known) or ["x=y"]),
        st.lists(pair | st.sampled_from(list(known) or ["x=y"]), max_size=4).map("; ".join),
    )


def headers(origin, own_cookies=()):
    """Request headers; the Host stays one the site allows."""
    url_like = st.one_of(
        st.sampled_from([origin, origin + "/", "null", "https://evil.example", "http://localhost"]),
        latin1(),
    )
    return st.fixed_dictionaries(
        {"host": st.sampled_from(HOSTS)},
        optional={
            "origin": url_like,
            "referer": url_like,
            "accept-language": st.one_of(
                st.sampled_from(["id", "en", "en-US,en;q=0.9", "xx", "*", "id;q=abc", "en" * 300]),
                latin1(),
            ),
            "accept-encoding": st.sampled_from(["gzip", "identity", "br", "*"]),
            "cookie": cookies(own_cookies),
            "user-agent": latin1(200),
            "x-forwarded-for": st.sampled_from(["203.0.113.1", "::1", "junk", "1.2.3.4, 5.6.7.8"]),
            "if-none-match": latin1(),
            "if-modified-since": st.sampled_from(["Mon, 01 Jan 1990 00:00:00 GMT", "junk"]),
            "range": st.sampled_from(["bytes=0-10", "bytes=-1", "bytes=junk"]),
        },
    )


def pairs(fields):
    """Form or query fields: mostly the expected names with chosen values, sometimes a
    field twice or a name nobody expects."""
    named = st.one_of(
        *[st.tuples(st.just(name), values) for name, values in fields.items()]
        or [st.tuples(text(10), junk())]
    )
    extra = st.tuples(st.one_of(text(10), st.sampled_from(list(fields) or ["x"])), junk())
    return st.lists(st.one_of(named, named, extra), max_size=len(fields) + 3)


def corrupt(data):
    """Encoded form or query bytes, sometimes with bytes that are not UTF-8 put in."""
    poison = st.sampled_from([b"%FF", b"%C0%AF", b"%ED%A0%80", b"\xff\xfe", b"%00", b"\x00"])
    return st.one_of(
        st.just(data),
        st.just(data),
        st.tuples(st.integers(0, len(data)), poison).map(
            lambda cut: data[: cut[0]] + cut[1] + data[cut[0] :]
        ),
    )


@st.composite
def query_string(draw, fields):
    encoded = urlencode(draw(pairs(fields))).encode()
    # WSGI hands Django the raw bytes as a Latin-1 string.
    return draw(corrupt(encoded)).decode("latin-1")


@st.composite
def body(draw, fields):
    """(content type, bytes) of a request body."""
    chosen = draw(pairs(fields))
    kind = draw(st.sampled_from(["form", "form", "form", "multipart", "json", "none"]))
    if kind == "multipart":
        data = {}
        for name, value in chosen:
            data.setdefault(name, []).append(value)
        return MULTIPART_CONTENT, encode_multipart(BOUNDARY, data)
    if kind == "json":
        return "application/json", json.dumps(dict(chosen)).encode()
    if kind == "none":
        return draw(st.sampled_from(["", "text/plain", FORM])), b""
    content_type = draw(st.sampled_from([FORM, FORM + "; charset=utf-8", FORM + "; charset=x"]))
    return content_type, draw(corrupt(urlencode(chosen).encode()))


def emails():
    return st.one_of(
        st.emails(),
        st.sampled_from(
            ["a@b", "@example.org", "x@example.org\x00", "é@例え.jp", "a" * 95 + "@x.io"]
        ),
        junk(),
    )


def urls():
    return st.one_of(
        st.sampled_from(
            [
                "https://contoh.example/halaman",
                "javascript:window.__pwned=1",
                "data:text/html,<script>window.__pwned=1</script>",
                "vbscript:msgbox(1)",
                "//evil.example",
                "http://[::1",
                "https://" + "a" * 300 + ".example",
            ]
        ),
        junk(),
    )
