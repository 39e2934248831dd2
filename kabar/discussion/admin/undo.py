"""Undo on the desk: the moderator's last moderation (of one comment, or of all of a
commenter's at once) taken back within UNDO_SECONDS, statuses, spam filter and trust alike."""

import time
from datetime import datetime

from django.contrib.admin.utils import quote
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from ..models import Comment, CommentStatus
from ..services import comments_undo
from ..spam.classifier import HAM, SPAM
from .answers import BackToDesk, queue_counts, wants_json

# How long after a moderation its undo is still accepted (desk.js offers it for ~5 s).
UNDO_SECONDS = 60
UNDO_SESSION_KEY = "kabar_desk_last_moderation"
# The moderations a moderator can take back: a status change and nothing else.
UNDOABLE = ("approve", "spam", "trash")


def remember_for_undo(request, previous, status, before, *, message, namespace):
    """Keep what an undo of this moderation needs in the moderator's session: each
    comment's status before ({pk: status}), the status it was given, and `before`
    (services.moderation_before, read before the move). `message` is offered with an undo
    button on the desk after a plain form post (offered_undo). Returns the undo URL."""
    first = next(iter(previous))
    request.session[UNDO_SESSION_KEY] = {
        "changes": [[pk, old] for pk, old in previous.items()],
        "status": str(status),
        "at": time.time(),
        "lessons": before["lessons"],
        "trust": before["trust"],
        "offer": "" if wants_json(request) else str(message),
    }
    return reverse(f"{namespace}:undo", args=(quote(first),))


class UndoRefused(Exception):
    pass


TOO_LATE = _("Too late to undo: moderate the comment again.")
LABELS = (HAM, SPAM, None)


def _undo_record(request, pk):
    """The session's undo record for comment `pk` as (changes {pk: status before}, status,
    lessons {pk: label}, trust); UndoRefused, and the record forgotten, if it cannot be."""
    last = request.session.get(UNDO_SESSION_KEY)
    entries = last.get("changes") if isinstance(last, dict) else None
    changes = {
        entry[0]: entry[1]
        for entry in entries or ()
        if isinstance(entry, list) and len(entry) == 2 and isinstance(entry[0], int)
    }
    if pk not in changes:
        raise UndoRefused(_("Only your last moderation can be undone, and this was not it."))
    at, lessons, trust = last.get("at"), last.get("lessons"), last.get("trust")
    well_formed = (
        all(old in CommentStatus.values for old in changes.values())
        and last.get("status") in CommentStatus.values
        and isinstance(at, (int, float))
        and isinstance(lessons, list)
        and all(isinstance(e, list) and len(e) == 2 and e[1] in LABELS for e in lessons)
        and isinstance(trust, list)
        and all(_trust_state_valid(state) for state in trust)
    )
    if not well_formed or time.time() - at > UNDO_SECONDS:
        del request.session[UNDO_SESSION_KEY]
        raise UndoRefused(TOO_LATE)
    return changes, last["status"], dict(lessons), trust


def _trust_state_valid(state):
    if not (isinstance(state, list) and len(state) == 3 and isinstance(state[0], int)):
        return False
    if state[2] is None:
        return True
    try:
        datetime.fromisoformat(state[2])
    except (TypeError, ValueError):
        return False
    return True


def offered_undo(request, namespace):
    """The undo a plain form post's moderation offers, once, on the desk it comes back to:
    {"message", "url"}, or None (desk.js offers its own, for a few seconds)."""
    last = request.session.get(UNDO_SESSION_KEY)
    if not isinstance(last, dict) or not last.get("offer"):
        return None
    try:
        first = last["changes"][0][0]
        offer = {"message": str(last["offer"]), "url": reverse(f"{namespace}:undo", args=(first,))}
    except (KeyError, IndexError, TypeError, NoReverseMatch):
        return None
    fresh = isinstance(last.get("at"), (int, float)) and time.time() - last["at"] <= UNDO_SECONDS
    last["offer"] = ""
    request.session.modified = True
    return offer if fresh else None


class CommentUndoView(BackToDesk, PermissionCheckedMixin, View):
    """POST-only: take back this moderator's last moderation (approve, spam or trash; of
    one comment, or all of a commenter's at once), within UNDO_SECONDS, of the comments
    nobody has moved since: they go back to the status they had, the spam filter to what
    it knew of them, their authors' trust to what it was, through the services."""

    model = Comment
    permission_required = "change"
    http_method_names = ["post"]

    def refuse(self, request, message):
        if wants_json(request):
            return JsonResponse({"error": str(message), "counts": queue_counts()}, status=409)
        messages.error(request, message)
        return self.back()

    def post(self, request, pk):
        comment = get_object_or_404(Comment.objects.only("pk", "author_name", "status"), pk=pk)
        try:
            changes, status, lessons, trust = _undo_record(request, comment.pk)
        except UndoRefused as refusal:
            return self.refuse(request, refusal.args[0])
        del request.session[UNDO_SESSION_KEY]
        if comment.status != status:
            return self.refuse(
                request, _("The comment was moderated again since: nothing was undone.")
            )
        undone = comments_undo(
            changes, status=status, lessons=lessons, trust=trust, by=request.user
        )
        previous = CommentStatus(changes[comment.pk]).label
        if len(changes) == 1:
            message = _("Undone: the comment by %(name)s is %(status)s again.") % {
                "name": comment.author_name,
                "status": previous,
            }
        else:
            message = ngettext(
                "Undone: %(count)d comment is %(status)s again.",
                "Undone: %(count)d comments are %(status)s again.",
                undone,
            ) % {"count": undone, "status": previous}
        if wants_json(request):
            return JsonResponse(
                {"message": str(message), "status": changes[comment.pk], "counts": queue_counts()}
            )
        messages.success(request, message)
        return self.back()
