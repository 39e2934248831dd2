"""What happened to comments, announced after the transaction commits.

Side effects (mail, cache purge, learning, audit, burst guard) connect receivers here
instead of being called from the write path, so a write is one transaction and every
effect sees committed data."""

from django.dispatch import Signal

# sender=Comment, comment=<Comment>, context=<SubmitContext>
comment_stored = Signal()
# sender=Comment, comments=[<Comment>...] (new state), previous={pk: old_status}, by=<User|None>,
# action=<str|None> (the decision's name when the status alone does not say it, e.g.
# "approve_and_trust", "report", "undo"), and for an undo lessons={pk: "ham"|"spam"|None}
# (what the spam filter had learned of each comment before the moderation undone)
comments_moderated = Signal()
# sender=Comment, comment=<Comment>, previous_body=str, previous_status=str, by_author=True
comment_edited = Signal()
# sender=Comment, comment=<Comment> (removed or deleted), page_id=int, previous_status=str
comment_removed = Signal()
# sender=Comment, comment_ids=[int], page_ids={int}: a commenter's personal data was erased
# (names, emails, IPs anonymised; texts maybe removed) — public pages showing them changed.
comments_erased = Signal()
# sender=Comment, page_ids=[int], pages={int: page loaded by the write, when it was}: the
# public threads of these pages changed, and their cached threads were renewed already.
# The app that shows a page purges it (kabar/news/purge.py for articles).
threads_changed = Signal()
# sender=Comment, page_ids=[int]: comments brought in from another system (an importer)
# were stored or changed on these pages.
comments_imported = Signal()
# sender=Comment, target=<page>, reason=str: the burst guard (or another write) switched a
# page's discussion to pre-moderation; the staff are told.
discussion_premoderated = Signal()
