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
  2**63 - 1 (404): no row has another; an editing session's object (any text to Wagtail,
  looked up as given) is one its model's key can be: a page's a number, a snippet's maybe
  text.

Forms posted to the admin (AdminInputMiddleware too): a formset's management fields in the
shape Wagtail's pages send them, else 400 with the field's name (admin_forms.py); a form a
view could not read (a StreamField's or rich text's data, admin_forms.py) or that lacks a
field the view reads with [] answered 400 with the field's name, nothing stored; a `next`
that Django's redirect() would take for a view's name (a 500) refused with 400.

What one view alone gets wrong is corrected at its own address (admin_corrections.py).
"""

from django.apps import apps
from django.contrib.admin.utils import unquote
from django.shortcuts import render
from django.utils.datastructures import MultiValueDictKeyError
from django.utils.translation import gettext as _
from wagtail.admin.localization import get_localized_response
from wagtail.admin.views.bulk_action.registry import bulk_action_registry

from .admin_forms import UnreadableField, formset_fault
from .ids import ID_MAX, parse_id, parse_key
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
# Posted as row ids, by the view named (an editing session's ping: the revision edited).
POSTED_IDS = {"ping": ("revision_id",)}
# Names its object in the path by any text (a snippet's key may be text).
SESSION_PING = "wagtailadmin_editing_sessions:ping"
# Where Wagtail's views go on to: Django's redirect() takes a text without a slash or a dot
# for a view's name (NoReverseMatch, a 500); Kabar's desk goes on to it as an address.
NEXT = "next"


def bad_input(request, status, message):
    return render(
        request,
        "core/admin_bad_input.html",
        {"status": status, "message": message},
        status=status,
    )


def _not_an_id(request, name):
    return bad_input(
        request,
        400,
        _("The address is not one the admin makes: “%(name)s” must be a whole number.")
        % {"name": name[:40]},
    )


def _not_in_the_form(request, name, reason):
    return bad_input(
        request,
        400,
        reason % {"name": name[:80]},
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


def _no_key_of_its_model(view_kwargs):
    """Whether an editing session's ping names its object by what its model's key is not."""
    try:
        model = apps.get_model(view_kwargs["app_label"], view_kwargs["model_name"])
    except LookupError:
        return False  # Wagtail's view answers 404.
    return parse_key(model, unquote(view_kwargs["object_id"])) is None


class AdminInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def _in_the_admin(self, request):
        # Anyone else is sent to sign in, or refused, by the view whatever the request holds.
        return request.path.startswith(ADMIN_PREFIX) and request.user.has_perm(
            "wagtailadmin.access_admin"
        )

    def process_view(self, request, view_func, view_args, view_kwargs):
        if not self._in_the_admin(request):
            return None
        # In the editor's own language, as the view would have answered.
        # Kabar's own views (not its corrections of Wagtail's, here) read `next` themselves.
        kabars_view = view_func.__module__.startswith("kabar.") and view_func.__module__ != __name__
        return get_localized_response(self._refusal, request, view_kwargs, kabars_view)

    def process_exception(self, request, exception):
        """A form Wagtail's view could not read (admin_forms.py), or one lacking a field
        the view reads with [] (a StreamField's `-count`, a formset row's `-id`): 400."""
        if not isinstance(exception, UnreadableField | MultiValueDictKeyError):
            return None
        if not self._in_the_admin(request):
            return None
        return get_localized_response(self._unread, request, exception)

    def _unread(self, request, exception):
        if isinstance(exception, UnreadableField):
            return _not_in_the_form(
                request,
                exception.name,
                _("The form sent is not one the admin makes: “%(name)s” could not be read."),
            )
        return _not_in_the_form(
            request,
            str(exception.args[0]),
            _("The form sent is not one the admin makes: “%(name)s” is missing."),
        )

    def _refusal(self, request, view_kwargs, kabars_view):
        """The page answering a bad address or form, or None to let the view answer."""
        url_name = request.resolver_match.url_name or ""
        if (
            any(type(v) is int and not 0 < v <= ID_MAX for v in view_kwargs.values())
            # A chooser's "chosen" view takes any text for the id of what was chosen.
            or (url_name == "chosen" and parse_id(view_kwargs.get("pk")) is None)
            or (
                request.resolver_match.view_name == SESSION_PING
                and _no_key_of_its_model(view_kwargs)
            )
        ):
            return bad_input(request, 404, _("There is nothing at this address."))
        query = request.GET
        if any(
            "\x00" in name or (name not in SEARCHES and any("\x00" in v for v in values))
            for name, values in query.lists()
        ):
            # PostgreSQL refuses NUL in any text (a tag's name, a locale, a term to complete).
            return bad_input(
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
        if not kabars_view and any(
            value and "/" not in value and "." not in value
            for value in [*query.getlist(NEXT), *request.POST.getlist(NEXT)]
        ):
            return bad_input(request, 400, _("The address to go on to (“next”) is not an address."))
        return self._form_refusal(request)

    def _form_refusal(self, request):
        if request.method != "POST":
            return None
        url_name = request.resolver_match.url_name
        for name in POSTED_IDS.get(url_name, ()):
            if name in request.POST and parse_id(request.POST[name]) is None:
                return _not_in_the_form(
                    request,
                    name,
                    _("The form sent is not one the admin makes: “%(name)s” must be a row's id."),
                )
        fault = formset_fault(request.POST)
        if fault is None:
            return None
        if fault.endswith("-id"):
            reason = _("The form sent is not one the admin makes: “%(name)s” must be a row's id.")
        else:
            reason = _(
                "The form sent is not one the admin makes: “%(name)s” does not count its rows."
            )
        return _not_in_the_form(request, fault, reason)
