"""Rendering of reader comments: escaped text, kept paragraphs, safe links, avatars."""

import hashlib
import hmac
import re

from django import template
from django.conf import settings
from django.utils.html import escape, urlize
from django.utils.safestring import mark_safe

register = template.Library()

AVATAR_TONES = 12
_PARAGRAPH_BREAK = re.compile(r"\r?\n\s*\r?\n")


def _link(text):
    # urlize escapes what it does not turn into a link; user text cannot contain a
    # literal rel="nofollow" any more, so the replace touches only generated anchors.
    html = urlize(text, nofollow=True, autoescape=True)
    return html.replace(' rel="nofollow"', ' rel="nofollow ugc"')


@register.filter(is_safe=True)
def comment_body(text):
    """Comment text as HTML: everything escaped, blank lines make paragraphs, single
    newlines become <br>, web addresses become nofollow/ugc links."""
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()]
    html = "".join(
        "<p>{}</p>".format("<br>".join(_link(line) for line in p.splitlines())) for p in paragraphs
    )
    return mark_safe(html)  # noqa: S308 - every fragment went through urlize(autoescape=True)


@register.simple_tag
def commenter_avatar(name):
    """An initial on a colour derived from a keyed hash of the name: no email involved,
    no request to any other host."""
    name = (name or "?").strip() or "?"
    digest = hmac.new(settings.SECRET_KEY.encode(), name.encode(), hashlib.sha256).digest()
    tone = digest[0] % AVATAR_TONES
    initial = escape(name[0].upper())
    # A class, not an inline style, so the Content-Security-Policy can forbid inline styles.
    return mark_safe(  # noqa: S308 - the only variable parts are escaped or numeric
        f'<span class="avatar avatar--{tone}" aria-hidden="true">{initial}</span>'
    )
