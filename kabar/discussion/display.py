"""The discussion under a page as one reader sees it: a page of the thread, the form (or
why it is closed), the counts. Worked out once per request, for the template tags
({% discussion_thread page %}, {% comment_count page %}); the submission path sets it
first when it sends a reader's text back with the page."""

from django.utils import timezone

from kabar.core.ids import parse_id
from kabar.core.page_cache import expire_within, keep_private

from . import targets
from .forms import CommentForm
from .fragments import thread_context, visible_roots
from .identicons import allow_gravatar
from .models import Comment, CommentOrder, CommentStatus
from .own import created_stamp, own_comments
from .policy import is_open_now, rules_for, seconds_to_next_change
from .selectors import comment_thread_page
from .services import author_may_change, edit_deadline

# ?cpage=N: the page of a long thread (WordPress's name for it).
COMMENT_PAGE_PARAM = "cpage"
REQUEST_ATTR = "_kabar_discussion"


def discussion_for(request, target):
    """The discussion context of `target` (a Commentable page) for this request."""
    shown = request.__dict__.setdefault(REQUEST_ATTR, {})
    found = shown.get(target.pk)
    if found is None:
        found = shown[target.pk] = _discussion_context(request, target)
    return found


def show_with_form(request, target, form, error=None):
    """When `target`'s page renders for this request, show `form` as the reader sent it
    (their text, its errors) and `error` above it."""
    request.__dict__.setdefault(REQUEST_ATTR, {})[target.pk] = _discussion_context(
        request, target, form=form, error=error
    )


def _discussion_context(request, target, form=None, error=None):
    own = own_comments(request)
    rules = rules_for(target)
    now = timezone.now()
    is_open, why = is_open_now(target, rules, now)
    if own:
        # This reader sees their own comments (held ones, Edit / Delete links): the page
        # is theirs alone.
        keep_private(request)
    if rules.gravatar_enabled:
        allow_gravatar(request)
    changes_in = seconds_to_next_change(target, rules, now)
    if changes_in is not None:
        expire_within(request, changes_in)
    asked = request.GET.get(COMMENT_PAGE_PARAM)
    thread = thread_context(
        target,
        number=asked or 1,
        rules=rules,
        is_open=is_open,
        own_pending_ids=list(own),
        personalise=lambda comments: _mark_own_editable(comments, own, rules),
    )
    if asked is not None and parse_id(asked) != thread["comment_page"].number:
        # A page of the thread that does not exist (?cpage=999999) shows the nearest one;
        # kept, each such number would be one more full copy in the page cache.
        keep_private(request)
    reply_to = None
    if form is None:
        reply_to = _reply_target(target, request.GET.get("replytocom"))
        form = CommentForm(initial={"parent": reply_to.pk if reply_to else None}, page_id=target.pk)
    elif form.is_bound:
        # A refused reply: "Reply to <name>" again, for a comment every reader may see only
        # (a held or removed one's author is not named to whoever posts its id).
        reply_to = _reply_target(target, form.data.get("parent"))
    return {
        **thread,
        "page": target,
        # Links to the thread's pages name the article: the page is also shown at the
        # form's address, after a refused comment, where a relative "?cpage=2" would not.
        "page_address": targets.page_url(target),
        "comments_open_now": is_open,
        # Shown where the form would be when only the clock keeps the article closed.
        "comments_closed_reason": why
        if not is_open
        and target.comments_open
        and not rules.closed_by_age(target.discussion_opened_at(), now)
        else "",
        "comment_form": form,
        "comment_reply_to": reply_to,
        "comment_error": error,
        "comment_rules": rules,
    }


def _reply_target(target, asked):
    """The approved comment of `target` whose id is the text `asked`, or None."""
    comment_id = parse_id(asked or "")
    if comment_id is None:
        return None
    return (
        Comment.objects.filter(pk=comment_id, page=target, status=CommentStatus.APPROVED)
        .only("pk", "author_name")
        .first()
    )


def _mark_own_editable(thread, own, rules):
    """Flag the reader's own comments still inside the edit window (for Edit / Delete)."""
    now = timezone.now()
    for comment in _walk(thread):
        comment.own_editable = (
            not getattr(comment, "is_tombstone", False)
            and own.get(comment.pk) == created_stamp(comment)
            and author_may_change(comment)
            and now <= edit_deadline(comment, rules)
        )


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _visible_before_new(target, comment, newest_first):
    """For a top-level comment just stored: how many of the top-level comments every
    reader sees come before it, or None (then counted). It is the newest: newest first,
    none; oldest first, all of them, as counted once under the thread's current generation
    (fragments.visible_roots), unless the comment is one of them itself (approved: that
    count may be from before it or after it)."""
    if comment.parent_id is not None:
        return None
    if newest_first:
        return 0
    if comment.status == CommentStatus.APPROVED:
        return None
    return visible_roots(target.pk)


def comment_url(target, comment, *, rules=None, own_pending_ids=(), just_stored=False):
    """The page address that shows `comment`: its page of the thread (the page of its
    top-level comment) and its anchor. None when the reader cannot see it. `just_stored`:
    the comment was stored by this request (the newest of its thread)."""
    rules = rules or rules_for(target)
    newest_first = rules.comment_order == CommentOrder.NEWEST
    number = comment_thread_page(
        comment,
        per_page=rules.comments_per_page,
        newest_first=newest_first,
        own_pending_ids=own_pending_ids,
        visible_before=_visible_before_new(target, comment, newest_first) if just_stored else None,
    )
    if number is None:
        return None
    query = f"?{COMMENT_PAGE_PARAM}={number}" if number > 1 else ""
    return f"{targets.page_url(target)}{query}#comment-{comment.pk}"
