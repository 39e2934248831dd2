"""The individual spam checks. Each looks at an unsaved comment and returns the reasons
it found: {"rule", "effect", "detail"}, effect one of approve / hold / spam / trash /
score. The details are for moderators; none of this is ever shown to the commenter."""

from django.db import connection

from ..models import Comment, CommentStatus
from . import words
from .text import links_in, squash


def reason(rule, effect, detail=""):
    return {"rule": rule, "effect": effect, "detail": detail}


def premoderation(comment, *, article, rules, context):
    if rules.premoderate_all or getattr(article, "discussion_premoderated", False):
        return [reason("premoderation", "hold", "every comment is held here")]
    return []


def honeypot(comment, *, article, rules, context):
    # Stored as spam rather than refused: a reader whose browser filled the hidden field
    # by accident can still be rescued from the Spam queue, and a bot gets the same answer
    # as for any comment, so it learns nothing about why it failed.
    if context is not None and context.honeypot_filled:
        return [reason("honeypot", "spam", "the hidden field was filled in")]
    return []


def too_fast(comment, *, article, rules, context):
    age = getattr(context, "form_age_seconds", None)
    if age is not None and rules.min_seconds_to_post and age < rules.min_seconds_to_post:
        return [
            reason(
                "too_fast",
                "hold",
                f"sent {age:.1f} s after the form was issued "
                f"(minimum {rules.min_seconds_to_post} s)",
            )
        ]
    return []


# Set by the throttle (spam/throttle.py) when an unproven poster's mailbox is over a limit.
EMAIL_FLOOD = "email_flood"


def email_flood(comment, *, article, rules, context):
    if context is not None and context.extra.get(EMAIL_FLOOD):
        return [
            reason(
                EMAIL_FLOOD,
                "hold",
                f"over the limit of {context.extra[EMAIL_FLOOD]} under this mailbox, from "
                "several networks, and not from a browser its owner confirmed",
            )
        ]
    return []


def count_links(comment):
    return len(links_in(comment.body))


def links(comment, *, article, rules, context):
    # As in WordPress, 0 switches the check off.
    found = count_links(comment)
    if rules.links_to_hold and found >= rules.links_to_hold:
        return [reason("links", "hold", f"{found} links (limit {rules.links_to_hold})")]
    return []


# The fields a word list is matched against, as WordPress does, with the names
# moderators see in the reasons.
MATCHED_FIELDS = (
    ("comment", "body"),
    ("name", "author_name"),
    ("email", "author_email"),
    ("website", "author_url"),
    ("IP", "ip_address"),
    ("user agent", "user_agent"),
)


def _word_hits(comment, words_text):
    if not (words_text or "").strip():
        return []
    matcher = words.compiled(words_text)
    if not matcher:
        return []
    hits = []
    for label, attribute in MATCHED_FIELDS:
        value = getattr(comment, attribute, None)
        if not value:
            continue
        for word in matcher.find(str(value), limit=3):
            hits.append(f"'{word}' in {label}")
        if len(hits) >= 3:
            break
    return hits[:3]


def word_lists(comment, *, article, rules, context):
    found = []
    disallowed = _word_hits(comment, rules.disallowed_words)
    if disallowed:
        found.append(reason("disallowed_words", "trash", "; ".join(disallowed)))
    moderated = _word_hits(comment, rules.moderation_words)
    if moderated:
        found.append(reason("moderation_words", "hold", "; ".join(moderated)))
    return found


CHECKS = (premoderation, honeypot, too_fast, email_flood, links, word_lists)

# Rules whose finding is evidence of spam (not of policy, like premoderation): the
# classifier may mark spam only when one of these agrees with it.
SPAM_SIGNALS = {
    "honeypot",
    "too_fast",
    EMAIL_FLOOD,
    "links",
    "moderation_words",
    "disallowed_words",
}


# Duplicates are refused before anything is stored, so they are not a check above.
DUPLICATE_LOOKBACK = 50


def _duplicate_sql():
    """One statement for the two index walks of find_duplicate, written once: Django builds
    the equivalent pair of querysets at several times the cost of running them, on every
    comment posted. The table is the model's; everything else is a parameter."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    walk = (
        "SELECT * FROM (SELECT id, created_at, body FROM {table} "
        "WHERE page_id = %s AND status <> %s AND id <> %s AND {match} "
        "ORDER BY created_at DESC LIMIT %s) AS {name}"
    )
    by_email = walk.format(table=table, match="LOWER(author_email) = LOWER(%s)", name="e")
    by_address = walk.format(table=table, match="ip_hash = %s", name="a")
    return f"{by_email} UNION ALL {by_address}"


def find_duplicate(*, page_id, body, email, ip_hash, exclude_pk=None):
    """An earlier comment on the same article with the same text (ignoring case, width
    and spacing) from the same email or the same network address; None if there is none.
    Trashed comments do not count, as in WordPress.

    Of that author's DUPLICATE_LOOKBACK latest comments there: read as two index walks
    (by email, by address; see Comment's indexes), each stopping after that many rows,
    so the check costs the same on an article with ten comments or a hundred thousand."""
    email = (email or "").strip()
    if not email and not ip_hash:
        return None
    fixed = [page_id, CommentStatus.TRASH.value, exclude_pk or 0]
    # An empty email or address matches nothing: no stored comment has either empty.
    params = [*fixed, email or None, DUPLICATE_LOOKBACK, *fixed, ip_hash or None]
    with connection.cursor() as cursor:
        cursor.execute(_duplicate_sql(), [*params, DUPLICATE_LOOKBACK])
        rows = cursor.fetchall()
    # One walk's rows come in the database's own form of the time, which sorts as time.
    found = {pk: (at, text) for pk, at, text in rows}
    newest = sorted(found.items(), key=lambda item: item[1][0], reverse=True)
    wanted = squash(body)
    for pk, (_at, earlier) in newest[:DUPLICATE_LOOKBACK]:
        if squash(earlier) == wanted:
            return pk
    return None
