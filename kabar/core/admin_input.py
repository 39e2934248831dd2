"""Bad input in the addresses of Wagtail's admin answered with a clear page, never a 500.

Some of Wagtail's admin views take a query-string parameter for a whole number with int(),
or hand it to a query on an id column, and crash on anything else; one takes a path's
revision id 0 for "no revision" and then uses it. Checked here (AdminInputMiddleware),
before the views run, for every admin address at once:

- the numbers the page choosers read (`parent_page_id`, `target_pages[]`), and the `id`s
  of a chooser's "chosen" answer and of Wagtail's bulk actions, are whole numbers (400
  with the parameter's name);
- no parameter but a search holds NUL, which PostgreSQL refuses in any text (400):
  Wagtail's views pass a tag's name, a locale, a term to complete to queries as given;
- an id in the path (a chooser's "chosen" one too, which Wagtail takes as any text) is 1 to
  2**63 - 1 (404): no row has another.

A workflow's list of pages takes its page number `p` as Wagtail's listings do: anything
but a page of the list is its first or last page (WorkflowEditView). The page chooser's
"chosen" answer leaves out the tree's root, which it never offers (PageChosenMultipleView).
The admin API's listings answer an offset past their last row with no rows
(ListedPagination, wagtail_hooks.py).
"""

from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from wagtail.admin.localization import get_localized_response
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.admin.views.chooser import ChosenMultipleView
from wagtail.admin.views.workflows import Edit as WorkflowEdit
from wagtail.api.v2.pagination import WagtailPagination
from wagtail.models import Page

from .ids import ID_MAX, parse_id
from .security import ADMIN_PREFIX

# Query-string parameters Wagtail's admin views read as row ids; an empty one is left alone
# (the page chooser skips an empty target, a link form an empty parent).
ID_PARAMETERS = ("parent_page_id", "target_pages[]")
# Read as row ids by the choosers' "chosen" views and the bulk actions only (elsewhere `id`
# may be anything).
IDS = "id"
# Searches, which read NUL as nothing to look for (the admin's search forms, and
# kabar.search.backends for the admin API's `search`).
SEARCHES = ("q", "search")
BULK_ACTION = "wagtail_bulk_action"


def _bad_input(request, status, message):
    return render(
        request,
        "core/admin_bad_input.html",
        {"status": status, "message": message},
        status=status,
    )


def _not_an_id(request, name):
    return _bad_input(
        request,
        400,
        _("The address is not one the admin makes: “%(name)s” must be a whole number.")
        % {"name": name[:40]},
    )


def _wagtails_bulk_action(url_name, view_kwargs):
    """Whether the address is one of Wagtail's own bulk actions: Kabar's (the moderators'
    desk) read their ids themselves, leaving out any that is not one."""
    if url_name != BULK_ACTION:
        return False
    action = bulk_action_registry.get_bulk_action_class(
        view_kwargs.get("app_label"), view_kwargs.get("model_name"), view_kwargs.get("action")
    )
    return action is not None and not action.__module__.startswith("kabar.")


class AdminInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        # Anyone else is sent to sign in, or refused, by the view whatever the address holds.
        if not request.path.startswith(ADMIN_PREFIX) or not request.user.has_perm(
            "wagtailadmin.access_admin"
        ):
            return None
        # In the editor's own language, as the view would have answered.
        return get_localized_response(self._refusal, request, view_kwargs)

    def _refusal(self, request, view_kwargs):
        """The page answering a bad address, or None to let the view answer."""
        url_name = request.resolver_match.url_name or ""
        if any(type(v) is int and not 0 < v <= ID_MAX for v in view_kwargs.values()) or (
            # A chooser's "chosen" view takes any text for the id of what was chosen.
            url_name == "chosen" and parse_id(view_kwargs.get("pk")) is None
        ):
            return _bad_input(request, 404, _("There is nothing at this address."))
        query = request.GET
        if any(
            "\x00" in name or (name not in SEARCHES and any("\x00" in v for v in values))
            for name, values in query.lists()
        ):
            # PostgreSQL refuses NUL in any text (a tag's name, a locale, a term to complete).
            return _bad_input(
                request, 400, _("The address holds a character no text may hold (NUL).")
            )
        for name in ID_PARAMETERS:
            if any(value and parse_id(value) is None for value in query.getlist(name)):
                return _not_an_id(request, name)
        if url_name.endswith("chosen_multiple") or _wagtails_bulk_action(url_name, view_kwargs):
            # A bulk action's ids may be "all" (every row the listing's filters keep).
            others = {"all"} if url_name == BULK_ACTION else set()
            if any(value not in others and parse_id(value) is None for value in query.getlist(IDS)):
                return _not_an_id(request, IDS)
        return None


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
