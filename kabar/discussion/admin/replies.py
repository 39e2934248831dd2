"""A reply as the newsroom, from the desk: inline under the card with desk.js (the r key),
on a page of its own without it. Published at once, marked as staff on the article."""

from django import forms
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.views.generic import View
from wagtail.admin import messages
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin
from wagtail.admin.views.generic.permissions import PermissionCheckedMixin

from ..models import BODY_MAX_LENGTH, Comment
from ..services import REPLYABLE, CommentsClosed, comment_reply_as_staff
from .answers import BackToDesk, queue_counts, wants_json
from .views import HELD


class StaffReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your reply"),
        max_length=BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Published at once under your name, marked as the newsroom's."),
    )


class CommentReplyView(BackToDesk, PermissionCheckedMixin, WagtailAdminTemplateMixin, View):
    """GET: the comment and a reply form; POST: the reply stored (comment_reply_as_staff),
    then back to the desk, or JSON for desk.js. A refused reply keeps its text."""

    model = Comment
    permission_required = "change"
    http_method_names = ["get", "post"]
    breadcrumbs_items = []
    template_name = "discussion/admin/reply.html"
    header_icon = "comment"
    page_title = _("Reply as the newsroom")

    @cached_property
    def parent(self):
        return get_object_or_404(Comment.objects.select_related("page"), pk=self.kwargs["pk"])

    def get_breadcrumbs_items(self):
        return [
            *self.breadcrumbs_items,
            {"url": reverse(self.index_url_name), "label": _("Comments")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        parent = self.parent
        return super().get_context_data(
            comment=parent,
            approves=parent.status in HELD,
            answerable=parent.status in REPLYABLE and parent.removed_at is None,
            next_url=self.next_url(),
            **kwargs,
        )

    def get(self, request, pk):
        return self.render(StaffReplyForm())

    def render(self, form, status=200):
        context = self.get_context_data(form=form)
        return TemplateResponse(
            request=self.request, template=self.template_name, context=context, status=status
        )

    def post(self, request, pk):
        form = StaffReplyForm(request.POST)
        if form.is_valid():
            try:
                reply, approved = comment_reply_as_staff(
                    self.parent, body=form.cleaned_data["body"], by=request.user
                )
            except CommentsClosed as closed:
                form.add_error(None, closed.message)
            except ValidationError as refused:
                for message in refused.messages:
                    form.add_error(None, message)
            else:
                return self.done(reply, approved)
        if wants_json(request):
            errors = [str(error) for errors in form.errors.values() for error in errors]
            return JsonResponse({"errors": errors}, status=400)
        return self.render(form, status=400)

    def done(self, reply, approved):
        name = {"name": self.parent.author_name}
        if approved:
            message = _("Comment by %(name)s approved, and your reply published.") % name
        else:
            message = _("Your reply to %(name)s is published.") % name
        if wants_json(self.request):
            return JsonResponse(
                {
                    "message": str(message),
                    "reply_id": reply.pk,
                    "parent_status": "approved" if approved else self.parent.status,
                    "approved": approved,
                    "counts": queue_counts(),
                }
            )
        messages.success(self.request, message)
        return self.back()
