"""What every endpoint of the API shares: cross-origin requests (CORS) from registered sites
and Kabar's own only, the language of the answer, the methods allowed, and problems raised
on the way answered as problem details.

No cookies: the widget calls the API from other sites without credentials, and the proof
of a reader's own comments travels in the OWN_HEADER request header instead."""

import functools

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt

from kabar.discussion import sites

from .problems import Problem, problem

OWN_HEADER = "Kabar-Own"
# The trusted-browser proof a reader's confirmation link handed the widget
# (kabar.discussion.own.trusted_proof): their comments count as that address's.
TRUST_HEADER = "Kabar-Trust"
ALLOWED_HEADERS = ("Content-Type", OWN_HEADER, TRUST_HEADER)
EXPOSED_HEADERS = ("Retry-After", "Content-Language")
# Browsers keep a preflight's answer at most this long (Chromium: 2 hours).
PREFLIGHT_MAX_AGE = 60 * 60 * 24
LANGUAGE_PARAMETER = "lang"
UNKNOWN_LANGUAGE = _("Choose “id” (Indonesian) or “en” (English).")


def origin_allowed(request, origin):
    """Whether a browser request from `origin` may use the API: a registered site's
    origin, or Kabar's own (its Sites', or the very host the request went to)."""
    if not origin or origin == "null":
        return False
    # A registered site's first: the widget's every call comes from one.
    if sites.site_for_origin(origin) is not None:
        return True
    own = f"{request.scheme}://{request.get_host()}"
    return origin.lower() == own.lower() or sites.is_own_origin(origin)


def language_of(request):
    """The answer's language: ?lang=, else the reader's chosen one (the site's default);
    None for a language Kabar does not speak."""
    asked = request.GET.get(LANGUAGE_PARAMETER)
    if asked is None:
        return getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    return asked if asked in {code for code, _name in settings.LANGUAGES} else None


def endpoint(*methods, foreign_origins=False):
    """Decorate an API view answering `methods` (HEAD with GET; OPTIONS, the CORS
    preflight, always). A request from an origin that may not use the API is refused
    before the view runs, unless `foreign_origins`: then the view reads
    `request.origin_allowed` and gives its own refusal (a comment post answers it as
    the form does)."""
    allowed = {*methods, *(["HEAD"] if "GET" in methods else []), "OPTIONS"}

    def decorate(view):
        @csrf_exempt
        @functools.wraps(view)
        def answer(request, *args, **kwargs):
            origin = request.headers.get("Origin")
            request.origin_allowed = origin is None or origin_allowed(request, origin)
            asked = language_of(request)
            language = asked or settings.LANGUAGE_CODE
            with translation.override(language):
                if asked is None:
                    response = problem(400, errors={LANGUAGE_PARAMETER: [UNKNOWN_LANGUAGE]})
                else:
                    response = _answer(view, request, allowed, foreign_origins, args, kwargs)
            # A refused origin may read its refusal too (a problem, nothing else): the
            # widget on a site nobody registered can then say why it shows no thread.
            if origin is not None and (request.origin_allowed or response.status_code == 403):
                response["Access-Control-Allow-Origin"] = origin
                response["Access-Control-Expose-Headers"] = ", ".join(EXPOSED_HEADERS)
            patch_vary_headers(response, ["Origin"])
            response["Content-Language"] = language
            return response

        return answer

    return decorate


def _answer(view, request, allowed, foreign_origins, args, kwargs):
    if not request.origin_allowed and (request.method == "OPTIONS" or not foreign_origins):
        return problem(403, sites.UNKNOWN_SITE)
    if request.method == "OPTIONS":
        return _preflight(allowed)
    if request.method not in allowed:
        response = problem(405)
        response["Allow"] = ", ".join(sorted(allowed))
        return response
    try:
        return view(request, *args, **kwargs)
    except Problem as found:
        return found.response()


def _preflight(allowed):
    response = HttpResponse(status=204)
    response["Access-Control-Allow-Methods"] = ", ".join(sorted(allowed))
    response["Access-Control-Allow-Headers"] = ", ".join(ALLOWED_HEADERS)
    response["Access-Control-Max-Age"] = str(PREFLIGHT_MAX_AGE)
    return response


@endpoint("GET", "POST", "PATCH", "DELETE")
def not_found(request, *args, **kwargs):
    """Any other address under the API: a problem, as everything the API answers."""
    raise Problem(404)
