"""Wagtail formats its help menu's "What's new in Wagtail …" label once per process, in the
language of the first admin request; Kabar's hook keeps it in each editor's language."""

from django.test import RequestFactory
from django.utils import translation
from wagtail.admin.menu import help_menu


def whats_new_label(request):
    items = help_menu.menu_items_for_request(request)
    [item] = [item for item in items if item.name.startswith("whats-new-in-wagtail-")]
    return str(item.label)


def test_the_whats_new_label_follows_each_editors_language(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    help_menu.__dict__.pop("registered_menu_items", None)  # built afresh, as at start-up
    with translation.override("en"):
        assert whats_new_label(request).startswith("What's new in Wagtail")
    with translation.override("id"):
        assert whats_new_label(request).startswith("Yang baru di Wagtail")
    with translation.override("en"):
        assert whats_new_label(request).startswith("What's new in Wagtail")
