"""What discussion events set off, wired once: trust counters, notifications, learning,
the burst guard, IP retention, the audit log, and — for a change readers can see — the
cached thread renewed, then `threads_changed` for whoever shows the page to purge it.
Every comment signal is sent after its transaction commits."""

from django.db.models.signals import post_delete, post_save
from django.urls import reverse

from kabar.core.purge import everything_changed, purge_paths

from . import audit, fragments, notifications, privacy, signals, trust
from .models import Comment, CommentStatus, DiscussionSettings, ExternalSite, ExternalThread
from .spam import receivers as spam_receivers

APPROVED = CommentStatus.APPROVED


def public_threads_changed(page_ids, pages=None):
    """The public threads of these pages changed: renew their cached threads, then tell
    whoever shows the pages (the thread first, so that a page rendered once the purge has
    run cannot be built with the thread from before the change)."""
    page_ids = [pk for pk in dict.fromkeys(page_ids) if pk is not None]
    if not page_ids:
        return
    fragments.renew_threads(page_ids)
    signals.threads_changed.send(Comment, page_ids=page_ids, pages=pages or {})


def external_threads_changed(sender, page_ids=(), pages=None, **kwargs):
    """Kabar's own page of a thread on a registered site shows its comments: renew it."""
    pages = pages or {}
    ids = {pk for pk in page_ids if isinstance(pages.get(pk), ExternalThread)}
    unknown = [pk for pk in page_ids if pages.get(pk) is None]
    if unknown:
        ids.update(ExternalThread.objects.filter(pk__in=unknown).values_list("pk", flat=True))
    if ids:
        purge_paths([reverse("discussion:thread", args=[pk]) for pk in sorted(ids)])


def on_comment_stored(sender, comment, **kwargs):
    # A held comment shows only to its author, whose page is never a shared one.
    if comment.status == APPROVED:
        # comment_submit leaves the page it loaded on the comment.
        page = comment.page if type(comment).page.is_cached(comment) else None
        public_threads_changed([comment.page_id], {comment.page_id: page} if page else None)


def on_comments_moderated(sender, comments, previous=None, **kwargs):
    previous = previous or {}
    public_threads_changed(
        [c.page_id for c in comments if APPROVED in (c.status, previous.get(c.pk, APPROVED))]
    )


def on_comment_changed(sender, comment=None, page_id=None, **kwargs):
    public_threads_changed([page_id or comment.page_id])


def on_comments_erased(sender, page_ids=(), **kwargs):
    public_threads_changed(list(page_ids))


def on_comments_imported(sender, page_ids=(), **kwargs):
    public_threads_changed(page_ids)


def connect():
    # Trust counters first, so mail sent inline (tests) sees them settled. A new comment's
    # count is kept by comment_submit, written with its row.
    stored = [
        (on_comment_stored, "thread_stored"),
        (notifications.on_comment_stored, "notifications_stored"),
        (spam_receivers.guard_burst, "spam_burst_guard"),
        # IP retention without cron: at most hourly, after a comment is stored.
        (privacy.forget_ips_now_and_then, "privacy_forget_ips"),
    ]
    moderated = [
        (trust.on_comments_moderated, "trust_moderated"),
        (on_comments_moderated, "thread_moderated"),
        (notifications.on_comments_moderated, "notifications_moderated"),
        (spam_receivers.learn_from_moderation, "spam_learn"),
        (audit.on_comments_moderated, "audit"),
    ]
    edited = [
        (trust.on_comment_edited, "trust_edited"),
        (on_comment_changed, "thread_edited"),
        (notifications.on_comment_edited, "notifications_edited"),
    ]
    removed = [(trust.on_comment_removed, "trust_removed"), (on_comment_changed, "thread_removed")]
    erased = [(on_comments_erased, "thread_erased")]
    imported = [(on_comments_imported, "thread_imported")]
    premoderated = [(spam_receivers.tell_staff_premoderated, "spam_burst_tell_staff")]
    for signal, receivers in (
        (signals.comment_stored, stored),
        (signals.comments_moderated, moderated),
        (signals.comment_edited, edited),
        (signals.comment_removed, removed),
        (signals.comments_erased, erased),
        (signals.comments_imported, imported),
        (signals.discussion_premoderated, premoderated),
    ):
        for receiver, uid in receivers:
            signal.connect(receiver, dispatch_uid=uid)
    signals.threads_changed.connect(external_threads_changed, dispatch_uid="external_threads")
    # Every process keeps the registered sites' origins and its threads' ids
    # (kabar.discussion.sites).
    for name, signal in (("saved", post_save), ("deleted", post_delete)):
        signal.connect(
            everything_changed, sender=ExternalSite, dispatch_uid=f"registered_site_{name}"
        )
    post_delete.connect(
        everything_changed, sender=ExternalThread, dispatch_uid="registered_site_thread_deleted"
    )
    # The rules show on every article page (form open or closed, avatars, order).
    post_save.connect(
        everything_changed, sender=DiscussionSettings, dispatch_uid="discussion_settings_purge"
    )
