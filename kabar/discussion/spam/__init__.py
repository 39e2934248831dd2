"""Local, explainable spam defence: every check adds a reason; the verdict is the most
severe effect any check asked for."""

from dataclasses import dataclass, field

from ..models import CommentStatus


@dataclass
class Verdict:
    status: str = CommentStatus.APPROVED
    reasons: list = field(default_factory=list)
    score: float | None = None


def assess(comment, *, article, rules, context):
    """Run every spam check on an unsaved comment."""
    from kabar.news.models import Discussion

    verdict = Verdict()
    if rules.premoderate_all or getattr(article, "discussion", None) == Discussion.PREMODERATED:
        verdict.status = CommentStatus.PENDING
        verdict.reasons.append(
            {"rule": "premoderation", "effect": "hold", "detail": "every comment is held here"}
        )
    return verdict
