"""The moderation audit trail: who decided what about a comment, and when, written to
Wagtail's own log (so it shows on the comment's history page and in the site history
report) by a receiver on `comments_moderated`, whichever path made the decision."""

from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import LogFormatter
from wagtail.log_actions import log as log_action

from .models import CommentStatus

# The action a status change is logged as, unless the service named a more precise one.
STATUS_ACTIONS = {
    CommentStatus.APPROVED: "approve",
    CommentStatus.SPAM: "spam",
    CommentStatus.TRASH: "trash",
    CommentStatus.REPORTED: "report",
    CommentStatus.PENDING: "hold",
}

ACTIONS = {
    "approve": (_("Approve comment"), _("Approved")),
    "approve_and_trust": (
        _("Approve comment and trust its author"),
        _("Approved, and its author trusted"),
    ),
    "spam": (_("Mark comment as spam"), _("Marked as spam")),
    "trash": (_("Move comment to trash"), _("Moved to trash")),
    "report": (_("Hold comment after reader reports"), _("Held after reader reports")),
    "hold": (_("Hold comment for moderation"), _("Held for moderation")),
    "undo": (_("Undo a moderation of the comment"), _("Moderation undone")),
}


def action_name(action):
    return f"kabar.comment.{action}"


class CommentLogFormatter(LogFormatter):
    """ "Approved (was: Pending)" — the status a decision moved a comment from."""

    def format_message(self, log_entry):
        previous = log_entry.data.get("previous")
        if previous in CommentStatus.values:
            return _("%(message)s (was: %(status)s)") % {
                "message": self.message,
                "status": CommentStatus(previous).label,
            }
        return self.message


def register_actions(actions):
    """For the `register_log_actions` hook."""
    for action, (label, message) in ACTIONS.items():
        formatter = type(
            f"{action.title().replace('_', '')}Formatter",
            (CommentLogFormatter,),
            {"label": label, "message": message},
        )
        actions.register_action(action_name(action))(formatter)


def on_comments_moderated(sender, comments, previous, by=None, action=None, **kwargs):
    """Log one entry per comment whose status changed. `by` is None for automated
    decisions (reader reports, the burst guard): the entry then names no user."""
    user = by if getattr(by, "is_authenticated", False) else None
    for comment in comments:
        name = action or STATUS_ACTIONS.get(comment.status)
        if name is None:
            continue
        log_action(
            comment,
            action_name(name),
            user=user,
            data={"previous": previous.get(comment.pk), "status": comment.status},
        )
