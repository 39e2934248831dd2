"""The reasons the automated checks record on a comment, in words a moderator reads."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

REASON_RULES = {
    "staff": _("Written by a staff member"),
    "trusted_commenter": _("Trusted commenter"),
    "known_commenter": _("Known commenter"),
    "first_comment": _("First comment"),
    "verified_new": _("Confirmed address, not yet trusted"),
    "unverified_known": _("Known name and email, address not confirmed"),
    "trust_revoked": _("Trust revoked"),
    "unproven_browser": _("Trusted address, from a browser it was not confirmed in"),
    "premoderation": _("Every comment held here"),
    "honeypot": _("Hidden field filled in"),
    "too_fast": _("Sent too fast"),
    "form_expired": _("Form too old"),
    "token": _("Form token"),
    "flood": _("Too many comments in a short time"),
    "email_flood": _("Too many comments under one mailbox, from several networks"),
    "duplicate": _("Duplicate comment"),
    "links": _("Links"),
    "moderation_words": _("Moderation words"),
    "disallowed_words": _("Disallowed words"),
    "learned_score": _("Learned spam score"),
    "spam_pitch": _("Spam pitch"),
    "disguised": _("Words disguised from filters"),
    "spam_fields": _("Advertising in name, email or website"),
    "contact": _("Phone or messenger contact"),
    "own_link": _("Links the commenter's own website"),
    "burst_guard": _("Burst guard"),
    "reports": _("Reader reports"),
}
REASON_EFFECTS = {
    "approve": _("approve"),
    "hold": _("hold"),
    "spam": _("spam"),
    "trash": _("trash"),
    "score": _("score only"),
}


@dataclass(frozen=True)
class ReasonDisplay:
    rule: str
    effect: str
    effect_code: str
    detail: str
    # The rule as recorded, and where the desk lists the comments held for it (cards).
    code: str = ""
    url: str = ""


def reasons_for_display(comment):
    """Comment.reasons as labelled rows; unknown rules keep their own name, and a
    malformed entry is shown as best it can be rather than breaking the page."""
    rows = []
    for entry in comment.reasons or []:
        if not isinstance(entry, dict):
            entry = {"rule": str(entry)}
        rule = str(entry.get("rule", "") or "")
        effect = str(entry.get("effect", "") or "")
        rows.append(
            ReasonDisplay(
                rule=REASON_RULES.get(rule, rule.replace("_", " ").capitalize()),
                effect=REASON_EFFECTS.get(effect, effect),
                effect_code=effect,
                detail=str(entry.get("detail", "") or ""),
                code=rule,
            )
        )
    return rows
