"""Wagtail's bulk actions for the desk: the selected comments (or all the listing shows, as
filtered and searched) approved, approved and trusted, marked as spam or trashed, after a
confirmation, in one service call."""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from wagtail.admin.forms.search import SearchForm
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from kabar.core.ids import parse_id

from ..models import Comment, CommentStatus
from ..services import comments_approve_and_trust, comments_set_status
from .filters import CommentFilterSet, search_comments


class CommentModerationBulkAction(SnippetBulkAction):
    """Confirm, then move the selected comments to `status` in one service call."""

    models = [Comment]
    template_name = "discussion/admin/confirm_bulk_moderation.html"
    status = None
    confirm_question = None
    confirm_button_label = None
    success_message = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, comment):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", comment
        )

    @classmethod
    def get_queryset(cls, model, object_ids):
        # The ?id= values come as typed: only ids in range reach the query (404 if none).
        if not isinstance(object_ids, QuerySet):
            object_ids = [pk for pk in map(parse_id, object_ids) if pk is not None]
        return super().get_queryset(model, object_ids)

    def get_all_objects_in_listing_query(self, parent_id):
        """Selecting all in the listing means the listing as filtered and searched, so
        approving every pending comment never approves the spam as well."""
        filters = CommentFilterSet(self.request.GET, queryset=Comment.objects.all())
        if not filters.is_valid():
            return Comment.objects.none().values_list("pk", flat=True)
        # The query as the listing reads it (Wagtail's search form, which refuses NUL).
        search = SearchForm(self.request.GET)
        query = search.cleaned_data["q"] if search.is_valid() else ""
        comments = search_comments(filters.qs, query)
        return comments.values_list("pk", flat=True)

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        changed = comments_set_status([comment.pk for comment in objects], cls.status, by=user)
        return changed, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return self.success_message % {"count": num_parent_objects}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_title=self.display_name,
            confirm_question=self.confirm_question % {"count": len(context["items"])},
            confirm_button_label=self.confirm_button_label,
        )
        return context


class ApproveBulkAction(CommentModerationBulkAction):
    status = CommentStatus.APPROVED
    action_type = "approve"
    display_name = _("Approve")
    aria_label = _("Approve selected comments")
    action_priority = 10
    classes = {"positive"}
    confirm_question = ngettext_lazy(
        "Approve this comment?", "Approve these %(count)d comments?", "count"
    )
    confirm_button_label = _("Yes, approve")
    success_message = ngettext_lazy(
        "%(count)d comment approved.", "%(count)d comments approved.", "count"
    )


class ApproveAndTrustBulkAction(CommentModerationBulkAction):
    status = CommentStatus.APPROVED
    action_type = "approve_and_trust"
    display_name = _("Approve and trust")
    aria_label = _("Approve and trust: the selected comments and their authors")
    action_priority = 15
    confirm_question = ngettext_lazy(
        "Approve this comment and trust its author? Their later comments will be published "
        "at once.",
        "Approve these %(count)d comments and trust their authors? Their later comments will "
        "be published at once.",
        "count",
    )
    confirm_button_label = _("Yes, approve and trust")
    success_message = ngettext_lazy(
        "%(count)d comment approved and its author trusted.",
        "%(count)d comments approved and their authors trusted.",
        "count",
    )

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return comments_approve_and_trust([comment.pk for comment in objects], by=user), 0


class SpamBulkAction(CommentModerationBulkAction):
    status = CommentStatus.SPAM
    action_type = "spam"
    display_name = _("Mark as spam")
    aria_label = _("Mark as spam: the selected comments")
    action_priority = 20
    confirm_question = ngettext_lazy(
        "Mark this comment as spam?", "Mark these %(count)d comments as spam?", "count"
    )
    confirm_button_label = _("Yes, mark as spam")
    success_message = ngettext_lazy(
        "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", "count"
    )


class TrashBulkAction(CommentModerationBulkAction):
    status = CommentStatus.TRASH
    action_type = "trash"
    display_name = _("Move to trash")
    aria_label = _("Move to trash: the selected comments")
    action_priority = 25
    classes = {"serious"}
    confirm_question = ngettext_lazy(
        "Move this comment to trash?", "Move these %(count)d comments to trash?", "count"
    )
    confirm_button_label = _("Yes, move to trash")
    success_message = ngettext_lazy(
        "%(count)d comment moved to trash.", "%(count)d comments moved to trash.", "count"
    )
