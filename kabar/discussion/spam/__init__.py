"""Local, explainable spam defence: every check adds a reason; the verdict is the most
severe effect any check asked for.

What a rule may do is bounded by how sure it can be. The operator's own disallowed-words
list may trash, the honeypot (a field no person sees) marks spam, and so does a name,
website or linked site that is an advertisement beyond doubt (several gambling, occult or
sales words together, where a person's name has at most one lucky word); every other rule
holds at worst. The learned score holds a comment when it is confident, and marks it spam
only when another spam signal agrees: when it is nearly certain (LEARNED_SPAM_AT) and any
signal (honeypot, speed, links, word lists, a pitch, a contact, one link in the text to a
site that is not a source's) agrees, or when it is confident
(LEARNED_SPAM_WITH_EVIDENCE_AT) and content that holds a comment by itself agrees (a sales
pitch with a way to answer it, words disguised from filters, a name, website or linked
site that advertises) or the text links the commenter's own site. A phone number,
messenger contact or email address in the text counts too: with a score leaning to spam
(CONTACT_HOLD_AT) it holds; asked to be used in a pitch of a known kind, or as an account
lure at a look-alike or shortened address, it marks spam at CONTACT_SPAM_AT. A reader
warning of a scam, with no contact, is held only at the nearly-certain score. No
legitimate comment is thrown out on the classifier's word alone.

Every content check reads the fields normalised (content.py, normalise.py): look-alike
letters, leetspeak, letters split apart, invisible characters and spelled-out domains read
as plain words, in the body, name, email and website alike.
"""

import re
from dataclasses import dataclass, field

from django.conf import settings

from ..models import CommentStatus
from . import classifier
from .content import SALES_ASK_RE, read_comment
from .rules import CHECKS, CONTENT_EVIDENCE, SPAM_SIGNALS, reason

EFFECT_STATUS = {
    "hold": CommentStatus.PENDING,
    "spam": CommentStatus.SPAM,
    "trash": CommentStatus.TRASH,
}
RANK = {
    CommentStatus.APPROVED: 0,
    CommentStatus.PENDING: 1,
    CommentStatus.REPORTED: 1,
    CommentStatus.SPAM: 2,
    CommentStatus.TRASH: 3,
}


# The learned score at which a comment with a phone number or messenger contact is held,
# and at which one asking to be contacted in a pitch that holds it, or an account lure at
# a look-alike or shortened address, is marked spam.
CONTACT_HOLD_AT = 0.5
CONTACT_SPAM_AT = 0.6
# Asking to be contacted with no pitch of a known kind: volunteers and people who lost a
# cat write that too, so only a score this sure marks it spam.
CONTACT_ASK_SPAM_AT = 0.95
# An account lure sending the reader to an address that is not a public body's: phishing
# when the score does not lean to ham. A reader warning of it (quoting) is not judged so.
LURE_SPAM_AT = 0.5
# Words of a way in or a sale, beyond the contact asks of content.SALES_ASK_RE: where to
# write or go (WA, email, visit, klik, cek, kirim), money and payment (harga, promo, murah,
# COD, transfer, deposit, rb/jt, %), and shop talk (stok, ready, reseller). A comment with
# none of them, no link and no contact leads nowhere (see learned()).
REACH_RE = re.compile(
    r"(?:\b(?:wa|whatsapp|telegram|tele|line|email|e-mail|surel|visit|kunjungi|klik|click|"
    r"cek|cekidot|kirim|reply|balas|bio|link|situs|website|web|site|harga|promo|diskon|"
    r"murah|gratis|free|jual|beli|order|cod|bayar|transfer|deposit|dana|ovo|gopay|qris|"
    r"stok|stock|ready|reseller|dropship|garansi|guaranteed|dijamin|profit|untung|cuan|"
    r"income|gaji|penghasilan|bonus|hadiah|prize|rb|ribu|jt|juta|rp|usd|price|rates?|"
    r"offer|deal|sale|cheap|buy|service|services|jasa|layanan)\b|\d+\s*%|\$\s*\d)"
)


@dataclass
class Verdict:
    status: str = CommentStatus.APPROVED
    reasons: list = field(default_factory=list)
    score: float | None = None

    def add(self, found):
        self.reasons.append(found)
        status = EFFECT_STATUS.get(found["effect"])
        if status is not None and RANK[status] > RANK[self.status]:
            self.status = status


def thresholds():
    """(hold at, mark spam at, mark spam with content evidence at) for the learned score."""
    options = settings.KABAR_COMMENTS
    return (
        options.get("LEARNED_HOLD_AT", 0.8),
        options.get("LEARNED_SPAM_AT", 0.99),
        options.get("LEARNED_SPAM_WITH_EVIDENCE_AT", 0.9),
    )


def learned(comment, verdict, counts=None):
    """The classifier's reason, or None while it has nothing to say."""
    counts = counts or classifier.DatabaseCounts()
    result = classifier.score(classifier.features_of(comment), counts)
    if result is None:
        return None, None
    hold_at, spam_at, evidence_at = thresholds()
    # A signal agrees when it acted: a pitch only noted ("score") is not agreement.
    agrees = any(
        found["rule"] in SPAM_SIGNALS and found["effect"] != "score" for found in verdict.reasons
    )
    # Content that holds a comment by itself (a pitch with a way to answer it, disguised
    # words, an advertising name or website): with a confident score, that is spam.
    evidence = any(
        found["rule"] in CONTENT_EVIDENCE and found["effect"] == "hold" for found in verdict.reasons
    )
    # A phone number or messenger: a reader rarely leaves one. Asked to use it ("hubungi",
    # "order via") with a score leaning to spam, that is a sale; with such a score alone, a
    # moderator should see it first.
    reading = read_comment(comment)
    contact = reading.phone or reading.messenger or reading.email_contact
    # A reader warning of a scam quotes its words ("akun dibekukan", "payment failed"); with
    # no contact and nothing advertising in the name or website, only a near-certain score
    # holds it.
    quoting = reading.warning and not (contact or reading.field_topics or reading.code)
    # Spam has to lead somewhere: a link, a website, a contact, an ask to get in touch, a
    # pitch, an advertising name, a disguised word. A comment with none of these ("Amin",
    # "mantap min", "matur nuwun infone") cannot carry spam, whatever words it shares with
    # spam that borrows them as camouflage: the learned score alone only notes it.
    body = reading.body.lower()
    leads_somewhere = bool(
        contact
        or reading.hosts
        or reading.website_host
        or reading.pitches
        or reading.disguised
        or reading.field_topics
        or reading.name_advert
        or reading.code
        or reading.lure
        or reading.shortener
        or SALES_ASK_RE.search(body)
        or REACH_RE.search(body)
    )
    # A pitch of a known kind (not a bare "hubungi" with a number) that a reader is not
    # quoting: with a nearly certain score, the two agree even where the pitch only noted.
    pitched = bool(set(reading.pitches) - {"sales"}) and not reading.warning
    # A link in the text to a site that is not a source's is a way in, as a contact is: with
    # a nearly certain score, the two agree. A link to the commenter's own site (their
    # website field or mail domain) is a business advertising itself: with a confident
    # score, that is spam.
    linked = bool(reading.body_hosts) and not reading.warning
    if (
        (result.value >= spam_at and (agrees or contact or pitched or linked))
        or (result.value >= evidence_at and (evidence or reading.own_link))
        or (contact and reading.sales_ask and result.value >= CONTACT_ASK_SPAM_AT)
        or (
            contact
            and reading.sales_ask
            and evidence
            and set(reading.pitches) - {"sales"}
            and result.value >= CONTACT_SPAM_AT
        )
        # An account lure pointing at an address that imitates a brand or hides behind a
        # shortener: phishing, when the score leans to spam too.
        or (
            reading.lure
            and (reading.lookalikes or reading.shortener or reading.body_hosts)
            and not quoting
            and result.value >= LURE_SPAM_AT
        )
    ):
        effect = "spam"
    elif (leads_somewhere and result.value >= (spam_at if quoting else hold_at)) or (
        contact and result.value >= CONTACT_HOLD_AT
    ):
        effect = "hold"
    else:
        effect = "score"
    return reason("learned_score", effect, result.explain()), round(result.value, 4)


def assess(comment, *, article, rules, context, counts=None):
    """Run every spam check on an unsaved comment. `counts` replaces the learned counts
    (spam-eval trains its own in memory)."""
    verdict = Verdict()
    for check in CHECKS:
        for found in check(comment, article=article, rules=rules, context=context):
            verdict.add(found)
    found, score = learned(comment, verdict, counts)
    if found is not None:
        verdict.add(found)
        verdict.score = score
    return verdict
