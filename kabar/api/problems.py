"""JSON answers: a body the API sends, and the problem details (RFC 9457) it sends when it
refuses, with the messages of the HTML form they come from."""

import json
from http import HTTPStatus

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _

JSON = "application/json"
PROBLEM_JSON = "application/problem+json"

# The kinds of refusal the API names (`type`, a URI relative to the API's own address);
# any other refusal is "about:blank": its status says all there is to say.
INVALID = "invalid"
REFUSED = "refused"
RATE_LIMITED = "rate-limited"
TYPE_PREFIX = "/api/v1/problems/"
TITLES = {
    INVALID: _("The request was not accepted as it was sent."),
    REFUSED: _("This is not allowed."),
    RATE_LIMITED: _("Too many requests. Please wait a moment."),
}
KIND_OF_STATUS = {400: INVALID, 403: REFUSED, 429: RATE_LIMITED}


def json_response(data, status=200, content_type=JSON):
    """`data` as compact UTF-8 JSON."""
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return HttpResponse(body.encode(), status=status, content_type=content_type)


def problem(status, detail="", *, errors=None, retry_after=0, **members):
    """A problem details answer. `errors` ({field: [messages]}) comes with 400s, which
    always carry it (empty when only the whole request is at fault); `members` are
    further members (a fresh `form_token`)."""
    kind = KIND_OF_STATUS.get(status)
    body = {
        "type": TYPE_PREFIX + kind if kind else "about:blank",
        "title": str(TITLES[kind]) if kind else HTTPStatus(status).phrase,
        "status": status,
        "detail": str(detail),
    }
    if kind == INVALID:
        errors = errors or {}
        body["errors"] = {name: [str(m) for m in messages] for name, messages in errors.items()}
    if retry_after:
        body["retry_after"] = int(retry_after)
    body.update(members)
    response = json_response(body, status=status, content_type=PROBLEM_JSON)
    if retry_after:
        response["Retry-After"] = str(int(retry_after))
    return response


class Problem(Exception):
    """Raised where the request is found at fault; the endpoint answers with its problem."""

    def __init__(self, status, detail="", **kwargs):
        super().__init__(str(detail))
        self.status, self.detail, self.kwargs = status, detail, kwargs

    def response(self):
        return problem(self.status, self.detail, **self.kwargs)
