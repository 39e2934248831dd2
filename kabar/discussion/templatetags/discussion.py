"""Rendering of reader comments: escaped text, kept paragraphs, safe links, avatars."""

import re

from django import template
from django.utils.html import format_html, urlize
from django.utils.safestring import mark_safe

register = template.Library()

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


@register.simple_tag(takes_context=True)
def commenter_avatar(context, comment):
    """The commenter's picture: a locally drawn identicon from a keyed hash (no email in
    the page, no request to any other host), or Gravatar's when the site enabled it."""
    from kabar.discussion.identicons import SIZE, gravatar_url, identicon_url

    rules = context.get("comment_rules")
    email = getattr(comment, "author_email", "")
    if rules is not None and rules.gravatar_enabled and email:
        src = gravatar_url(email)
    else:
        src = identicon_url(email, getattr(comment, "author_name", ""))
    # Size as attributes, not an inline style, so the Content-Security-Policy can forbid those.
    return format_html(
        '<img class="avatar" src="{}" width="{}" height="{}" alt="" loading="lazy">',
        src,
        SIZE,
        SIZE,
    )
