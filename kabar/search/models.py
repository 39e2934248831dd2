"""The search index: one row per live public article, its text as shown and as stemmed."""

import math

from django.db import models
from django.utils.translation import gettext_lazy as _

from kabar.news.models import ArticlePage

# position = publication second * 2**24 + the page id's low 24 bits: unique, in publication
# order, and the second it holds read back with position >> POSITION_SHIFT.
POSITION_SHIFT = 24


# On SQLite an entry is ranked by its headline and opening as the index search_entry_head
# (migration 0004) holds them: its stems, and the first 400 characters of its body's stems
# (the standfirst and the first lines, some sixty words), spaces doubled so that a stem
# repeated ("anak anak") is found each time with ' stem '. The ranking query must name
# the same expressions for SQLite to read them from the index.
HEAD_SQL = "(' ' || replace(stemmed_title, ' ', '  ') || ' ')"
LEAD_SQL = "(' ' || replace(substr(stemmed_body, 1, 400), ' ', '  ') || ' ')"


def search_position(published_at, page_id):
    """The entry's place in publication order (SearchEntry.position) and, on SQLite, its
    FTS5 rowid: the newest matches are then the highest rowids, found without scoring."""
    seconds = math.floor(published_at.timestamp()) if published_at is not None else 0
    return (seconds << POSITION_SHIFT) | (page_id & ((1 << POSITION_SHIFT) - 1))


def position_bound(moment):
    """The lowest position of anything published at `moment` or after it."""
    return math.floor(moment.timestamp()) << POSITION_SHIFT


class SearchEntry(models.Model):
    """An article as search sees it. The full-text index over it is the engine's own: an
    FTS5 table over the stemmed columns on SQLite, a generated tsvector column over the raw
    text on PostgreSQL (migrations 0002, 0003 and 0005)."""

    page = models.OneToOneField(
        ArticlePage, on_delete=models.CASCADE, related_name="search_entry", primary_key=True
    )
    language = models.CharField(_("language"), max_length=12)
    title = models.TextField(_("title"))
    body_text = models.TextField(_("body text"), blank=True)
    # Snowball stems, one per word of title / body_text and in their order (text.stems).
    stemmed_title = models.TextField(blank=True)
    stemmed_body = models.TextField(blank=True)
    section_id = models.IntegerField(null=True, db_index=True)
    published_at = models.DateTimeField(null=True, db_index=True)
    # search_position(published_at, page_id): the order matches are taken in (migration 0003).
    position = models.BigIntegerField(unique=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return self.title
