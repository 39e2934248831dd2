from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "kabar.discussion"
    label = "discussion"
    verbose_name = _("Reader discussion")

    def ready(self):
        from . import audit, notifications, signals, trust

        # Trust counters first, so mail sent inline (tests) sees them settled. A new
        # comment's count is kept by comment_submit, in its own transaction.
        signals.comments_moderated.connect(
            trust.on_comments_moderated, dispatch_uid="trust_moderated"
        )
        signals.comment_stored.connect(
            notifications.on_comment_stored, dispatch_uid="notifications_stored"
        )
        signals.comments_moderated.connect(
            notifications.on_comments_moderated, dispatch_uid="notifications_moderated"
        )
        signals.comment_edited.connect(trust.on_comment_edited, dispatch_uid="trust_edited")
        signals.comment_removed.connect(trust.on_comment_removed, dispatch_uid="trust_removed")
        signals.comment_edited.connect(
            notifications.on_comment_edited, dispatch_uid="notifications_edited"
        )
        from . import fragments

        # Cached comment threads renewed with every change readers could see.
        signals.comment_stored.connect(fragments.on_comment_stored, dispatch_uid="thread_stored")
        signals.comments_moderated.connect(
            fragments.on_comments_moderated, dispatch_uid="thread_moderated"
        )
        signals.comment_edited.connect(fragments.on_comment_changed, dispatch_uid="thread_edited")
        signals.comment_removed.connect(fragments.on_comment_changed, dispatch_uid="thread_removed")
        signals.comments_erased.connect(fragments.on_comments_erased, dispatch_uid="thread_erased")
        from .spam import receivers as spam_receivers

        signals.comments_moderated.connect(
            spam_receivers.learn_from_moderation, dispatch_uid="spam_learn"
        )
        signals.comment_stored.connect(spam_receivers.guard_burst, dispatch_uid="spam_burst_guard")
        from . import privacy

        # IP retention without cron: at most hourly, after a comment is stored.
        signals.comment_stored.connect(
            privacy.forget_ips_now_and_then, dispatch_uid="privacy_forget_ips"
        )
        signals.comments_moderated.connect(audit.on_comments_moderated, dispatch_uid="audit")
