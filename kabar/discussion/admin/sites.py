"""The registered sites in the admin menu: a flat list of them, each opening in the page
editor (origins, moderation), with a button to register another at the top of the tree."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.pages import PageListingViewSet

from ..models import ExternalSite


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


@hooks.register("register_admin_viewset")
def register_site_listing():
    return RegisteredSiteListingViewSet()
