"""The record of every WordPress item brought in: what it became, and what it looked like."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportedKind(models.TextChoices):
    AUTHOR = "author", _("author")
    CATEGORY = "category", _("category")
    TAG = "tag", _("tag")
    ATTACHMENT = "attachment", _("attachment")
    # An attachment that is a file readers download (its record's object is a document).
    DOCUMENT = "document", _("document")
    POST = "post", _("post")
    PAGE = "page", _("page")
    COMMENT = "comment", _("comment")


class ImportedItem(models.Model):
    """One item of one WordPress site, by its id there (a number; a login for authors, a
    slug for terms). `digest` is a hash of the fields Kabar takes from it: the same digest
    on a later run means nothing to update."""

    source = models.CharField(_("WordPress site"), max_length=200)
    kind = models.CharField(_("kind"), max_length=12, choices=ImportedKind.choices)
    wp_id = models.CharField(_("WordPress id"), max_length=200)
    object_id = models.CharField(_("Kabar object"), max_length=64)
    digest = models.CharField(_("digest"), max_length=64)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    # A post's or page's page as the import left it: its latest revision, and whether it
    # was live. A page whose revision is another by the next run (edited here) or that
    # was live and is not (unpublished here) is the newsroom's: left as it is. Empty for
    # other kinds, and for pages written before Kabar kept this.
    revision_id = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    left_live = models.BooleanField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("imported item")
        verbose_name_plural = _("imported items")
        constraints = [
            models.UniqueConstraint(
                fields=["source", "kind", "wp_id"], name="ingest_imported_item_unique"
            )
        ]

    def __str__(self):
        return f"{self.source} {self.kind} {self.wp_id}"
