"""An import started from the admin: its file, its format, its progress and its report."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportRunStatus(models.TextChoices):
    QUEUED = "queued", _("queued")
    RUNNING = "running", _("running")
    DONE = "done", _("done")
    FAILED = "failed", _("failed")


class ImportFormat(models.TextChoices):
    WORDPRESS = "wordpress", _("WordPress export (WXR)")
    DISQUS = "disqus", _("Disqus export (XML)")
    ISSO = "isso", _("Isso database (SQLite)")
    REMARK42 = "remark42", _("Remark42 backup")


# The formats of other comment systems, brought in by kabar.ingest.comments.
COMMENT_FORMATS = (ImportFormat.DISQUS, ImportFormat.ISSO, ImportFormat.REMARK42)


class ImportRun(models.Model):
    format = models.CharField(
        _("format"), max_length=20, choices=ImportFormat.choices, default=ImportFormat.WORDPRESS
    )
    file = models.FileField(_("export file"), upload_to="imports/")
    # The registered site a comment import's threads belong to (Isso keeps only paths).
    site = models.ForeignKey(
        "discussion.ExternalSite",
        verbose_name=_("registered site"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    dry_run = models.BooleanField(_("dry run"), default=False)
    status = models.CharField(
        _("status"), max_length=10, choices=ImportRunStatus.choices, default=ImportRunStatus.QUEUED
    )
    items_done = models.PositiveIntegerField(_("items done"), default=0)
    report = models.JSONField(_("report"), default=dict, blank=True)
    error = models.TextField(_("error"), blank=True)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    class Meta:
        verbose_name = _("import")
        verbose_name_plural = _("imports")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.file.name} ({self.get_status_display()})"
