"""Wagtail loads each app's wagtail_hooks: core's adjust what Wagtail's admin answers to bad
input (admin_corrections.py) and let its slug input keep every script's marks (slugs.py)."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from .admin_corrections import admin_api_listed

# After Wagtail's images and documents register their endpoints (order 0).
hooks.register("construct_admin_api", admin_api_listed, order=10)


@hooks.register("insert_global_admin_js")
def slug_input_keeps_marks():
    return format_html('<script src="{}"></script>', static("core/slugs.js"))
