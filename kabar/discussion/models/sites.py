"""Registered sites and their threads: pages of Wagtail's tree, so a thread takes comments
through the same interface as an article (`targets.Commentable`) and every part of
discussion serves it unchanged (see kabar.discussion.sites)."""

import contextlib

from django.db import models
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.models import Page, Site

from kabar.core.memo import site_wide

from ..addresses import (
    ADDRESS_MAX_LENGTH,
    BadAddress,
    normalise_origin,
    origins_in,
    validate_origin,
    validate_origins,
)
from ..targets import Commentable, DiscussionState


class ExternalSite(Page):
    """Another site whose pages take Kabar's discussion through the widget or the API,
    made by staff at the top of the page tree (beside the home page). Its slug is the key
    the widget names it by (`data-kabar-site`); its threads are its child pages."""

    origin = models.CharField(
        _("origin"),
        max_length=255,
        validators=[validate_origin],
        help_text=_("Scheme, host and port, for example https://blog.example.org"),
    )
    other_origins = models.TextField(
        _("other origins"),
        blank=True,
        validators=[validate_origins],
        help_text=_("Other addresses the same site is reached at, one per line."),
    )
    keep_query = models.BooleanField(
        _("keep the query string"),
        default=False,
        help_text=_(
            "Off: /story?ref=home and /story are one discussion. On: each query string "
            "is a page of its own."
        ),
    )
    discussion = models.CharField(
        _("discussion"),
        max_length=20,
        choices=DiscussionState.choices,
        default=DiscussionState.OPEN,
        help_text=_("For every discussion on this site; a single one can be changed too."),
    )
    close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"),
        null=True,
        blank=True,
        help_text=_("Empty: the site-wide setting applies."),
    )

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["discussion.ExternalThread"]
    content_panels = [
        FieldPanel("title"),
        FieldPanel("slug"),
        MultiFieldPanel(
            [FieldPanel("origin"), FieldPanel("other_origins"), FieldPanel("keep_query")],
            heading=_("Addresses"),
        ),
        MultiFieldPanel(
            [FieldPanel("discussion"), FieldPanel("close_after_days")],
            heading=_("Moderation"),
        ),
    ]
    promote_panels = []

    class Meta:
        verbose_name = _("registered site")
        verbose_name_plural = _("registered sites")

    def clean(self):
        super().clean()
        with contextlib.suppress(BadAddress):  # the field's validator says why
            self.origin = normalise_origin(self.origin)
        if all(origins_in(line) for line in self.other_origins.splitlines() if line.strip()):
            self.other_origins = "\n".join(origins_in(self.other_origins))

    def origins(self):
        return list(dict.fromkeys([self.origin, *origins_in(self.other_origins)]))

    def accepts_origin(self, origin):
        try:
            return normalise_origin(origin) in self.origins()
        except BadAddress:
            return False

    def serve(self, request, *args, **kwargs):
        raise Http404  # a registry entry, never shown to readers


def _default_site():
    return Site.objects.filter(is_default_site=True).first()


class ExternalThread(Commentable, Page):
    """The discussion of one page of a registered site, kept under its address. It takes
    comments as any registered page does (registered in DiscussionConfig.ready)."""

    site = models.ForeignKey(
        ExternalSite, on_delete=models.PROTECT, related_name="threads", editable=False
    )
    address = models.URLField(_("address"), max_length=ADDRESS_MAX_LENGTH, editable=False)
    address_key = models.CharField(max_length=64, editable=False)

    parent_page_types = ["discussion.ExternalSite"]
    subpage_types = []
    content_panels = [FieldPanel("title"), FieldPanel("discussion")]
    promote_panels = []
    template = "discussion/external_thread.html"

    discussion_fields = (
        *Commentable.discussion_fields,
        "address",
        *(
            f"site__{name}"
            for name in ("title", "slug", "origin", "discussion", "close_after_days")
        ),
    )
    discussion_related = ("site",)

    class Meta:
        verbose_name = _("discussion on a registered site")
        verbose_name_plural = _("discussions on registered sites")
        constraints = [
            models.UniqueConstraint(
                fields=["site", "address_key"], name="discussion_thread_address_unique"
            )
        ]

    @property
    def comments_open(self):
        return super().comments_open and self.site.discussion != DiscussionState.CLOSED

    @property
    def discussion_premoderated(self):
        return (
            super().discussion_premoderated or self.site.discussion == DiscussionState.PREMODERATED
        )

    def discussion_overrides(self):
        if self.site.close_after_days is not None:
            return {"close_after_days": self.site.close_after_days}
        return {}

    def discussion_url(self, request=None):
        return self.address

    def discussion_view_restrictions(self):
        # The page it is about is the other site's, shown by it to whom it chooses: no
        # password or sign-in of Kabar's stands in front of its discussion.
        return ()

    def get_url_parts(self, request=None):
        """Kabar's own page for the thread (the thread and its form, for readers without
        JavaScript, and the desk's links), on the Site serving the request or the default
        one: the thread sits outside every Site's part of the tree."""
        site = Site.find_for_request(request) if request is not None else None
        if site is None:
            site = site_wide.get(("default-site",), _default_site)
        if site is None:
            return None
        return site.pk, site.root_url, reverse("discussion:thread", args=[self.pk])
