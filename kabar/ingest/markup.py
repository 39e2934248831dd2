"""HTML from elsewhere (a wire story, a WordPress post, a comment from Disqus or Remark42)
no deeper than a page is: past MAX_DEPTH nested elements (no story nests so deep; a
hostile feed nests 100,000) its text stays and its tags go. Whatever reads it next (the
body's walk, which recurses, and nh3's cleaning, which takes time in the depth for each
element) then takes time in proportion to its length and never runs out of stack."""

import re
from html import escape

from bs4 import BeautifulSoup, CData, Comment, NavigableString, Tag

MAX_DEPTH = 100
# Code, whose text is no reader's words: left out with its tags past the limit.
_CODE = {"script", "style", "template"}
_ATTRIBUTE_NAME = re.compile(r"^[^\s\"'<>/=]+$")


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
    soup = BeautifulSoup(html or "", "html.parser")
    if (html or "").count("<") <= MAX_DEPTH or _depth(soup) <= MAX_DEPTH:
        return soup
    return BeautifulSoup(_flattened(soup), "html.parser")


def shallow(html):
    """`html` as it is when its elements nest at most MAX_DEPTH deep; else as HTML whose
    elements past that depth are reduced to their text (comments and code left out)."""
    if not html or html.count("<") <= MAX_DEPTH:
        return html or ""  # too few tags to nest so deep: not parsed (most bodies)
    soup = BeautifulSoup(html, "html.parser")
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
