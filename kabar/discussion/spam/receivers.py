"""What the spam defence does after a comment is stored or moderated (connected in
kabar/discussion/receivers.py; signals are sent after the transaction commits)."""

import logging

from . import burst, classifier

logger = logging.getLogger(__name__)


def learn_from_moderation(sender, comments, previous=None, lessons=None, **kwargs):
    """Moderators' approve and spam decisions train the learned score; an undone one puts
    back what it had learned before (`lessons`, {pk: "ham", "spam" or None})."""
    try:
        if lessons is not None:
            classifier.relearn(comments, lessons)
        else:
            classifier.learn_from_decisions(comments)
    except Exception:
        # Learning is a by-product: a failure must not turn a moderator's click into an
        # error page after the decision itself has been saved.
        logger.exception("could not learn from moderation of %s comments", len(comments))


def guard_burst(sender, comment, context=None, **kwargs):
    try:
        burst.burst_check(comment, rules=getattr(context, "rules", None))
    except Exception:
        logger.exception("burst guard failed for comment %s", comment.pk)


def tell_staff_premoderated(sender, target, reason, **kwargs):
    burst.staff_tell_premoderated(target.pk, reason)
