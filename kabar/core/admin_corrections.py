"""Wagtail's admin views that crash on bad input of their own, corrected at their own
addresses (kabar/urls.py) behind Wagtail's own access checks; what every admin view needs is
checked once in admin_input.py.

A workflow's list of pages takes its page number `p` as Wagtail's listings do: anything
but a page of the list is its first or last page (WorkflowEditView). The page chooser's
"chosen" answer leaves out the tree's root, which it never offers (PageChosenMultipleView).
The admin API's listings answer an offset past their last row with no rows
(ListedPagination, wagtail_hooks.py). Reordering a page (PagePositionView), copying one
(PageCopyView) and the redirects import's second step (redirects_import) read what was
posted before Wagtail does.
"""

from django.core.paginator import Paginator
from django.core.signing import BadSignature, Signer
from django.utils.translation import gettext as _
from django.views.generic import FormView
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.admin.views.pages.copy import CopyView
from wagtail.admin.views.pages.ordering import SetPagePositionView
from wagtail.admin.views.workflows import Edit as WorkflowEdit
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.contrib.redirects.views import permission_checker, process_import
from wagtail.models import Page

from .admin_input import bad_input
from .ids import ID_MAX, ID_MAX_DIGITS, parse_id


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
    a 500)."""

    def get_paginated_pages(self):
        pages = Page.objects.filter(workflowpage__workflow=self.get_object())
        pages.paginator = Paginator(pages, self.MAX_PAGES)
        return pages.paginator.get_page(self.request.GET.get("p"))


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
    parent up first, as given (ValueError, DoesNotExist: a 500)."""

    def post(self, request, *args, **kwargs):
        parent = parse_id(request.POST.get("new_parent_page", ""))
        if parent is not None and Page.objects.filter(pk=parent).exists():
            return super().post(request, *args, **kwargs)
        return FormView.post(self, request, *args, **kwargs)
