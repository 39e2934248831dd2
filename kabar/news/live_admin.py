"""Live entries in the admin: a listing filtered by article, a short form, and an "Add live
entry" button on a live article's own admin pages that opens the form with it chosen."""

from datetime import timedelta

import django_filters
from django import forms
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, ObjectList, PageChooserPanel
from wagtail.admin.views import generic
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets.button import Button

from kabar.core.ids import parse_id

from .models import ArticlePage, LiveEntry

ARTICLE_PARAMETER = "article"
# A reporter's clock may run a little ahead of the server's.
FUTURE_TOLERANCE = timedelta(minutes=5)


class LiveEntryForm(WagtailAdminModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        posted_at = self.fields.get("posted_at")
        if posted_at is not None and self.instance._state.adding:
            # A new entry's time is the moment it is saved, not the moment the form was
            # opened: a reporter writing for ten minutes would otherwise see their entry
            # land below the ones colleagues posted meanwhile.
            posted_at.required = False
            self.initial.pop("posted_at", None)
            posted_at.initial = None
            posted_at.help_text = _(
                "Leave empty for the moment you save; give a time only to back-date the entry."
            )

    def clean_posted_at(self):
        posted_at = self.cleaned_data.get("posted_at")
        now = timezone.now()
        if posted_at is None:
            return now
        if posted_at > now + FUTURE_TOLERANCE:
            # An entry shows on the live page as soon as it is saved: a time ahead would
            # put it at the top, dated in the future, until then.
            raise forms.ValidationError(
                _("A live entry shows as soon as it is saved: its time cannot be in the future.")
            )
        return posted_at

    def clean_article(self):
        article = self.cleaned_data.get("article")
        if article is not None and not article.live_coverage:
            raise forms.ValidationError(
                _("This article is not a live page: switch on its live coverage first.")
            )
        return article


class LiveEntryFilterSet(WagtailFilterSet):
    # Only live articles to choose from: a select of every article would be enormous.
    article = django_filters.ModelChoiceFilter(
        label=_("article"),
        queryset=ArticlePage.objects.filter(live_coverage=True).order_by("-first_published_at"),
    )

    class Meta:
        model = LiveEntry
        fields = ["article", "pinned"]


class LiveEntryIndexView(generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().select_related("article", "author")


class LiveEntryCreateView(generic.CreateView):
    def get_initial(self):
        initial = super().get_initial()
        article_id = parse_id(self.request.GET.get(ARTICLE_PARAMETER, ""))
        if article_id is not None:
            initial["article"] = article_id
        return initial


class LiveEntryViewSet(ModelViewSet):
    model = LiveEntry
    icon = "time"
    menu_label = _("Live entries")
    menu_order = 250
    add_to_admin_menu = True
    copy_view_enabled = False
    index_view_class = LiveEntryIndexView
    add_view_class = LiveEntryCreateView
    list_display = ["posted_at", "article", "headline", "pinned", "author"]
    filterset_class = LiveEntryFilterSet
    ordering = ["-posted_at", "-pk"]
    edit_handler = ObjectList(
        [
            PageChooserPanel("article", "news.ArticlePage"),
            FieldPanel("posted_at"),
            FieldPanel("headline"),
            FieldPanel("body"),
            FieldPanel("pinned"),
            FieldPanel("author"),
        ],
        base_form_class=LiveEntryForm,
    )


live_entry_viewset = LiveEntryViewSet("live_entries")


def add_entry_url(article):
    return (
        reverse(live_entry_viewset.get_url_name("add"))
        + "?"
        + urlencode({ARTICLE_PARAMETER: article.pk})
    )


def page_header_buttons(page, user, view_name, next_url=None):
    """ "Add live entry" on a live article's edit page and its listing header."""
    if not getattr(page, "live_coverage", False):
        return
    if not live_entry_viewset.permission_policy.user_has_permission(user, "add"):
        return
    yield Button(_("Add live entry"), url=add_entry_url(page), icon_name="time", priority=12)
