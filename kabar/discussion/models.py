"""A reader's comment under an article, threaded, with its moderation status."""

from django.conf import settings
from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

# WordPress's limits, so an imported site never meets a comment it cannot hold.
BODY_MAX_LENGTH = 65525
NAME_MAX_LENGTH = 245
EMAIL_MAX_LENGTH = 100
URL_MAX_LENGTH = 200


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    SPAM = "spam", _("Spam")
    TRASH = "trash", _("Trash")


class Comment(models.Model):
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="reader_comments",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("in reply to"),
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="replies",
    )
    depth = models.PositiveSmallIntegerField(_("depth"), default=1, editable=False)
    body = models.TextField(_("comment"))
    author_name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    author_email = models.EmailField(_("email"), max_length=EMAIL_MAX_LENGTH)
    author_url = models.URLField(_("website"), max_length=URL_MAX_LENGTH, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        db_index=True,
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["page", "status", "created_at"], name="discussion_page_status"),
            models.Index(fields=["author_email", "status"], name="discussion_author_status"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=CommentStatus.values),
                name="discussion_comment_status_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(depth__gte=1), name="discussion_comment_depth_positive"
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("body"), 1)
                & LessThanOrEqual(Length("body"), BODY_MAX_LENGTH),
                name="discussion_comment_body_length",
            ),
            models.CheckConstraint(
                condition=GreaterThanOrEqual(Length("author_name"), 1)
                & GreaterThanOrEqual(Length("author_email"), 3),
                name="discussion_comment_author_required",
            ),
        ]

    def __str__(self):
        return f"{self.author_name}: {self.body[:60]}"

    def get_absolute_url(self):
        return f"{self.page.url}#comment-{self.pk}"

    @property
    def is_public(self):
        return self.status == CommentStatus.APPROVED
