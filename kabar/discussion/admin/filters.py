"""Finding comments on the desk: search by text, name, email or IP address, and the
filters (status, article, commenter, reason) each card's links also lead to."""

import ipaddress
import json

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q, TextField
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.models import Page

from kabar.core.hashing import keyed_hash
from kabar.core.ids import parse_id

from ..models import Comment, Commenter, CommentStatus, Report
from .reasons import REASON_RULES

SEARCH_FIELDS = ["body", "author_name", "author_email"]
# The reason that lists the comments readers reported.
READER_REPORTS = "reports"


def _as_ip(query):
    try:
        return str(ipaddress.ip_address(query.strip()))
    except ValueError:
        return None


def search_comments(queryset, query):
    """Text, name or email containing `query`; or, when it is an IP address, the comments
    sent from it — by the address while it is kept, by its keyed hash after."""
    query = query.strip()
    if not query:
        return queryset
    matches = Q()
    for field in SEARCH_FIELDS:
        matches |= Q(**{f"{field}__icontains": query})
    if address := _as_ip(query):
        matches |= Q(ip_address=address) | Q(ip_hash=keyed_hash(address, "ip"))
    return queryset.filter(matches)


def pages_with_comments(request):
    return Page.objects.filter(pk__in=Comment.objects.values("page_id")).order_by("title")


class CommenterWidget(forms.HiddenInput):
    """The commenter chosen from a card (their name links to their comments): no list of
    every address to pick from, a line saying how to choose one instead."""

    template_name = "discussion/admin/commenter_filter_widget.html"

    @property
    def is_hidden(self):
        # Rendered as a field with its label, like the others in the filter menu.
        return False


class CommenterChoiceField(forms.ModelChoiceField):
    """A commenter by their id, shown by the name they last used: the address stays off
    the filter's label (and the id, not the address, goes in the URL)."""

    widget = CommenterWidget
    default_error_messages = {
        "invalid_choice": _("No commenter has this number: choose one by their name on a card.")
    }

    def to_python(self, value):
        if value not in self.empty_values and parse_id(str(value)) is None:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice"
            )
        return super().to_python(value)

    def label_from_instance(self, obj):
        return obj.name or _("Commenter %(number)s") % {"number": obj.pk}


class CommenterFilter(django_filters.ModelChoiceFilter):
    field_class = CommenterChoiceField


def reasons_recorded(queryset, name, rule):
    """Comments whose recorded reasons name `rule`: a match on the JSON's text, which
    SQLite and PostgreSQL both spell `"rule": "<name>"`, so one query serves both."""
    if not rule:
        return queryset
    named = Q(reasons_text__contains=json.dumps({"rule": rule})[1:-1])
    if rule == READER_REPORTS:
        # Every reader's report waits for a moderator here, also one that held nothing (a
        # reader with no history reports without hiding the comment): a comment reported
        # since a moderator last decided on it.
        named |= Q(report_count__gt=0, moderated_at__isnull=True) | Exists(
            Report.objects.filter(comment=OuterRef("pk"), created_at__gt=OuterRef("moderated_at"))
        )
    return queryset.alias(reasons_text=Cast("reasons", TextField())).filter(named)


class CommentFilterSet(WagtailFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("Status"),
        choices=CommentStatus.choices,
        empty_label=_("All"),
        widget=forms.RadioSelect,
    )
    page = django_filters.ModelChoiceFilter(
        label=_("Article"),
        field_name="page",
        queryset=pages_with_comments,
        empty_label=_("All"),
    )
    commenter = CommenterFilter(
        label=_("Commenter"),
        field_name="commenter",
        # The whole row: the commenter's panel shows their confirmation and trust too.
        queryset=Commenter.objects.all(),
    )
    reason = django_filters.ChoiceFilter(
        label=_("Reason"),
        choices=list(REASON_RULES.items()),
        empty_label=_("All"),
        method=reasons_recorded,
    )

    class Meta:
        model = Comment
        fields = ["status", "page", "commenter", "reason"]
