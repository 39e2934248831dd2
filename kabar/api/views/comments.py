"""Writing: a comment or reply (through discussion's one submission path, as the HTML form),
the author's edit and deletion inside the window, a report, a subscription to follow-up
mail. Parse, call discussion, answer; the reader's own proof comes and goes in JSON and
the OWN_HEADER header, never in a cookie."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from kabar.core import ratelimit
from kabar.core.clientip import client_ip, client_key
from kabar.core.ids import parse_id
from kabar.core.memo import site_when_asked
from kabar.discussion import submission
from kabar.discussion.notifications import subscription_ask
from kabar.discussion.own import (
    created_stamp,
    own_comments_proved,
    own_proof,
    trusted_proofs_proved,
)
from kabar.discussion.reports import TOO_MANY_REPORTS, ReportForm, report_send, reportable
from kabar.discussion.services import (
    CommentChangeRefused,
    comment_edit,
    comment_remove_by_author,
    comment_to_change,
)
from kabar.discussion.validation import EMAIL

from .. import serializers
from ..endpoint import OWN_HEADER, TRUST_HEADER, endpoint
from ..payload import Fields, json_object
from ..problems import Problem, json_response
from .threads import thread_of

# The comment form's fields, by the names the API and the form share.
TEXT_FIELDS = ("body", "author_name", "author_email", "author_url", "form_token")
SUBSCRIBE_LIMIT = ratelimit.Limit("api-subscribe", 10, 60 * 60)
TOO_MANY_REQUESTS = _("You have sent many requests in a short time. Please try later.")
SUBSCRIPTION_ASKED = _(
    "Check your inbox: follow-up comment emails start only once you confirm them with the "
    "link we send to this address."
)


def anonymous(restrictions):
    """Facts.may_view for the API's readers: no session, so no password or sign-in passed."""
    return not restrictions


def _own(request):
    return own_comments_proved(request.headers.get(OWN_HEADER))


@site_when_asked
@endpoint("POST", foreign_origins=True)
def comment_create(request):
    fields = Fields(json_object(request))
    url, site_key, title = fields.text("url"), fields.text("site"), fields.text("title")
    typed = {name: fields.text(name, keep_undecodable=True) for name in TEXT_FIELDS}
    honeypot = fields.text(serializers.HONEYPOT, keep_undecodable=True)
    parent = fields.identifier("parent")
    notify = fields.boolean("notify_replies")
    fields.refuse_if_errors()
    target = thread_of(request, url, site_key, title=title).target
    own = _own(request)
    data = {
        **typed,
        "page": str(target.pk),
        "parent": str(parent) if parent else "",
        "notify_replies": "on" if notify else "",
        serializers.HONEYPOT: honeypot,
    }
    facts = submission.Facts(
        ip_address=client_ip(request),
        user_agent=request.headers.get("User-Agent", ""),
        own=own,
        proofs=trusted_proofs_proved(request.headers.get(TRUST_HEADER)),
        cross_site=not request.origin_allowed,
        undecodable=frozenset(fields.undecodable),
        may_view=anonymous,
    )
    outcome = submission.submit(data, facts, target=target)
    if not outcome.stored:
        raise _refusal(outcome, data["form_token"])
    comment = outcome.comment
    reader = serializers.Reader.of(request, outcome.rules, {comment.pk: created_stamp(comment)})
    body = {
        "comment": serializers.comment_json(comment, reader),
        "own": own_proof(own, add=comment, rules=outcome.rules),
    }
    return json_response(body, status=201)


def _refusal(outcome, token_sent):
    """The Problem for a refused submission: the form's messages, by field and for the
    whole form, and the fresh token the form would carry back."""
    if outcome.form is None:
        return Problem(outcome.status, outcome.error)
    form = outcome.form
    errors = {name: list(found) for name, found in form.errors.items() if name != "__all__"}
    general = [str(outcome.error)] if outcome.error else []
    general += [str(m) for m in form.non_field_errors()]
    members = {}
    if form.data.get("form_token") != token_sent:
        members["form_token"] = form.data["form_token"]
    return Problem(
        outcome.status,
        " ".join(general),
        errors=errors,
        retry_after=outcome.retry_after,
        **members,
    )


def _comment_id(text):
    """The comment id of the API's address; Problem 404 when it is none."""
    comment_id = parse_id(text)
    if comment_id is None:
        raise Problem(404)
    return comment_id


@endpoint("PATCH", "DELETE")
def comment_change(request, comment_id):
    own = _own(request)
    try:
        found = comment_to_change(own, _comment_id(comment_id))
    except CommentChangeRefused as exc:
        raise Problem(403, exc.message) from None
    if found is None:
        raise Problem(404)
    comment, rules = found
    if request.method == "DELETE":
        try:
            comment_remove_by_author(comment)
        except CommentChangeRefused as exc:
            raise Problem(403, exc.message) from None
        return json_response({"own": own_proof(own, forget=comment, rules=rules)})
    fields = Fields(json_object(request))
    body = fields.text("body")
    fields.refuse_if_errors()
    # The browser's trusted-address proof, as for a new comment: without it a trusted
    # commenter's edit would be held as from any unproven browser.
    proofs = trusted_proofs_proved(request.headers.get(TRUST_HEADER))
    try:
        comment = comment_edit(comment, body=body, proofs=proofs)
    except CommentChangeRefused as exc:
        raise Problem(403, exc.message) from None
    except ValidationError as exc:
        raise Problem(400, errors={"body": exc.message_dict.get("body", exc.messages)}) from None
    reader = serializers.Reader.of(request, rules, own)
    return json_response(
        {"comment": serializers.comment_json(comment, reader), "own": own_proof(own, rules=rules)}
    )


@endpoint("POST")
def comment_report(request, comment_id):
    found = reportable(_comment_id(comment_id), anonymous)
    if found is None:
        raise Problem(404)
    fields = Fields(json_object(request))
    form = ReportForm({"reason": fields.text("reason"), "note": fields.text("detail")})
    fields.refuse_if_errors()
    if not form.is_valid():
        # The form's "note" is the API's "detail".
        errors = {"detail" if name == "note" else name: m for name, m in form.errors.items()}
        raise Problem(400, errors=errors)
    reported = report_send(request, found[0], form.reason_text())
    if reported.retry_after:
        raise Problem(429, TOO_MANY_REPORTS, retry_after=reported.retry_after)
    return json_response({"already_reported": not reported.counted})


@endpoint("POST")
def subscribe(request):
    fields = Fields(json_object(request))
    url, site_key, email = fields.text("url"), fields.text("site"), fields.text("email")
    fields.refuse_if_errors()
    try:
        EMAIL.check(email.strip())
    except ValidationError as exc:
        raise Problem(400, errors={"email": exc.messages}) from None
    target = thread_of(request, url, site_key).target
    if ratelimit.enabled():
        decision = ratelimit.hit(SUBSCRIBE_LIMIT, client_key(client_ip(request)))
        if not decision.allowed:
            raise Problem(429, TOO_MANY_REQUESTS, retry_after=decision.retry_after)
    # The same answer whether the address was known, subscribed already, or had its
    # confirmation mails for the day: the API tells nobody about an address.
    subscription_ask(email.strip(), target)
    return json_response({"detail": str(SUBSCRIPTION_ASKED)}, status=202)
