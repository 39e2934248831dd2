"""The registered sites in the admin menu: a flat list of them, each opening in the page
editor (origins, moderation), with a button to register another at the top of the tree."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet
from wagtail.permission_policies.pages import PagePermissionPolicy

from ..models import ExternalSite


class RegisteredSitesMenuItem(MenuItem):
    """Shown to those the listing lets in (its view asks for one of these page
    permissions anywhere): a moderator with comment permissions only found "permission
    denied" behind it."""

    def is_shown(self, request):
        return PagePermissionPolicy().user_has_any_permission(
            request.user, PageListingViewSet.index_view_class.any_permission_required
        )


class RegisteredSiteListingViewSet(PageListingViewSet):
    model = ExternalSite
    icon = "site"
    menu_label = _("Registered sites")
    name = "registered_sites"
    menu_order = 255
    add_to_admin_menu = True
    columns = [
        *PageListingViewSet.columns,
        Column("origin", label=_("origin"), sort_key="origin"),
        Column("discussion", label=_("discussion"), accessor="get_discussion_display"),
    ]

    menu_item_class = RegisteredSitesMenuItem


@hooks.register("register_admin_viewset")
def register_site_listing():
    return RegisteredSiteListingViewSet()
