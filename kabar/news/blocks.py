"""The blocks an article body is written in."""

import json

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock
from wagtail.embeds.blocks import EmbedBlock
from wagtail.images.blocks import ImageChooserBlock

PARAGRAPH_FEATURES = [
    "bold", "italic", "superscript", "subscript", "link", "document-link", "ol", "ul", "h2", "h3",
]  # fmt: skip


class QuoteBlock(blocks.StructBlock):
    quote = blocks.TextBlock(label=_("Quote"))
    attribution = blocks.CharBlock(label=_("Attribution"), required=False, max_length=255)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "news/blocks/quote.html"


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("Image"))
    caption = blocks.CharBlock(label=_("Caption"), required=False, max_length=500)
    credit = blocks.CharBlock(label=_("Credit"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "news/blocks/image.html"


# A table of figures (results, casualties, prices): plain-text cells, as readers copy them.
TABLE_OPTIONS = {
    "renderer": "text",
    "startRows": 3,
    "startCols": 3,
    "contextMenu": [
        "row_above", "row_below", "---------", "col_left", "col_right", "---------",
        "remove_row", "remove_col", "---------", "undo", "redo",
    ],
}  # fmt: skip


# Past these a table is not one a reader can read (or a hand-made form post).
TABLE_MAX_ROWS = 1000
TABLE_MAX_COLUMNS = 50
_UNREADABLE = "kabar_unreadable"


class ArticleTableBlock(TableBlock):
    """Wagtail's table block, answering a table it cannot read (a damaged or hand-made form
    post: not JSON, cells that are not text, thousands of rows) with a message under the
    block instead of an error page."""

    def value_from_form(self, value):
        try:
            return json.loads(value)
        except (TypeError, ValueError):
            return {_UNREADABLE: True}

    def clean(self, value):
        if not _readable_table(value):
            raise ValidationError(
                _(
                    "This table could not be read. Reload the page and enter it again "
                    "(at most %(rows)d rows and %(columns)d columns, text in each cell)."
                )
                % {"rows": TABLE_MAX_ROWS, "columns": TABLE_MAX_COLUMNS}
            )
        return super().clean(value)


def _readable_table(value):
    if not isinstance(value, dict) or value.get(_UNREADABLE):
        return False
    data = value.get("data")
    caption = value.get("table_caption")
    return (
        isinstance(data, list)
        and len(data) <= TABLE_MAX_ROWS
        and all(
            isinstance(row, list)
            and len(row) <= TABLE_MAX_COLUMNS
            and all(cell is None or isinstance(cell, str) for cell in row)
            for row in data
        )
        and (caption is None or isinstance(caption, str))
    )


class ArticleBodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(features=PARAGRAPH_FEATURES, label=_("Paragraph"))
    quote = QuoteBlock()
    image = CaptionedImageBlock()
    embed = EmbedBlock(label=_("Embed"), template="news/blocks/embed.html")
    table = ArticleTableBlock(
        label=_("Table"), table_options=TABLE_OPTIONS, template="news/blocks/table.html"
    )
