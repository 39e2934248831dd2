"""The editors' moderation desk: queues with counts, the listing as one card per comment
(worked from the keyboard by static/discussion/desk.js) with the chosen commenter's or
article's panel above it, the inspect page, and moderation one comment at a time (including
"approve and trust"). Its search and filters, undo, bulk actions, replies and moderation of
all of a commenter's comments have modules of their own."""

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from django.contrib.admin.utils import quote
from django.http import JsonResponse
from django.middleware.csrf import get_token
from django.shortcuts import get_object_or_404
from django.template.defaultfilters import linebreaksbr
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.http import urlencode
from django.utils.timesince import timesince
from django.utils.timezone import localtime
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView, View
from wagtail.admin import messages
from wagtail.admin.ui.tables import BulkActionsCheckboxColumn, Column, Table
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin
from wagtail.admin.widgets import Button, HeaderButton
from wagtail.log_actions import registry as log_registry
from wagtail.permissions import page_permission_policy
from wagtail.snippets.views.snippets import IndexView, InspectView

from ..models import Comment, CommentStatus
from ..policy import is_open_now, rules_for
from ..services import (
    REPLYABLE,
    comment_approve,
    comment_approve_and_trust,
    comment_mark_spam,
    comment_trash,
    moderation_before,
)
from ..targets import as_target
from ..trust import commenter_history
from .answers import BackToDesk, queue_counts, wants_json
from .filters import search_comments
from .reasons import REASON_RULES, reasons_for_display
from .undo import UNDOABLE, offered_undo, remember_for_undo

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
# The listing's filters (CommentFilterSet), kept by the tabs and the cards' links.
FILTER_PARAMS = ("status", "page", "commenter", "reason")
# What a moderator may do to all of one commenter's pending comments at once (commenters.py).
COMMENTER_MODERATIONS = ("approve", "spam")


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
        reasons = reasons_for_display(instance)
        if view:
            # A rule the desk knows links to the other comments it held.
            reasons = [
                replace(r, url=view.desk_url(reason=r.code)) if r.code in REASON_RULES else r
                for r in reasons
            ]
        context.update(
            comment=instance,
            text_id=f"snippet_{quote(instance.pk)}_title",
            reasons=reasons,
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
            commenter_url=view.commenter_url(instance.commenter_id)
            if view and instance.commenter_id
            else None,
            reply_url=view.reply_url(instance) if view else None,
            settings_url=view.page_settings_url(instance.page) if view else None,
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
            # "Approve" on a comment readers reported also keeps it, the reports seen.
            if (comment.status != m.status or (m.name == "approve" and comment.report_count))
            and (m.name != "approve_and_trust" or comment.commenter_id is not None)
        ]

    def moderation_url(self, comment, moderation):
        namespace = self.index_url_name.split(":")[0]
        return reverse(f"{namespace}:{moderation.name}", args=(quote(comment.pk),))


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

    @cached_property
    def desk_filters(self):
        """The filters and search in force, as their query parameters."""
        kept = (*FILTER_PARAMS, self.search_kwarg)
        return {key: value for key, value in self.request.GET.items() if key in kept and value}

    def desk_url(self, **changes):
        """This listing with some filters changed (None drops one), from its first page."""
        params = {**self.desk_filters, **changes}
        query = urlencode({key: value for key, value in params.items() if value})
        return self.index_url + (f"?{query}" if query else "")

    def commenter_url(self, commenter_id):
        """Every comment of this commenter: the filter names them by id, not by address."""
        return f"{self.index_url}?{urlencode({'commenter': commenter_id})}"

    def reply_url(self, comment):
        if comment.status not in REPLYABLE or comment.removed_at is not None:
            return None
        if not self.user_has_permission("change"):
            return None
        url = reverse(f"{self.namespace}:reply", args=(quote(comment.pk),))
        return f"{url}?{urlencode({'next': self.desk_next_url})}"

    def page_settings_url(self, page):
        """The settings tab of the page's editor, where its discussion is opened, held for
        moderation or closed; None if this moderator may not edit the page."""
        if page is None:
            return None
        if page.pk not in self._settings_urls:
            may_edit = page_permission_policy.user_has_permission_for_instance(
                self.request.user, "change", page
            )
            url = reverse("wagtailadmin_pages:edit", args=(page.pk,)) + "#tab-settings"
            self._settings_urls[page.pk] = url if may_edit else None
        return self._settings_urls[page.pk]

    @cached_property
    def _settings_urls(self):
        return {}

    @cached_property
    def namespace(self):
        return self.index_url_name.split(":")[0]

    def chosen(self, name):
        """The value of a valid filter, or None."""
        if self.filters and self.filters.is_valid():
            return self.filters.form.cleaned_data.get(name) or None
        return None

    def commenter_panel(self):
        """Above the chosen commenter's comments: their history, and the moderation of all
        their pending comments at once (each confirmed on its own page first)."""
        commenter = self.chosen("commenter")
        if commenter is None:
            return None
        panel = {"commenter": commenter, "history": commenter_history(commenter)}
        if panel["history"].pending and self.user_has_permission("change"):
            next_url = urlencode({"next": self.desk_next_url})
            for name in COMMENTER_MODERATIONS:
                url = reverse(f"{self.namespace}:commenter_{name}", args=(commenter.pk,))
                panel[f"{name}_url"] = f"{url}?{next_url}"
        return panel

    def article_panel(self):
        """Above the chosen article's comments: how its discussion is set, and where that
        is changed (its own settings tab; the site's discussion settings)."""
        page = self.chosen("page")
        if page is None:
            return None
        panel = {"page": page, "settings_url": self.page_settings_url(page)}
        target = as_target(page)
        if target is not None:
            rules = rules_for(target)
            is_open, why = is_open_now(target, rules)
            panel.update(
                state=target.get_discussion_display(),
                # Held by the section's or the site's rules, not the article's own switch.
                premoderated=rules.premoderate_all and not target.discussion_premoderated,
                close_after_days=rules.close_after_days,
                closed_why="" if is_open else why,
            )
        if self.request.user.has_perm("discussion.change_discussionsettings"):
            panel["site_settings_url"] = reverse(
                "wagtailsettings:edit", args=["discussion", "discussionsettings"]
            )
        return panel

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
        # The tabs keep the other filters and the search; they change only the status.
        kept = {key: value for key, value in self.desk_filters.items() if key != "status"}
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
        context.update(
            queue_tabs=self.get_queue_tabs(),
            commenter_panel=self.commenter_panel(),
            article_panel=self.article_panel(),
            filter_errors=[
                error
                for errors in (self.filters.errors.values() if self.filters else ())
                for error in errors
            ],
            undo_offer=offered_undo(self.request, self.namespace),
        )
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


class CommentModerationView(BackToDesk, PermissionCheckedMixin, View):
    """POST-only: move one comment to a status through its service, then go back."""

    model = Comment
    permission_required = "change"
    http_method_names = ["post"]
    moderation = None

    def post(self, request, pk):
        comment = get_object_or_404(Comment.objects.only("pk", "author_name", "status"), pk=pk)
        previous = comment.status
        undoable = self.moderation.name in UNDOABLE
        before = moderation_before([comment.pk], self.moderation.status) if undoable else None
        changed = self.moderation.service(comment, by=request.user)
        message = self.moderation.done_message % {"name": comment.author_name}
        undo_url = None
        if changed and undoable:
            undo_url = remember_for_undo(
                request,
                {comment.pk: previous},
                self.moderation.status,
                before,
                message=message,
                namespace=self.index_url_name.split(":")[0],
            )
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
        return self.back()
