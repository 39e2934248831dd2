"""The delivery log in the Wagtail admin (Reports → Email deliveries): every message the
discussion sent or tried to send, with its status, attempts and last error. Read-only, and
open to whoever may view or moderate reader comments."""

import django_filters
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column, DateColumn, StatusTagColumn
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies.base import BaseDjangoAuthPermissionPolicy
from wagtail.permissions import register_permission_policy

from ..models import Comment, DeliveryKind, DeliveryStatus, EmailDelivery


class DeliveryLogPermissionPolicy(BaseDjangoAuthPermissionPolicy):
    """Viewing follows the comment permissions; nobody adds, edits or deletes a log entry."""

    def __init__(self):
        super().__init__(EmailDelivery, auth_model=Comment)

    moderator_codenames = ("view_comment", "change_comment")

    def user_has_permission(self, user, action):
        if action != "view" or not (user.is_authenticated and user.is_active):
            return False
        return any(user.has_perm(f"discussion.{name}") for name in self.moderator_codenames)

    def users_with_any_permission(self, actions):
        if "view" not in actions:
            return self._get_users_with_any_permission_codenames([]).none()
        return self._get_users_with_any_permission_codenames(self.moderator_codenames)


register_permission_policy(EmailDelivery, DeliveryLogPermissionPolicy())


class DeliveryFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=DeliveryStatus.choices, empty_label=_("All")
    )
    kind = django_filters.ChoiceFilter(
        label=_("Kind"), choices=DeliveryKind.choices, empty_label=_("All")
    )

    class Meta:
        model = EmailDelivery
        fields = ["status", "kind"]


class ErrorColumn(Column):
    def get_value(self, instance):
        return Truncator(instance.last_error).chars(120)


class DeliveryLogViewSet(ModelViewSet):
    model = EmailDelivery
    icon = "mail"
    menu_label = _("Email deliveries")
    menu_name = "email-deliveries"
    url_prefix = "email-deliveries"
    url_namespace = "discussion_deliveries"
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    ordering = ["-created_at", "-pk"]
    filterset_class = DeliveryFilterSet
    search_fields = ["recipient", "subject", "last_error"]
    search_backend_name = None
    form_fields = ["subject"]  # never used: there is no add or edit view
    list_display = [
        "subject",
        Column("kind", accessor="get_kind_display", label=_("Kind"), sort_key="kind"),
        Column("recipient", label=_("Recipient"), sort_key="recipient"),
        StatusTagColumn(
            "status",
            accessor="get_status_display",
            label=_("Status"),
            sort_key="status",
            primary=lambda delivery: delivery.status == DeliveryStatus.FAILED,
        ),
        Column("attempts", label=_("Attempts"), sort_key="attempts"),
        ErrorColumn("last_error", label=_("Last error")),
        DateColumn("created_at", label=_("Queued"), sort_key="created_at"),
        DateColumn("last_attempt_at", label=_("Last attempt"), sort_key="last_attempt_at"),
        DateColumn("sent_at", label=_("Sent"), sort_key="sent_at"),
    ]
    inspect_view_fields = [
        "kind",
        "recipient",
        "subject",
        "status",
        "attempts",
        "last_error",
        "comment",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "sent_at",
    ]

    @property
    def menu_hook(self):
        return "register_reports_menu_item"

    def get_urlpatterns(self):
        # A log is only read: no add, edit, copy, delete or history views at all.
        kept = {"index", "index_results", "inspect"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]

    def get_permissions_to_register(self):
        # Nothing of its own to grant: the comment permissions decide.
        return super().get_permissions_to_register().none()


delivery_log_viewset = DeliveryLogViewSet()


@hooks.register("register_admin_viewset")
def register_delivery_log():
    return delivery_log_viewset
