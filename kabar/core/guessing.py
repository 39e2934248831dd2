"""Throttles where a secret can be guessed or a mail be made to go out: the admin sign-in,
the password form of a protected page, and the admin's password-reset mail.

Each counts in kabar.core.ratelimit, so every app process shares the counts. A guess is
counted only when it fails, and refused (HTTP 429) once any of its limits is reached.
"""

import math

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters
from wagtail.admin.views.account import LoginView, PasswordResetView, get_user_login_form
from wagtail.views import authenticate_with_password

from . import ratelimit
from .clientip import client_ip, client_key
from .ids import parse_id
from .ratelimit import Limit


def _address(request):
    return client_key(client_ip(request))


def _minutes(decision):
    return max(1, math.ceil(decision.retry_after / 60))


def _too_many(decision, message):
    response = HttpResponse(message, status=429, content_type="text/plain; charset=utf-8")
    response["Retry-After"] = str(decision.retry_after)
    return response


def _count_failure(counted):
    for limit, identity in counted:
        ratelimit.hit(limit, identity)


# Admin sign-in.


def _signin_username(request):
    """The username as sign-in looks it up: cleaned by the login form's own field (which
    strips it), its case kept, as the user table compares it. "Admin" is another account
    than "admin", and its failures are not admin's."""
    raw = request.POST.get("username", "")
    try:
        return get_user_login_form().base_fields["username"].to_python(raw)
    except ValidationError:
        return raw


def _signin_counted(request):
    """(limit, identity) pairs for a sign-in attempt: the username from this address, the
    username from anywhere (a higher ceiling: one address alone cannot reach it), and this
    address for any username."""
    conf = settings.KABAR_LOGIN_THROTTLE
    seconds = conf["SECONDS"]
    username, address = _signin_username(request), _address(request)
    return [
        (Limit("signin", conf["FAILURES"], seconds), f"{username}\n{address}"),
        (Limit("signin-username", conf["USERNAME_FAILURES"], seconds), username),
        (Limit("signin-address", conf["ADDRESS_FAILURES"], seconds), address),
    ]


class SignInView(LoginView):
    def get(self, request, *args, **kwargs):
        # Wagtail sends a signed-in editor on with redirect(), which takes a ?next= without
        # "/" or "." ("-1") for a URL name to reverse, and fails: the address as given.
        if request.user.is_authenticated and request.user.has_perm("wagtailadmin.access_admin"):
            return HttpResponseRedirect(self.get_success_url())
        return super().get(request, *args, **kwargs)


@sensitive_post_parameters()
@csrf_protect
@never_cache
def throttled_login(request, *args, **kwargs):
    """Wagtail's sign-in view, refusing (HTTP 429) further attempts once a username from
    one address, a username from anywhere or an address has failed too often (see
    KABAR_LOGIN_THROTTLE)."""
    view = SignInView.as_view()
    if request.method != "POST":
        return view(request, *args, **kwargs)
    counted = _signin_counted(request)
    refused = ratelimit.first_refusal(counted)
    if refused is not None:
        return _too_many(
            refused,
            _("Too many failed sign-in attempts. Please wait %(minutes)d minutes and try again.")
            % {"minutes": _minutes(refused)},
        )
    response = view(request, *args, **kwargs)
    if request.user.is_authenticated:
        ratelimit.forget(*counted[0])
    else:
        _count_failure(counted)
    return response


# A protected page's password form.


def _page_password_counted(request, restriction_id):
    conf = settings.KABAR_PAGE_PASSWORD_THROTTLE
    seconds = conf["SECONDS"]
    return [
        (Limit("page-password", conf["FAILURES"], seconds), _address(request)),
        (Limit("page-password-page", conf["PAGE_FAILURES"], seconds), str(restriction_id)),
    ]


def throttled_page_password(request, page_view_restriction_id, page_id):
    """Wagtail's form for a password-protected page, refusing (HTTP 429) further guesses
    from an address, or for one page's password from anywhere, after too many wrong ones
    (see KABAR_PAGE_PASSWORD_THROTTLE). The ids come as digits, checked here."""
    restriction_id, page_id = parse_id(page_view_restriction_id), parse_id(page_id)
    if restriction_id is None or page_id is None:
        raise Http404
    if request.method != "POST":
        return authenticate_with_password(request, restriction_id, page_id)
    counted = _page_password_counted(request, restriction_id)
    refused = ratelimit.first_refusal(counted)
    if refused is not None:
        minutes = _minutes(refused)
        return _too_many(
            refused,
            ngettext(
                "Too many wrong passwords. Please wait %(minutes)d minute and try again.",
                "Too many wrong passwords. Please wait %(minutes)d minutes and try again.",
                minutes,
            )
            % {"minutes": minutes},
        )
    response = authenticate_with_password(request, restriction_id, page_id)
    # Wagtail answers a right password with a redirect, a wrong one with the form again.
    if response.status_code == 200:
        _count_failure(counted)
    return response


# The admin's password reset.


class ThrottledPasswordResetView(PasswordResetView):
    """Wagtail's password reset, mailing an account and serving an address only so often
    (see KABAR_PASSWORD_RESET_THROTTLE). A request over the limit gets the very answer a
    served one gets, so it tells nothing about the account."""

    def form_valid(self, form):
        conf = settings.KABAR_PASSWORD_RESET_THROTTLE
        seconds = conf["SECONDS"]
        by_address = Limit("password-reset-address", conf["ADDRESS_MAILS"], seconds)
        by_account = Limit("password-reset", conf["MAILS"], seconds)
        # The address first: one that is over its limit uses none of the account's mails.
        if not ratelimit.hit(by_address, _address(self.request)).allowed:
            return HttpResponseRedirect(self.get_success_url())
        # Matched as the form finds accounts: by email, whatever its case.
        if not ratelimit.hit(by_account, form.cleaned_data["email"].strip().lower()).allowed:
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)
