"""Signed tokens for links in mail and for cookies: one way to sign, one pair of exceptions.

A token is signed and timestamped with the site's SECRET_KEY; its `purpose` is the salt, so
a token made for one purpose never passes for another. Anyone can read a payload: put ids
in it, never an email address or anything else private.
"""

from django.core import signing
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _


class LinkInvalid(Exception):
    """Tampered with, made for another purpose, or not a token at all."""

    message = _("This link is not valid. Please ask for a new one.")


class LinkExpired(LinkInvalid):
    """Genuine, but older than the reader allows."""

    message = _("This link has expired. Please ask for a new one.")


def make(purpose, payload, *, compress=False):
    """A URL-safe token carrying `payload` (anything JSON can hold) for `purpose`."""
    return signing.dumps(payload, salt=purpose, compress=compress)


def read(token, purpose, *, max_age=None):
    """The payload of a token made for `purpose` at most `max_age` seconds ago (None: any
    age); LinkExpired or LinkInvalid otherwise."""
    try:
        return signing.loads(token, salt=purpose, max_age=max_age)
    except signing.SignatureExpired as exc:
        raise LinkExpired from exc
    except (signing.BadSignature, ValueError, TypeError) as exc:
        raise LinkInvalid from exc


def set_signed_cookie(response, name, value, purpose, max_age, **cookie_kwargs):
    """Set cookie `name` to the string `value`, signed for `purpose`; `cookie_kwargs` go to
    HttpResponse.set_cookie (httponly, samesite, secure, ...)."""
    response.set_signed_cookie(name, value, salt=purpose, max_age=max_age, **cookie_kwargs)


def read_signed_cookie(request, name, purpose, max_age):
    """The string value of cookie `name` if it was signed for `purpose` at most `max_age`
    seconds ago; None when it is absent, tampered with or too old."""
    return request.get_signed_cookie(name, default=None, salt=purpose, max_age=max_age)


def signed_cookie_value(name, value, purpose):
    """What set_signed_cookie would set cookie `name` to: the same proof, for a client that
    keeps it itself (a script's storage on another site) and sends it back in a header."""
    response = HttpResponse()
    response.set_signed_cookie(name, value, salt=purpose)
    return response.cookies[name].value


def read_signed_cookie_value(signed, name, purpose, max_age):
    """read_signed_cookie for a value that came back another way than the cookie."""
    request = HttpRequest()
    request.COOKIES[name] = signed
    return request.get_signed_cookie(name, default=None, salt=purpose, max_age=max_age)
