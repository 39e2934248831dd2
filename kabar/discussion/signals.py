"""What happened to comments, announced after the transaction commits.

Side effects (mail, cache purge, learning, audit, burst guard) connect receivers here
instead of being called from the write path, so a write is one transaction and every
effect sees committed data."""

from django.dispatch import Signal

# sender=Comment, comment=<Comment>, context=<SubmitContext>
comment_stored = Signal()
# sender=Comment, comments=[<Comment>...] (new state), previous={pk: old_status}, by=<User|None>
comments_moderated = Signal()
# sender=Comment, comment=<Comment>, previous_body=str, by_author=True
comment_edited = Signal()
# sender=Comment, comment=<Comment> (removed or deleted), page_id=int
comment_removed = Signal()
