"""A page of a thread's comments as the API shows them, serialised once per change and kept
where the article pages keep their rendered threads (kabar.discussion.fragments), under
the same thread generation: a request the page cache passes by (a reader with the own
proof, the first after a change) reads the kept copy instead of the database.

Only what every reader sees is kept: approved comments and the placeholders of removed
ones, no `own` block. A reader's own comments are merged in per request, from one query
for the few the proof names: `own` blocks on theirs, their held comments in their places
(a held top-level comment moves the later ones along, so their pages are counted with it).
Where one of theirs would show something no kept copy holds (a reply beneath a held
comment, a placeholder kept only for their held reply), their page is built whole.

A copy is keyed by the generation read before the comments were, and by everything else
the JSON depends on: page number, page size, order, avatars, Kabar's own origin (links are
absolute), language, URL prefix and the serializer's fields (raise FORMAT when Python that
shapes a comment's JSON changes otherwise)."""

import hashlib
import logging
from dataclasses import dataclass, replace

from django.core.paginator import Paginator
from django.db import connection
from django.urls import get_script_prefix
from django.utils import translation

from kabar.core import generations
from kabar.discussion import fragments
from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.selectors import (
    MAX_THREAD_DEPTH,
    THREAD_FIELDS,
    approved_count_for,
    comments_page_for,
    held_for_author,
)

from . import serializers

logger = logging.getLogger("kabar.api")

FORMAT = 1


class Unmergeable(Exception):
    """The reader's own comments would show something no kept copy holds."""


@dataclass
class ThreadPage:
    """What the answer shows of the thread's comments: the page's comments as JSON, the
    paginator page they were counted on, the approved count."""

    comments: list
    comment_page: object
    approved: int


def _store():
    """(cache, timeout) of the kept threads, or None: switched off, or the cache is down (a
    cache that is down slows the API; it must not take it down)."""
    try:
        return fragments.kept_store()
    except Exception:
        logger.exception("kept threads unreadable; building the thread")
        return None


def generation(page_id):
    """The thread generation of the page with this id, to be read before its comments are;
    None when nothing is kept (KABAR_THREAD_CACHE off, the cache unreadable)."""
    if _store() is None:
        return None
    key = fragments.generation_key(page_id)
    found = generations.read_safely([key])
    return None if found is None else found[key]


def thread_page(target, *, number, newest_first, reader, generation):
    """Page `number` of `target`'s thread as `reader` sees it: from the copies kept under the
    thread's `generation` (None: from the database), with the reader's own comments merged."""
    store = _store() if generation is not None else None
    if store is not None:
        copies = Copies(store, target, generation, newest_first=newest_first, reader=reader)
        try:
            return _merged(copies, number, reader)
        except Unmergeable:
            pass
    comments, comment_page = comments_page_for(
        target,
        number=number,
        per_page=reader.rules.comments_per_page,
        newest_first=newest_first,
        own_pending_ids=list(reader.own),
    )
    return ThreadPage(
        [serializers.comment_json(c, reader) for c in comments],
        comment_page,
        approved_count_for(target),
    )


class Copies:
    """The kept pages of one thread for one kind of answer, read together and built (then
    kept) where missing: {number: {"roots": the page's top-level comments as JSON, None
    where a removed one shows nothing, "created": {comment id: created_at} of every comment
    shown}}, and the thread's `summary` (top-level count, approved count)."""

    def __init__(self, store, target, generation, *, newest_first, reader):
        self.cache, self.timeout = store
        self.target, self.generation = target, generation
        self.per_page, self.newest_first = reader.rules.comments_per_page, newest_first
        # Built for nobody in particular: no `own` block, no held comment.
        self.public = replace(reader, own={})
        self.summary = None
        self.pages = {}

    def _prefix(self):
        return f"api:thread:{self.target.pk}:{self.generation}"

    def _page_key(self, number):
        parts = (
            number,
            self.per_page,
            self.newest_first,
            bool(self.public.rules.gravatar_enabled),
            self.public.origin,
            translation.get_language(),
            get_script_prefix(),
            FORMAT,
            serializers.COMMENT_KEYS,
            serializers.AUTHOR_KEYS,
        )
        digest = hashlib.sha1(repr(parts).encode(), usedforsecurity=False).hexdigest()[:20]
        return f"{self._prefix()}:{digest}"

    def _summary_key(self):
        return f"{self._prefix()}:summary"

    def read(self, numbers):
        """Look the pages `numbers` up, and the summary until it is known: one read."""
        wanted = {self._page_key(n): n for n in numbers if n not in self.pages}
        keys = [*wanted, *([self._summary_key()] if self.summary is None else [])]
        if not keys:
            return
        try:
            found = self.cache.get_many(keys)
        except Exception:
            logger.exception("kept threads unreadable; building the thread")
            found = {}
        self.summary = self.summary or found.get(self._summary_key())
        self.pages.update({n: found[key] for key, n in wanted.items() if key in found})

    def ensure(self, numbers):
        """Make the pages `numbers` known (and the summary): read, then built where missing."""
        self.read(numbers)
        for number in numbers:
            if number not in self.pages:
                self.build(number)

    def build(self, number):
        """Build page `number` (the last one, for a number past the end) and the summary
        from the database, and keep them."""
        tree, comment_page = comments_page_for(
            self.target, number=number, per_page=self.per_page, newest_first=self.newest_first
        )
        shown = {c.pk: serializers.comment_json(c, self.public) for c in tree}
        page = {
            "roots": [shown.get(root.pk) for root in comment_page.object_list],
            "created": {c.pk: c.created_at for c in _walk(tree)},
        }
        self.pages[comment_page.number] = page
        entries = {self._page_key(comment_page.number): page}
        if self.summary is None:
            self.summary = (comment_page.paginator.count, approved_count_for(self.target))
            entries[self._summary_key()] = self.summary
        try:
            self.cache.set_many(entries, timeout=self.timeout)
        except Exception:
            logger.exception("kept threads: entry not stored")

    def root(self, index):
        """The kept JSON of the top-level comment at `index` in the thread's order, or None
        (a removed one showing nothing; a page changed meanwhile)."""
        roots = self.pages.get(index // self.per_page + 1, {}).get("roots", ())
        at = index % self.per_page
        return roots[at] if at < len(roots) else None


def _walk(nodes):
    for node in nodes:
        yield node
        yield from _walk(node.children)


def _merged(copies, number, reader):
    """The reader's page from the kept copies, their own comments merged in."""
    rows = _own_rows(copies.target, reader.own, copies.newest_first) if reader.own else []
    held = [c for c in rows if held_for_author(c)]
    if any(c.removed_at is not None for c in held):
        raise Unmergeable
    held_roots = sorted(
        (c for c in held if c.parent_id is None),
        key=lambda c: (c.created_at, c.pk),
        reverse=copies.newest_first,
    )
    copies.read([number])
    if copies.summary is None:
        copies.build(number)
    top_level, approved = copies.summary
    total = top_level + len(held_roots)
    comment_page = Paginator(range(total), copies.per_page).get_page(number)
    placed = _placed(comment_page, held_roots, top_level)
    copies.ensure(sorted({i // copies.per_page + 1 for i in placed if isinstance(i, int)}))
    roots = [item if isinstance(item, Comment) else copies.root(item) for item in placed]
    roots = [node for node in roots if node is not None]
    merge = Merge(copies, reader)
    merge.attach(roots, rows)
    return ThreadPage([merge.shown(node) for node in roots], comment_page, approved)


def _own_rows(target, own, newest_first):
    """The comments of `target` the reader's proof names, shallowest first, each with its
    number of replies (any status), its parent's removal time, and for a top-level one how
    many top-level comments every reader sees before it in the thread's order (`ahead`).

    One query, in plain SQL: Django builds the equivalent (two subqueries, a join) at
    several times the cost of running it, on every request of a reader with comments here.
    The top-level comments ahead are those selectors.comments_page_for counts, walked on
    the (page, status) index."""
    quote = connection.ops.quote_name
    table = quote(Comment._meta.db_table)
    meta = Comment._meta
    columns = [(meta.pk if name == "pk" else meta.get_field(name)).column for name in THREAD_FIELDS]
    earlier = ">" if newest_first else "<"
    ids = list(own)  # numbers: kabar.discussion.own reads them with parse_id
    sql = (
        f"SELECT {', '.join('c.' + quote(column) for column in columns)},"  # noqa: S608
        f" (SELECT COUNT(*) FROM {table} r WHERE r.parent_id = c.id) AS reply_count,"
        f" (SELECT p.removed_at FROM {table} p WHERE p.id = c.parent_id) AS parent_removed_at,"
        f" CASE WHEN c.parent_id IS NULL THEN (SELECT COUNT(*) FROM {table} r"
        " WHERE r.page_id = c.page_id AND r.status IN (%s, %s) AND r.parent_id IS NULL"
        " AND (r.status = %s OR r.removed_at IS NOT NULL)"
        f" AND (r.created_at {earlier} c.created_at"
        f" OR (r.created_at = c.created_at AND r.id {earlier} c.id))) END AS ahead"
        f" FROM {table} c WHERE c.page_id = %s AND c.id IN ({', '.join(['%s'] * len(ids))})"
        " ORDER BY c.depth, c.created_at, c.id"
    )
    approved, trash = CommentStatus.APPROVED.value, CommentStatus.TRASH.value
    return list(Comment.objects.raw(sql, [approved, trash, approved, target.pk, *ids]))


def _placed(comment_page, held_roots, top_level):
    """The reader's page in order: for each place, the index of a top-level comment every
    reader sees (in the thread's order) or one of the reader's held top-level comments."""
    per_page = comment_page.paginator.per_page
    start = (comment_page.number - 1) * per_page
    end = min(start + per_page, comment_page.paginator.count)
    # A held comment comes after the top-level comments ahead of it and the held ones before it.
    at = {c.ahead + rank: c for rank, c in enumerate(held_roots)}
    index = start - sum(1 for place in at if place < start)
    placed = []
    for place in range(start, end):
        if place in at:
            placed.append(at[place])
        elif index < top_level:
            placed.append(index)
            index += 1
    return placed


class Merge:
    """The reader's own comments merged into kept JSON: their held comments (and the
    approved replies of theirs beneath those) hung where a page built for them shows them,
    `own` blocks on theirs."""

    def __init__(self, copies, reader):
        self.reader = reader
        self.created = {}
        for page in copies.pages.values():
            self.created.update(page["created"])
        self.levels = {}
        self.extras = {}
        self.under_kept = {}
        self.own = {}

    def attach(self, roots, rows):
        """Hang the reader's held comments (and approved replies of theirs beneath one,
        which nobody else sees there) under their parents where this page shows them; one
        whose parent is not shown is on another page, or hidden."""
        for node in roots:
            self._index(node, 1)
        for comment in rows:  # shallowest first: a parent is hung before its replies
            if comment.parent_id is None or comment.pk in self.extras:
                pass
            elif held_for_author(comment):
                self._hang(comment, removed_parent=comment.parent_removed_at is not None)
            elif comment.status == CommentStatus.APPROVED and comment.parent_id in self.extras:
                self._hang(comment, removed_parent=False)
        for comment in self.extras.values():
            # A reply not hung here (someone else's) would show beneath it too.
            if comment.reply_count != len(comment.children):
                raise Unmergeable
            comment.children.sort(key=lambda c: (c.created_at, c.pk))
        # Their approved comments that every reader sees: kept, without the `own` block.
        self.own = {
            c.pk: c for c in rows if c.status == CommentStatus.APPROVED and c.pk not in self.extras
        }

    def _index(self, node, level):
        if isinstance(node, Comment):
            node.children = []
            self.extras[node.pk] = node
            self.levels[node.pk] = level
            return
        self.levels[node["id"]] = level
        for reply in node["replies"]:
            self._index(reply, level + 1)

    def _hang(self, comment, *, removed_parent):
        level = self.levels.get(comment.parent_id)
        if level is None:
            if removed_parent:
                # Beneath a removed comment's placeholder, which a page built for this
                # reader alone may show: no kept copy holds it.
                raise Unmergeable
            return
        if level >= MAX_THREAD_DEPTH:
            return
        comment.children = []
        self.levels[comment.pk] = level + 1
        self.extras[comment.pk] = comment
        parent = self.extras.get(comment.parent_id)
        if parent is not None:
            parent.children.append(comment)
        else:
            self.under_kept.setdefault(comment.parent_id, []).append(comment)

    def shown(self, node):
        """`node` (kept JSON, or a held comment of the reader's) as the reader sees it."""
        if isinstance(node, Comment):
            return serializers.comment_json(node, self.reader)
        replies = [self.shown(reply) for reply in node["replies"]]
        hung = self.under_kept.get(node["id"], ())
        if hung:
            keyed = [((self.created[r["id"]], r["id"]), r) for r in replies]
            keyed += [((c.created_at, c.pk), self.shown(c)) for c in hung]
            replies = [reply for _key, reply in sorted(keyed, key=lambda pair: pair[0])]
        mine = self.own.get(node["id"])
        own = None
        if mine is not None and node["status"] != serializers.REMOVED and self.reader.is_own(mine):
            own = serializers.own_json(mine, self.reader)
        if own is None and replies == node["replies"]:
            return node
        return {**node, "own": own, "replies": replies}
