"""A request's Content-Type header read without failing, whatever a client writes in it.

Django reads the header while it builds the request, before any middleware or view: a
charset it can look up becomes the encoding of the query string and the posted form, and
the query string is decoded in it at once. Any codec passed, also those that do not turn
bytes into text ("base64", "rot13") or that fail on any text ("undefined", "punycode"), and
an RFC 2231 parameter naming an unknown charset (`charset*=bogus''x`) or spelling a NUL
(`charset*=utf-8''%00`) raised: every such request, to any address, was a server error.
"""

from django.http import HttpRequest
from django.utils.http import parse_header_parameters

# What query strings and form bodies are written in (percent-escapes): a charset that
# reads these bytes as anything else is no charset for a request.
_PRINTABLE_ASCII = bytes(range(0x20, 0x7F))
FORM_URLENCODED = "application/x-www-form-urlencoded"


def is_request_charset(name):
    """Whether `name` is a charset a request's query string and form can be read in: a
    text encoding that reads ASCII as ASCII."""
    try:
        return _PRINTABLE_ASCII.decode(name) == _PRINTABLE_ASCII.decode("ascii")
    except (LookupError, ValueError):  # no such codec, not one for text, NUL in the name
        return False


def read_content_type(request, meta):
    """Django's HttpRequest._set_content_type_params (content_type, content_params and
    encoding), taking a charset only when is_request_charset (as Django leaves out one it
    cannot find), and a header whose parameters cannot be read for none: the body is then
    no form, and no field is read from it."""
    try:
        content_type, params = parse_header_parameters(meta.get("CONTENT_TYPE", ""))
    except ValueError:
        content_type, params = "", {}
    request.content_type, request.content_params = content_type, params
    charset = params.get("charset")
    if content_type == FORM_URLENCODED:
        # Such a form has no charset of its own: it is UTF-8 (the WHATWG URL standard),
        # and Django refuses any other name for it, "utf8" included, with BadRequest
        # when the form is read. Its 400 page (CSRF protected) read the form again, and
        # every such post, to any address, was a server error.
        return
    if charset is not None and is_request_charset(charset):
        request.encoding = charset


def read_content_types():
    """Set at start, before any request is built: every request's Content-Type is read by
    read_content_type."""
    HttpRequest._set_content_type_params = read_content_type
