"""The individual spam checks. Each looks at an unsaved comment and returns the reasons
it found: {"rule", "effect", "detail"}, effect one of approve / hold / spam / trash /
score. The details are for moderators; none of this is ever shown to the commenter."""

from django.db import connection

from kabar.core.text import text_key

from ..models import Comment, CommentStatus, normalise_email
from . import words
from .content import is_source, nickname_only, read_comment
from .text import host_of, links_in


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
    """Links in the text, not counting those to public bodies, universities and schools
    (.go.id, .ac.id, .sch.id, .gov, .edu) or to sources readers cite (an encyclopaedia, a
    news organisation; content.SOURCE_HOSTS): a reader citing two regulators or two
    newspapers is not spamming, as WordPress's bare count of links would have it."""
    return sum(1 for link in links_in(comment.body) if not is_source(host_of(link)))


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


# What the content checks call each kind of pitch, for the moderators.
PITCH_NAMES = {
    "gambling": "gambling",
    "loan": "loan offer",
    "medicine": "medicine offer",
    "occult": "occult service",
    "phishing": "account or prize lure",
    "referral": "referral, job or easy-money pitch",
    "scheme": "paid followers or trading scheme",
    "promotion": "asks readers to visit the commenter's site",
    "sales": "sales ask with a contact",
}


def spam_pitch(comment, *, article, rules, context):
    """A sales pitch of a known kind in the text (read through look-alikes and leetspeak).
    Held when it comes with a way to answer it (a phone or messenger, an address, a name
    or website that advertises) or with a second kind of pitch; alone, it is evidence the
    learned score may act on, as a reader quoting a pitch would use its words too."""
    reading = read_comment(comment)
    if not reading.pitches:
        return []
    detail = "; ".join(f"{PITCH_NAMES[kind]}: '{said}'" for kind, said in reading.pitches.items())
    # A reader's nickname ("Wahyu Slot") is no way to answer a pitch.
    answerable = (
        reading.phone
        or reading.messenger
        or reading.email_contact
        or reading.body_hosts
        or (reading.field_topics and not nickname_only(reading))
        or reading.code
    )
    effect = "hold" if answerable or len(reading.pitches) > 1 else "score"
    # "Hubungi … 0812…" alone is how a volunteer or a seller of a lost cat writes too.
    if list(reading.pitches) == ["sales"]:
        effect = "score"
    # A reader warning others ("hati-hati, link palsu …, jangan diklik") quotes the lure and
    # its address; without a contact or an advertising name that is a warning, not a pitch.
    # A "testimony" that was cheated by fake lenders and gives a lender's address is a pitch.
    if reading.warning and not (
        reading.phone
        or reading.messenger
        or reading.email_contact
        or reading.field_topics
        or reading.code
    ):
        effect = "score"
    return [reason("spam_pitch", effect, detail)]


def disguised(comment, *, article, rules, context):
    """Words or addresses written so a filter would not read them (look-alike letters,
    digits for letters, letters split apart, "titik com"): readers do not do this."""
    reading = read_comment(comment)
    if not reading.disguised:
        return []
    return [reason("disguised", "hold", "; ".join(reading.disguised[:3]) + " when read plainly")]


def spam_fields(comment, *, article, rules, context):
    """The name, website or email advertises (a gambling word, a loan, a phone number): held;
    marked spam when it is an advertisement beyond doubt (content.fields_advertise: several
    topic and advert words together, where a person's name has at most one lucky word, or a
    pitch of a known kind); only noted when it is one nickname-like word in a person's name
    ("Om Bet") or a handle that takes a side against a problem ("korban_pinjol"; see
    content.nickname_only), unless the comment also gives a contact: a reader called
    "Korban Pinjol" does not leave a number to call."""
    reading = read_comment(comment)
    if not reading.field_topics:
        return []
    detail = "; ".join(f"'{word}' in {label}" for label, word in reading.field_topics[:3])
    if reading.advert:
        return [reason("spam_fields", "spam", f"{detail} (an advertisement: {reading.advert})")]
    contact = reading.phone or reading.messenger or reading.email_contact
    if nickname_only(reading) and not contact:
        return [reason("spam_fields", "score", detail)]
    return [reason("spam_fields", "hold", detail)]


def contact(comment, *, article, rules, context):
    """A phone number, messenger contact or email address to write to anywhere: evidence,
    never a hold on its own (with a learned score that leans to spam, the learned check
    holds it; see spam.learned)."""
    reading = read_comment(comment)
    found = [
        what
        for what, there in (
            ("phone number", reading.phone),
            ("messenger contact", reading.messenger),
            ("email address in the text", reading.email_contact),
        )
        if there
    ]
    if not found:
        return []
    return [reason("contact", "score", " and ".join(found))]


def own_link(comment, *, article, rules, context):
    """The text links the commenter's own site (the website field's host or the email's own
    domain): evidence, never a hold on its own, as a reader may point to their own blog;
    with a learned score that is nearly sure, a business advertising itself (spam.learned)."""
    if not read_comment(comment).own_link:
        return []
    return [reason("own_link", "score", "links the commenter's own website")]


CHECKS = (
    premoderation,
    honeypot,
    too_fast,
    email_flood,
    links,
    word_lists,
    spam_pitch,
    disguised,
    spam_fields,
    contact,
    own_link,
)

# Rules whose finding is evidence of spam (not of policy, like premoderation): the
# classifier may mark spam only when one of these agrees with it.
SPAM_SIGNALS = {
    "honeypot",
    "too_fast",
    EMAIL_FLOOD,
    "links",
    "moderation_words",
    "disallowed_words",
    "spam_pitch",
    "disguised",
    "spam_fields",
}

# Content checks whose hold, with a confident learned score, marks a comment spam.
CONTENT_EVIDENCE = {"spam_pitch", "disguised", "spam_fields"}


# Duplicates are refused before anything is stored, so they are not a check above.
def _duplicate_sql():
    """The duplicate check's statement, written once: the page's comments with the same
    text key (Comment's index discussion_dup_body), then the author's among those few."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    return (
        f"SELECT id FROM {table} WHERE page_id = %s AND body_key = %s "  # noqa: S608
        "AND status <> %s AND id <> %s AND (LOWER(author_email) = %s OR ip_hash = %s) LIMIT 1"
    )


def duplicate_query(*, page_id, body, email, ip_hash, exclude_pk=None):
    """The duplicate check as (sql, params), a SELECT of the earlier comment's id, or None
    when there is nobody to compare (neither an email nor a network address): see
    find_duplicate. comment_submit runs it inside the new comment's INSERT
    (Comment.insert_unless)."""
    email = normalise_email(email)
    if not email and not ip_hash:
        return None
    # An empty email or address matches nothing: no stored comment has either empty.
    params = [page_id, text_key(body), CommentStatus.TRASH.value, exclude_pk or 0]
    return _duplicate_sql(), [*params, email or None, ip_hash or None]


def find_duplicate(*, page_id, body, email, ip_hash, exclude_pk=None):
    """An earlier comment on the same article with the same text (ignoring case, width
    and spacing: text_key) from the same email or the same network address; None if
    there is none. Trashed comments do not count, as in WordPress. One index lookup,
    whatever the article's or the author's number of comments."""
    query = duplicate_query(
        page_id=page_id, body=body, email=email, ip_hash=ip_hash, exclude_pk=exclude_pk
    )
    if query is None:
        return None
    with connection.cursor() as cursor:
        cursor.execute(*query)
        row = cursor.fetchone()
    return row[0] if row else None
