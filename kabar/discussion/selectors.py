"""Reads of reader comments: public threads, counts and the moderation queue."""

from django.core.paginator import Paginator
from django.db import connection
from django.db.models import Count, IntegerField, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from wagtail.models import Page

from kabar.core.restrictions import without_restricted

from . import targets
from .models import REMOVED_BY_AUTHOR, Comment, CommentStatus

# What a reader's own comments show to them alone, "awaiting moderation": held ones, and
# those the automated checks judged spam or trash that no moderator has handled yet. To
# its author a spam verdict looks like any held comment, so a bot learns nothing from it.
CHECKS_VERDICTS = (CommentStatus.SPAM, CommentStatus.TRASH)
HELD_FOR_AUTHOR = Q(status=CommentStatus.PENDING) | Q(
    status__in=CHECKS_VERDICTS, moderated_at__isnull=True, removed_at__isnull=True
)


def held_for_author(comment):
    """HELD_FOR_AUTHOR for a comment in hand."""
    return held_for_author_state(comment.status, comment.moderated_at, comment.removed_at)


def held_for_author_state(status, moderated_at, removed_at):
    """HELD_FOR_AUTHOR for a comment's status, moderation and removal times."""
    if status == CommentStatus.PENDING:
        return True
    return status in CHECKS_VERDICTS and moderated_at is None and removed_at is None


def comments_public_for(page, *, own_pending_ids=()):
    """The article's approved comments as a tree, plus the held comments whose ids the
    reader's own signed cookie names (shown to their author only), plus placeholders for
    comments their authors removed while they had replies. One query."""
    comments = list(
        _visible(Comment.objects.filter(page=page).only(*THREAD_FIELDS), own_pending_ids).order_by(
            "created_at", "pk"
        )
    )
    for comment in comments:
        mark_tombstone(comment)
    return without_bare_tombstones(build_tree(comments))


# What every reader sees of a thread: approved comments, and removed comments' placeholders.
# The status IN (...) lets the (page, status, created_at) index find them, so that the held
# comments a busy article piles up are never read (a flood of them made each rebuild of a
# thread's page read every one, five times); the OR alone walks every comment of the page.
SHOWN_TO_ALL = Q(status__in=[CommentStatus.APPROVED, CommentStatus.TRASH]) & (
    Q(status=CommentStatus.APPROVED) | REMOVED_BY_AUTHOR
)


def mark_tombstone(comment):
    """Blank what a removed comment said and who said it before any template sees it."""
    comment.is_tombstone = comment.removed_at is not None
    if comment.is_tombstone:
        comment.body = comment.author_name = comment.author_email = comment.author_url = ""
    return comment


def without_bare_tombstones(nodes):
    """Drop placeholders with nothing shown beneath them: a removed comment without
    visible replies disappears entirely."""
    kept = []
    for node in nodes:
        node.children = without_bare_tombstones(node.children)
        if node.children or not getattr(node, "is_tombstone", False):
            kept.append(node)
    return kept


def build_tree(comments):
    """Attach each comment to its parent; a reply whose parent is not shown is dropped, so
    nothing hidden can be inferred from the thread's shape."""
    by_id = {c.pk: c for c in comments}
    roots = []
    for comment in comments:
        comment.children = []
    for comment in comments:
        if comment.parent_id is None:
            roots.append(comment)
        elif comment.parent_id in by_id:
            by_id[comment.parent_id].children.append(comment)
    return roots


def count_tree(roots):
    return sum(1 + count_tree(c.children) for c in roots)


def approved_count_for(page):
    return Comment.objects.filter(page=page, status=CommentStatus.APPROVED).count()


def with_comment_counts(queryset):
    """Annotate `comment_count` (approved comments) with one correlated subquery."""
    counts = (
        Comment.objects.filter(page=OuterRef("pk"), status=CommentStatus.APPROVED)
        .order_by()
        .values("page")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return queryset.annotate(
        comment_count=Coalesce(Subquery(counts, output_field=IntegerField()), 0)
    )


def pending_count():
    return Comment.objects.filter(status=CommentStatus.PENDING).count()


# Big threads: a page of top-level comments with all their replies, in a number of
# queries bounded by the reply depth, never by the size of the thread.

# Deepest reply level Kabar reads: the most DiscussionSettings.thread_depth allows.
MAX_THREAD_DEPTH = 10
THREAD_FIELDS = (
    "pk",
    "page_id",
    "parent_id",
    "depth",
    "body",
    "author_name",
    "author_email",
    "author_url",
    "by_staff",
    "status",
    "created_at",
    "edited_at",
    "removed_at",
    "moderated_at",
)


def _visible(comments, own_pending_ids=()):
    """`comments` narrowed to what this reader sees: SHOWN_TO_ALL, and their own held
    comments. Two sets united, not one condition OR-ed: so each is found by its own index
    (the page's statuses; the ids), and the held comments of others are never read."""
    shown = comments.filter(SHOWN_TO_ALL)
    if not own_pending_ids:
        return shown
    own = comments.filter(HELD_FOR_AUTHOR, pk__in=list(own_pending_ids))
    return shown.order_by().union(own.order_by(), all=True)  # disjoint: no duplicate to drop


def _root_order(newest_first):
    return ("-created_at", "-pk") if newest_first else ("created_at", "pk")


def comments_page_for(page, *, number=1, per_page=50, newest_first=False, own_pending_ids=()):
    """One page of the article's thread: `per_page` top-level comments in the article's
    order, each with every visible reply beneath it (replies oldest first), as a tree; and
    the Django Page object for the navigation. An unreadable or out-of-range `number`
    gives the nearest real page.

    Queries: the count of top-level comments, the page of them, then one per reply level
    (replies whose top-level ancestor is on this page, joined up through their parents),
    stopping at the first empty level: at most 2 + MAX_THREAD_DEPTH, however many
    comments the thread holds."""
    roots = _visible(
        Comment.objects.filter(page=page, parent__isnull=True).only(*THREAD_FIELDS),
        own_pending_ids,
    ).order_by(*_root_order(newest_first))
    comment_page = Paginator(roots, per_page).get_page(number)
    comments = list(comment_page.object_list)
    root_ids = [c.pk for c in comments]
    for level in range(2, MAX_THREAD_DEPTH + 1):
        if not root_ids:
            break
        # A reply at `level` reaches its top-level ancestor through level - 1 parents.
        ancestor = "parent__" * (level - 2) + "parent_id__in"
        replies = list(
            _visible(
                Comment.objects.filter(page=page, **{ancestor: root_ids}).only(*THREAD_FIELDS),
                own_pending_ids,
            ).order_by("created_at", "pk")
        )
        if not replies:
            break
        comments.extend(replies)
    for comment in comments:
        mark_tombstone(comment)
    return without_bare_tombstones(build_tree(comments)), comment_page


def _shown_in_thread(comment, own_pending_ids=()):
    if comment.status == CommentStatus.APPROVED:
        return True
    if comment.status == CommentStatus.TRASH and comment.removed_at is not None:
        return True
    return comment.pk in set(own_pending_ids) and held_for_author(comment)


def _with_ancestors(comment):
    """[comment, parent, grandparent, ..., top-level comment], in two queries at most."""
    chain_path = "__".join(["parent"] * min(max(comment.depth - 1, 0), MAX_THREAD_DEPTH))
    if chain_path:
        comment = Comment.objects.select_related(chain_path).get(pk=comment.pk)
    chain = [comment]
    while chain[-1].parent_id is not None and len(chain) <= MAX_THREAD_DEPTH:
        # Walks on from what select_related loaded; fetches only when depth was wrong.
        chain.append(chain[-1].parent)
    if chain[-1].parent_id is not None:
        return None
    return chain


def comment_is_visible(comment, own_pending_ids=()):
    """Whether readers (or, for their own held comments, this reader) see `comment` in
    its thread: it is approved and no comment above it is hidden. A removed comment's
    placeholder keeps its replies visible."""
    if comment.removed_at is not None or not _shown_in_thread(comment, own_pending_ids):
        return False
    chain = _with_ancestors(comment)
    return chain is not None and all(_shown_in_thread(c, own_pending_ids) for c in chain[1:])


def comment_thread_page(
    comment, *, per_page, newest_first=False, own_pending_ids=(), visible_before=None
):
    """The thread page (1-based) on which `comment` appears, counting only the top-level
    comments this reader sees; None if they cannot see it. `visible_before`: how many of
    the top-level comments every reader sees come before `comment`'s, when the caller
    knows (display.comment_url, for a comment just stored); counted otherwise."""
    if comment.removed_at is not None or not _shown_in_thread(comment, own_pending_ids):
        return None
    chain = _with_ancestors(comment)
    if chain is None or not all(_shown_in_thread(c, own_pending_ids) for c in chain[1:]):
        return None
    root = chain[-1]
    return _roots_ahead(root, newest_first, own_pending_ids, visible_before) // per_page + 1


def _roots_ahead(root, newest_first, own_pending_ids, visible_before=None):
    """How many top-level comments this reader sees before `root` in the thread's order.
    Plain SQL, as _visible and _root_order say: Django builds the equivalent query at
    several times the cost of running it, on every comment posted.

    Two counts added up, of disjoint sets: what every reader sees, on the partial index of
    exactly those comments (Comment's discussion_visible_roots), so that the held comments
    a busy article piles up are never read; and this reader's own held ones, by key. The
    first is not asked for when the caller knows it (`visible_before`), nor the second
    when the reader has no held comment but `root` itself: with both known, no query.

    The first count states the index's condition with its statuses written out, not as
    parameters, and the position as one row comparison the index can seek to. PostgreSQL
    plans a statement that psycopg prepared once for any parameters, often while the table
    is still small; this form gets the index in that plan too, where the earlier one (the
    statuses as parameters) got a scan of the table, every comment of the site read on
    each post once the table had grown (0.3-0.4 ms of the server's time per post by the end
    of a benchmark run)."""
    query = _roots_ahead_query(root, newest_first, own_pending_ids, visible_before)
    if query is None:
        return visible_before
    with connection.cursor() as cursor:
        cursor.execute(*query)
        return cursor.fetchone()[0] + (visible_before or 0)


def _roots_ahead_query(root, newest_first, own_pending_ids, visible_before=None):
    """(sql, params) of _roots_ahead's counts still to be asked for, or None."""
    # A comment is never ahead of itself.
    own = [pk for pk in own_pending_ids if isinstance(pk, int) and pk != root.pk]
    earlier = ">" if newest_first else "<"
    table = connection.ops.quote_name(Comment._meta.db_table)
    at = connection.ops.adapt_datetimefield_value(root.created_at)
    before = f"(created_at, id) {earlier} (%s, %s)"
    counts, params = [], []
    if visible_before is None:
        counts.append(
            f"(SELECT COUNT(*) FROM {table} WHERE {_VISIBLE_ROOT_SQL}"  # noqa: S608
            f" AND page_id = %s AND {before})"
        )
        params += [root.page_id, at, root.pk]
    if own:
        # HELD_FOR_AUTHOR, restated.
        held = [status.value for status in (CommentStatus.PENDING, *CHECKS_VERDICTS)]
        counts.append(
            f"(SELECT COUNT(*) FROM {table} WHERE id IN ({', '.join(['%s'] * len(own))})"  # noqa: S608
            " AND page_id = %s AND parent_id IS NULL AND (status = %s OR (status IN (%s, %s)"
            f" AND moderated_at IS NULL AND removed_at IS NULL)) AND {before})"
        )
        params += [*own, root.page_id, *held, at, root.pk]
    if not counts:
        return None
    return "SELECT " + " + ".join(counts), params


def visible_roots_count(page_id):
    """How many top-level comments every reader sees in the page's thread, on the partial
    index of exactly those (as _roots_ahead counts them)."""
    table = connection.ops.quote_name(Comment._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT COUNT(*) FROM {table} WHERE {_VISIBLE_ROOT_SQL} AND page_id = %s",  # noqa: S608
            [page_id],
        )
        return cursor.fetchone()[0]


# models.VISIBLE_ROOT as SQL, word for word the condition of the partial index.
_VISIBLE_ROOT_SQL = (
    f"parent_id IS NULL AND (status = '{CommentStatus.APPROVED.value}'"
    f" OR (removed_at IS NOT NULL AND status = '{CommentStatus.TRASH.value}'))"
)


def _ancestors_visible_q(levels=MAX_THREAD_DEPTH):
    """Every comment above this one is approved or a removed comment's placeholder."""
    condition = Q()
    for level in range(levels, 0, -1):
        up = "parent__" * level
        shown = Q(**{f"{up}status": CommentStatus.APPROVED}) | Q(
            **{f"{up}status": CommentStatus.TRASH, f"{up}removed_at__isnull": False}
        )
        condition = Q(**{f"{up[:-2]}__isnull": True}) | (shown & condition)
    return condition


def comments_for_feed(*, page=None, limit=50):
    """The newest approved comments readers can see, on live articles open to the public
    (or on `page` only), with their article. Two queries: the newest approved comments
    (index order), then those of them with no hidden comment above; a third, checking
    every row, only when replies under hidden comments crowd the first pick out."""
    comments = Comment.objects.filter(status=CommentStatus.APPROVED)
    if page is not None:
        comments = comments.filter(page=page)
    else:
        # Pages that show their comments only: an imported WordPress page's are kept, not
        # shown (a standard page takes none), and its permalink finds nothing.
        shown_on = Page.objects.live().filter(content_type__in=targets.content_types())
        comments = comments.filter(page__in=without_restricted(shown_on).values("pk"))
        for hidden in targets.hidden_threads():
            comments = comments.exclude(page__in=hidden)
    newest = ("-created_at", "-pk")
    pick = list(comments.order_by(*newest).values_list("pk", flat=True)[: limit * 2])

    def shown(candidates):
        return list(
            candidates.filter(_ancestors_visible_q())
            .select_related("page")
            .only(
                "pk",
                "parent_id",
                "body",
                "author_name",
                "created_at",
                "edited_at",
                "page__id",
                "page__title",
            )
            .order_by(*newest)[:limit]
        )

    found = shown(Comment.objects.filter(pk__in=pick))
    if len(found) < limit and len(pick) == limit * 2:
        found = shown(comments)
    return found
