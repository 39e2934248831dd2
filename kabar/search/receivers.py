"""Wagtail's page events kept in step with the search index (after the change commits).
A deleted article's entry goes with it: the entry's foreign key cascades."""

from django.db.models.signals import post_delete, post_save
from wagtail import signals as wagtail_signals
from wagtail.models import Page, PageViewRestriction

from kabar.news.models import ArticlePage

from .services import search_sync_on_commit


def page_changed(sender, instance, **kwargs):
    # By its class too: a moved page may be sent as a plain Page.
    if isinstance(instance, ArticlePage) or issubclass(sender, ArticlePage):
        search_sync_on_commit(instance.pk)


def restriction_changed(sender, instance, **kwargs):
    # Results are filtered by restrictions when read too; this keeps the index itself public.
    # By id: the restricted page may be on its way out (its delete cascades to the restriction).
    path = Page.objects.filter(pk=instance.page_id).values_list("path", flat=True).first()
    if path is None:
        return
    for page_id in ArticlePage.objects.filter(path__startswith=path).values_list("pk", flat=True):
        search_sync_on_commit(page_id)


def connect():
    uid = "kabar.search"
    wagtail_signals.page_published.connect(page_changed, dispatch_uid=f"{uid}.published")
    wagtail_signals.page_unpublished.connect(page_changed, dispatch_uid=f"{uid}.unpublished")
    wagtail_signals.post_page_move.connect(page_changed, dispatch_uid=f"{uid}.moved")
    post_save.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}.restricted"
    )
    post_delete.connect(
        restriction_changed, sender=PageViewRestriction, dispatch_uid=f"{uid}.unrestricted"
    )
