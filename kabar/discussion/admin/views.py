"""The editors' moderation desk: queues with counts, the listing as one card per comment
(worked from the keyboard by static/discussion/desk.js), inspect page, per-comment and bulk
moderation (including "approve and trust"), undo of the last one, search by text, name,
email and IP."""

import ipaddress
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import django_filters
from django import forms
from django.contrib.admin.utils import quote
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Q, QuerySet
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404, redirect
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.generic import RedirectView, View
from wagtail.admin import messages
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, Table
from wagtail.admin.utils import get_valid_next_url_from_request
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.log_actions import registry as log_registry
from wagtail.models import Page
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction
from wagtail.snippets.views.snippets import IndexView, InspectView

from kabar.core.hashing import keyed_hash
from kabar.core.ids import parse_id

from ..models import Comment, CommentStatus
from ..services import (
    comment_approve,
    comment_approve_and_trust,
    comment_mark_spam,
    comment_trash,
    comments_approve_and_trust,
    comments_set_status,
)

# A card shows the whole of a typical comment; a very long one is cut, its inspect page has it.
CARD_TEXT_LENGTH = 600
PARENT_EXCERPT_LENGTH = 300
# How long after a single moderation its undo is still accepted (the desk offers ~5 s).
UNDO_SECONDS = 60
UNDO_SESSION_KEY = "kabar_desk_last_moderation"
# The moderations a moderator can take back: a status change and nothing else.
UNDOABLE = ("approve", "spam", "trash")
SEARCH_FIELDS = ["body", "author_name", "author_email"]
# The statuses a moderator still has to look at: listed first, and highlighted.
HELD = (CommentStatus.PENDING, CommentStatus.REPORTED)
# The queues above the listing, in the order a moderator works through them.
QUEUES = (
    CommentStatus.PENDING,
    CommentStatus.REPORTED,
    CommentStatus.SPAM,
    CommentStatus.APPROVED,
    CommentStatus.TRASH,
)
AUDIT_ENTRIES_SHOWN = 10


@dataclass(frozen=True)
class Moderation:
    """One thing a moderator can do to a comment: its URL name, target status and service."""

    name: str
    status: str
    label: str
    icon: str
    service: Callable
    done_message: str


MODERATIONS = (
    Moderation(
        "approve",
        CommentStatus.APPROVED,
        _("Approve"),
        "check",
        comment_approve,
        _("Comment by %(name)s approved."),
    ),
    Moderation(
        "approve_and_trust",
        CommentStatus.APPROVED,
        _("Approve and trust"),
        "success",
        comment_approve_and_trust,
        _("Comment by %(name)s approved; their later comments will be published at once."),
    ),
    Moderation(
        "spam",
        CommentStatus.SPAM,
        _("Mark as spam"),
        "warning",
        comment_mark_spam,
        _("Comment by %(name)s marked as spam."),
    ),
    Moderation(
        "trash",
        CommentStatus.TRASH,
        _("Move to trash"),
        "bin",
        comment_trash,
        _("Comment by %(name)s moved to trash."),
    ),
)


# Reasons, as the automated checks record them, in words a moderator reads.

REASON_RULES = {
    "staff": _("Written by a staff member"),
    "trusted_commenter": _("Trusted commenter"),
    "known_commenter": _("Known commenter"),
    "first_comment": _("First comment"),
    "verified_new": _("Confirmed address, not yet trusted"),
    "unverified_known": _("Known name and email, address not confirmed"),
    "trust_revoked": _("Trust revoked"),
    "unproven_browser": _("Trusted address, from a browser it was not confirmed in"),
    "premoderation": _("Every comment held here"),
    "honeypot": _("Hidden field filled in"),
    "too_fast": _("Sent too fast"),
    "form_expired": _("Form too old"),
    "token": _("Form token"),
    "flood": _("Too many comments in a short time"),
    "email_flood": _("Too many comments under one mailbox, from several networks"),
    "duplicate": _("Duplicate comment"),
    "links": _("Links"),
    "moderation_words": _("Moderation words"),
    "disallowed_words": _("Disallowed words"),
    "learned_score": _("Learned spam score"),
    "spam_pitch": _("Spam pitch"),
    "disguised": _("Words disguised from filters"),
    "spam_fields": _("Advertising in name, email or website"),
    "contact": _("Phone or messenger contact"),
    "burst_guard": _("Burst guard"),
    "reports": _("Reader reports"),
}
REASON_EFFECTS = {
    "approve": _("approve"),
    "hold": _("hold"),
    "spam": _("spam"),
    "trash": _("trash"),
    "score": _("score only"),
}


@dataclass(frozen=True)
class ReasonDisplay:
    rule: str
    effect: str
    effect_code: str
    detail: str


def reasons_for_display(comment):
    """Comment.reasons as labelled rows; unknown rules keep their own name, and a
    malformed entry is shown as best it can be rather than breaking the page."""
    rows = []
    for entry in comment.reasons or []:
        if not isinstance(entry, dict):
            entry = {"rule": str(entry)}
        rule = str(entry.get("rule", "") or "")
        effect = str(entry.get("effect", "") or "")
        rows.append(
            ReasonDisplay(
                rule=REASON_RULES.get(rule, rule.replace("_", " ").capitalize()),
                effect=REASON_EFFECTS.get(effect, effect),
                effect_code=effect,
                detail=str(entry.get("detail", "") or ""),
            )
        )
    return rows


# Search.


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

    class Meta:
        model = Comment
        fields = ["status", "page"]


# Listing columns.


class ReasonsColumn(Column):
    """Why the checks decided as they did, and the learned score, on the row itself."""

    cell_template_name = "discussion/admin/reasons_cell.html"

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        context["reasons"] = reasons_for_display(instance)
        context["spam_score"] = instance.spam_score
        context["report_count"] = instance.report_count
        return context


class CommentCardColumn(Column):
    """The whole comment as one card: its text at full width (the comment it answers
    folded above it), one compact line of context, then the moderation buttons as
    plain forms, which work without JavaScript and which desk.js takes over."""

    cell_template_name = "discussion/admin/card_cell.html"

    def __init__(self, *args, view=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.view = view

    def get_cell_context_data(self, instance, parent_context):
        context = super().get_cell_context_data(instance, parent_context)
        view = self.view
        request = parent_context.get("request")
        if request is not None:
            # The cell is rendered on its own: its forms need the token in their context.
            context["csrf_token"] = get_token(request)
        moderations = view.moderations_for(instance) if view else []
        context.update(
            comment=instance,
            text_id=f"snippet_{quote(instance.pk)}_title",
            reasons=reasons_for_display(instance),
            spam_score=instance.spam_score,
            report_count=instance.report_count,
            commenter=instance.commenter,
            parent=instance.parent,
            age=timesince(instance.created_at),
            is_held=instance.status in HELD,
            page_url=instance.page.get_url(request) if instance.page_id else None,
            inspect_url=reverse(
                f"{view.index_url_name.split(':')[0]}:inspect", args=(quote(instance.pk),)
            )
            if view
            else None,
            next_url=view.desk_next_url if view else "",
            # On a status tab every card has that status: the tag would only repeat it.
            show_status=not (view and view.current_queue),
            actions=[
                {
                    "name": m.name,
                    "label": m.label,
                    "short_label": CARD_LABELS.get(m.name, m.label),
                    "url": view.moderation_url(instance, m),
                    "key": DESK_KEYS.get(m.name, ""),
                }
                for m in moderations
            ],
        )
        return context


# The short words on a card's buttons; the full label stays their accessible name (and
# contains the short word, as WCAG's "label in name" asks).
CARD_LABELS = {
    # Translators: a button on a comment in the moderation queue; "Mark as spam".
    "spam": _("Spam"),
    # Translators: a button on a comment in the moderation queue; "Move to trash".
    "trash": _("Trash"),
}

# The key desk.js binds to each moderation, shown on its button.
DESK_KEYS = {"approve": "a", "spam": "s", "trash": "t"}


class CommentDeskTable(Table):
    """The listing as a column of cards: each row is focusable by desk.js and says which
    comment it holds."""

    def get_row_attrs(self, instance):
        attrs = super().get_row_attrs(instance)
        attrs["data-desk-card"] = ""
        attrs["data-comment-id"] = str(instance.pk)
        attrs["data-status"] = instance.status
        return attrs


def post_action_attrs(url, aria_label=None):
    """Attributes that make a button POST to `url` with the CSRF token and come back here,
    through Wagtail's own `w-action` controller."""
    attrs = {
        "data-controller": "w-action",
        "data-action": "w-action#post",
        "data-w-action-url-value": url,
    }
    if aria_label:
        attrs["aria-label"] = aria_label
    return attrs


class ModerationButtonsMixin:
    """The moderation buttons a comment offers, for the statuses it is not in."""

    def moderations_for(self, comment):
        if not self.user_has_permission("change"):
            return []
        return [
            m
            for m in MODERATIONS
            if comment.status != m.status
            and (m.name != "approve_and_trust" or comment.commenter_id is not None)
        ]

    def moderation_url(self, comment, moderation):
        namespace = self.index_url_name.split(":")[0]
        return reverse(f"{namespace}:{moderation.name}", args=(quote(comment.pk),))


def queue_counts():
    """{status: number of comments} for the queue tabs, in one query."""
    return Comment.objects.aggregate(
        **{status: Count("pk", filter=Q(status=status)) for status in CommentStatus.values}
    )


class CommentIndexView(ModerationButtonsMixin, IndexView):
    table_class = CommentDeskTable
    table_classname = "listing comment-desk"

    @cached_property
    def columns(self):
        # Two columns, not nine: the bulk checkbox and the card. The card's own line of
        # context replaces the name, email, IP, article, status, reasons and date columns.
        return [
            BulkActionsCheckboxColumn("bulk_actions", obj_type="snippet"),
            CommentCardColumn("body", label=_("Comment"), view=self),
        ]

    @cached_property
    def desk_next_url(self):
        """Where a card's form comes back to: this listing, as filtered and paged."""
        query = self.request.GET.urlencode()
        return self.index_url + (f"?{query}" if query else "")

    def get_edit_url(self, instance):
        # Comments are moderated, not edited: a row's link opens the inspect page.
        return None

    def search_queryset(self, queryset):
        if not self.is_searching:
            return queryset
        return search_comments(queryset, self.search_query)

    @cached_property
    def current_queue(self):
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get("status") or ""
        return ""

    def get_queue_tabs(self):
        counts = queue_counts()
        # The tabs keep the article filter and the search; they change only the status.
        kept = {
            key: value
            for key, value in self.request.GET.items()
            if key in ("page", self.search_kwarg) and value
        }
        tabs = [
            {
                "status": "",
                "label": _("All"),
                "count": sum(counts.values()),
                "url": self.index_url + (f"?{urlencode(kept)}" if kept else ""),
                "current": self.current_queue == "",
            }
        ]
        for status in QUEUES:
            tabs.append(
                {
                    "status": status,
                    "label": CommentStatus(status).label,
                    "count": counts[status],
                    "url": f"{self.index_url}?{urlencode({**kept, 'status': status})}",
                    "current": self.current_queue == status,
                    "held": status in HELD,
                }
            )
        return tabs

    def get_context_data(self, *args, **kwargs):
        context = super().get_context_data(*args, **kwargs)
        context["queue_tabs"] = self.get_queue_tabs()
        return context


class CommentInspectView(ModerationButtonsMixin, InspectView):
    template_name = "discussion/admin/inspect.html"
    history_url_name = None

    def get_object(self, queryset=None):
        return get_object_or_404(
            Comment.objects.select_related("page", "commenter", "user", "moderated_by"),
            pk=self.pk,
        )

    def get_edit_url(self):
        return None

    def get_header_buttons(self):
        buttons = [
            HeaderButton(
                moderation.label,
                icon_name=moderation.icon,
                attrs=post_action_attrs(self.moderation_url(self.object, moderation)),
                priority=index,
            )
            for index, moderation in enumerate(self.moderations_for(self.object))
        ]
        return buttons + super().get_header_buttons()

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        if self.history_url_name and self.user_has_permission("change"):
            buttons.append(
                Button(
                    _("History"),
                    url=reverse(self.history_url_name, args=(quote(self.object.pk),)),
                    icon_name="history",
                    priority=50,
                )
            )
        return buttons

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if value is None or value == "":
            return "\u2014"
        if isinstance(value, datetime):
            # The template's `localize` filter would show UTC; the desk reads local time.
            return localtime(value)
        return value

    def get_body_display_value(self):
        return linebreaksbr(self.object.body, autoescape=True)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        comment = self.object
        context.update(
            reasons=reasons_for_display(comment),
            spam_score=comment.spam_score,
            is_held=comment.status in HELD,
            commenter=comment.commenter,
            reports=list(comment.reports.order_by("-created_at")[:50]),
            audit_entries=list(
                log_registry.get_logs_for_instance(comment)
                .select_related("user")
                .order_by("-timestamp", "-pk")[:AUDIT_ENTRIES_SHOWN]
            ),
            history_url=reverse(self.history_url_name, args=(quote(comment.pk),))
            if self.history_url_name and self.user_has_permission("change")
            else None,
        )
        return context


class CommentEditRedirectView(RedirectView):
    """Wagtail links to an object's edit URL in places; a comment's shows it instead."""

    inspect_url_name = None

    def get_redirect_url(self, *args, **kwargs):
        return reverse(self.inspect_url_name, args=(quote(kwargs["pk"]),))


class CommentModerationView(PermissionCheckedMixin, View):
    """POST-only: move one comment to a status through its service, then go back."""

    model = Comment
    permission_required = "change"
    http_method_names = ["post"]
    index_url_name = None
    moderation = None

    def post(self, request, pk):
        comment = get_object_or_404(Comment.objects.only("pk", "author_name", "status"), pk=pk)
        previous = comment.status
        changed = self.moderation.service(comment, by=request.user)
        message = self.moderation.done_message % {"name": comment.author_name}
        undo_url = None
        if changed and self.moderation.name in UNDOABLE:
            request.session[UNDO_SESSION_KEY] = {
                "pk": comment.pk,
                "previous": previous,
                "status": str(self.moderation.status),
                "at": time.time(),
            }
            namespace = self.index_url_name.split(":")[0]
            undo_url = reverse(f"{namespace}:undo", args=(quote(comment.pk),))
        if wants_json(request):
            return JsonResponse(
                {
                    "message": str(message),
                    "status": str(self.moderation.status),
                    "previous": previous,
                    "undo_url": undo_url,
                    "counts": queue_counts(),
                }
            )
        messages.success(request, message)
        return redirect(get_valid_next_url_from_request(request) or reverse(self.index_url_name))


def wants_json(request):
    """desk.js asks for JSON; a plain form post (no JavaScript) gets a redirect."""
    return "application/json" in request.headers.get("Accept", "")


class CommentUndoView(PermissionCheckedMixin, View):
    """POST-only: take back this moderator's last single moderation (approve, spam or
    trash) of this comment, within UNDO_SECONDS, if nobody has moved it since: the
    comment goes back to the status it had, through the same service."""

    model = Comment
    permission_required = "change"
    http_method_names = ["post"]
    index_url_name = None

    def refuse(self, request, message):
        if wants_json(request):
            return JsonResponse({"error": str(message), "counts": queue_counts()}, status=409)
        messages.error(request, message)
        return redirect(get_valid_next_url_from_request(request) or reverse(self.index_url_name))

    def post(self, request, pk):
        comment = get_object_or_404(Comment.objects.only("pk", "author_name", "status"), pk=pk)
        last = request.session.get(UNDO_SESSION_KEY)
        if not isinstance(last, dict) or last.get("pk") != comment.pk:
            return self.refuse(
                request, _("Only your last moderation can be undone, and this was not it.")
            )
        previous, at = last.get("previous"), last.get("at")
        if (
            previous not in CommentStatus.values
            or not isinstance(at, (int, float))
            or time.time() - at > UNDO_SECONDS
        ):
            del request.session[UNDO_SESSION_KEY]
            return self.refuse(request, _("Too late to undo: moderate the comment again."))
        if comment.status != last.get("status"):
            del request.session[UNDO_SESSION_KEY]
            return self.refuse(
                request, _("The comment was moderated again since: nothing was undone.")
            )
        comments_set_status([comment.pk], previous, by=request.user)
        del request.session[UNDO_SESSION_KEY]
        message = _("Undone: the comment by %(name)s is %(status)s again.") % {
            "name": comment.author_name,
            "status": CommentStatus(previous).label,
        }
        if wants_json(request):
            return JsonResponse(
                {"message": str(message), "status": previous, "counts": queue_counts()}
            )
        messages.success(request, message)
        return redirect(get_valid_next_url_from_request(request) or reverse(self.index_url_name))


class CommentModerationBulkAction(SnippetBulkAction):
    """Confirm, then move the selected comments to `status` in one service call."""

    models = [Comment]
    template_name = "discussion/admin/confirm_bulk_moderation.html"
    status = None
    confirm_question = None
    confirm_button_label = None
    success_message = None

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "change"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def check_perm(self, comment):
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", comment
        )

    @classmethod
    def get_queryset(cls, model, object_ids):
        # The ?id= values come as typed: only ids in range reach the query (404 if none).
        if not isinstance(object_ids, QuerySet):
            object_ids = [pk for pk in map(parse_id, object_ids) if pk is not None]
        return super().get_queryset(model, object_ids)

    def get_all_objects_in_listing_query(self, parent_id):
        """Selecting all in the listing means the listing as filtered and searched, so
        approving every pending comment never approves the spam as well."""
        filters = CommentFilterSet(self.request.GET, queryset=Comment.objects.all())
        if not filters.is_valid():
            return Comment.objects.none().values_list("pk", flat=True)
        comments = search_comments(filters.qs, self.request.GET.get("q", ""))
        return comments.values_list("pk", flat=True)

    def get_execution_context(self):
        return {**super().get_execution_context(), "user": self.request.user}

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        changed = comments_set_status([comment.pk for comment in objects], cls.status, by=user)
        return changed, 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return self.success_message % {"count": num_parent_objects}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            action_title=self.display_name,
            confirm_question=self.confirm_question % {"count": len(context["items"])},
            confirm_button_label=self.confirm_button_label,
        )
        return context


class ApproveBulkAction(CommentModerationBulkAction):
    status = CommentStatus.APPROVED
    action_type = "approve"
    display_name = _("Approve")
    aria_label = _("Approve selected comments")
    action_priority = 10
    classes = {"positive"}
    confirm_question = ngettext_lazy(
        "Approve this comment?", "Approve these %(count)d comments?", "count"
    )
    confirm_button_label = _("Yes, approve")
    success_message = ngettext_lazy(
        "%(count)d comment approved.", "%(count)d comments approved.", "count"
    )


class ApproveAndTrustBulkAction(CommentModerationBulkAction):
    status = CommentStatus.APPROVED
    action_type = "approve_and_trust"
    display_name = _("Approve and trust")
    aria_label = _("Approve selected comments and trust their authors")
    action_priority = 15
    confirm_question = ngettext_lazy(
        "Approve this comment and trust its author? Their later comments will be published "
        "at once.",
        "Approve these %(count)d comments and trust their authors? Their later comments will "
        "be published at once.",
        "count",
    )
    confirm_button_label = _("Yes, approve and trust")
    success_message = ngettext_lazy(
        "%(count)d comment approved and its author trusted.",
        "%(count)d comments approved and their authors trusted.",
        "count",
    )

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        return comments_approve_and_trust([comment.pk for comment in objects], by=user), 0


class SpamBulkAction(CommentModerationBulkAction):
    status = CommentStatus.SPAM
    action_type = "spam"
    display_name = _("Mark as spam")
    aria_label = _("Mark selected comments as spam")
    action_priority = 20
    confirm_question = ngettext_lazy(
        "Mark this comment as spam?", "Mark these %(count)d comments as spam?", "count"
    )
    confirm_button_label = _("Yes, mark as spam")
    success_message = ngettext_lazy(
        "%(count)d comment marked as spam.", "%(count)d comments marked as spam.", "count"
    )


class TrashBulkAction(CommentModerationBulkAction):
    status = CommentStatus.TRASH
    action_type = "trash"
    display_name = _("Move to trash")
    aria_label = _("Move selected comments to trash")
    action_priority = 25
    classes = {"serious"}
    confirm_question = ngettext_lazy(
        "Move this comment to trash?", "Move these %(count)d comments to trash?", "count"
    )
    confirm_button_label = _("Yes, move to trash")
    success_message = ngettext_lazy(
        "%(count)d comment moved to trash.", "%(count)d comments moved to trash.", "count"
    )
