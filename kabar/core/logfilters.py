"""Log filters: what a client got wrong is logged in one line, what Kabar got wrong in full.

Django logs a refused request with the exception's traceback: a Host header not in
ALLOWED_HOSTS or a malformed multipart body (400) came to fourteen lines each, so a scanner
sending a few thousand of them buried the server's log, and with it the one traceback that
is a bug of ours. The status and the reason are what an operator reads there; the
traceback only repeats where Django refused it."""

import logging


class ClientFaultsBrief(logging.Filter):
    """No traceback for a request refused as the client's fault: Django's security
    events (`django.security.*`: DisallowedHost, too many fields, a body too large ...)
    and its 4xx answers (`django.request` below 500). A 5xx keeps its traceback."""

    def filter(self, record):
        if record.exc_info and (
            record.name.startswith("django.security")
            or (record.name == "django.request" and getattr(record, "status_code", 500) < 500)
        ):
            record.exc_info = None
            record.exc_text = None
        return True
