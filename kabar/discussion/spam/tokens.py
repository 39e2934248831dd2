"""The comment form's signed token: which article the form belongs to and when the server
issued it, HMAC-signed so neither can be forged.

It carries nothing about the reader, so an article page with its form can be cached and
served to everyone: the token in a cached copy is simply older. A token older than
MAX_AGE sends the form back (text kept) with a fresh one; a form sent sooner than the
site's minimum after the token was issued is held, not refused.
"""

import time

from django.core import signing

SALT = "kabar.discussion.form-token"
# A day, as in the issue: long enough for a cached page plus a slow writer.
MAX_AGE = 60 * 60 * 24
# Clocks of several app servers may disagree a little.
CLOCK_SKEW = 60
MAX_LENGTH = 200


class TokenInvalid(Exception):
    """Missing, tampered with, or made for another article."""


class TokenExpired(Exception):
    """Genuine but too old to accept."""


def issue(page_id, *, now=None):
    issued = int(time.time() if now is None else now)
    return signing.Signer(salt=SALT).sign_object({"p": int(page_id), "t": issued})


def age_of(token, page_id, *, now=None):
    """Seconds since the token was issued for `page_id`; raises TokenInvalid or
    TokenExpired."""
    if not token or len(token) > MAX_LENGTH:
        raise TokenInvalid()
    try:
        payload = signing.Signer(salt=SALT).unsign_object(token)
    except (signing.BadSignature, ValueError, TypeError):
        raise TokenInvalid() from None
    if not isinstance(payload, dict):
        raise TokenInvalid()
    page, issued = payload.get("p"), payload.get("t")
    if not isinstance(page, int) or not isinstance(issued, int) or page != int(page_id):
        raise TokenInvalid()
    age = (time.time() if now is None else now) - issued
    if age < -CLOCK_SKEW:
        raise TokenInvalid()
    if age > MAX_AGE:
        raise TokenExpired()
    return max(age, 0.0)
