"""Wagtail's admin views that crash on bad input of their own, corrected at their own
addresses (kabar/urls.py) behind Wagtail's own access checks; what every admin view needs is
checked once in admin_input.py.

A workflow's list of pages takes its page number `p` as Wagtail's listings do: anything
but a page of the list is its first or last page, and its tasks are saved in any order of
rows (WorkflowEditView). The page chooser's
"chosen" answer leaves out the tree's root, which it never offers (PageChosenMultipleView).
The admin API's listings answer an offset past their last row with no rows
(ListedPagination, wagtail_hooks.py). Reordering a page (PagePositionView), copying one
(PageCopyView) and the redirects import's second step (redirects_import) read what was
posted before Wagtail does; the copy's new slug is checked as every page slug is. The
items an editor dismissed are updated with names and plain values only (DismissedItemsView).
"""

import json
import math

from django.core.paginator import Paginator
from django.core.signing import BadSignature, Signer
from django.utils.translation import gettext as _
from django.views.generic import FormView
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.admin.views.dismissibles import DismissiblesView
from wagtail.admin.views.pages.copy import CopyView
from wagtail.admin.views.pages.ordering import SetPagePositionView
from wagtail.admin.views.workflows import Edit as WorkflowEdit
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.contrib.redirects.views import permission_checker, process_import
from wagtail.models import Page, Task, WorkflowTask

from .admin_input import bad_input
from .ids import ID_MAX, ID_MAX_DIGITS, parse_id
from .slugs import marks_allowed


class ListedPagination(WagtailPagination):
    """The admin API's pages of a listing, an `offset` past its last row giving no rows:
    a number past the database's integers (?offset=99999999999999999999) reached the query
    and failed there ("datatype mismatch" on SQLite, a 500)."""

    def paginate_queryset(self, queryset, request, view=None):
        rows = super().paginate_queryset(queryset, request, view)
        # super() refused an offset that is not a whole number with its own message.
        if int(request.GET.get("offset", 0)) >= self.total_count:
            return []
        return rows


def admin_api_listed(router):
    """The admin API's endpoints (pages, images, documents) with ListedPagination."""
    from wagtail.admin.api.views import PagesAdminAPIViewSet  # noqa: PLC0415 - apps ready
    from wagtail.documents.api.admin.views import DocumentsAdminAPIViewSet  # noqa: PLC0415
    from wagtail.images.api.admin.views import ImagesAdminAPIViewSet  # noqa: PLC0415

    endpoints = {
        "pages": PagesAdminAPIViewSet,
        "images": ImagesAdminAPIViewSet,
        "documents": DocumentsAdminAPIViewSet,
    }
    for name, endpoint in endpoints.items():
        listed = type(endpoint.__name__, (endpoint,), {"pagination_class": ListedPagination})
        router.register_endpoint(name, listed)


class PageChosenMultipleView(ChosenMultipleView):
    """The page chooser's "chosen" answer (?id=…) without the tree's root, which the chooser
    never offers: Wagtail's view asked the root for its parent and crashed (a 500)."""

    def get(self, request):
        roots = set(Page.objects.filter(depth=1).values_list("pk", flat=True))
        query = request.GET.copy()
        query.setlist("id", [pk for pk in query.getlist("id") if parse_id(pk) not in roots])
        request.GET = query
        return super().get(request)


class WorkflowEditView(WorkflowEdit):
    """Wagtail's workflow editor, its list of the workflow's pages showing the first page
    for a page number that is not one and the last for one past it, as Wagtail's listings
    do: it took `p` with int() and asked for that page as given (ValueError, EmptyPage:
    a 500). Its tasks are saved however the editor rearranged them, and a form that would
    leave a task in the workflow twice is shown again with its error: both met the
    workflow's one row per task in the database (IntegrityError, a 500)."""

    def get_paginated_pages(self):
        pages = Page.objects.filter(workflowpage__workflow=self.get_object())
        pages.paginator = Paginator(pages, self.MAX_PAGES)
        return pages.paginator.get_page(self.request.GET.get("p"))

    def is_valid(self, form):
        if not super().is_valid(form):
            return False
        task = self._task_twice(form.formsets["workflow_tasks"])
        if task is None:
            return True
        form.add_error(
            None,
            _(
                "The task “%(task)s” would be in this workflow twice: its tasks have changed "
                "since this page was opened. Open the workflow again to see them."
            )
            % {"task": task.name},
        )
        self.produced_error_message = self.get_error_message()
        return False

    def _task_twice(self, formset):
        """The task the workflow would hold twice once saved, or None. Wagtail keeps the
        rows its form does not list: added since the page was opened, or left out of a form
        the admin did not make (no rows counted as initial, a row's id blanked)."""
        listed = [form.instance.pk for form in formset.initial_forms if form.instance.pk]
        kept = WorkflowTask.objects.filter(workflow=self.object).exclude(pk__in=listed)
        tasks = list(kept.values_list("task", flat=True))
        deleted = formset.deleted_forms
        for form in formset.forms:
            if form not in deleted and (form.instance.pk or form.has_changed()):
                tasks.append(form.instance.task_id)
        seen = set()
        for task in tasks:
            if task in seen:
                return Task.objects.get(pk=task)
            seen.add(task)
        return None

    def save_instance(self):
        # Rows given another task leave the table first and come back under their own ids
        # (Django's save inserts a row its update did not find): saved one by one, a row
        # taking the task another row gives up (two swapped, or a new row ahead of it) met
        # that row's.
        formset = self.form.formsets["workflow_tasks"]
        deleted = formset.deleted_forms
        given_another = [
            form.instance.pk
            for form in formset.initial_forms
            if form.instance.pk and form not in deleted and "task" in form.changed_data
        ]
        WorkflowTask.objects.filter(pk__in=given_another).delete()
        return super().save_instance()


class PagePositionView(SetPagePositionView):
    """Wagtail's reordering of a page among its siblings (`?position=`, from 0), a position
    that is not a whole number refused (Wagtail moved the page to the end), one past the
    database's integers taken as past the last sibling, as Wagtail takes any past it: it
    reached the query (OverflowError on SQLite, a 500)."""

    def post(self, request, *args, **kwargs):
        position = request.GET.get("position")
        if position is not None:
            if not (position.isascii() and position.isdigit()):
                return bad_input(
                    request,
                    400,
                    _("The address is not one the admin makes: “%(name)s” must be a whole number.")
                    % {"name": "position"},
                )
            if len(position) > ID_MAX_DIGITS or int(position) > ID_MAX:
                query = request.GET.copy()
                del query["position"]
                request.GET = query
        return super().post(request, *args, **kwargs)


@permission_checker.require_any("add")
def redirects_import(request):
    """Wagtail's second step of a redirects import, its signed file name and format checked
    first: Wagtail read a missing one as a KeyError and a wrong signature's `message`
    (an AttributeError), both a 500."""
    signer = Signer()
    for name in ("import_file_name", "input_format"):
        try:
            signer.unsign(request.POST.get(name, ""))
        except BadSignature:
            return bad_input(
                request, 400, _("This import is not one the admin started: start it again.")
            )
    return process_import(request)


class PageCopyView(CopyView):
    """Wagtail's copying of a page, a new parent that is no page's id refused by the form
    (shown again under the page's own parent, with its error): Wagtail looked the posted
    parent up first, as given (ValueError, DoesNotExist: a 500). Its new slug is checked
    as every page slug is (slugs.py): Wagtail's form refused a copy of a page whose slug
    keeps a script's vowel signs, under the very slug it offered."""

    def get_form(self, form_class=None):
        form = super().get_form(form_class)
        field = form.fields.get("new_slug")
        if field is not None:
            field.validators = marks_allowed(field.validators)
        return form

    def post(self, request, *args, **kwargs):
        parent = parse_id(request.POST.get("new_parent_page", ""))
        if parent is not None and Page.objects.filter(pk=parent).exists():
            return super().post(request, *args, **kwargs)
        return FormView.post(self, request, *args, **kwargs)


def _storable(text):
    """Text PostgreSQL takes: no NUL, no lone surrogate (a JSON "\\ud800" is one)."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _plain(value):
    """A value Wagtail's own pages dismiss an item with: text, a number, true, false, null."""
    if isinstance(value, str):
        return _storable(value)
    if isinstance(value, float):
        return math.isfinite(value)
    return value is None or isinstance(value, bool | int)


class DismissedItemsView(DismissiblesView):
    """The items an editor dismissed (tours, notices), an update that is not an object of
    names and plain values refused: Wagtail merged any JSON into the editor's profile as
    given (text, a number or null: ValueError, TypeError; nesting past Python's limit:
    RecursionError; on PostgreSQL NUL, a lone surrogate or NaN: DataError; each a 500)."""

    def patch(self, request, *args, **kwargs):
        try:
            updates = json.loads(request.body)
        except (ValueError, RecursionError):
            updates = None
        if not (
            isinstance(updates, dict)
            and all(_storable(name) and _plain(value) for name, value in updates.items())
        ):
            return bad_input(
                request,
                400,
                _(
                    "The data sent is not what the admin sends: a JSON object of names and "
                    "plain values."
                ),
            )
        return super().patch(request, *args, **kwargs)
