"""Wagtail loads each app's wagtail_hooks: core's adjust what Wagtail's admin answers to bad
input (admin_corrections.py)."""

from wagtail import hooks

from .admin_corrections import admin_api_listed

# After Wagtail's images and documents register their endpoints (order 0).
hooks.register("construct_admin_api", admin_api_listed, order=10)
