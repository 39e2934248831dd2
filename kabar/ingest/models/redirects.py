"""Old addresses (a WordPress permalink, ?p=ID, an archive or feed) and where they live now."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LegacyRedirect(models.Model):
    """A 301 from `old_path` (path and query string, normalised) on `site` to a page, or to
    `target` when what it named is not a page (a tag, an author, a feed)."""

    site = models.ForeignKey(
        "wagtailcore.Site", verbose_name=_("site"), on_delete=models.CASCADE, related_name="+"
    )
    old_path = models.CharField(_("old address"), max_length=1000)
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("page"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="+",
    )
    target = models.CharField(_("new address"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("old address")
        verbose_name_plural = _("old addresses")
        constraints = [
            models.UniqueConstraint(fields=["site", "old_path"], name="ingest_redirect_unique"),
            models.CheckConstraint(
                condition=models.Q(page__isnull=False) | ~models.Q(target=""),
                name="ingest_redirect_has_target",
            ),
        ]

    def __str__(self):
        return self.old_path
