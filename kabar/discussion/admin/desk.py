"""Registers the reader-comment moderation desk with the Wagtail admin."""

from django.contrib.auth import get_permission_codename, get_user_model
from django.db.models import Case, IntegerField, Value, When
from django.urls import path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from .. import audit
from ..models import Comment
from .bulk_actions import (
    ApproveAndTrustBulkAction,
    ApproveBulkAction,
    SpamBulkAction,
    TrashBulkAction,
)
from .commenters import CommenterApproveView, CommenterSpamView
from .filters import SEARCH_FIELDS, CommentFilterSet
from .replies import CommentReplyView
from .undo import CommentUndoView
from .views import (
    HELD,
    MODERATIONS,
    CommentEditRedirectView,
    CommentIndexView,
    CommentInspectView,
    CommentModerationView,
    ReasonsColumn,
)


class CommentPermissionPolicy(ModelPermissionPolicy):
    """Readers write comments and editors moderate them: nobody adds or deletes one in the
    admin, so every change to a comment goes through the moderation services."""

    refused_actions = frozenset({"add", "delete"})

    def user_has_permission(self, user, action):
        return action not in self.refused_actions and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        actions = set(actions) - self.refused_actions
        if not actions:
            return get_user_model().objects.none()
        return super().users_with_any_permission(actions)


# Registered before the viewset, which would otherwise create a default policy.
comment_permission_policy = CommentPermissionPolicy(Comment)
register_permission_policy(Comment, comment_permission_policy)


class CommentsMenuItem(MenuItem):
    """The sidebar entry, labelled with how many comments wait for a moderator (held:
    pending, or reported by readers)."""

    def is_shown(self, request):
        return comment_permission_policy.user_has_any_permission(request.user, {"change", "view"})

    def render_component(self, request):
        component = super().render_component(request)
        count = Comment.objects.filter(status__in=HELD).count()
        if count:
            # Translators: a menu label such as "Comments (3)": the count is of comments
            # awaiting moderation.
            component.label = _("%(label)s (%(count)s)") % {"label": self.label, "count": count}
        return component


class CommentViewSet(SnippetViewSet):
    model = Comment
    icon = "comment"
    menu_label = _("Comments")
    menu_name = "comments"
    menu_order = 250
    add_to_admin_menu = True
    menu_item_class = CommentsMenuItem
    url_prefix = "comments"
    url_namespace = "discussion_comments"

    index_view_class = CommentIndexView
    index_template_name = "discussion/admin/index.html"
    index_results_template_name = "discussion/admin/index_results.html"
    inspect_view_class = CommentInspectView
    edit_view_class = CommentEditRedirectView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False

    list_per_page = 50
    # Held comments (pending, reported) first, then newest first; the headers re-sort.
    ordering = ["queue_position", "-created_at", "-pk"]
    # The index shows these as one card per comment (views.CommentCardColumn); the list
    # stays for what else Wagtail derives from it.
    list_display = [
        "body",
        Column("author_name", label=_("Name"), sort_key="author_name"),
        Column("author_email", label=_("Email"), sort_key="author_email"),
        Column("ip_address", label=_("IP address")),
        Column("page", label=_("Article"), sort_key="page__title"),
        StatusTagColumn(
            "status",
            accessor="get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda comment: comment.status in HELD,
        ),
        ReasonsColumn("reasons", label=_("Reasons and score"), sort_key="spam_score"),
        DateColumn("created_at", label=_("Submitted"), sort_key="created_at"),
    ]
    filterset_class = CommentFilterSet
    search_fields = SEARCH_FIELDS
    search_backend_name = None
    inspect_view_fields = [
        "status",
        "page",
        "parent",
        "body",
        "author_name",
        "author_email",
        "author_url",
        "ip_address",
        "user_agent",
        "user",
        "report_count",
        "created_at",
        "moderated_at",
        "moderated_by",
    ]

    def get_queryset(self, request):
        return Comment.objects.select_related("page", "commenter", "parent").annotate(
            queue_position=Case(
                When(status__in=HELD, then=Value(0)),
                default=Value(1),
                output_field=IntegerField(),
            )
        )

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(
            history_url_name=self.get_url_name("history"), **kwargs
        )

    def get_permissions_to_register(self):
        refused = {
            get_permission_codename(action, self.model_opts)
            for action in CommentPermissionPolicy.refused_actions
        }
        return super().get_permissions_to_register().exclude(codename__in=refused)

    def get_urlpatterns(self):
        return (
            super().get_urlpatterns()
            + [
                path(
                    f"{moderation.name}/<id:pk>/",
                    self.construct_view(CommentModerationView, moderation=moderation),
                    name=moderation.name,
                )
                for moderation in MODERATIONS
            ]
            + [
                path("undo/<id:pk>/", self.construct_view(CommentUndoView), name="undo"),
                path("reply/<id:pk>/", self.construct_view(CommentReplyView), name="reply"),
                path(
                    "commenter/<id:pk>/approve/",
                    self.construct_view(CommenterApproveView),
                    name="commenter_approve",
                ),
                path(
                    "commenter/<id:pk>/spam/",
                    self.construct_view(CommenterSpamView),
                    name="commenter_spam",
                ),
            ]
        )

    @property
    def breadcrumbs_items(self):
        # Wagtail's snippet viewsets name "Home" with a gettext run once, when the viewset
        # is made at start: every user then read it in the language of that moment
        # ("Beranda" in an English admin). Lazy, it follows each user's language.
        return [{"url": reverse_lazy("wagtailadmin_home"), "label": _("Home")}]

    @property
    def url_finder_class(self):
        # Wagtail's "edit this object" links (search, bulk-action lists) open the inspect page.
        finder_class = super().url_finder_class
        finder_class.edit_url_name = self.get_url_name("inspect")
        return finder_class


register_snippet(CommentViewSet)

for bulk_action in (ApproveBulkAction, ApproveAndTrustBulkAction, SpamBulkAction, TrashBulkAction):
    hooks.register("register_bulk_action", bulk_action)

# The audit trail: Wagtail's log, shown on each comment's history page.
hooks.register("register_log_actions", audit.register_actions)
