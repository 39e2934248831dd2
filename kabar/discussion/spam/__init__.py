"""Local, explainable spam defence: every check adds a reason; the verdict is the most
severe effect any check asked for.

What a rule may do is bounded by how sure it can be. The operator's own disallowed-words
list may trash, and the honeypot (a field no person sees) marks spam; every other rule
holds at worst. The learned score holds a comment when it is confident, and marks it
spam only when it is nearly certain *and* another spam signal (honeypot, speed, links,
word lists) agrees, so no legitimate comment is thrown out on the classifier's word alone.
"""

from dataclasses import dataclass, field

from django.conf import settings

from ..models import CommentStatus
from . import classifier
from .rules import CHECKS, SPAM_SIGNALS, reason

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
    """(hold at, mark spam at) for the learned score."""
    options = settings.KABAR_COMMENTS
    return options.get("LEARNED_HOLD_AT", 0.8), options.get("LEARNED_SPAM_AT", 0.99)


def learned(comment, verdict, counts=None):
    """The classifier's reason, or None while it has nothing to say."""
    counts = counts or classifier.DatabaseCounts()
    result = classifier.score(classifier.features_of(comment), counts)
    if result is None:
        return None, None
    hold_at, spam_at = thresholds()
    agrees = any(found["rule"] in SPAM_SIGNALS for found in verdict.reasons)
    if result.value >= spam_at and agrees:
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
