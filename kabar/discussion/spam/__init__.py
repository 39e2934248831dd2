"""Local, explainable spam defence: every check adds a reason; the verdict is the most
severe effect any check asked for.

What a rule may do is bounded by how sure it can be. The operator's own disallowed-words
list may trash, and the honeypot (a field no person sees) marks spam; every other rule
holds at worst. The learned score holds a comment when it is confident, and marks it
spam only when another spam signal agrees: when it is nearly certain (LEARNED_SPAM_AT)
and any signal (honeypot, speed, links, word lists, a pitch, a contact) agrees, or when
it is confident (LEARNED_SPAM_WITH_EVIDENCE_AT) and content that holds a comment by
itself agrees (a sales pitch with a way to answer it, words disguised from filters, a
name or website that advertises). No legitimate comment is thrown out on the
classifier's word alone.

Every content check reads the fields normalised (content.py, normalise.py): look-alike
letters, leetspeak, letters split apart and spelled-out domains read as plain words.
"""

from dataclasses import dataclass, field

from django.conf import settings

from ..models import CommentStatus
from . import classifier
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
    if (result.value >= spam_at and agrees) or (result.value >= evidence_at and evidence):
        effect = "spam"
    elif result.value >= hold_at:
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
