"""Reading what a client sent: a JSON object in the body, its fields by type, and the query
string's. Whatever cannot be read is a Problem with a clear message, never a 500."""

import json
import re

from django.core.exceptions import RequestDataTooBig
from django.http.request import RawPostDataException
from django.utils.translation import gettext_lazy as _

from kabar.core.ids import parse_id
from kabar.discussion.submission import UNDECODABLE, UNDECODABLE_FIELD

from .problems import Problem

# A comment at its longest (65,525 characters), every one sent as a JSON escape pair
# (12 bytes), fits; anything larger is no request of ours.
MAX_BODY_BYTES = 1024 * 1024
NOT_JSON = _("The request must be a JSON object (Content-Type: application/json).")
UNREADABLE_JSON = _("The request could not be read as JSON.")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
TOO_LARGE = _("The request is too large.")
WRONG_TYPE = _("This field has the wrong type.")
NOT_UNCOMPRESSED = _("Send the request's body uncompressed (no Content-Encoding).")


def json_object(request):
    """The JSON object the request's body holds; Problem 415, 413 or 400 otherwise."""
    media_type = request.content_type or ""
    charset = (request.content_params or {}).get("charset", "utf-8").lower()
    if media_type != "application/json" or charset not in ("utf-8", "utf8"):
        raise Problem(415, NOT_JSON)
    # A compressed body (Content-Encoding) is not read here: refused as such, not taken
    # for plain JSON (a mislabelled one was) or for broken UTF-8 (a gzip one was).
    if request.headers.get("Content-Encoding", "").strip().lower() not in ("", "identity"):
        raise Problem(415, NOT_UNCOMPRESSED)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        raise Problem(400, NOT_JSON) from None
    if length > MAX_BODY_BYTES:
        raise Problem(413, TOO_LARGE)
    try:
        raw = request.body
    except (RequestDataTooBig, RawPostDataException):
        raise Problem(413, TOO_LARGE) from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Problem(400, UNDECODABLE) from None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):  # not JSON, or nested deeper than Python recurses
        raise Problem(400, UNREADABLE_JSON) from None
    if not isinstance(data, dict):
        raise Problem(400, NOT_JSON)
    return data


class Fields:
    """The typed fields of a JSON object, with the errors found reading them: text that
    is not a string, or that holds what no UTF-8 encodes (a lone surrogate escape), is
    an error under the field's name."""

    def __init__(self, data):
        self.data = data
        self.errors = {}
        self.undecodable = set()

    def text(self, name, *, keep_undecodable=False):
        """A string field ("" when absent or null). With `keep_undecodable`, a string no
        UTF-8 encodes is given with U+FFFD in place of what cannot be encoded, and its
        name is kept in `undecodable` (the comment form says what to do about it)."""
        value = self.data.get(name)
        if value is None:
            return ""
        if not isinstance(value, str):
            self.errors[name] = [WRONG_TYPE]
            return ""
        if LONE_SURROGATE.search(value):
            if not keep_undecodable:
                self.errors[name] = [UNDECODABLE_FIELD]
                return ""
            self.undecodable.add(name)
            return LONE_SURROGATE.sub("\ufffd", value)
        return value

    def boolean(self, name):
        value = self.data.get(name, False)
        if value is None:
            return False
        if not isinstance(value, bool):
            self.errors[name] = [WRONG_TYPE]
            return False
        return value

    def identifier(self, name):
        """A row id (a positive integer) or None when absent or null."""
        value = self.data.get(name)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or parse_id(str(value)) is None:
            self.errors[name] = [WRONG_TYPE]
            return None
        return value

    def text_list(self, name):
        value = self.data.get(name)
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.errors[name] = [WRONG_TYPE]
            return []
        if any(LONE_SURROGATE.search(v) for v in value):
            self.errors[name] = [UNDECODABLE_FIELD]
            return []
        return value

    def refuse_if_errors(self):
        if self.errors:
            raise Problem(400, errors=self.errors)
