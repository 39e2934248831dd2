"""The search index: one row per live public article, its text as shown and as stemmed."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from kabar.news.models import ArticlePage


class SearchEntry(models.Model):
    """An article as search sees it. The full-text index over it is the engine's own: an
    FTS5 table over the stemmed columns on SQLite, a generated tsvector column over the raw
    text on PostgreSQL (migrations 0002)."""

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

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return self.title
