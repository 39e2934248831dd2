"""HTML from elsewhere (a WordPress post, classic or block editor; a wire story) into an
article body: paragraphs, headings, lists, quotes and images as Kabar's blocks, everything
else reduced to its text or a link. An allow-list decides what stays; nothing runs."""

import collections
import functools
import html as html_entities
import re
from dataclasses import dataclass, field

import nh3
from bs4 import Comment, NavigableString, Tag

from kabar.core.ids import parse_id
from kabar.news.blocks import TABLE_MAX_COLUMNS, TABLE_MAX_ROWS

from .markup import parse, shallow_soup

# What a paragraph block may hold (kabar/news/blocks.py PARAGRAPH_FEATURES): Wagtail's
# rich-text format writes bold and italic as <b> and <i>.
_RICH_TAGS = {"p", "h2", "h3", "ul", "ol", "li", "a", "b", "i", "sup", "sub", "br"}
_RENAME = {"strong": "b", "em": "i", "h1": "h2", "h4": "h3", "h5": "h3", "h6": "h3"}
_URL_SCHEMES = {"http", "https", "mailto"}
# Never shown, not even as text: code and the parts of a page that are not its content.
_DROP = {
    "script", "style", "noscript", "template", "head", "title", "meta", "link", "form",
    "input", "button", "select", "textarea", "svg", "math", "object", "applet", "frameset",
}  # fmt: skip
_PLAYERS = ["iframe", "video", "audio", "embed"]
_MEDIA = {*_PLAYERS, "source"}
# wpautop's block-level tags ($allblocks), and iframe: an embed on a line of its own,
# which a paragraph would hide. Each tag's end is looked for up to the next "<" only.
_AUTOP_BLOCK = re.compile(
    r"<(/?)(table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|pre"
    r"|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|section"
    r"|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|summary|iframe)"
    r"(?=[\s/>])[^<>]*>",
    re.IGNORECASE,
)
_AUTOP_VOID = {"hr", "col", "area"}
# Where wpautop's paragraphs stand: the top, and the blocks whose text is paragraphs (not
# a list item's, a heading's, a cell's or a figure's, which hold text of their own).
_AUTOP_HOLDERS = {
    "blockquote", "div", "section", "article", "aside", "header", "footer", "nav", "details",
    "form", "fieldset", "address",
}  # fmt: skip
_SIZED_UPLOAD = re.compile(r"-\d+x\d+(?=\.\w+$)")
# Each opening tag's search for its end is bounded (a comment's words, a shortcode's
# attributes stop at the next bracket) or made once (_closing_sub): an opening tag left
# unclosed, 40,000 times over, was looked past to the end once for each.
_MORE = re.compile(r"<!--\s*(?:more|nextpage|noteaser)\b[^\n]{0,200}?-->", re.IGNORECASE)
_CAPTION = re.compile(r"\[(?:wp_)?caption\b[^\[\]]*\](.*?)\[/(?:wp_)?caption\]", re.S | re.I)
_CAPTION_END = re.compile(r"\[/(?:wp_)?caption\]", re.I)
_EMBED = re.compile(r"\[embed\b[^\[\]]*\](.*?)\[/embed\]", re.S | re.I)
_EMBED_END = re.compile(r"\[/embed\]", re.I)
_MEDIA_SHORTCODE = re.compile(r"\[(gallery|audio|video|playlist)\b([^\[\]]*)\]", re.I)
# Jetpack's and WordPress.com's embeds, written with the address after the name, with "="
# or a space ([youtube=https://…], [tweet https://…], [googlemaps https://…]) or as a url
# attribute ([soundcloud url="https://…"]), or a Vimeo video by its number ([vimeo 123]).
_EMBED_NAMES = (
    "youtube|vimeo|dailymotion|tweet|twitter|instagram|googlemaps|soundcloud|spotify|ted"
    "|facebook|flickr|slideshare|scribd|gist|kickstarter|mixcloud|bandcamp|wufoo"
)
_EMBED_SHORTCODE = re.compile(
    # The address taken whole (possessive): never given back, character by character, to
    # the attributes' search for the closing bracket.
    rf"""\[(?:{_EMBED_NAMES})(?:\s*=\s*|\s+(?:url\s*=\s*)?)["']?(https?://[^\s\[\]"'<>]{{1,2000}}+)["']?[^\[\]]{{0,200}}\]""",
    re.I,
)
# The number, then only attributes (w=640): "[vimeo 2024 terbaik]" is a reader's words.
_VIMEO_NUMBER = re.compile(
    r"""\[vimeo\s+(?:id\s*=\s*)?["']?(\d{1,12})["']?(?:\s+[\w-]+=[^\s\[\]]{0,100}){0,10}\s*\]""",
    re.I,
)
_SHORTCODE_ATTR = re.compile(r"""([\w-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|(\S+))""")
# At most 50 attributes: a repetition without bound around the attributes' own would try
# every split of a long run of them (tests/core/test_regexes.py).
_SHORTCODE = re.compile(
    r"""\[(/?)([a-z][\w-]*)((?:\s+[\w-]+(?:\s*=\s*(?:"[^"]*"|'[^']*'|[^\s\]"']+))?){0,50})\s*(/?)\]""",
    re.I,
)
_ATTACHMENT_ID = re.compile(r"\bwp-image-(\d+)\b")
_PARAGRAPH_BREAK = re.compile(r"\n\s*\n")
# A tag (or a comment) in text, looked for up to the next "<" only: an editor's tag may be
# written over two lines, and its newline is no line break.
_INLINE_TAG = re.compile(r"<[^<>]*>")
_BR = re.compile(r"<br\b", re.IGNORECASE)
_QUOTE_BLOCKS = {"p", "div", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "pre", "figure"}
_ABSOLUTE = re.compile(r"^(?:https?:|mailto:)", re.IGNORECASE)
_BARE_URL = re.compile(r"^\s*(https?://\S+)\s*$")
# A link as nh3 writes it (clean()): every attribute double-quoted, a quote in one escaped.
# (A ">" inside a value ends the match early: no href read, the link left as it is.)
_CLEAN_LINK = re.compile(r"<a(\s[^>]*)>")
_CLEAN_ATTRIBUTE = re.compile(r'([\w-]+)="([^"]*)"')


@dataclass
class Body:
    """The blocks (StreamField raw data) and what could not be brought over, to report."""

    blocks: list = field(default_factory=list)
    notes: list = field(default_factory=list)


def _shortcode_attrs(text):
    return {
        m.group(1).lower(): next(v for v in m.groups()[1:] if v is not None)
        for m in _SHORTCODE_ATTR.finditer(text or "")
    }


def _caption_shortcode(match):
    inner = match.group(1).strip()
    soup = parse(inner)
    image = soup.find("img")
    if image is None:
        return inner
    holder = image.find_parent("a") or image
    holder.extract()
    # Before WordPress 3.4 the caption was the shortcode's caption="..." attribute, which
    # WordPress writes into the page as it is: HTML, its entities read once.
    attribute = _shortcode_attrs(match.group(0).split("]", 1)[0]).get("caption", "")
    caption = caption_text(soup) or caption_text(parse(attribute))
    return f"<figure>{holder}<figcaption>{_text(caption)}</figcaption></figure>"


def caption_text(node):
    """The words a caption's markup shows, as one line: inline markup ("oleh <em>Ani</em>,")
    joined as it reads, a line break a space."""
    for br in node.find_all("br"):
        br.replace_with(" ")
    return " ".join(node.get_text().split())


def _media_shortcode(match):
    """[gallery ids="4,7"] as the images it shows (by their attachment ids); [audio] and
    [video] as a link to their file; a playlist or a gallery of no ids, nothing."""
    kind, attrs = match.group(1).lower(), _shortcode_attrs(match.group(2))
    if kind == "gallery":
        ids = [
            i
            for i in re.split(r"[\s,]+", attrs.get("ids", "") or attrs.get("include", ""))
            if parse_id(i)
        ]
        if not ids:
            return "<!-- kabar:gallery-without-ids -->"
        images = "".join(f'<img class="wp-image-{i}" src="">' for i in ids)
        return f'\n\n<figure class="wp-block-gallery">{images}</figure>\n\n'
    if kind in ("audio", "video"):
        for name in ("src", "mp4", "m4v", "webm", "ogv", "mp3", "m4a", "ogg", "wav", "wma"):
            if re.match(r"^https?://", attrs.get(name, ""), re.I):
                return f"\n\n{attrs[name]}\n\n"
    return ""


def _closing_sub(pattern, end, replace, html):
    """pattern.sub(replace, html) for a pattern that ends with `end`, over the text up to
    the last `end` only: past it an opening tag has nothing to close it."""
    last = None
    for last in end.finditer(html):  # noqa: B007 - the last one is wanted
        pass
    if last is None:
        return html
    return pattern.sub(replace, html[: last.end()]) + html[last.end() :]


def _media_shortcodes(html):
    """[gallery], [audio], [video] and [playlist], with what is up to their closing tag
    when they have one, replaced by _media_shortcode."""
    out, position, unclosed = [], 0, set()
    while found := _MEDIA_SHORTCODE.search(html, position):
        out += [html[position : found.start()], _media_shortcode(found)]
        position = found.end()
        kind = found.group(1).lower()
        if kind not in unclosed:
            closing = re.compile(rf"\[/{kind}\]", re.I).search(html, position)
            if closing is None:
                unclosed.add(kind)  # none further on either: not looked for again
            else:
                position = closing.end()
    return "".join(out) + html[position:]


def _autop(html):
    """WordPress's wpautop, in short (classic-editor bodies): blank lines part paragraphs,
    a single newline is a line break, block-level markup is left as it is and parts the
    text around it, so that no paragraph ever holds a block."""
    html = html.replace("\r\n", "\n").strip()
    out, open_blocks, position = [], [], 0
    how_many_open = collections.Counter()  # so that a stray closing tag is not looked for

    def text(run):
        if not run.strip() or how_many_open["pre"]:
            out.append(run)  # a <pre>'s own text, and the spacing between tags, as it is
        elif open_blocks and open_blocks[-1] not in _AUTOP_HOLDERS:
            # A list item's, a heading's, a cell's own text: no paragraph, its newlines
            # line breaks, except next to the tags around it (as wpautop drops those).
            core = run.strip()
            start = run.index(core[0])
            out.append(run[:start] + _line_breaks(core) + run[start + len(core) :])
        else:
            for chunk in _PARAGRAPH_BREAK.split(run):
                if chunk.strip():
                    out.append("<p>" + _line_breaks(chunk.strip()) + "</p>\n")

    for tag in _AUTOP_BLOCK.finditer(html):
        text(html[position : tag.start()])
        position = tag.end()
        out.append(tag.group(0))
        name = tag.group(2).lower()
        if tag.group(1):  # a closing tag closes what is open inside it too
            closed = None
            while how_many_open[name] and closed != name:
                closed = open_blocks.pop()
                how_many_open[closed] -= 1
        else:
            if open_blocks and open_blocks[-1] == "p":
                # A block ends an open paragraph, as a browser reads it (the figure a
                # [caption] in a <p> became); html.parser would put it inside.
                how_many_open[open_blocks.pop()] -= 1
                out.insert(len(out) - 1, "</p>")
            if name not in _AUTOP_VOID and not tag.group(0).endswith("/>"):
                open_blocks.append(name)
                how_many_open[name] += 1
    text(html[position:])
    return "".join(out).strip()


def _line_breaks(text):
    """Each newline of `text` a line break (<br>), as wpautop makes it: in the words only,
    never inside a tag written over two lines (`<a\nhref=…>`), which a <br> would break."""
    if "\n" not in text:
        return text
    out, position, after_break = [], 0, False
    for tag in _INLINE_TAG.finditer(text):
        out.append(_breaks(text[position : tag.start()], after_break))
        out.append(tag.group(0))
        position = tag.end()
        after_break = _BR.match(tag.group(0)) is not None
    out.append(_breaks(text[position:], after_break))
    return "".join(out)


def _breaks(words, after_break):
    """`words`' newlines as <br>, but not a newline right after a <br> of the text's own
    (as wpautop leaves one): "Jl. Merdeka<br />⏎Jakarta" is one break."""
    if after_break:
        lead = len(words) - len(words.lstrip())
        return words[:lead] + words[lead:].replace("\n", "<br>\n")
    return words.replace("\n", "<br>\n")


def _plugin_shortcodes(html, notes):
    """Other plugins' shortcodes ([contact-form-7 id="5"], [button]Klik[/button]), which
    WordPress would have replaced and a reader here would see as they are: gone, an
    enclosing one's words kept. Brackets that are words ([sic], [1], [nama disamarkan],
    [Baca juga]) stay, as WordPress leaves a bracket no plugin claims: a shortcode is told
    by a name=value attribute, its closing tag, or its "/]"."""

    def replace(match):
        name, attrs, closing = match.group(2), match.group(3), match.group(4)
        if match.group(1) == "/":
            if name.lower() not in opened:
                return match.group(0)
        elif not (_SHORTCODE_ATTR.search(attrs) or closing or closed(name.lower())):
            return match.group(0)
        else:
            opened.add(name.lower())
        message = f"removed the shortcode [{name}] (a WordPress plugin's)"
        if message not in notes:
            notes.append(message)
        return ""

    @functools.cache
    def closed(name):  # looked for once a name, not once a bracket
        return f"[/{name}]" in lowered

    if "[" not in html:
        return html
    lowered, opened = html.lower(), set()
    return _SHORTCODE.sub(replace, html)


def _prepare(html, notes):
    html = _MORE.sub("", html or "")
    html = _closing_sub(_CAPTION, _CAPTION_END, _caption_shortcode, html)
    html = _closing_sub(_EMBED, _EMBED_END, lambda m: f"\n\n{m.group(1).strip()}\n\n", html)
    html = _media_shortcodes(html)
    # An embed as its address on a line of its own, which becomes a link (as [embed]).
    # (The address as the body writes it: HTML text, its entities read with the rest.)
    html = _EMBED_SHORTCODE.sub(lambda m: f"\n\n{m.group(1)}\n\n", html)
    html = _VIMEO_NUMBER.sub(lambda m: f"\n\nhttps://vimeo.com/{m.group(1)}\n\n", html)
    html = _plugin_shortcodes(html, notes)
    if "<!-- wp:" not in html:
        html = _autop(html)
    return html


class _Converter:
    def __init__(self, image_for_url, rewrite_url, image_for_id=None, document_for_url=None):
        self.image_for_url = image_for_url or (lambda url: None)
        self.image_for_id = image_for_id or (lambda wp_id: None)
        self.document_for_url = document_for_url
        self.rewrite_url = rewrite_url or (lambda url: url)
        self.rewrites = rewrite_url is not None
        self.body = Body()
        self.rich = []  # consecutive rich-text pieces, one paragraph block when flushed

    # Output -------------------------------------------------------------------------
    def flush(self):
        if self.rich:
            self.body.blocks.append({"type": "paragraph", "value": "".join(self.rich)})
            self.rich = []

    def add_rich(self, html):
        if html:
            self.rich.append(html)

    def add_block(self, block):
        self.flush()
        self.body.blocks.append(block)

    def note(self, message):
        if message not in self.body.notes:
            self.body.notes.append(message)

    # Rich text ----------------------------------------------------------------------
    def clean(self, tag_or_html, wrapper=None):
        """Allow-listed rich text of a node (or HTML string), in `wrapper` if given."""
        html = str(tag_or_html)
        soup = parse(html)
        for node in soup.find_all(True):
            if node.name in _RENAME:
                node.name = _RENAME[node.name]
            if node.name == "a" and node.get("href"):
                href = self.rewrite_url(node["href"].strip())
                # A relative link pointed into the other site: here it would lead anywhere.
                if _ABSOLUTE.match(href) or (self.rewrites and href.startswith("/")):
                    node["href"] = href
                else:
                    del node["href"]
        cleaned = nh3.clean(
            str(soup),
            tags=_RICH_TAGS,
            clean_content_tags=_DROP | _MEDIA,
            attributes={"a": {"href"}},
            url_schemes=_URL_SCHEMES,
            link_rel=None,
            strip_comments=True,
        ).strip()
        if not parse(cleaned).get_text(strip=True):
            return ""
        if self.document_for_url is not None and "<a " in cleaned:
            cleaned = _CLEAN_LINK.sub(self.document_link, cleaned)
        return f"<{wrapper}>{cleaned}</{wrapper}>" if wrapper else cleaned

    def document_link(self, match):
        """A link to a file that is now a document as Wagtail's link to it, which follows
        the document wherever it is served from. Made from nh3's output: a link the source
        wrote with a linktype of its own never gets this far."""
        href = dict(_CLEAN_ATTRIBUTE.findall(match.group(1))).get("href")
        document = self.document_for_url(html_entities.unescape(href)) if href else None
        if document is None:
            return match.group(0)
        return f'<a linktype="document" id="{int(document.pk)}">'

    def inner(self, node):
        """The markup inside `node`, as written: its text escaped again (a `&lt;br&gt;`
        the source wrote stays words), its comments comments (cleaned out, never shown)."""
        return node.decode_contents()

    def link_paragraph(self, url):
        url = (url or "").strip()
        if re.match(r"^https?://", url, re.I):
            self.add_rich(self.clean(f'<a href="{_attr(url)}">{_text(url)}</a>', "p"))

    # Structure ----------------------------------------------------------------------
    def walk(self, parent):
        for node in list(parent.children):
            if isinstance(node, Comment):
                if node.strip() == "kabar:gallery-without-ids":
                    self.note("a gallery of all the post's images ([gallery] with no ids) left out")
                continue
            if isinstance(node, NavigableString):
                text = str(node)
                if text.strip():
                    bare = _BARE_URL.match(text)
                    if bare:  # an oEmbed address on a line of its own
                        self.link_paragraph(bare.group(1))
                    else:
                        self.add_rich(self.clean(_text(text), "p"))
                continue
            if isinstance(node, Tag):
                self.element(node)

    def element(self, node):
        name = node.name.lower()
        if name in _DROP:
            self.note(f"removed <{name}> (code or form markup is never imported)")
        elif name == "p":
            self.paragraph(node)
        elif name in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.add_rich(self.clean(self.inner(node), _RENAME.get(name, name)))
        elif name in ("ul", "ol"):
            self.add_rich(self.clean(node))
        elif name == "blockquote":
            self.quote(node)
        elif name == "figure":
            self.figure(node)
        elif name == "img":
            self.image(node, caption="")
        elif name in _MEDIA:
            self.link_paragraph(_player_src(node))
        elif name == "hr" or name == "br":
            return
        elif name == "table":
            self.table(node)
        elif name == "dl":
            self.definitions(node)
        elif name == "pre":
            text = node.get_text()
            self.add_rich(self.clean(_text(text).replace("\n", "<br>"), "p"))
        elif name == "a" and node.find("img") is not None:
            self.image(node.find("img"), caption="")
        elif name in ("a", "b", "strong", "i", "em", "span", "code", "u", "small", "sub", "sup"):
            self.add_rich(self.clean(node, "p"))
        else:  # div, section and other wrappers: their content counts
            self.walk(node)

    def paragraph(self, node):
        # A player in a paragraph (wpautop wraps a <video> on a line of its own in one,
        # as it is no block to WordPress) is a link to its file after the paragraph's
        # words, as one standing alone is: the paragraph's cleaning would drop it.
        players = [(player.extract(), _player_src(player)) for player in node.find_all(_PLAYERS)]
        images = node.find_all("img")
        if images and not node.get_text(strip=True):
            for image in images:
                self.image(image, caption="")
        elif bare := (_BARE_URL.match(node.get_text()) if not node.find("a") else None):
            self.link_paragraph(bare.group(1))
        else:
            for image in images:  # an image inside text: the image after the paragraph
                link = image.find_parent("a")
                if link is not None and not link.get_text(strip=True):
                    # Its link to the full-size file goes with it: left, it is a link
                    # with nothing to click.
                    link.extract()
                else:
                    image.extract()
            self.add_rich(self.clean(self.inner(node), "p"))
            for image in images:
                self.image(image, caption="")
        for _player, src in players:
            self.link_paragraph(src)

    def quote(self, node):
        cite = node.find("cite")
        attribution = cite.extract().get_text(" ", strip=True) if cite else ""
        # Its paragraphs: the <p>s, and the text around them (a classic-editor quote has
        # bare lines that wpautop would have made paragraphs).
        parts, loose = [], []
        for child in node.children:
            if isinstance(child, Comment):
                continue
            if isinstance(child, Tag) and child.name in _QUOTE_BLOCKS:
                inner = child.find_all("p") if child.name != "p" else []
                parts += [" ".join(loose), *(p.get_text(" ", strip=True) for p in inner or [child])]
                loose = []
            else:
                loose.append(child.get_text(" ") if isinstance(child, Tag) else str(child))
        parts.append(" ".join(loose))
        paragraphs = [" ".join(p.split()) for part in parts for p in _PARAGRAPH_BREAK.split(part)]
        text = "\n\n".join(p for p in paragraphs if p)
        if text:
            self.add_block(
                {"type": "quote", "value": {"quote": text, "attribution": attribution[:255]}}
            )

    def figure(self, node):
        classes = " ".join(node.get("class") or [])
        if "wp-block-gallery" in classes or len(node.find_all("img")) > 1:
            self.gallery(node)
            return
        caption_node = node.find("figcaption")
        caption = caption_text(caption_node.extract()) if caption_node else ""
        if "wp-block-embed" in classes:
            wrapper = node.find(class_="wp-block-embed__wrapper")
            url = wrapper.get_text(strip=True) if wrapper else _first_src(node)
            self.link_paragraph(url)
            if caption:
                self.add_rich(self.clean(_text(caption), "p"))
            return
        image = node.find("img")
        if image is not None:
            self.image(image, caption=caption)
            return
        table = node.find("table")
        if table is not None:  # a table block: its caption is the table's
            self.table(table, caption=caption)
            return
        self.walk(node)
        if caption:
            self.add_rich(self.clean(_text(caption), "p"))

    def gallery(self, node):
        """A gallery (block or shortcode): each image with its own caption, then the
        gallery's caption."""
        for image in node.find_all("img"):
            holder = image.find_parent(["figure", "li"])
            caption = ""
            if holder is not None and holder is not node:
                found = holder.find("figcaption")
                caption = caption_text(found) if found else ""
            self.image(image, caption=caption)
        own = node.find("figcaption", recursive=False)
        if own is not None:
            self.add_rich(self.clean(_text(caption_text(own)), "p"))

    def image(self, node, caption):
        src = (node.get("src") or "").strip()
        image = None
        if src:
            image = self.image_for_url(src) or self.image_for_url(_SIZED_UPLOAD.sub("", src))
        if image is None:
            # The attachment's id, which WordPress writes on the image (wp-image-12, and
            # data-id in galleries): the image found even at an address the export does not
            # name (a CDN's, another size's).
            found = _ATTACHMENT_ID.search(" ".join(node.get("class") or []))
            wp_id = found.group(1) if found else (node.get("data-id") or "").strip()
            wp_id = parse_id(wp_id)
            image = self.image_for_id(wp_id) if wp_id else None
        if image is None:
            self.note(f"image not found: {src[:200]}" if src else "image without an address")
            if caption:
                self.add_rich(self.clean(_text(caption), "p"))
            return
        self.add_block(
            {"type": "image", "value": {"image": image.pk, "caption": caption[:500], "credit": ""}}
        )

    def table(self, node, caption=""):
        """A table as table blocks: its cells' text, the header row and column kept, a
        cell spanning columns or rows as that many cells (the first with the text, so the
        others stay under their own headers), a nested table as its text in the cell that
        holds it; past TABLE_MAX_ROWS rows, more tables under the same header."""
        rows = []
        below = {}  # column -> (rows it is still covered for, the covering cell's kind)
        for row in node.find_all("tr"):
            if row.find_parent("table") is not node:
                continue
            placed, column, spans = {}, 0, {}
            for cell in row.find_all(["th", "td"], recursive=False):
                while column in below:
                    column += 1
                across = min(parse_id(cell.get("colspan", "")) or 1, TABLE_MAX_COLUMNS)
                down = min(parse_id(cell.get("rowspan", "")) or 1, TABLE_MAX_ROWS)
                for offset in range(across):
                    text = cell.get_text(" ", strip=True) if not offset else ""
                    placed[column + offset] = (cell.name, text)
                    if down > 1:
                        spans[column + offset] = (down - 1, cell.name)
                column += across
            for covered, (left, kind) in list(below.items()):
                placed.setdefault(covered, (kind, ""))
                if left > 1:
                    below[covered] = (left - 1, kind)
                else:
                    del below[covered]
            below.update(spans)
            cells = [placed.get(c, ("td", "")) for c in range(max(placed, default=-1) + 1)]
            if any(text for _, text in cells):
                rows.append(cells[:TABLE_MAX_COLUMNS])
        caption = caption or _caption_of(node)
        if not rows:
            if caption:
                self.add_rich(self.clean(_text(caption), "p"))
            return
        width = max(len(cells) for cells in rows)
        thead = node.find("thead")
        header_row = (thead is not None and thead.find_parent("table") is node) or all(
            kind == "th" for kind, _ in rows[0]
        )
        body_rows = rows[1:] if header_row else rows
        header_column = bool(body_rows) and all(cells[0][0] == "th" for cells in body_rows)
        choice = {
            (True, True): "both", (True, False): "row", (False, True): "column",
            (False, False): "neither",
        }[(header_row, header_column)]  # fmt: skip
        data = [[text for _, text in cells] + [""] * (width - len(cells)) for cells in rows]
        head, data = (data[:1], data[1:]) if header_row else ([], data)
        step = TABLE_MAX_ROWS - len(head)
        for start in range(0, len(data) or 1, step):
            self.add_block(
                {
                    "type": "table",
                    "value": {
                        "data": head + data[start : start + step],
                        "first_row_is_table_header": header_row,
                        "first_col_is_header": header_column,
                        "table_header_choice": choice,
                        "table_caption": caption[:255],
                    },
                }
            )

    def definitions(self, node):
        """A definition list: each term and each definition a paragraph."""
        for item in node.find_all(["dt", "dd"]):
            text = item.get_text(" ", strip=True)
            if text:
                self.add_rich(self.clean(_text(text), "p"))


def _caption_of(table):
    caption = table.find("caption")
    return caption.get_text(" ", strip=True) if caption is not None else ""


def _first_src(node):
    found = node.find([*_PLAYERS, "source"])
    return found.get("src", "") if found else ""


def _player_src(node):
    """The file or page a player (<video>, <audio>, <iframe>, <embed>) plays."""
    return node.get("src") or _first_src(node)


def _text(value):
    return str(value).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(value):
    return _text(value).replace('"', "&quot;")


def html_to_body(
    html, *, image_for_url=None, rewrite_url=None, image_for_id=None, document_for_url=None
):
    """`html` as article body blocks. `image_for_url(src)` gives the Wagtail image an
    <img> shows (None: left out, noted), `image_for_id(n)` the one of WordPress's
    attachment n (wp-image-n, [gallery ids]); `document_for_url(href)` the Wagtail
    document a link points at (None: the link stays as it is); `rewrite_url(href)` may
    turn a link into another (e.g. the old site's own links into paths its redirects
    answer)."""
    converter = _Converter(image_for_url, rewrite_url, image_for_id, document_for_url)
    converter.walk(shallow_soup(_prepare(html, converter.body.notes)))
    converter.flush()
    return converter.body
