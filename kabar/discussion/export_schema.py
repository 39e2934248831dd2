"""The shape of a site's JSON export (export.site_export_json), as a JSON Schema: the
documentation of the format, and what its tests check every export against."""

_DATE = {"type": "string", "format": "date-time"}
_DATE_OR_NONE = {"type": ["string", "null"], "format": "date-time"}

COMMENT = {
    "type": "object",
    "additionalProperties": False,
    "required": [
        "id", "parent", "status", "removed", "created", "edited", "text", "author",
        "ip_address", "by_staff", "notify_replies",
    ],
    "properties": {
        "id": {"type": "integer", "description": "Kabar's id of the comment."},
        "parent": {
            "type": ["integer", "null"],
            "description": "The id of the comment it answers (earlier in the same thread).",
        },
        "status": {
            "enum": ["approved", "pending", "reported", "spam", "trash"],
            "description": "Only approved comments were public.",
        },
        "removed": {
            "type": "boolean",
            "description": "Removed by its author (or deleted in the system it came from):"
            " shown as a placeholder while it has replies; its text is not exported.",
        },
        "created": _DATE,
        "edited": _DATE_OR_NONE,
        "text": {"type": "string", "description": "Plain text; blank lines part paragraphs."},
        "author": {
            "type": "object",
            "additionalProperties": False,
            "required": ["name", "email", "website"],
            "properties": {
                "name": {"type": "string"},
                "email": {
                    "type": ["string", "null"],
                    "description": "Never published. Null when the comment came without one.",
                },
                "website": {"type": "string"},
            },
        },
        "ip_address": {
            "type": ["string", "null"],
            "description": "Null once forgotten (the site's IP retention).",
        },
        "by_staff": {"type": "boolean"},
        "notify_replies": {"type": "boolean"},
    },
}  # fmt: skip

THREAD = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "url", "title", "discussion", "live", "kabar_url", "created", "comments"],
    "properties": {
        "id": {"type": "integer"},
        "url": {"type": "string", "description": "The page's address, as normalised."},
        "title": {"type": "string"},
        "discussion": {"enum": ["open", "premoderated", "closed"]},
        "live": {"type": "boolean"},
        "kabar_url": {"type": ["string", "null"], "description": "Kabar's own page for it."},
        "created": _DATE_OR_NONE,
        "comments": {
            "type": "array",
            "items": COMMENT,
            "description": "Oldest first, every parent before its replies.",
        },
    },
}

EXPORT_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "Kabar: a registered site's threads and comments",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "version", "exported_at", "site", "threads"],
    "properties": {
        "format": {"const": "kabar-comments"},
        "version": {"const": 1},
        "exported_at": _DATE,
        "site": {
            "type": "object",
            "additionalProperties": False,
            "required": [
                "key", "name", "origin", "other_origins", "keep_query", "discussion",
                "close_after_days",
            ],
            "properties": {
                "key": {"type": "string"},
                "name": {"type": "string"},
                "origin": {"type": "string"},
                "other_origins": {"type": "array", "items": {"type": "string"}},
                "keep_query": {"type": "boolean"},
                "discussion": {"enum": ["open", "premoderated", "closed"]},
                "close_after_days": {"type": ["integer", "null"]},
            },
        },
        "threads": {"type": "array", "items": THREAD},
    },
}  # fmt: skip
