"""Rendering of reader comments: escaped text, kept paragraphs, safe links, avatars."""

import re
from functools import lru_cache

from django import template
from django.template.loader import get_template
from django.utils import translation
from django.utils.html import escape, format_html, urlize
from django.utils.safestring import mark_safe

from ..display import discussion_for
from ..identicons import SIZE, comment_avatar_url

register = template.Library()
THREAD_TEMPLATE = "discussion/thread.html"


@register.simple_tag(takes_context=True)
def discussion_thread(context, page):
    """{% discussion_thread page %}: the page's comments, the reply form (or why it is
    closed) and the privacy link, for the reader of this request."""
    discussion = discussion_for(context["request"], page)
    with context.push(discussion):
        return get_template(THREAD_TEMPLATE).template.render(context)


@register.simple_tag(takes_context=True)
def comment_count(context, page):
    """{% comment_count page as count %}: the page's approved comments."""
    return discussion_for(context["request"], page)["comment_count"]


_PARAGRAPH_BREAK = re.compile(r"\r?\n\s*\r?\n")


# What urlize can make a link of (django.utils.html.Urlizer): an address with "@", one
# starting http:// or https://, one starting www., or a name in .com, .edu, .gov, .int,
# .mil, .net or .org. Matched with urlize's own flag, so nothing it would link is missed.
_MAYBE_LINK = re.compile(r"@|https?://|www\.|\.(?:com|edu|gov|int|mil|net|org)", re.IGNORECASE)


def _link(text):
    # A line with nothing urlize could link comes out of it escaped, word by word: the
    # same as escaping it whole, at a fraction of the cost (most lines have no address).
    if not _MAYBE_LINK.search(text):
        return escape(text)
    # urlize escapes what it does not turn into a link; user text cannot contain a
    # literal rel="nofollow" any more, so the replace touches only generated anchors.
    html = urlize(text, nofollow=True, autoescape=True)
    return html.replace(' rel="nofollow"', ' rel="nofollow ugc"')


# Bodies up to this length keep their HTML in each process's memory (a thread renders the
# same texts again and again; urlize is most of a comment's rendering time).
_REMEMBERED_LENGTH = 4000


@lru_cache(maxsize=1024)
def _body_html(text):
    paragraphs = [p for p in _PARAGRAPH_BREAK.split(text.strip()) if p.strip()]
    # A paragraph's lines linked in one pass, then parted: urlize splits at white space, so
    # no link spans a line break, and it reads a word met again from its own memory (one
    # pass per line took 0.7 s for a comment of 30,000 lines of "@").
    return "".join(
        "<p>{}</p>".format(_link("\n".join(p.splitlines())).replace("\n", "<br>"))
        for p in paragraphs
    )


@register.filter(is_safe=True)
def comment_body(text):
    """Comment text as HTML: everything escaped, blank lines make paragraphs, single
    newlines become <br>, web addresses become nofollow/ugc links."""
    text = str(text)
    html = _body_html(text) if len(text) <= _REMEMBERED_LENGTH else _body_html.__wrapped__(text)
    return mark_safe(html)  # noqa: S308 - every fragment went through urlize(autoescape=True)


@register.simple_tag(takes_context=True)
def commenter_avatar(context, comment):
    """The commenter's picture: a locally drawn identicon from a keyed hash (no email in
    the page, no request to any other host), or Gravatar's when the site enabled it."""
    rules = context.get("comment_rules")
    src = comment_avatar_url(comment, gravatar=rules is not None and rules.gravatar_enabled)
    # Size as attributes, not an inline style, so the Content-Security-Policy can forbid those.
    return format_html(
        '<img class="avatar" src="{}" width="{}" height="{}" alt="" loading="lazy">',
        src,
        SIZE,
        SIZE,
    )


# A blank comment form's inputs are the same on every article page, in every process, for
# each language: rendered once (Django renders every widget through its template engine).
_blank_widgets = {}


@register.simple_tag
def form_widget(field, describedby=""):
    """The field's input, as {{ field }} gives it; kept in memory while it has no value
    and no error (the signed form token and a reply target are rendered each time).
    `describedby`: the id of a note about the field, read out with it (and with its error,
    which Django names <id>_error)."""
    form = field.form
    attrs = None
    if describedby:
        attrs = {"aria-describedby": " ".join(filter(None, (describedby, field.aria_describedby)))}
    if form.is_bound or form.errors or field.value() not in (None, ""):
        return field.as_widget(attrs=attrs)
    widget = field.field.widget
    key = (
        type(form),
        field.html_name,
        field.auto_id,
        type(widget),
        repr(sorted(widget.attrs.items())),
        field.field.required,
        field.field.disabled,
        translation.get_language(),
        describedby,
    )
    html = _blank_widgets.get(key)
    if html is None:
        html = _blank_widgets[key] = field.as_widget(attrs=attrs)
    return html
