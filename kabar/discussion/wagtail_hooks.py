"""Wagtail loads each app's wagtail_hooks: the moderators' desk registers its hooks there."""

from .admin import deleting, deliveries, desk, exports, sites  # noqa: F401
