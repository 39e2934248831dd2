"""The OpenAPI 3.1 document of /api/v1/, served at /api/v1/openapi.json. Written out by hand
from the same constants the endpoints use (limits, field names, report reasons), so it says
what they do; tests/api check the real answers against it."""

from kabar.core.ids import ID_MAX
from kabar.discussion.models import BODY_MAX_LENGTH, EMAIL_MAX_LENGTH, NAME_MAX_LENGTH
from kabar.discussion.models import URL_MAX_LENGTH as AUTHOR_URL_MAX_LENGTH
from kabar.discussion.reports import NOTE_MAX_LENGTH, ReportReason

from . import serializers
from .endpoint import OWN_HEADER, PREFLIGHT_MAX_AGE, TRUST_HEADER
from .payload import MAX_BODY_BYTES
from .problems import INVALID, RATE_LIMITED, REFUSED, TYPE_PREFIX
from .views.threads import MAX_COUNTED

VERSION = "1.0.0"
PROBLEM_JSON = "application/problem+json"


def ref(kind, name):
    return {"$ref": f"#/components/{kind}/{name}"}


def schema(name):
    return ref("schemas", name)


def nullable(kind, **keywords):
    return {"type": [kind, "null"], **keywords}


def closed_object(properties, *, description="", required=None):
    """An object with exactly these properties, all of them always present (the
    serializers' allow-lists)."""
    found = {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }
    if description:
        found["description"] = description
    return found


def json_body(schema_object, description):
    return {"description": description, "content": {"application/json": {"schema": schema_object}}}


def problem_response(description):
    return {
        "description": description,
        "headers": {"Content-Language": ref("headers", "ContentLanguage")},
        "content": {PROBLEM_JSON: {"schema": schema("Problem")}},
    }


def answers(ok_status, ok, *problems):
    """The responses of an operation: its success, then the problems it may answer."""
    found = {str(ok_status): ok}
    for status in problems:
        found[str(status)] = ref("responses", f"Problem{status}")
    return found


def ok_json(schema_object, description, *, cacheable=False):
    headers = {"Content-Language": ref("headers", "ContentLanguage")}
    if cacheable:
        headers["Cache-Control"] = ref("headers", "CacheControl")
    return {
        "description": description,
        "headers": headers,
        "content": {"application/json": {"schema": schema_object}},
    }


def operation(operation_id, summary, description, responses, *, parameters=(), body=None):
    found = {
        "operationId": operation_id,
        "summary": summary,
        "description": description,
        "parameters": [ref("parameters", "Lang"), *parameters],
        "responses": responses,
    }
    if body is not None:
        found["requestBody"] = {"required": True, "content": {"application/json": body}}
    return found


def text(max_length=None, description="", **keywords):
    found = {"type": "string", **keywords}
    if max_length is not None:
        found["maxLength"] = max_length
    if description:
        found["description"] = description
    return found


PROBLEM_KINDS = (INVALID, REFUSED, RATE_LIMITED)
# An optional text field may be left out, or sent as null: the same as "".
OPTIONAL_TEXT = {"type": ["string", "null"]}
TIMESTAMP = {"type": "string", "format": "date-time", "description": "UTC, to the second."}

SCHEMAS = {
    "Problem": {
        "type": "object",
        "description": (
            "Problem details (RFC 9457). `detail` is for the whole request (the HTML form "
            "shows it above the fields), `errors` by field (under each field), in the "
            "language asked for; the messages are the HTML form's."
        ),
        "properties": {
            "type": {
                "type": "string",
                "enum": ["about:blank", *(TYPE_PREFIX + k for k in PROBLEM_KINDS)],
                "description": (
                    f"`{TYPE_PREFIX}{INVALID}` (400): the request or the form's fields were "
                    f"refused, see `errors`. `{TYPE_PREFIX}{REFUSED}` (403): not allowed "
                    "(an origin or site that is not registered, comments closed, a post from "
                    "another site's page, a comment this browser did not send or may no "
                    f"longer change). `{TYPE_PREFIX}{RATE_LIMITED}` (429): too many requests, "
                    "see `retry_after`. `about:blank`: the HTTP status says it all (404, "
                    "405, 413, 415)."
                ),
            },
            "title": {"type": "string"},
            "status": {"type": "integer", "minimum": 400, "maximum": 599},
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "description": (
                    "Messages by the name of the request's field (or query parameter); with "
                    "400 only, and always there with it (empty when only `detail` applies)."
                ),
                "additionalProperties": {"type": "array", "items": {"type": "string"}},
            },
            "form_token": {
                "type": "string",
                "description": "A fresh form token, when the one sent had expired or was invalid.",
            },
            "retry_after": {
                "type": "integer",
                "minimum": 1,
                "description": "Seconds to wait (429), as the Retry-After header says.",
            },
        },
        "required": ["type", "title", "status", "detail"],
        "additionalProperties": False,
    },
    "Author": closed_object(
        {
            "name": text(NAME_MAX_LENGTH),
            "url": nullable("string", format="uri", description="The website they gave."),
            "avatar": text(
                format="uri",
                description="An identicon drawn by Kabar (or Gravatar's, where enabled).",
            ),
            "staff": {"type": "boolean", "description": "Written by the newsroom."},
        },
        description="Who wrote a comment: never their email address or network address.",
    ),
    "Own": closed_object(
        {
            "body": text(BODY_MAX_LENGTH, description="The text as typed, to edit it."),
            "editable_until": nullable(
                "string",
                format="date-time",
                description="Until when it may be edited or deleted; null: no longer.",
            ),
        },
        description="What only the comment's author is shown (their own proof named it).",
    ),
    "Comment": closed_object(
        {
            "id": {"type": "integer", "minimum": 1},
            "parent": nullable("integer", minimum=1),
            "depth": {"type": "integer", "minimum": 1},
            "status": {
                "type": "string",
                "enum": [serializers.APPROVED, serializers.PENDING, serializers.REMOVED],
                "description": (
                    "`pending`: awaiting moderation, shown to its author only. `removed`: "
                    "deleted by its author, a placeholder kept for its replies (no author, "
                    "no text)."
                ),
            },
            "author": {"oneOf": [schema("Author"), {"type": "null"}]},
            "body_html": text(
                description=(
                    "The text as HTML: everything escaped, paragraphs and line breaks kept, "
                    "web addresses made nofollow/ugc links."
                )
            ),
            "created": TIMESTAMP,
            "edited": nullable("string", format="date-time"),
            "permalink": nullable("string", format="uri"),
            "own": {"oneOf": [schema("Own"), {"type": "null"}]},
            "replies": {"type": "array", "items": schema("Comment")},
        },
        description="A comment; its visible replies nested, oldest first.",
    ),
    "Thread": closed_object(
        {
            "id": {"type": "integer", "minimum": 1},
            "title": text(255),
            "url": text(format="uri", description="The address the thread is kept under."),
            "kabar_url": text(
                format="uri", description="Kabar's own page for it (for readers without scripts)."
            ),
            "discussion": {"type": "string", "enum": ["open", "premoderated", "closed"]},
            "comments_open": {"type": "boolean", "description": "Takes a comment now."},
            "closed_reason": text(description="Why not, when comments_open is false."),
            "count": {"type": "integer", "minimum": 0, "description": "Approved comments."},
        }
    ),
    "Pagination": closed_object(
        {
            "page": {"type": "integer", "minimum": 1},
            "pages": {"type": "integer", "minimum": 1},
            "per_page": {"type": "integer", "minimum": 1},
            "top_level": {
                "type": "integer",
                "minimum": 0,
                "description": "Top-level comments shown (each with all its replies).",
            },
            "order": {"type": "string", "enum": ["oldest", "newest"]},
        }
    ),
    "FormField": closed_object(
        {
            "label": {"type": "string"},
            "required": {"type": "boolean"},
            "max_length": nullable("integer", minimum=1),
        }
    ),
    "Form": closed_object(
        {
            "token": text(
                description=(
                    "The signed form token (the thread and when it was issued, nothing about "
                    "the reader): send it back as `form_token`. It lasts a day."
                )
            ),
            "honeypot": {
                "type": "string",
                "const": serializers.HONEYPOT,
                "description": "A field a person never fills: send it empty.",
            },
            "fields": closed_object(
                {name: schema("FormField") for name in serializers.FORM_FIELDS}
            ),
            "email_note": {"type": "string"},
            "reply_depth": {"type": "integer", "minimum": 1},
            "edit_window_minutes": {"type": "integer", "minimum": 0},
            "report_reasons": {
                "type": "array",
                "items": closed_object(
                    {"value": {"type": "string", "enum": ReportReason.values}, "label": text()}
                ),
            },
            "report_detail_max_length": {"type": "integer", "const": NOTE_MAX_LENGTH},
        }
    ),
    "ThreadPage": closed_object(
        {
            "thread": schema("Thread"),
            "comments": {"type": "array", "items": schema("Comment")},
            "pagination": schema("Pagination"),
            "form": schema("Form"),
        }
    ),
    "Counts": closed_object(
        {
            "counts": {
                "type": "object",
                "description": "Approved comments by the address as asked (0: none, or unknown).",
                "additionalProperties": {"type": "integer", "minimum": 0},
            }
        }
    ),
    "CountsRequest": {
        "type": "object",
        "properties": {
            "urls": {
                "type": "array",
                "items": {"type": "string"},
                "minItems": 1,
                "maxItems": MAX_COUNTED,
            },
            "site": OPTIONAL_TEXT,
        },
        "required": ["urls"],
    },
    "NewComment": {
        "type": "object",
        "properties": {
            "url": text(description="The page's address (location.href)."),
            "site": {
                **OPTIONAL_TEXT,
                "description": "The registered site's key (data-kabar-site).",
            },
            "title": {**OPTIONAL_TEXT, "description": "The page's title: names a thread made now."},
            "parent": nullable("integer", minimum=1, description="The comment replied to."),
            "body": text(BODY_MAX_LENGTH),
            "author_name": text(NAME_MAX_LENGTH),
            "author_email": text(EMAIL_MAX_LENGTH, description="Never published."),
            "author_url": nullable("string", maxLength=AUTHOR_URL_MAX_LENGTH),
            "notify_replies": nullable("boolean"),
            "form_token": text(description="`form.token` of the thread's answer."),
            serializers.HONEYPOT: {**OPTIONAL_TEXT, "description": "The honeypot: leave it empty."},
        },
        "required": ["url", "body", "author_name", "author_email", "form_token"],
    },
    "Created": closed_object(
        {
            "comment": schema("Comment"),
            "own": text(
                description=(
                    f"The proof of this browser's own comments: keep it, send it back in "
                    f"the {OWN_HEADER} header."
                )
            ),
        }
    ),
    "Edit": {
        "type": "object",
        "properties": {"body": text(BODY_MAX_LENGTH)},
        "required": ["body"],
    },
    "Deleted": closed_object(
        {"own": text(description='The proof without the deleted comment ("" when empty).')}
    ),
    "ReportRequest": {
        "type": "object",
        "properties": {
            "reason": {"type": "string", "enum": ReportReason.values},
            "detail": nullable(
                "string",
                maxLength=NOTE_MAX_LENGTH,
                description=f'Required with reason "{ReportReason.OTHER}".',
            ),
        },
        "required": ["reason"],
    },
    "Reported": closed_object({"already_reported": {"type": "boolean"}}),
    "SubscriptionRequest": {
        "type": "object",
        "properties": {
            "url": text(),
            "site": OPTIONAL_TEXT,
            "email": text(EMAIL_MAX_LENGTH, format="email"),
        },
        "required": ["url", "email"],
    },
    "SubscriptionAsked": closed_object({"detail": text()}),
}

PARAMETERS = {
    "Lang": {
        "name": "lang",
        "in": "query",
        "required": False,
        "description": "The language of messages and labels (default: Indonesian).",
        "schema": {"type": "string", "enum": ["id", "en"]},
    },
    "Url": {
        "name": "url",
        "in": "query",
        "required": True,
        "description": (
            "The page's address: on a registered site, or one of Kabar's own pages. Its "
            "fragment is dropped, and its query unless the site keeps it."
        ),
        "schema": {"type": "string"},
    },
    "Site": {
        "name": "site",
        "in": "query",
        "required": False,
        "description": "The registered site's key; when given, the address must be its own.",
        "schema": {"type": "string"},
    },
    "Title": {
        "name": "title",
        "in": "query",
        "required": False,
        "description": "The page's title: names a thread made by this request.",
        "schema": {"type": "string"},
    },
    "Order": {
        "name": "order",
        "in": "query",
        "required": False,
        "description": "Top-level comments oldest or newest first (default: the site's rule).",
        "schema": {"type": "string", "enum": ["oldest", "newest"]},
    },
    "Page": {
        "name": "page",
        "in": "query",
        "required": False,
        "description": "The page of top-level comments (past the last: the last).",
        "schema": {"type": "integer", "minimum": 1},
    },
    "Own": {
        "name": OWN_HEADER,
        "in": "header",
        "required": False,
        "description": (
            "The `own` proof the API gave this browser last. With it, the author's held "
            "comments are shown to them, and the answer is private."
        ),
        "schema": {"type": "string"},
    },
    "Trust": {
        "name": TRUST_HEADER,
        "in": "header",
        "required": False,
        "description": (
            "The trusted-browser proof the reader's confirmation page handed the widget "
            "(in the fragment `#kabar-trust=` of the link back to the page). With it, "
            "comments under the confirmed address count as that address's: a trusted "
            "commenter's comment is published at once."
        ),
        "schema": {"type": "string"},
    },
    "OwnRequired": {
        "name": OWN_HEADER,
        "in": "header",
        "required": True,
        "description": "The `own` proof naming the comment.",
        "schema": {"type": "string"},
    },
    "CommentId": {
        "name": "id",
        "in": "path",
        "required": True,
        "schema": {"type": "integer", "minimum": 1, "maximum": ID_MAX},
    },
}

PROBLEM_RESPONSES = {
    "Problem400": problem_response(
        "The request or the form's fields were refused (for every operation: an unknown `lang`)."
    ),
    "Problem403": problem_response("Not allowed."),
    "Problem404": problem_response("No such thread or comment (for this reader)."),
    "Problem413": problem_response(f"The body is larger than {MAX_BODY_BYTES} bytes."),
    "Problem415": problem_response("The body is not JSON (Content-Type: application/json)."),
    "Problem429": {
        **problem_response("Too many requests: wait as Retry-After says."),
        "headers": {
            "Retry-After": ref("headers", "RetryAfter"),
            "Content-Language": ref("headers", "ContentLanguage"),
        },
    },
}

HEADERS = {
    "ContentLanguage": {
        "description": "The language of the answer's messages and labels.",
        "schema": {"type": "string", "enum": ["id", "en"]},
    },
    "CacheControl": {
        "description": "Anonymous answers are shared; with the own proof, private.",
        "schema": {"type": "string"},
    },
    "RetryAfter": {"description": "Seconds.", "schema": {"type": "string", "pattern": "^[0-9]+$"}},
}

THREAD_PARAMETERS = [ref("parameters", n) for n in ("Url", "Site", "Title", "Order", "Page")]

PATHS = {
    "/threads": {
        "get": operation(
            "getThread",
            "A page of a thread's comments, with what its comment form needs.",
            (
                "The thread of the page at `url` (made now, on first use, for an address "
                "of a registered site asked for from its origin), its approved comments "
                "threaded and paginated as on Kabar's own pages, and the form's signed "
                "token, fields and limits. With "
                f"the {OWN_HEADER} header, also the reader's own comments awaiting moderation."
            ),
            answers(
                200,
                ok_json(schema("ThreadPage"), "The thread.", cacheable=True),
                400,
                403,
                404,
                429,
            ),
            parameters=[*THREAD_PARAMETERS, ref("parameters", "Own")],
        )
    },
    "/counts": {
        "get": operation(
            "getCounts",
            "Approved comments of many addresses at once.",
            f"At most {MAX_COUNTED} addresses; counting never makes a thread.",
            answers(200, ok_json(schema("Counts"), "The counts.", cacheable=True), 400, 403),
            parameters=[
                {
                    "name": "url",
                    "in": "query",
                    "required": True,
                    "style": "form",
                    "explode": True,
                    "schema": {
                        "type": "array",
                        "items": {"type": "string"},
                        "minItems": 1,
                        "maxItems": MAX_COUNTED,
                    },
                },
                ref("parameters", "Site"),
            ],
        ),
        "post": operation(
            "postCounts",
            "Approved comments of many addresses at once (the addresses in the body).",
            f"At most {MAX_COUNTED} addresses; counting never makes a thread.",
            answers(200, ok_json(schema("Counts"), "The counts."), 400, 403, 413, 415),
            body={"schema": schema("CountsRequest")},
        ),
    },
    "/comments": {
        "post": operation(
            "postComment",
            "A comment or reply, checked as the HTML form's is.",
            (
                "The same checks, in the same order, with the same messages as Kabar's own "
                "comment form: required fields and limits, the signed form token, the "
                "honeypot, rate limits, spam checks and moderation rules. A comment taken "
                "for spam is answered as one awaiting moderation."
            ),
            answers(
                201,
                ok_json(schema("Created"), "Stored: published, or awaiting moderation."),
                400,
                403,
                404,
                413,
                415,
                429,
            ),
            parameters=[ref("parameters", "Own"), ref("parameters", "Trust")],
            body={"schema": schema("NewComment")},
        )
    },
    "/comments/{id}": {
        "parameters": [ref("parameters", "CommentId"), ref("parameters", "OwnRequired")],
        "patch": operation(
            "editComment",
            "The author's edit, within the edit window.",
            "The moderation rules run again on the new text: it may await moderation again.",
            answers(200, ok_json(schema("Created"), "Edited."), 400, 403, 404, 413, 415),
            parameters=[ref("parameters", "Trust")],
            body={"schema": schema("Edit")},
        ),
        "delete": operation(
            "deleteComment",
            "The author's deletion, within the edit window.",
            "A comment with replies leaves a placeholder in the thread.",
            answers(200, ok_json(schema("Deleted"), "Deleted."), 400, 403, 404),
        ),
    },
    "/comments/{id}/report": {
        "parameters": [ref("parameters", "CommentId")],
        "post": operation(
            "reportComment",
            "A reader's report that a comment breaks the rules.",
            "Counted once per reader; every report waits for a moderator.",
            answers(200, ok_json(schema("Reported"), "Reported."), 400, 403, 404, 413, 415, 429),
            body={"schema": schema("ReportRequest")},
        ),
    },
    "/subscriptions": {
        "post": operation(
            "subscribe",
            "Follow-up comment emails for a thread.",
            (
                "A link to confirm them is mailed to the address (a few a day at most). "
                "The answer is the same whether or not the address was known or subscribed."
            ),
            answers(
                202,
                ok_json(schema("SubscriptionAsked"), "Asked; confirmed by the mailed link."),
                400,
                403,
                404,
                413,
                415,
                429,
            ),
            body={"schema": schema("SubscriptionRequest")},
        )
    },
}


def document():
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Kabar discussion API",
            "version": VERSION,
            "description": (
                "Reader discussion for Kabar's own pages and for registered sites: threads "
                "by page address, comments, counts, edits within the window, reports, "
                "follow-up emails. JSON in and out; refusals are problem details (RFC "
                "9457). Browsers may call it from a registered site's origin (CORS: "
                f"preflight allows Content-Type, {OWN_HEADER} and {TRUST_HEADER}, cached "
                f"{PREFLIGHT_MAX_AGE} s), without cookies: the proof of a reader's own "
                f"comments is returned in the body (`own`) and sent back in the {OWN_HEADER} "
                "header. No email, network address or user agent is ever in an answer."
            ),
        },
        "servers": [{"url": "/api/v1"}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "parameters": PARAMETERS,
            "responses": PROBLEM_RESPONSES,
            "headers": HEADERS,
        },
    }
