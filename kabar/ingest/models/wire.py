"""Wire sources (an agency's feed or a drop folder) and the items they delivered."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class WireSource(models.Model):
    name = models.CharField(_("name"), max_length=120)
    credit = models.CharField(
        _("credit"), max_length=120, help_text=_("Shown on the article, e.g. Reuters.")
    )
    location = models.CharField(
        _("feed address or folder"),
        max_length=500,
        help_text=_("An RSS, Atom or ninjs address, or a folder on the server."),
    )
    section = models.ForeignKey(
        "news.SectionPage", verbose_name=_("section"), on_delete=models.PROTECT, related_name="+"
    )
    language = models.CharField(_("language"), max_length=12, blank=True)
    active = models.BooleanField(_("active"), default=True)
    interval_minutes = models.PositiveSmallIntegerField(_("check every (minutes)"), default=15)
    last_checked_at = models.DateTimeField(_("last checked"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        verbose_name = _("wire source")
        verbose_name_plural = _("wire sources")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def clean(self):
        location = self.location.strip()
        is_address = location.lower().startswith(("http://", "https://"))
        if not (is_address or location.startswith("/")):
            raise ValidationError(
                {"location": _("Give an http(s) address or a folder's full path on the server.")}
            )
        self.location = location


class WireItem(models.Model):
    source = models.ForeignKey(
        WireSource, verbose_name=_("source"), on_delete=models.CASCADE, related_name="items"
    )
    guid = models.CharField(_("GUID or URI"), max_length=500)
    headline = models.CharField(_("headline"), max_length=500)
    summary = models.TextField(_("summary"), blank=True)
    body_html = models.TextField(_("text"), blank=True)
    link = models.URLField(_("original link"), max_length=500, blank=True)
    dateline = models.CharField(_("dateline"), max_length=120, blank=True)
    urgency = models.PositiveSmallIntegerField(_("urgency"), null=True, blank=True)
    language = models.CharField(_("language"), max_length=12, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    received_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    article = models.ForeignKey(
        "news.ArticlePage",
        verbose_name=_("draft article"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("wire item")
        verbose_name_plural = _("wire items")
        ordering = ["-received_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["source", "guid"], name="ingest_wire_item_unique")
        ]

    def __str__(self):
        return self.headline
