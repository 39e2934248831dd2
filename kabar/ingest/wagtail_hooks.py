"""The wire desk in the Wagtail admin: what the wire delivered, newest first, each with a link
to its draft article; and the wire sources, which editors configure there."""

import django_filters
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BooleanColumn, Column, DateColumn
from wagtail.admin.views.generic import CreateView, EditView, IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from .models import WireItem, WireSource
from .tasks import wire_schedule_start


class WireItemPermissionPolicy(ModelPermissionPolicy):
    """Items arrive from the wire only: the desk reads them (model permission "view")."""

    def user_has_permission(self, user, action):
        return action == "view" and super().user_has_permission(user, action)

    def users_with_any_permission(self, actions):
        return super().users_with_any_permission(set(actions) & {"view"})


register_permission_policy(WireItem, WireItemPermissionPolicy(WireItem))


class WireItemFilterSet(WagtailFilterSet):
    source = django_filters.ModelChoiceFilter(
        label=_("Source"), queryset=WireSource.objects.all(), empty_label=_("All")
    )

    class Meta:
        model = WireItem
        fields = ["source"]


class DraftColumn(Column):
    """A link that opens the item's draft article in the page editor."""

    def get_value(self, instance):
        if instance.article_id is None:
            return "\u2014"
        url = reverse("wagtailadmin_pages:edit", args=[instance.article_id])
        return format_html('<a class="button button-small" href="{}">{}</a>', url, _("Open draft"))


class WireItemIndexView(IndexView):
    def get_base_queryset(self):
        # The full text stays out of the listing; the source is read with each row.
        return super().get_base_queryset().select_related("source").defer("body_html", "summary")


class WireItemViewSet(ModelViewSet):
    model = WireItem
    icon = "doc-full"
    # Translators: the wire desk's list of stories received from news agencies.
    menu_label = _("Wire stories")
    menu_name = "wire-stories"
    url_prefix = "wire/stories"
    url_namespace = "ingest_wire_items"
    index_view_class = WireItemIndexView
    inspect_view_enabled = True
    copy_view_enabled = False
    add_to_reference_index = False
    list_per_page = 50
    ordering = ["-received_at", "-pk"]
    filterset_class = WireItemFilterSet
    search_fields = ["headline", "dateline", "guid"]
    search_backend_name = None
    form_fields = ["headline"]  # never used: there is no add or edit view
    list_display = [
        DateColumn("received_at", label=_("Received"), sort_key="received_at"),
        Column("source", label=_("Source"), sort_key="source__name"),
        Column("urgency", label=_("Urgency"), sort_key="urgency"),
        Column("headline", label=_("Headline"), sort_key="headline"),
        Column("dateline", label=_("Dateline"), sort_key="dateline"),
        DraftColumn("article", label=_("Draft")),
    ]
    inspect_view_fields = [
        "source",
        "headline",
        "dateline",
        "urgency",
        "language",
        "sent_at",
        "received_at",
        "link",
        "guid",
        "summary",
        "article",
    ]

    def get_urlpatterns(self):
        kept = {"index", "index_results", "inspect"}
        return [pattern for pattern in super().get_urlpatterns() if pattern.name in kept]

    def get_permissions_to_register(self):
        return super().get_permissions_to_register().filter(codename="view_wireitem")


class ScheduleOnSave:
    """Saving a source (re)starts the wire schedule, so that it is checked without cron."""

    def save_instance(self):
        instance = super().save_instance()
        wire_schedule_start()
        return instance


class WireSourceCreateView(ScheduleOnSave, CreateView):
    pass


class WireSourceEditView(ScheduleOnSave, EditView):
    pass


class ErrorColumn(Column):
    def get_value(self, instance):
        return Truncator(instance.last_error).chars(120)


class WireSourceIndexView(IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("section")


class WireSourceViewSet(ModelViewSet):
    model = WireSource
    icon = "globe"
    menu_label = _("Wire sources")
    menu_name = "wire-sources"
    url_prefix = "wire/sources"
    url_namespace = "ingest_wire_sources"
    index_view_class = WireSourceIndexView
    add_view_class = WireSourceCreateView
    edit_view_class = WireSourceEditView
    copy_view_enabled = False
    add_to_reference_index = False
    ordering = ["name"]
    form_fields = [
        "name",
        "credit",
        "location",
        "section",
        "language",
        "active",
        "interval_minutes",
    ]
    list_display = [
        "name",
        Column("credit", label=_("Credit"), sort_key="credit"),
        Column("section", label=_("Section")),
        BooleanColumn("active", label=_("Active"), sort_key="active"),
        Column("interval_minutes", label=_("Every (minutes)"), sort_key="interval_minutes"),
        DateColumn("last_checked_at", label=_("Last checked"), sort_key="last_checked_at"),
        ErrorColumn("last_error", label=_("Last error")),
    ]


class WireDeskGroup(ViewSetGroup):
    # Translators: the admin menu for stories from news agencies ("the wire").
    menu_label = _("Wire desk")
    menu_icon = "doc-full-inverse"
    menu_order = 260
    items = (WireItemViewSet, WireSourceViewSet)


@hooks.register("register_admin_viewset")
def register_wire_desk():
    return WireDeskGroup()


# The imports' admin pages register their own hooks.
from . import admin_hooks_comments, admin_hooks_wordpress  # noqa: E402, F401
