"""The comment import in the Wagtail admin (Disqus, Isso, Remark42): its URLs and its
Settings menu item, beside the WordPress import and behind the same permission."""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks

from . import admin_views
from .admin_hooks_wordpress import ImportMenuItem

urlpatterns = [
    path("", admin_views.CommentRunIndexView.as_view(), name="index"),
    path("add/", admin_views.CommentRunCreateView.as_view(), name="add"),
    path("<int:pk>/", admin_views.CommentRunDetailView.as_view(), name="detail"),
    path("<int:pk>/again/", admin_views.CommentRunAgainView.as_view(), name="again"),
    path("<int:pk>/delete/", admin_views.CommentRunDeleteView.as_view(), name="delete"),
]


@hooks.register("register_admin_urls")
def register_comment_import_urls():
    return [
        path(
            "import/comments/",
            include((urlpatterns, "ingest_comments"), namespace="ingest_comments"),
        )
    ]


@hooks.register("register_settings_menu_item")
def register_comment_import_menu_item():
    return ImportMenuItem(
        # Translators: the Settings menu item that brings comments in from Disqus, Isso or
        # Remark42.
        _("Comment import"),
        reverse("ingest_comments:index"),
        name="comment-import",
        icon_name="download",
        order=901,
    )
