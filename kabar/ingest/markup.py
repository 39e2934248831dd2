"""HTML from elsewhere (a wire story, a WordPress post, a comment from Disqus or Remark42)
no deeper than a page is: past MAX_DEPTH nested elements (no story nests so deep; a
hostile feed nests 100,000) its text stays and its tags go. Whatever reads it next (the
body's walk, which recurses, and nh3's cleaning, which takes time in the depth for each
element) then takes time in proportion to its length and never runs out of stack."""

import re
from html import escape

from bs4 import BeautifulSoup, CData, Comment, NavigableString, Tag
from bs4.exceptions import ParserRejectedMarkup

MAX_DEPTH = 100
# Code, whose text is no reader's words: left out with its tags past the limit.
_CODE = {"script", "style", "template"}
_ATTRIBUTE_NAME = re.compile(r"^[^\s\"'<>/=]+$")
# "<![" and a name: html.parser knows a CDATA section's and Word's conditional comments'
# (<![if !supportLists]>) and refuses the whole markup for any other.
_MARKED_SECTION = re.compile(r"<!\[([a-zA-Z][-_.a-zA-Z0-9]*)?")
_MARKED_NAMES = {"cdata", "temp", "ignore", "include", "rcdata", "if", "else", "endif"}


def parse(html):
    """`html` parsed by html.parser in time in proportion to its length, and never refused.

    html.parser (Python 3.11) reads a construct left unfinished (a tag, a comment, "<!" or
    "<?" with no ">" after it) as text, but only at the end of the input and after looking
    through the rest of it for its end, once for each: 65 KB of "<a " took 22 s. Every
    construct ends with ">", so each "<" after the last ">" begins such a text: written
    "&lt;", it is the same text, read at once. A marked section html.parser does not know
    ("a <![ b") is text too, rather than a reason to refuse the whole story."""
    html = html or ""
    last = html.rfind(">")
    if html.find("<", last + 1) >= 0:
        html = html[: last + 1] + html[last + 1 :].replace("<", "&lt;")
    if "<![" in html:
        html = _MARKED_SECTION.sub(_marked_section, html)
    try:
        return BeautifulSoup(html, "html.parser")
    except ParserRejectedMarkup:  # nothing known leads here: the markup's text, then
        return BeautifulSoup(escape(html, quote=False), "html.parser")


def _marked_section(match):
    name = match.group(1)
    return match.group() if name and name.lower() in _MARKED_NAMES else "&lt;" + match.group()[1:]


def _depth(soup):
    """How deep `soup`'s elements nest, without recursing."""
    deepest, stack = 0, [(soup, 0)]
    while stack:
        node, depth = stack.pop()
        deepest = max(deepest, depth)
        stack.extend((child, depth + 1) for child in node.contents if isinstance(child, Tag))
    return deepest


def _start_tag(tag):
    attributes = "".join(
        f' {name}="{escape(" ".join(value) if isinstance(value, list) else value)}"'
        for name, value in tag.attrs.items()
        if _ATTRIBUTE_NAME.match(name)
    )
    return f"<{tag.name}{attributes}>"


def shallow_soup(html):
    """`html` parsed (html.parser), its elements past MAX_DEPTH reduced to their text: for
    a caller that parses it anyway, parsed once when it nests no deeper (most bodies)."""
    soup = parse(html)
    if (html or "").count("<") <= MAX_DEPTH or _depth(soup) <= MAX_DEPTH:
        return soup
    return parse(_flattened(soup))


def shallow(html):
    """`html` as it is when its elements nest at most MAX_DEPTH deep; else as HTML whose
    elements past that depth are reduced to their text (comments and code left out)."""
    if not html or html.count("<") <= MAX_DEPTH:
        return html or ""  # too few tags to nest so deep: not parsed (most bodies)
    soup = parse(html)
    if _depth(soup) <= MAX_DEPTH:
        return html
    return _flattened(soup)


def _flattened(soup):
    out = []
    stack = [(child, 1) for child in reversed(soup.contents)]
    while stack:
        node, depth = stack.pop()
        if node is None:  # an element's end, pushed when its start was written
            out.append(depth)
        elif isinstance(node, Tag):
            if depth > MAX_DEPTH and node.name in _CODE:
                continue
            if depth <= MAX_DEPTH:
                out.append(_start_tag(node))
                if not node.can_be_empty_element:  # <br>, <img>: no end tag
                    stack.append((None, f"</{node.name}>"))
            stack.extend((child, depth + 1) for child in reversed(node.contents))
        elif isinstance(node, Comment):
            if depth <= MAX_DEPTH:
                out.append(f"<!--{node}-->")
        elif type(node) is NavigableString or isinstance(node, CData):
            out.append(escape(str(node), quote=False))
    return "".join(out)
