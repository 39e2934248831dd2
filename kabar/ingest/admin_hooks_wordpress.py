"""The WordPress import in the Wagtail admin: its URLs, its Settings menu item, its permission."""

from django.contrib.auth.models import Permission
from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from . import admin_views

urlpatterns = [
    path("", admin_views.ImportRunIndexView.as_view(), name="index"),
    path("add/", admin_views.ImportRunCreateView.as_view(), name="add"),
    path("<int:pk>/", admin_views.ImportRunDetailView.as_view(), name="detail"),
    path("<int:pk>/again/", admin_views.ImportRunAgainView.as_view(), name="again"),
    path("<int:pk>/delete/", admin_views.ImportRunDeleteView.as_view(), name="delete"),
]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return admin_views.can_import(request.user)


@hooks.register("register_admin_urls")
def register_wordpress_import_urls():
    return [
        path(
            "import/wordpress/",
            include((urlpatterns, "ingest_wordpress"), namespace="ingest_wordpress"),
        )
    ]


@hooks.register("register_settings_menu_item")
def register_wordpress_import_menu_item():
    return ImportMenuItem(
        # Translators: the Settings menu item that moves a WordPress site into Kabar.
        _("WordPress import"),
        reverse("ingest_wordpress:index"),
        name="wordpress-import",
        icon_name="download",
        order=900,
    )


@hooks.register("register_permissions")
def register_wordpress_import_permission():
    return Permission.objects.filter(content_type__app_label="ingest", codename="add_importrun")
