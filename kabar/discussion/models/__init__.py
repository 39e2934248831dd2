"""A reader's comment under an article, threaded, with its moderation status."""

import functools

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connections, models, router, transaction
from django.db.models.functions import Length, Lower
from django.db.models.lookups import GreaterThanOrEqual, LessThanOrEqual
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from kabar.core.text import text_key

from .sites import ExternalSite, ExternalThread  # noqa: F401 (pages that take comments)

# WordPress's limits, so an imported site never meets a comment it cannot hold.
BODY_MAX_LENGTH = 65525
NAME_MAX_LENGTH = 245
EMAIL_MAX_LENGTH = 100
URL_MAX_LENGTH = 200


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    # Held because readers reported it; back to approved or on to spam/trash by a moderator.
    REPORTED = "reported", _("Reported")
    APPROVED = "approved", _("Approved")
    SPAM = "spam", _("Spam")
    TRASH = "trash", _("Trash")


def normalise_email(email):
    """An address as Commenter.email holds it, and as every lookup by address compares it."""
    return (email or "").strip().lower()


class Commenter(models.Model):
    """What Kabar knows about one email address: whether its owner proved it is theirs,
    and how moderators have judged its comments. Trust is earned here, never by simply
    typing a known name and email."""

    email = models.EmailField(_("email"), max_length=EMAIL_MAX_LENGTH, unique=True)
    name = models.CharField(_("last name used"), max_length=NAME_MAX_LENGTH, blank=True)
    verified_at = models.DateTimeField(_("email verified"), null=True, blank=True)
    approved_count = models.PositiveIntegerField(_("approved comments"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected comments"), default=0)
    # Set when a moderator marks one of this commenter's comments as spam; cleared by
    # "approve and trust".
    trust_revoked_at = models.DateTimeField(_("trust revoked"), null=True, blank=True)
    manually_trusted = models.BooleanField(_("trusted by a moderator"), default=False)
    created_at = models.DateTimeField(_("first seen"), default=timezone.now)
    # After an erasure (privacy.personal_data_erase) the address itself is gone; its keyed
    # hash stays, so that an import of an older export recognises this person's other
    # comments and brings them in anonymised (privacy.erased_commenter).
    erased_hash = models.CharField(max_length=64, blank=True, default="", editable=False)

    class Meta:
        verbose_name = _("commenter")
        verbose_name_plural = _("commenters")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(email=Lower("email")), name="discussion_commenter_email_lower"
            ),
        ]
        indexes = [
            models.Index(
                fields=["erased_hash"],
                condition=~models.Q(erased_hash=""),
                name="discussion_commenter_erased",
            ),
        ]

    def __str__(self):
        return self.email


# Removed by its author (or erased with its text): in the trash, shown only as a
# placeholder that keeps its approved replies in place.
REMOVED_BY_AUTHOR = models.Q(status=CommentStatus.TRASH, removed_at__isnull=False)
# A top-level comment every reader sees in its thread: an approved one, or the placeholder
# of one its author removed. The condition of the index discussion_visible_roots.
VISIBLE_ROOT = models.Q(parent__isnull=True) & (
    models.Q(status=CommentStatus.APPROVED) | REMOVED_BY_AUTHOR
)


class Comment(models.Model):
    # Found by the thread's index (page, status, created_at), which starts with the page:
    # one index fewer to write with every comment.
    page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="reader_comments",
        db_index=False,
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
    # text_key(body), kept by save(): the duplicate check (spam/rules.find_duplicate) finds
    # an author's comment with the same text on the same page in one index lookup.
    body_key = models.CharField(max_length=32, editable=False, blank=True, default="")
    author_name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    author_email = models.EmailField(_("email"), max_length=EMAIL_MAX_LENGTH)
    author_url = models.URLField(_("website"), max_length=URL_MAX_LENGTH, blank=True)
    commenter = models.ForeignKey(
        Commenter,
        verbose_name=_("commenter"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
        # Found by the index (commenter, status), which starts with it.
        db_index=False,
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # Written by someone who could moderate at the time (a reply from the desk, or a signed-in
    # moderator on the site): the thread marks it as the newsroom's. Stored, not derived from
    # `user`, so it stays true of what was written when that person's permissions change.
    by_staff = models.BooleanField(_("written by the newsroom"), default=False)
    # The address itself is kept only for the retention period (for moderators); the keyed
    # hash serves rate limits, duplicate checks and search, and is forgotten with it.
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    # Indexed in Meta: a plain index, without the second (LIKE) index Django adds on
    # PostgreSQL for a CharField with db_index, which no query uses and every INSERT fills.
    ip_hash = models.CharField(_("IP hash"), max_length=64, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
    )
    created_at = models.DateTimeField(_("submitted"), default=timezone.now, db_index=True)
    edited_at = models.DateTimeField(_("edited"), null=True, blank=True)
    # Deleted by its author while it had replies: shown as a placeholder so replies stay.
    removed_at = models.DateTimeField(_("removed by author"), null=True, blank=True)
    # Why the automated checks decided as they did: [{"rule", "effect", "detail"}, ...].
    reasons = models.JSONField(_("reasons"), default=list, blank=True)
    spam_score = models.FloatField(_("spam score"), null=True, blank=True)
    report_count = models.PositiveIntegerField(_("reports"), default=0)
    notify_replies = models.BooleanField(_("notify of replies"), default=False)
    moderated_at = models.DateTimeField(_("moderated"), null=True, blank=True)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The staff digest this comment waits to be told in (a DeliveryKind of staff mail), set
    # with the comment's own INSERT and cleared by the round that lists it (staff.py): a held
    # comment costs no second write and no job of its own to reach the moderators.
    staff_notice = models.CharField(_("staff notice"), max_length=40, blank=True, default="")

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["status"], name="discussion_status"),
            models.Index(fields=["ip_hash"], name="discussion_ip_hash"),
            models.Index(fields=["page", "status", "created_at"], name="discussion_page_status"),
            # The top-level comments every reader sees, in the thread's order: counted for
            # every comment posted, for the page of the thread it shows on
            # (selectors._roots_ahead). Held comments, however many a busy article piles up,
            # are not in it.
            models.Index(
                fields=["page", "created_at", "id"],
                condition=VISIBLE_ROOT,
                name="discussion_visible_roots",
            ),
            models.Index(fields=["author_email", "status"], name="discussion_author_status"),
            # The duplicate check (spam/rules.py find_duplicate): the comments on a page with
            # the same text, however busy the page and however much its author wrote.
            models.Index(fields=["page", "body_key"], name="discussion_dup_body"),
            # A commenter's approved comments, counted for every comment they post (trust.py)
            # without walking the rest of what they wrote, in the order of `id` (the order
            # that keeps the database from reading the table instead).
            models.Index(fields=["commenter", "status", "id"], name="discussion_commenter_history"),
            # The few comments a staff digest round has still to tell, found without a scan.
            models.Index(
                fields=["staff_notice", "created_at"],
                condition=~models.Q(staff_notice=""),
                name="discussion_staff_notice",
            ),
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

    def save(self, *args, **kwargs):
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "body" in update_fields:
            self.body_key = text_key(self.body)
            if update_fields is not None:
                kwargs["update_fields"] = {*update_fields, "body_key"}
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return f"{self.page.url}#comment-{self.pk}"

    @property
    def is_public(self):
        return self.status == CommentStatus.APPROVED

    def insert_unless(self, exists, *, also=None):
        """Store this new comment unless the query `exists` ((sql, params): a SELECT
        over comments) finds a row, in one statement: INSERT … SELECT … WHERE NOT EXISTS.
        True if it was stored; False, and nothing written, if a row was found. (The
        duplicate check of comment_submit, which a statement of its own cost a round trip
        and about a tenth of a post's time on PostgreSQL.) Needs INSERT … RETURNING
        (can_insert_unless).

        `also` ((sql, params): a data-modifying statement that writes only rows it finds
        through the stored row, named INSERTED) is run in the same statement, and so
        writes nothing when the row was not stored: needs data-modifying WITH queries
        (can_insert_also). One statement is atomic without a transaction, which would
        cost a round trip at each end.

        What save() would do for a new comment, and no more: save()'s signals, the body's
        key, every field's value as the database takes it, the row's id and state after.
        A new comment has no related row left to save and no field that sets itself on
        saving (a default is set when the comment is made), which save()'s general path
        (about a quarter of the time the row takes from Python) would look for."""
        using = router.db_for_write(Comment, instance=self)
        connection = connections[using]
        sql, params = exists
        also_sql, also_params = also or (None, ())
        fields, returning = _insert_fields()
        insert = _insert_unless_sql(connection, fields, returning, sql, also_sql)
        models.signals.pre_save.send(
            sender=Comment, instance=self, raw=False, using=using, update_fields=None
        )
        self.body_key = text_key(self.body)
        values = [
            field.get_db_prep_save(getattr(self, field.attname), connection) for field in fields
        ]
        with transaction.mark_for_rollback_on_error(using), connection.cursor() as cursor:
            cursor.execute(insert, [*values, *params, *also_params])
            rows = cursor.fetchall()
        if not rows:
            return False
        for field, value in zip(returning, rows[0], strict=True):
            setattr(self, field.attname, value)
        self._state.adding = False
        self._state.db = using
        models.signals.post_save.send(
            sender=Comment, instance=self, created=True, update_fields=None, raw=False, using=using
        )
        return True


@functools.cache
def _insert_fields():
    """(the fields a new comment's INSERT writes, the ones it returns), as save() has them."""
    meta = Comment._meta
    fields = tuple(field for field in meta.local_concrete_fields if not field.generated)
    fields = tuple(field for field in fields if field is not meta.auto_field)
    return fields, tuple(meta.db_returning_fields)


def can_insert_unless(connection):
    """Whether Comment.insert_unless works on `connection` (SQLite and PostgreSQL do)."""
    return connection.features.can_return_columns_from_insert


def can_insert_also(connection):
    """Whether Comment.insert_unless can run a second write with the row (`also`):
    PostgreSQL's data-modifying WITH queries. SQLite has none."""
    return connection.vendor == "postgresql"


# The name under which insert_unless's `also` statement finds the row just stored.
INSERTED = "inserted"


def _cast_type(field, connection):
    db_type = field.db_type(connection)
    return "text" if db_type.startswith("varchar") else db_type


_INSERT_UNLESS_SQL = {}


def _insert_unless_sql(connection, fields, returning_fields, exists_sql, also_sql=None):
    """INSERT INTO comments (fields) SELECT <values> WHERE NOT EXISTS (exists_sql)
    RETURNING <returning_fields>, written once per database and statement; with
    `also_sql`, the INSERT is a WITH query (INSERTED) that `also_sql` reads. On PostgreSQL
    each value is cast to its column's type, which the VALUES of Django's own INSERT
    gives it and a SELECT list does not (an address would arrive as text, not inet); text
    is cast to text, not to varchar(n), which would cut a value too long instead of
    refusing it as the column does."""
    key = (connection.alias, fields, returning_fields, exists_sql, also_sql)
    sql = _INSERT_UNLESS_SQL.get(key)
    if sql is None:
        quote = connection.ops.quote_name
        cast = connection.vendor == "postgresql"
        columns = ", ".join(quote(field.column) for field in fields)
        values = ", ".join(
            f"%s::{_cast_type(field, connection)}" if cast else "%s" for field in fields
        )
        returning = ", ".join(quote(field.column) for field in returning_fields)
        sql = (
            f"INSERT INTO {quote(Comment._meta.db_table)} ({columns}) SELECT {values}"
            f" WHERE NOT EXISTS ({exists_sql})"
        )
        if also_sql is None:
            sql += f" RETURNING {returning}"
        else:
            # Every statement of a WITH runs to its end, read or not: `also` writes only
            # rows it finds through INSERTED, so nothing when the row was not stored.
            sql = (
                f"WITH {INSERTED} AS ({sql} RETURNING *), also AS ({also_sql})"  # noqa: S608
                f" SELECT {returning} FROM {INSERTED}"
            )
        _INSERT_UNLESS_SQL[key] = sql
    return sql


class Report(models.Model):
    """A reader's report that a comment breaks the rules."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="reports")
    reason = models.CharField(_("reason"), max_length=500)
    reporter_hash = models.CharField(_("reporter"), max_length=64)
    # From a reader with a history (staff, or a trusted commenter in a browser that proves
    # it): only these reports hide a comment before a moderator has looked.
    trusted = models.BooleanField(_("from a trusted reader"), default=False)
    created_at = models.DateTimeField(_("reported"), default=timezone.now)

    class Meta:
        verbose_name = _("report")
        verbose_name_plural = _("reports")
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "reporter_hash"], name="discussion_report_once_per_reader"
            )
        ]

    def __str__(self):
        return f"{self.comment_id}: {self.reason[:60]}"


class Subscription(models.Model):
    """A confirmed wish to be mailed when a comment on an article gets an approved reply."""

    page = models.ForeignKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="+")
    commenter = models.ForeignKey(Commenter, on_delete=models.CASCADE, related_name="subscriptions")
    created_at = models.DateTimeField(default=timezone.now)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("reply subscription")
        verbose_name_plural = _("reply subscriptions")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "commenter"], name="discussion_subscription_unique"
            )
        ]

    def __str__(self):
        return f"{self.commenter_id} → {self.page_id}"


class DeliveryStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class DeliveryKind(models.TextChoices):
    CONFIRM = "confirm", _("Email confirmation")
    REPLY = "reply", _("Follow-up comment")
    STAFF_HELD = "staff_held", _("Comment awaiting moderation")
    STAFF_NEW = "staff_new", _("New comment")
    STAFF_PREMODERATED = "staff_premoderated", _("Discussion switched to pre-moderation")
    PRIVACY_EXPORT = "privacy_export", _("Data export link")
    PRIVACY_ERASE = "privacy_erase", _("Data erasure link")


class EmailDelivery(models.Model):
    """One outgoing message and what became of it, for the admin's delivery log."""

    kind = models.CharField(_("kind"), max_length=40, choices=DeliveryKind.choices)
    recipient = models.EmailField(_("recipient"), max_length=EMAIL_MAX_LENGTH)
    subject = models.CharField(_("subject"), max_length=255)
    comment = models.ForeignKey(
        Comment, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries"
    )
    # What a message about no one comment is rebuilt from when it is sent (a page id, a
    # reason, a language, a staff digest's comment ids); never an address or a link, which
    # are made at sending time.
    data = models.JSONField(_("message data"), default=dict, blank=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=DeliveryStatus.choices,
        default=DeliveryStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("queued"), default=timezone.now, db_index=True)
    last_attempt_at = models.DateTimeField(_("last attempt"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)

    class Meta:
        verbose_name = _("email delivery")
        verbose_name_plural = _("email deliveries")
        ordering = ["-created_at"]
        indexes = [
            # What an address was sent lately (one confirmation a day), asked for every
            # held comment of an unconfirmed commenter: a walk of that address's rows only.
            models.Index(
                fields=["recipient", "kind", "created_at"], name="discussion_delivery_recent"
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=DeliveryStatus.values),
                name="discussion_delivery_status_valid",
            ),
            # Never the same message about the same comment to the same address twice.
            models.UniqueConstraint(
                fields=["comment", "recipient", "kind"], name="discussion_delivery_once"
            ),
        ]

    def __str__(self):
        return f"{self.kind} → {self.recipient} ({self.status})"


class SpamToken(models.Model):
    """Learned counts for the naive Bayes score: how often a feature appeared in comments
    moderators approved (ham) and in those they marked as spam."""

    token = models.CharField(max_length=64, unique=True)
    ham = models.PositiveIntegerField(default=0)
    spam = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("spam feature")
        verbose_name_plural = _("spam features")

    def __str__(self):
        return self.token


class CommentOrder(models.TextChoices):
    OLDEST = "oldest", _("Oldest first")
    NEWEST = "newest", _("Newest first")


@register_setting(icon="comment")
class DiscussionSettings(BaseSiteSetting):
    """The newsroom's discussion rules, WordPress's Discussion options and Kabar's own.
    Sections may override the ones marked so on their settings tab."""

    # Closing and threading.
    close_after_days = models.PositiveIntegerField(
        _("close comments on articles older than (days)"),
        null=True,
        blank=True,
        help_text=_("Leave empty to keep discussions open."),
    )
    thread_depth = models.PositiveSmallIntegerField(
        _("threaded replies, levels deep"),
        default=5,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    comments_per_page = models.PositiveSmallIntegerField(
        _("top-level comments per page"),
        default=50,
        validators=[MinValueValidator(5), MaxValueValidator(500)],
    )
    comment_order = models.CharField(
        _("comment order"), max_length=10, choices=CommentOrder.choices, default=CommentOrder.OLDEST
    )
    closed_from = models.TimeField(
        _("closed daily from"), null=True, blank=True, help_text=_("E.g. 00:00 (site time).")
    )
    closed_until = models.TimeField(_("closed daily until"), null=True, blank=True)

    # Moderation and spam.
    premoderate_all = models.BooleanField(_("hold every comment for moderation"), default=False)
    trust_after_approved = models.PositiveSmallIntegerField(
        _("verified commenters are trusted after this many approved comments"), default=1
    )
    links_to_hold = models.PositiveSmallIntegerField(
        _("hold a comment with this many links or more"), default=2
    )
    moderation_words = models.TextField(
        _("moderation words"),
        blank=True,
        help_text=_("One per line. A comment containing any of them is held for moderation."),
    )
    disallowed_words = models.TextField(
        _("disallowed words"),
        blank=True,
        help_text=_("One per line. A comment containing any of them goes to the trash."),
    )
    min_seconds_to_post = models.PositiveSmallIntegerField(
        _("hold comments sent faster than (seconds) after the page loaded"), default=3
    )
    flood_interval_seconds = models.PositiveSmallIntegerField(
        _("minimum seconds between comments from one reader"), default=15
    )
    burst_comments = models.PositiveSmallIntegerField(
        _("burst guard: comments from new commenters"), default=20
    )
    burst_minutes = models.PositiveSmallIntegerField(_("burst guard: within minutes"), default=10)
    reports_to_hold = models.PositiveSmallIntegerField(
        _("hold a comment after this many reader reports"), default=3
    )

    # Notifications and commenters.
    notify_staff_on_new = models.BooleanField(
        _("email staff about every new comment"), default=False
    )
    notify_staff_on_held = models.BooleanField(
        _("email staff about comments held for moderation"), default=True
    )
    edit_window_minutes = models.PositiveSmallIntegerField(
        _("commenters may edit or delete for (minutes)"), default=10
    )
    ip_retention_days = models.PositiveSmallIntegerField(
        _("forget commenters' IP addresses after (days)"), default=30
    )
    erase_keeps_text = models.BooleanField(
        _("erasure keeps the comment text (anonymised)"), default=True
    )
    gravatar_enabled = models.BooleanField(
        _("load avatars from Gravatar"),
        default=False,
        help_text=_(
            "Off by default. Turning it on shows a hash of each published commenter's "
            "email in the pages and the API (anyone who guesses an address can check it "
            "against that hash) and sends it to Gravatar's servers whenever a reader views "
            "comments."
        ),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("close_after_days"),
                FieldPanel("closed_from"),
                FieldPanel("closed_until"),
                FieldPanel("thread_depth"),
                FieldPanel("comments_per_page"),
                FieldPanel("comment_order"),
            ],
            heading=_("Closing and threading"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("premoderate_all"),
                FieldPanel("trust_after_approved"),
                FieldPanel("links_to_hold"),
                FieldPanel("moderation_words"),
                FieldPanel("disallowed_words"),
                FieldPanel("min_seconds_to_post"),
                FieldPanel("flood_interval_seconds"),
                FieldPanel("burst_comments"),
                FieldPanel("burst_minutes"),
                FieldPanel("reports_to_hold"),
            ],
            heading=_("Moderation and spam"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("notify_staff_on_new"),
                FieldPanel("notify_staff_on_held"),
                FieldPanel("edit_window_minutes"),
            ],
            heading=_("Notifications and commenters"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("ip_retention_days"),
                FieldPanel("erase_keeps_text"),
                FieldPanel("gravatar_enabled"),
            ],
            heading=_("Privacy"),
        ),
    ]

    class Meta:
        verbose_name = _("discussion settings")
