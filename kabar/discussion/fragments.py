"""Approved comment threads rendered once per change and kept in the cache, for the article
pages the page cache does not answer (a reader with a private cookie, a page-cache miss).

Only what every reader sees goes in: approved comments and the placeholders of removed
ones. A reader whose own-comments cookie names comments in this thread (their held ones,
Edit / Delete links) gets the thread rendered for them alone, as before.

Freshness. Each article has a thread *generation* (kabar.core.generations), renewed after
every change that could show in its thread: a comment stored, moderated, edited, removed
or erased (kabar/discussion/receivers.py, after commit, before the page cache is purged).
Entries are keyed by the generation read *before* the comments are, so a change that
commits while a thread renders leaves that rendering under a generation nobody reads again.
The key also holds everything else the markup depends on: thread page, order, page size,
whether replies are open, avatars, language, time zone, URL prefix and the templates'
source.
"""

import hashlib
import logging
from functools import cache

from django.conf import settings
from django.core.cache import caches
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.loader import get_template, render_to_string
from django.urls import get_script_prefix
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from kabar.core import generations
from kabar.core.memo import StampedMemo

from .models import Comment, CommentOrder, CommentStatus
from .selectors import (
    HELD_FOR_AUTHOR,
    approved_count_for,
    comments_page_for,
    count_tree,
    visible_roots_count,
)

logger = logging.getLogger("kabar.discussion")

LIST_TEMPLATE = "discussion/comment_list.html"
# What the list's markup comes from; raise FORMAT when Python that shapes it changes
# (kabar.discussion.templatetags.discussion), so entries from before a deploy are not read.
SOURCE_TEMPLATES = (LIST_TEMPLATE, "discussion/comment.html")
FORMAT = 1


def _conf():
    return settings.KABAR_THREAD_CACHE


def _cache():
    return caches[_conf().get("ALIAS", "default")]


def kept_store():
    """(cache, timeout) where threads are kept, or None while KABAR_THREAD_CACHE is off: the
    JSON API keeps its serialised threads there too (kabar.api.kept), under the same
    generations."""
    conf = _conf()
    return (_cache(), conf.get("TIMEOUT", 3600)) if conf.get("ENABLED", True) else None


def generation_key(page_id):
    return generations.generation_key("thread", page_id)


def renew_threads(page_ids):
    """Give each article's thread a new generation: what was cached for it is not read again."""
    generations.renew([generation_key(pk) for pk in dict.fromkeys(page_ids) if pk is not None])


def _generation(page_id):
    key = generation_key(page_id)
    return generations.read([key])[key]


@cache
def _templates_signature():
    digest = hashlib.sha1(str(FORMAT).encode(), usedforsecurity=False)
    for name in SOURCE_TEMPLATES:
        digest.update(get_template(name).template.source.encode())
    return digest.hexdigest()[:12]


def _fragment_key(page_id, generation, number, rules, is_open):
    parts = (
        number,
        rules.comments_per_page,
        rules.comment_order,
        bool(is_open),
        bool(rules.gravatar_enabled),
        translation.get_language(),
        timezone.get_current_timezone_name(),
        get_script_prefix(),
        _templates_signature(),
    )
    digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:20]
    return f"discussion:thread:{page_id}:{generation}:{digest}"


def _summary_key(page_id, generation):
    return f"discussion:thread:{page_id}:{generation}:summary"


# The thread summaries (top-level comments readers see, approved comments) this process
# read or kept lately, each under its thread's generation: what is kept under a generation
# never changes (a change renews it), so each is read from the shared cache once per
# process, not on every comment post (visible_roots) and page render.
_summaries = StampedMemo(512)


def _summary(store, page_id, generation):
    """The summary kept under the thread's `generation`, or None."""
    summary = _summaries.known(page_id, generation)
    if summary is None:
        summary = store.get(_summary_key(page_id, generation))
        if summary is not None:
            _summaries.keep(page_id, generation, summary)
    return summary


# How many top-level comments every reader sees, per thread, as this process last worked it
# out for a comment post, under the generation read before: the kept summary's count, or,
# where none was kept (the thread not shown since it last changed: a held comment changes
# nothing readers see, so a busy article's posts can go on for long between renders), its
# own count. Either holds for the whole generation, so the posts that follow read neither
# the shared cache nor the database for it.
_root_counts = StampedMemo(512)


def visible_roots(page_id):
    """How many top-level comments every reader sees in the article's thread under its
    current generation, worked out once per process and generation (_root_counts); None
    with the thread cache off or unreadable (the caller counts what it needs)."""
    if not _conf().get("ENABLED", True):
        return None
    try:
        generation = _generation(page_id)
        known = _root_counts.known(page_id, generation)
        if known is not None:
            return known
        summary = _summary(_cache(), page_id, generation)
    except Exception:
        logger.exception("comment thread cache unreadable; counting the thread")
        return None
    count = summary[0] if summary is not None else visible_roots_count(page_id)
    _root_counts.keep(page_id, generation, count)
    return count


def render_comment_list(thread, *, comment_page, rules, is_open):
    """The thread's comments as HTML (the <ol> of them), or "" when there are none."""
    if not thread:
        return ""
    return render_to_string(
        LIST_TEMPLATE,
        {
            "comment_thread": thread,
            "comment_page": comment_page,
            "comments_open_now": is_open,
            "comment_rules": rules,
        },
    )


def _context(html, comment_page, *, approved, shown, rules):
    return {
        "comment_list": mark_safe(html),  # noqa: S308 - rendered by our own templates
        "comment_page": comment_page,
        "comment_page_range": list(
            comment_page.paginator.get_elided_page_range(
                comment_page.number, on_each_side=2, on_ends=1
            )
        ),
        "comments_newest_first": rules.comment_order == CommentOrder.NEWEST,
        "comment_count": approved,
        "comments_shown": shown,
    }


def _render(page, number, rules, is_open, own_pending_ids=(), personalise=None):
    thread, comment_page = comments_page_for(
        page,
        number=number,
        per_page=rules.comments_per_page,
        newest_first=rules.comment_order == CommentOrder.NEWEST,
        own_pending_ids=list(own_pending_ids),
    )
    if personalise is not None:
        personalise(thread)
    html = render_comment_list(thread, comment_page=comment_page, rules=rules, is_open=is_open)
    return html, comment_page, approved_count_for(page), count_tree(thread)


def _own_comments_shown(page, own_ids):
    """Whether any of the reader's own comments would show in this article's thread in a
    way only they see: held for moderation, or visible with Edit / Delete links. Their
    comments elsewhere (or removed, or moderated away) leave the thread everyone sees."""
    return (
        Comment.objects.filter(
            Q(status=CommentStatus.APPROVED) | HELD_FOR_AUTHOR,
            pk__in=list(own_ids),
            page_id=page.pk,
            removed_at__isnull=True,
        )
        .order_by()
        .exists()
    )


def thread_context(page, *, number, rules, is_open, own_pending_ids=(), personalise=None):
    """The thread part of an article page's context: one page of its comments as HTML
    (`comment_list`), the paginator page and its range, and the counts. From the cache
    unless the reader has comments of their own in this thread (`own_pending_ids`: their
    held ones are shown, `personalise` marks what they may edit)."""
    enabled = _conf().get("ENABLED", True)
    if not enabled or (own_pending_ids and _own_comments_shown(page, own_pending_ids)):
        html, comment_page, approved, shown = _render(
            page, number, rules, is_open, own_pending_ids, personalise
        )
        return _context(html, comment_page, approved=approved, shown=shown, rules=rules)
    try:
        store = _cache()
        generation = _generation(page.pk)
        summary = _summary(store, page.pk, generation)
        if summary is not None:
            roots, approved = summary
            comment_page = Paginator(range(roots), rules.comments_per_page).get_page(number)
            entry = store.get(
                _fragment_key(page.pk, generation, comment_page.number, rules, is_open)
            )
            if entry is not None:
                html, shown = entry
                return _context(html, comment_page, approved=approved, shown=shown, rules=rules)
    except Exception:
        logger.exception("comment thread cache unreadable; rendering the thread")
        generation = None
    html, comment_page, approved, shown = _render(page, number, rules, is_open)
    if generation is not None:
        key = _fragment_key(page.pk, generation, comment_page.number, rules, is_open)
        summary = (comment_page.paginator.count, approved)
        try:
            store.set_many(
                {_summary_key(page.pk, generation): summary, key: (html, shown)},
                timeout=_conf().get("TIMEOUT", 3600),
            )
        except Exception:
            logger.exception("comment thread cache: entry not stored")
        else:
            _summaries.keep(page.pk, generation, summary)
    return _context(html, comment_page, approved=approved, shown=shown, rules=rules)
