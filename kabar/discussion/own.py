"""The comments this browser sent, in a signed cookie: it shows held comments to their
author and proves authorship for editing and deleting."""

import time

from django.conf import settings

from kabar.core import signing
from kabar.core.dbguard import DATABASE_DOWN

from .models import Comment, CommentStatus
from .policy import site_rules

# Signed, HttpOnly: the comments this browser sent, as "id.created" pairs. It shows held
# comments to their author and proves authorship for editing and deleting; a request that
# carries it gets a private, uncached page (the page cache must pass it by).
OWN_COOKIE = "kabar_own"
OWN_SALT = "kabar.discussion.own"
OWN_KEEP = 20
PENDING_COOKIE = OWN_COOKIE
# The reader's name, email and website, remembered at their wish: read by the page's
# script to fill the form in, never printed by the server.
COMMENTER_COOKIE = "kabar_commenter"


def own_comments(request):
    """{comment id: creation time in epoch seconds} from this browser's signed cookie. The
    creation time ties an entry to one row, so an id reused after a deletion proves nothing."""
    raw = signing.read_signed_cookie(
        request, OWN_COOKIE, OWN_SALT, settings.KABAR_COMMENTS["PENDING_COOKIE_AGE"]
    )
    if not raw:
        return {}
    entries = {}
    for part in raw.split(",")[-OWN_KEEP:]:
        pk, _dot, created = part.partition(".")
        if is_number(pk) and is_number(created):
            entries[int(pk)] = int(created)
    return entries


def created_stamp(comment):
    return int(comment.created_at.timestamp())


def store_own_comments(request, response, *, add=None, forget=None, rules=None):
    """Rewrite the own-comments cookie after a comment is sent, edited or removed. An entry
    lives while its comment may still be edited, or for PENDING_COOKIE_AGE while it waits
    for moderation; the cookie lasts as long as its longest-lived entry and goes when none
    is left, so the reader's pages come from the shared cache again."""
    entries = own_comments(request)
    if forget is not None:
        entries.pop(forget.pk, None)
    # The comment just sent is in hand; only the earlier ones need their status read.
    earlier = [pk for pk in entries if add is None or pk != add.pk]
    held = set()
    if earlier:
        try:
            held = set(
                Comment.objects.filter(pk__in=earlier, status=CommentStatus.PENDING).values_list(
                    "pk", flat=True
                )
            )
        except DATABASE_DOWN:
            held = set(earlier)  # kept the longer time rather than lost
    if add is not None:
        entries[add.pk] = created_stamp(add)
        if add.status == CommentStatus.PENDING:
            held.add(add.pk)
    window = (rules or site_rules()).edit_window_minutes * 60
    pending_age = settings.KABAR_COMMENTS["PENDING_COOKIE_AGE"]
    now = time.time()
    until = {pk: at + (pending_age if pk in held else window) for pk, at in entries.items()}
    live = sorted((created, pk) for pk, created in entries.items() if until[pk] > now)[-OWN_KEEP:]
    if not live:
        response.delete_cookie(OWN_COOKIE, samesite="Lax")
        return
    signing.set_signed_cookie(
        response,
        OWN_COOKIE,
        ",".join(f"{pk}.{created}" for created, pk in live),
        OWN_SALT,
        int(max(until[pk] for _created, pk in live) - now) + 1,
        httponly=True,
        samesite="Lax",
        secure=request.is_secure(),
    )


def is_number(text):
    """Whether `text` is a row id: ASCII digits only ("²".isdigit() is true, int("²") fails)."""
    return text.isascii() and text.isdigit()
