"""While the database is unreachable, readers get a clean 503 page with Retry-After, never
a 500: the outage is temporary, and the app reconnects by itself when the database is back
(CONN_HEALTH_CHECKS drops a dead connection before a request uses it)."""

import logging
import sys
import time

from django.db import InterfaceError, OperationalError
from django.http import Http404, HttpResponse
from django.template import loader
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

# Errors that mean "the database cannot be reached or is busy", not "our code is wrong":
# a refused or dropped connection, a server shutting down, SQLite's lock timeout.
DATABASE_DOWN = (OperationalError, InterfaceError)
RETRY_AFTER_SECONDS = 10
# During an outage every request fails the same way: say so once in a while, not per request.
LOG_EVERY_SECONDS = 5
_last_logged = 0.0


def is_database_down(exc):
    return isinstance(exc, DATABASE_DOWN)


def unavailable_response(request, exc=None):
    """The 503 page. It touches neither the database nor the reader's session, and a
    comment that could not be saved is shown back to its author so their words are kept."""
    if exc is not None:
        _log_outage(request, exc)
    typed = ""
    if request.method == "POST" and _is_comment_post(request):
        try:
            typed = request.POST.get("body", "")
        except Exception:  # an unreadable body is no reason to fail the error page
            typed = ""
    html = loader.get_template("core/unavailable.html").render(
        {"typed_comment": typed, "retry_after": RETRY_AFTER_SECONDS}
    )
    response = HttpResponse(html, status=503, content_type="text/html; charset=utf-8")
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    # Never kept by a cache: the next reader must get the page, not the outage.
    add_never_cache_headers(response)
    # Logged above, at most every few seconds; Django would log each one again.
    response._has_been_logged = True
    return response


def _log_outage(request, exc):
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning(
            "database unavailable (503 for %s %s and others): %s", request.method, request.path, exc
        )


def _is_comment_post(request):
    match = getattr(request, "resolver_match", None)
    return match is not None and match.view_name == "discussion:post"


def unavailable_if_database_down(request):
    """For the 500 handler: the 503 response when the error being handled is a database
    outage (raised outside a view, e.g. in a middleware), else None."""
    exc = sys.exc_info()[1]
    if is_database_down(exc):
        return unavailable_response(request, exc)
    return None


class DatabaseUnavailableMiddleware:
    """Turns a database outage met while serving a request into the 503 page, and answers
    an address no database query may carry with the 404 page before anything looks it up."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path_info:
            # PostgreSQL refuses NUL in a query's text, where SQLite finds nothing: a page's,
            # a slug's, a redirect's lookup (Wagtail's and the WordPress one) would fail
            # with a 500. No address of the site holds one.
            raise Http404
        try:
            return self.get_response(request)
        except DATABASE_DOWN as exc:
            # Only reached when the outage broke the error handling below us as well.
            return unavailable_response(request, exc)

    def process_exception(self, request, exception):
        if is_database_down(exception):
            return unavailable_response(request, exception)
        return None
