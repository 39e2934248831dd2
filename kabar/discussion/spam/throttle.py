"""What is checked before a comment is stored at all: the same words twice, and too many
comments too fast from one client or one email address. These refuse (HTTP 400 / 429)
rather than hold, and the reader's text stays in the form.

Nothing here may answer an unproven poster (trust.address_proven) according to what
somebody else did with the address they typed, or a guessed address would tell whether it
wrote a comment, or posted a moment ago. So the email counts as the author only for a
poster who proved it: an unproven poster is refused by what their own network address
did, and too many comments under one mailbox from several networks are held for a
moderator instead (rules.email_flood), which answers as any held comment does.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.translation import ngettext

from kabar.core import ratelimit
from kabar.core.clientip import client_key
from kabar.core.hashing import keyed_hash

from ..models import normalise_email
from ..services import DUPLICATE_MESSAGE
from ..trust import address_proven
from .rules import EMAIL_FLOOD, find_duplicate


@dataclass
class Admission:
    refused: bool = False
    status: int = 200
    field_name: str | None = None
    message: str = ""
    retry_after: int = 0
    taken: list = field(default_factory=list)
    # For the spam checks (SubmitContext.extra): what the limits found without refusing.
    findings: dict = field(default_factory=dict)

    def release(self):
        """The comment was not stored after all: give the limits back."""
        for limit, decision in self.taken:
            ratelimit.undo(limit, decision)
        self.taken = []


def mailbox(email):
    """The mailbox an address delivers to, for counting senders and never shown or stored:
    lower case, without a "+tag", without dots in the local part, googlemail as gmail. It
    merges more addresses than any one provider does, which only makes a limit stricter."""
    local, _at, domain = normalise_email(email).rpartition("@")
    if not local:
        return domain
    local = local.split("+", 1)[0].replace(".", "")
    if domain == "googlemail.com":
        domain = "gmail.com"
    return f"{local}@{domain}"


def limits(rules):
    """(limit, which identity) pairs: the flood interval (WordPress's 15 s) and a burst
    allowance, each per client address and per email."""
    options = settings.KABAR_COMMENTS
    flood = rules.flood_interval_seconds
    burst_count = options.get("CLIENT_BURST_COMMENTS", 5)
    burst_seconds = options.get("CLIENT_BURST_SECONDS", 600)
    return [
        (ratelimit.Limit("comment-flood-ip", 1, flood), "ip"),
        (ratelimit.Limit("comment-flood-email", 1, flood), "email"),
        (ratelimit.Limit("comment-burst-ip", burst_count, burst_seconds), "ip"),
        (ratelimit.Limit("comment-burst-email", burst_count, burst_seconds), "email"),
    ]


def _too_fast_message(seconds):
    if seconds > 90:
        minutes = (seconds + 59) // 60
        return ngettext(
            "You are sending comments faster than this site allows. Your comment is still "
            "here: please send it again in %(count)s minute.",
            "You are sending comments faster than this site allows. Your comment is still "
            "here: please send it again in %(count)s minutes.",
            minutes,
        ) % {"count": minutes}
    return ngettext(
        "You are sending comments faster than this site allows. Your comment is still "
        "here: please send it again in %(count)s second.",
        "You are sending comments faster than this site allows. Your comment is still "
        "here: please send it again in %(count)s seconds.",
        seconds,
    ) % {"count": seconds}


def admit(*, page_id, author, body, rules):
    """Refuse a duplicate (400), then count the post against the limits (429); the
    duplicate comes first so that a double click is told it is one. Staff are not
    limited. Call `release()` on the result if the comment is then not stored."""
    user = author.user
    if not ratelimit.enabled() or (getattr(user, "is_authenticated", False) and user.is_staff):
        # Nothing to count, so nothing to refuse first: comment_submit refuses a duplicate
        # itself, inside its transaction, with the same answer.
        return Admission()
    ip_hash = keyed_hash(author.ip_address, "ip") if author.ip_address else ""
    proven = address_proven(author)
    email = author.email if proven else ""
    if find_duplicate(page_id=page_id, body=body, email=email, ip_hash=ip_hash):
        return Admission(
            refused=True, status=400, field_name="body", message=str(DUPLICATE_MESSAGE)
        )
    # Proven and unproven posts under one mailbox are counted apart: a stranger typing a
    # reader's address can neither read the reader's posting from a refusal nor stop them.
    identities = {
        "ip": client_key(author.ip_address),
        "email": ("proven:" if proven else "unproven:") + mailbox(author.email),
    }
    admission = Admission()
    for limit, which in limits(rules):
        decision = ratelimit.hit(limit, identities[which])
        if not decision.allowed and which == "email" and not proven:
            admission.findings[EMAIL_FLOOD] = f"{limit.count} in {limit.seconds} s"
            continue
        if not decision.allowed:
            admission.release()
            return Admission(
                refused=True,
                status=429,
                message=_too_fast_message(decision.retry_after),
                retry_after=decision.retry_after,
            )
        admission.taken.append((limit, decision))
    return admission
