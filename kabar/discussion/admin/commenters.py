"""All of one commenter's pending comments approved, or marked as spam, at once: confirmed
on a page that lists them, done through the service a single moderation uses (so the spam
filter learns, the counters follow, the articles are purged), and undone as one."""

from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from kabar.core.ids import parse_id

from ..models import Comment, Commenter, CommentStatus
from ..services import comments_set_status, moderation_before
from .answers import BackToDesk
from .undo import remember_for_undo

# The most comments the confirmation lists; the rest are counted.
SHOWN = 50


class CommenterModerationView(BackToDesk, PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    """GET: the commenter's pending comments and a question; POST: those the moderator saw
    (up to the newest listed: a comment sent since waits in the queue) moved to `status`."""

    model = Comment
    permission_required = "change"
    http_method_names = ["get", "post"]
    breadcrumbs_items = []
    template_name = "discussion/admin/confirm_commenter_moderation.html"
    header_icon = "comment"
    status = None
    page_title = None
    confirm_label = None

    @cached_property
    def commenter(self):
        return get_object_or_404(Commenter.objects.only("pk", "name"), pk=self.kwargs["pk"])

    def pending(self):
        return Comment.objects.filter(commenter=self.commenter, status=CommentStatus.PENDING)

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Comments")},
            {"url": "", "label": self.page_title},
        ]

    def get(self, request, pk):
        comments = list(self.pending().select_related("page").order_by("-pk")[:SHOWN])
        count = self.pending().count() if len(comments) == SHOWN else len(comments)
        name = self.commenter.name or str(self.commenter.pk)
        context = self.get_context_data(
            commenter=self.commenter,
            comments=comments,
            count=count,
            more=count - len(comments),
            up_to=comments[0].pk if comments else None,
            question=self.question(count) % {"count": count, "name": name},
            confirm_label=self.confirm_label,
            next_url=self.next_url(),
        )
        return TemplateResponse(request, self.template_name, context)

    def post(self, request, pk):
        up_to = parse_id(request.POST.get("up_to", ""))
        if up_to is None:
            messages.error(request, _("Nothing was moderated: confirm on the list again."))
            return redirect(request.get_full_path())
        ids = list(self.pending().filter(pk__lte=up_to).values_list("pk", flat=True))
        name = self.commenter.name or str(self.commenter.pk)
        if not ids:
            messages.warning(
                request,
                _("No pending comment from %(name)s was left to moderate.") % {"name": name},
            )
            return self.back()
        before = moderation_before(ids, self.status)
        changed = comments_set_status(ids, self.status, by=request.user)
        message = self.done(changed) % {"count": changed, "name": name}
        if changed:
            remember_for_undo(
                request,
                dict.fromkeys(ids, CommentStatus.PENDING.value),
                self.status,
                before,
                message=message,
                namespace=self.index_url_name.split(":")[0],
            )
        messages.success(request, message)
        return self.back()


class CommenterApproveView(CommenterModerationView):
    status = CommentStatus.APPROVED
    page_title = _("Approve all pending from this commenter")
    confirm_label = _("Yes, approve them all")

    def question(self, count):
        return ngettext(
            "Approve the pending comment from %(name)s?",
            "Approve all %(count)d pending comments from %(name)s?",
            count,
        )

    def done(self, count):
        return ngettext(
            "%(count)d comment from %(name)s approved.",
            "%(count)d comments from %(name)s approved.",
            count,
        )


class CommenterSpamView(CommenterModerationView):
    status = CommentStatus.SPAM
    page_title = _("Mark all pending from this commenter as spam")
    confirm_label = _("Yes, mark them all as spam")

    def question(self, count):
        return ngettext(
            "Mark the pending comment from %(name)s as spam?",
            "Mark all %(count)d pending comments from %(name)s as spam?",
            count,
        )

    def done(self, count):
        return ngettext(
            "%(count)d comment from %(name)s marked as spam.",
            "%(count)d comments from %(name)s marked as spam.",
            count,
        )
