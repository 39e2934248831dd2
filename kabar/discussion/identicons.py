"""Commenter avatars drawn locally: a symmetric 5x5 identicon from a keyed hash, so a
commenter keeps the same picture across comments without their email leaving Kabar, and
nobody can check a guessed address against it. Gravatar only when an operator turns it on."""

import colorsys
import functools
import hashlib
import re

from django.urls import get_script_prefix, reverse

from kabar.core.hashing import keyed_hash
from kabar.core.security import allow_images_from

from .models import CommentStatus

KEY_LENGTH = 32
KEY_PATTERN = re.compile(rf"^[0-9a-f]{{{KEY_LENGTH}}}$")
GRID = 5
SIZE = 40
GRAVATAR_ORIGIN = "https://gravatar.com"
GRAVATAR_URL = GRAVATAR_ORIGIN + "/avatar/{digest}?s={size}&d=identicon"


def avatar_key(email, name=""):
    """The avatar's public key: a truncated HMAC of the email (else of the name). It is the
    only thing that reaches the page, and without SECRET_KEY it cannot be recomputed."""
    email = (email or "").strip().lower()
    seed = f"email:{email}" if email else f"name:{(name or '').strip()}"
    return keyed_hash(seed, "avatar")[:KEY_LENGTH]


def _colour(key):
    """A saturated, mid-dark colour from the key's first bytes, readable on white."""
    hue = int(key[:4], 16) / 0xFFFF
    red, green, blue = colorsys.hls_to_rgb(hue, 0.42, 0.55)
    return f"#{round(red * 255):02x}{round(green * 255):02x}{round(blue * 255):02x}"


def _cells(key):
    """Filled (column, row) cells: the left three columns from the key's bits, mirrored."""
    bits = int(key[4:12], 16)
    half = (GRID + 1) // 2
    filled = set()
    for index in range(half * GRID):
        if bits >> index & 1:
            column, row = divmod(index, GRID)
            filled.add((column, row))
            filled.add((GRID - 1 - column, row))
    return filled or {(GRID // 2, GRID // 2)}


def identicon_svg(key):
    """The SVG document for `key`: presentation attributes only, no style, no script."""
    if not KEY_PATTERN.match(key):
        raise ValueError("not an avatar key")
    path = "".join(f"M{column} {row}h1v1h-1z" for column, row in sorted(_cells(key)))
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="-0.5 -0.5 6 6" '
        f'width="{SIZE}" height="{SIZE}" shape-rendering="crispEdges">'
        '<rect x="-0.5" y="-0.5" width="6" height="6" fill="#f2f0eb"/>'
        f'<path fill="{_colour(key)}" d="{path}"/></svg>'
    )


def identicon_url(email, name=""):
    return _identicon_pattern(get_script_prefix()).format(avatar_key(email, name))


@functools.cache
def _identicon_pattern(script_prefix):
    """The avatar's address with {} for its key: reversed once, not once per comment."""
    marker = "0" * KEY_LENGTH
    return reverse("discussion:avatar", args=[marker]).replace(marker, "{}")


def comment_avatar_url(comment, *, gravatar=False):
    """The picture beside a comment: from its email (Gravatar's when `gravatar`) once it is
    public, and from the name alone while it is shown to its author only. A held comment's
    poster may have typed somebody else's address, and must not get back the picture that
    marks that person's public comments."""
    name = getattr(comment, "author_name", "")
    if comment.status != CommentStatus.APPROVED:
        return identicon_url("", name)
    email = getattr(comment, "author_email", "")
    if gravatar and email:
        return gravatar_url(email)
    return identicon_url(email, name)


def allow_gravatar(request):
    """Let the page rendered for `request` show Gravatar's images."""
    allow_images_from(request, GRAVATAR_ORIGIN)


def gravatar_url(email, size=SIZE * 2):
    """Gravatar's address for an email: the plain SHA-256 Gravatar requires, which anyone
    can compute from a guessed address. Used only when the operator enabled Gravatar."""
    digest = hashlib.sha256((email or "").strip().lower().encode()).hexdigest()
    return GRAVATAR_URL.format(digest=digest, size=size)
