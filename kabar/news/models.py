"""Publishing: the home front, section fronts, articles and their authors."""

import copy

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import TaggedItemBase
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel, PageChooserPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from kabar.core.generations import GEN_LISTS
from kabar.core.language import content_languages
from kabar.core.memo import StampedMemo, request_stamp
from kabar.core.page_cache import request_generations
from kabar.core.pagination import listing_page
from kabar.core.restrictions import view_restrictions_on_path
from kabar.core.site_address import site_url
from kabar.core.slugs import SlugField, slugify
from kabar.discussion import targets
from kabar.discussion.targets import Commentable

from . import corrections, selectors, seo
from .blocks import ArticleBodyBlock


def route_to_typed_child(parent, request, path_components, model):
    """Wagtail's Page.route, with the child read from `model`'s own table in one query (it
    nearly always is one: sections under the home page, articles under a section) instead
    of the page row and then its specific row. Liveness, privacy and the rest stay with
    Wagtail: the last page's route() checks it is live, and the view's hooks check
    restrictions. A child of another type takes Wagtail's own way."""
    if not path_components:
        return None
    try:
        child = model.objects.child_of(parent).get(slug=path_components[0])
    except model.DoesNotExist:
        return None
    child._cached_parent_obj = parent
    if getattr(child, "section_id", None) == parent.pk:
        # An article's section is the page it was found under: not read again.
        child.section = parent
    return child.route(request, path_components[1:])


# The articles this process routed to recently, each under the page-cache generations of
# its address as they were read before routing (SiteMiddleware): any change that shows on
# the page — an edit, a publish, an unpublish, a move, a comment, a section or restriction
# change — renews them, and the article is read again.
route_memo = StampedMemo(256)


def route_to_article(home, request, path_components):
    """/<section>/<article>/ under `home` in one query (or none: route_memo): the article
    with its section, joined through the section the article row names. That copy only
    guides the search: the result is used only if the tree agrees (the section is the
    article's parent and a child of `home`); otherwise, or for any other address, None,
    and routing goes level by level. Each request gets copies of its own."""
    if len(path_components) != 2:
        return None
    section_slug, article_slug = path_components
    stamp = request_stamp(request)

    def find():
        return _find_article(home, section_slug, article_slug)

    if stamp is None:
        found = find()
    else:
        found = route_memo.get((home.pk, home.path, section_slug, article_slug), stamp, find)
    if found is None:
        return None
    article, section = copy.copy(found[0]), copy.copy(found[1])
    article.section = section
    section._cached_parent_obj = home
    article._cached_parent_obj = section
    return article.route(request, [])


def _find_article(home, section_slug, article_slug):
    """(article, section) for the address, when the tree agrees; else None."""
    found = list(
        ArticlePage.objects.select_related("section")
        .filter(
            slug=article_slug,
            depth=home.depth + 2,
            path__startswith=home.path,
            section__slug=section_slug,
        )
        .order_by()[:1]
    )
    article = found[0] if found else None
    section = article.section if article is not None else None
    if (
        section is None
        or section.depth != home.depth + 1
        or not section.path.startswith(home.path)
        or article.path[: -ArticlePage.steplen] != section.path
    ):
        return None
    return article, section


# A snippet: registered with its viewset (a chooser that creates authors) in wagtail_hooks.py.
class Author(index.Indexed, models.Model):
    name = models.CharField(_("name"), max_length=255)
    slug = SlugField(_("slug"), max_length=255, unique=True)
    job_title = models.CharField(_("job title"), max_length=255, blank=True)
    bio = models.TextField(_("biography"), blank=True)
    photo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("photo"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    # The newsroom account behind the byline, when there is one (e.g. an imported author).
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user account"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("slug"),
        FieldPanel("job_title"),
        FieldPanel("bio"),
        FieldPanel("photo"),
        FieldPanel("user"),
    ]
    search_fields = [index.SearchField("name"), index.AutocompleteField("name")]

    class Meta:
        ordering = ["name"]
        verbose_name = _("author")
        verbose_name_plural = _("authors")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = self.free_slug()
        return super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("news:author", kwargs={"slug": self.slug})

    def clean(self):
        super().clean()
        # The form leaves the slug optional: an empty one is made from the name.
        if not self.slug:
            self.slug = self.free_slug()

    def free_slug(self):
        """A slug made from the name that no other author has (-2, -3... when taken)."""
        base = slugify(self.name)[:240] or "penulis"
        others = Author.objects.exclude(pk=self.pk) if self.pk else Author.objects.all()
        slug, n = base, 1
        while others.filter(slug=slug).exists():
            n += 1
            slug = f"{base}-{n}"
        return slug


SECTION_PINNED_MAX = 6


class HomePage(Page):
    """The home front: curated top stories, then the latest from every section."""

    intro = models.TextField(_("introduction"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("top_stories", label=_("Top stories"), max_num=8),
    ]
    subpage_types = ["news.SectionPage", "news.StandardPage"]
    parent_page_types = ["wagtailcore.Page"]
    max_count = 1

    class Meta:
        verbose_name = _("home page")

    def route(self, request, path_components):
        routed = route_to_article(self, request, path_components) or route_to_typed_child(
            self, request, path_components, SectionPage
        )
        return routed or super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context.update(selectors.front_for_home(self))
        return context


class HomeTopStory(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="top_stories")
    article = models.ForeignKey(
        "news.ArticlePage", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("article")]

    class Meta(Orderable.Meta):
        verbose_name = _("top story")
        constraints = [
            models.UniqueConstraint(fields=["home", "article"], name="news_top_story_unique")
        ]


class SectionPage(Page):
    """A section front such as "Kabar Internasional": its articles, newest first, paginated."""

    intro = models.TextField(_("introduction"), blank=True)
    # Per-section overrides of the site's discussion settings; empty means "as the site".
    comments_close_after_days = models.PositiveIntegerField(
        _("close comments after (days)"), null=True, blank=True
    )
    comments_premoderate = models.BooleanField(
        _("hold every comment in this section for moderation"), default=False
    )
    comments_closed_from = models.TimeField(_("comments closed daily from"), null=True, blank=True)
    comments_closed_until = models.TimeField(
        _("comments closed daily until"), null=True, blank=True
    )

    content_panels = Page.content_panels + [
        FieldPanel("intro"),
        InlinePanel("top_stories", label=_("Pinned stories"), max_num=SECTION_PINNED_MAX),
    ]
    settings_panels = Page.settings_panels + [
        MultiFieldPanel(
            [
                FieldPanel("comments_close_after_days"),
                FieldPanel("comments_premoderate"),
                FieldPanel("comments_closed_from"),
                FieldPanel("comments_closed_until"),
            ],
            heading=_("Discussion (overrides the site settings)"),
        )
    ]
    subpage_types = ["news.ArticlePage"]
    parent_page_types = ["news.HomePage"]
    search_fields = Page.search_fields + [index.SearchField("intro")]

    class Meta:
        verbose_name = _("section")

    def route(self, request, path_components):
        routed = route_to_typed_child(self, request, path_components, ArticlePage)
        return routed or super().route(request, path_components)

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        pinned_ids = selectors.pinned_ids_for_section(self)
        context["articles"] = listing_page(
            selectors.articles_for_section(self, exclude=pinned_ids),
            request.GET.get("page"),
            settings.KABAR_SECTION_PAGE_SIZE,
        )
        # Pinned stories lead the first page only; no page lists them again.
        first = context["articles"].number == 1
        context["pinned"] = selectors.pinned_for_section(self, pinned_ids) if first else []
        return context


class SectionTopStory(Orderable):
    """A story an editor pins to the top of a section front, in the editor's order; the
    rest of the front fills by recency."""

    section = ParentalKey(SectionPage, on_delete=models.CASCADE, related_name="top_stories")
    article = models.ForeignKey(
        "news.ArticlePage", verbose_name=_("article"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [PageChooserPanel("article", "news.ArticlePage")]

    class Meta(Orderable.Meta):
        verbose_name = _("pinned story")
        verbose_name_plural = _("pinned stories")
        constraints = [
            models.UniqueConstraint(
                fields=["section", "article"], name="news_section_top_story_unique"
            )
        ]


class ArticleTag(TaggedItemBase):
    content_object = ParentalKey(
        "news.ArticlePage", on_delete=models.CASCADE, related_name="tagged_items"
    )


def related_fragment_key(request, article_key):
    """The key an article's related cards are kept under (None: rendered every time): the
    article's own (article_key) and the lists' generation as the request read it, which
    every article's publish or unpublish and every comment renews, as the cards show other
    articles and their comment counts. A cached copy of the page lives at most the page
    cache's TIMEOUT: that bounds how long a new related article takes to show there."""
    lists = (request_generations(request) or {}).get(GEN_LISTS)
    return f"{article_key}:{lists}" if article_key and lists else None


def _never_published(page):
    return not page.live and page.first_published_at is None


class ArticlePageForm(WagtailAdminPageForm):
    """The article editor: a headline already used by a draft nobody published (an
    abandoned form that autosave kept) gets the next free slug instead of an error."""

    def clean(self):
        slug = self.cleaned_data.get("slug")
        if slug and self.parent_page is not None:
            free = self.instance.slug_beside_abandoned_drafts(slug, self.parent_page)
            if free is None:
                self.add_error(
                    "slug",
                    _("The slug “%(slug)s” is already used by another page in this section.")
                    % {"slug": slug},
                )
            else:
                self.cleaned_data["slug"] = free
        return super().clean()


@targets.register
class ArticlePage(Commentable, Page):
    """A news article. Its section and publication time are copied onto its own row so
    that a section front is one indexed range scan, however many articles it holds."""

    standfirst = models.TextField(_("standfirst"), blank=True, max_length=600)
    dateline = models.CharField(
        _("dateline"), max_length=120, blank=True, help_text=_("Where the story was reported.")
    )
    source_credit = models.CharField(
        _("source credit"),
        max_length=120,
        blank=True,
        help_text=_("Wire or partner credit, e.g. Reuters."),
    )
    # Any language an article may be written in, not only the interface's (core/language.py).
    language = models.CharField(
        _("article language"), max_length=12, choices=content_languages, default="id"
    )
    lead_image = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("lead image"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    lead_image_caption = models.CharField(_("lead image caption"), max_length=500, blank=True)
    lead_image_credit = models.CharField(_("lead image credit"), max_length=255, blank=True)
    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)
    # Where a wire or partner story came from, how urgent its sender marked it (IPTC: 1 most
    # urgent to 9), and its text as received, kept beside the body it is translated into.
    source_url = models.URLField(_("original link"), max_length=500, blank=True)
    urgency = models.PositiveSmallIntegerField(
        _("urgency"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(9)],
        help_text=_("As the wire marked it: 1 is the most urgent, 9 the least."),
    )
    original_text = models.TextField(
        _("original text"),
        blank=True,
        help_text=_("The story as received, for translating into the body. Never published."),
    )
    tags = ClusterTaggableManager(through=ArticleTag, blank=True, verbose_name=_("tags"))
    is_featured = models.BooleanField(
        _("featured on fronts"), default=False, help_text=_("Lead the section on the home front.")
    )
    section = models.ForeignKey(
        SectionPage, null=True, editable=False, on_delete=models.SET_NULL, related_name="+"
    )
    published_at = models.DateTimeField(null=True, editable=False)

    # Withdrawn ("kill"): the article's text is replaced by the notice, and it leaves every
    # listing, feed, sitemap and search; its address stays, answering with the notice.
    withdrawn = models.BooleanField(
        _("withdrawn"),
        default=False,
        help_text=_(
            "Withdraw the article: readers see only the notice below, and it leaves every "
            "front, feed, sitemap and search."
        ),
    )
    withdrawal_notice = models.TextField(
        _("withdrawal notice"),
        blank=True,
        max_length=2000,
        help_text=_("Why the article was withdrawn, shown in its place."),
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, editable=False)

    # Live coverage: timestamped entries (LiveEntry), newest first, while the story unfolds.
    live_coverage = models.BooleanField(
        _("live coverage"),
        default=False,
        help_text=_("Show the article as a live page with timestamped entries."),
    )
    coverage_ended_at = models.DateTimeField(
        _("coverage ended at"),
        null=True,
        blank=True,
        help_text=_("Set when the live coverage is over; entries stay, the page stops updating."),
    )

    content_panels = Page.content_panels + [
        FieldPanel("standfirst"),
        InlinePanel("article_authors", label=_("Byline"), min_num=0),
        InlinePanel("notices", label=_("Corrections and updates")),
        MultiFieldPanel(
            [FieldPanel("dateline"), FieldPanel("source_credit"), FieldPanel("language")],
            heading=_("Dateline and credit"),
        ),
        MultiFieldPanel(
            [
                FieldPanel("lead_image"),
                FieldPanel("lead_image_caption"),
                FieldPanel("lead_image_credit"),
            ],
            heading=_("Lead image"),
        ),
        FieldPanel("body"),
        FieldPanel("tags"),
        MultiFieldPanel(
            [FieldPanel("original_text"), FieldPanel("source_url"), FieldPanel("urgency")],
            heading=_("As received from the wire"),
            classname="collapsed",
        ),
    ]
    promote_panels = Page.promote_panels + [FieldPanel("is_featured")]
    settings_panels = Page.settings_panels + [
        FieldPanel("discussion"),
        MultiFieldPanel(
            [FieldPanel("live_coverage"), FieldPanel("coverage_ended_at")],
            heading=_("Live coverage"),
        ),
        MultiFieldPanel(
            [FieldPanel("withdrawn"), FieldPanel("withdrawal_notice")],
            heading=_("Withdrawal"),
        ),
    ]

    search_fields = Page.search_fields + [
        index.SearchField("standfirst"),
        index.SearchField("body"),
        index.FilterField("section"),
        index.FilterField("published_at"),
    ]
    parent_page_types = ["news.SectionPage"]
    subpage_types: list[str] = []
    base_form_class = ArticlePageForm

    class Meta:
        verbose_name = _("article")
        indexes = [
            models.Index(fields=["section", "-published_at"], name="news_article_section_pub"),
            models.Index(fields=["-published_at"], name="news_article_pub"),
        ]

    # A comment post reads the section's overrides with the article, in one query.
    discussion_fields = (
        *Commentable.discussion_fields,
        "withdrawn",
        *(
            f"section__{name}"
            for name in (
                "url_path",
                "slug",
                "comments_close_after_days",
                "comments_premoderate",
                "comments_closed_from",
                "comments_closed_until",
            )
        ),
    )
    discussion_related = ("section",)

    @property
    def comments_open(self):
        # A withdrawn article takes no new comments: posts get the closed article's answer.
        return super().comments_open and not self.withdrawn

    def coverage_running(self, now=None):
        """Whether the live coverage is still running: no end time, or one still to come."""
        ended = self.coverage_ended_at
        return ended is None or ended > (now or timezone.now())

    @property
    def live_now(self):
        """A live page whose coverage runs: its cards on fronts and lists say "Live"."""
        return self.live_coverage and self.coverage_running()

    @property
    def discussion_shown(self):
        # Nor are its comments shown anywhere: they leave with the article.
        return not self.withdrawn

    @classmethod
    def discussion_hidden(cls):
        return cls.objects.filter(withdrawn=True)

    def discussion_overrides(self):
        section = self.section
        if section is None:
            return {}
        overrides = {}
        if section.comments_close_after_days is not None:
            overrides["close_after_days"] = section.comments_close_after_days
        if section.comments_premoderate:
            overrides["premoderate_all"] = True
        if section.comments_closed_from and section.comments_closed_until:
            overrides["closed_from"] = section.comments_closed_from
            overrides["closed_until"] = section.comments_closed_until
        return overrides

    def discussion_view_restrictions(self):
        if self.alias_of_id:
            return self.get_view_restrictions()  # its source's apply: Wagtail's way
        return view_restrictions_on_path(self.path)

    @property
    def was_updated(self):
        """True when the article was republished, or given a notice, well after it first
        went out."""
        modified = self.modified_at
        if not (self.first_published_at and modified):
            return False
        return (modified - self.first_published_at).total_seconds() > 15 * 60

    def article_notices(self):
        """Its corrections and updates, newest first, read once per page object."""
        return corrections.notices_of(self)

    @property
    def modified_at(self):
        """The last publication or the newest notice, whichever is later (dateModified)."""
        return corrections.modified_at(self)

    def serve(self, request, *args, **kwargs):
        if self.withdrawn:
            return corrections.withdrawn_response(self, request)
        return super().serve(request, *args, **kwargs)

    def sync_denormalised_fields(self):
        parent = self.get_parent() if self.path else None
        self.section_id = parent.pk if parent and parent.specific_class is SectionPage else None
        self.published_at = self.first_published_at
        if not self.withdrawn:
            self.withdrawn_at = None
        elif self.withdrawn_at is None:
            self.withdrawn_at = timezone.now()

    def save(self, *args, **kwargs):
        self.sync_denormalised_fields()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            # withdrawn_at follows withdrawn only where withdrawn itself is written: a draft
            # revision saved with the box ticked leaves the live row as it is.
            derived = {"section", "published_at"}
            if "withdrawn" in update_fields:
                derived.add("withdrawn_at")
            kwargs["update_fields"] = set(update_fields) | derived
        return super().save(*args, **kwargs)

    def slug_beside_abandoned_drafts(self, slug, parent):
        """`slug` when no sibling has it; when only never-published drafts have it and this
        article has never been published either (its address is nobody's yet), the first
        free `slug-2`, `slug-3`...; None when a published page holds it, or this article
        has been published (a live address is never changed silently)."""
        siblings = parent.get_children()
        if self.pk:
            siblings = siblings.exclude(pk=self.pk)
        holders = list(siblings.filter(slug=slug))
        if not holders:
            return slug
        new = self.pk is None
        if not (new or _never_published(self)) or not all(map(_never_published, holders)):
            return None
        taken = set(siblings.filter(slug__startswith=f"{slug}-").values_list("slug", flat=True))
        n = 2
        while f"{slug}-{n}" in taken:
            n += 1
        return f"{slug}-{n}"

    def clean(self):
        # Saved outside the admin form too (services, importers): the same rule, looked at
        # only when Wagtail finds the slug taken, so a save costs no extra query.
        try:
            super().clean()
        except ValidationError as error:
            parent = self.get_parent()
            taken = "slug" in getattr(error, "error_dict", {})
            free = self.slug_beside_abandoned_drafts(self.slug, parent) if taken else None
            if free is None or free == self.slug:
                raise
            self.slug = free
            super().clean()

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        context["article_section"] = self.get_parent().specific if self.depth > 1 else None
        # Read only when the article's HTML is rendered, not when it comes from the
        # fragment cache ({% fragment article_fragment_key %} in the template).
        context["article_credits"] = SimpleLazyObject(
            lambda: list(self.article_authors.select_related("author").order_by("sort_order"))
        )
        context["article_tags"] = SimpleLazyObject(lambda: list(self.tags.all()))
        context["article_notices"] = SimpleLazyObject(self.article_notices)
        context["article_fragment_key"] = self.fragment_key(request)
        context["related_articles"] = SimpleLazyObject(lambda: selectors.related_articles(self))
        context["related_fragment_key"] = related_fragment_key(
            request, context["article_fragment_key"]
        )
        return context

    def fragment_key(self, request):
        """The key the article's own HTML is kept under (None: render it every time): the
        page cache's generations for this path, which every change the page shows renews
        (an edit, a comment approved, an author renamed), and the scheme and host its
        absolute URLs use. Never for previews and revisions, which show unpublished text."""
        match = getattr(request, "resolver_match", None)
        if (
            getattr(request, "is_preview", False)
            or self.pk is None
            or match is None
            or match.view_name != "wagtail_serve"  # e.g. a comment form sent back
        ):
            return None
        # Read before the article was loaded: a publish in between leaves the old text
        # under the old generations only.
        stamp = request_stamp(request)
        if stamp is None:
            return None
        site_wide, own = stamp
        where = f"{request.scheme}://{request.get_host()}{request.path_info}"
        return f"article:{self.pk}:{where}:{site_wide}:{own}"

    def structured_data(self, request, *, credits, comment_count, images=()):
        """schema.org NewsArticle for search engines: public facts only (no commenter data).
        `images`: the lead image's ImageObjects (16:9, 4:3, 1:1; news.seo.article_images)."""
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title[:110],
            "description": self.standfirst,
            "inLanguage": self.language,
            "mainEntityOfPage": self.get_full_url(request),
            "datePublished": self.first_published_at.isoformat()
            if self.first_published_at
            else None,
            "dateModified": self.modified_at.isoformat() if self.modified_at else None,
            "correction": corrections.correction_comments(self),
            "author": [
                {
                    "@type": "Person",
                    "name": c.author.name,
                    "url": site_url(c.author.get_absolute_url(), request),
                }
                for c in credits
            ],
            "publisher": seo.publisher(request),
            "image": list(images),
            "commentCount": comment_count,
        }
        if self.dateline:
            data["dateline"] = self.dateline
        if self.source_credit:
            data["sourceOrganization"] = {"@type": "Organization", "name": self.source_credit}
        if self.section is not None:
            data["articleSection"] = self.section.title
        data = {key: value for key, value in data.items() if value not in (None, "", [])}
        from .live import live_structured_data  # noqa: PLC0415 - live.py imports the models

        return live_structured_data(self, data)

    def get_view_restrictions(self):
        """Wagtail's, in one query instead of two when the article was routed here from
        its site's home (route_to_article): its ancestors are in hand, so the restrictions
        on it and on every page above it are found by their tree paths. Wagtail's own way
        whenever an ancestor is not known or is an alias (whose source's restrictions apply)."""
        section = getattr(self, "_cached_parent_obj", None)
        home = getattr(section, "_cached_parent_obj", None)
        if (
            home is None
            or home.depth != 2
            or section.path != self.path[: -self.steplen]
            or home.path != section.path[: -self.steplen]
            or any(page.alias_of_id for page in (self, section, home))
        ):
            return super().get_view_restrictions()
        return view_restrictions_on_path(self.path)


class StandardPage(Page):
    """A page outside the news flow: about us, contact, corrections policy."""

    body = StreamField(ArticleBodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("body")]
    parent_page_types = ["news.HomePage", "news.StandardPage"]
    subpage_types = ["news.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class ArticleAuthor(Orderable):
    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="article_authors")
    author = models.ForeignKey(
        Author, verbose_name=_("author"), on_delete=models.CASCADE, related_name="+"
    )

    panels = [FieldPanel("author")]

    class Meta(Orderable.Meta):
        verbose_name = _("byline author")
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="news_byline_unique")
        ]


class NoticeKind(models.TextChoices):
    CORRECTION = "correction", _("Correction")
    UPDATE = "update", _("Update")


class NoticePlacement(models.TextChoices):
    TOP = "top", _("Above the article")
    BOTTOM = "bottom", _("Below the article")


class ArticleNotice(Orderable):
    """A dated correction ("Koreksi") or update ("Pembaruan") an editor adds to an article:
    shown with it, in its structured data, and it moves the article's dateModified."""

    article = ParentalKey(ArticlePage, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(
        _("kind"), max_length=12, choices=NoticeKind.choices, default=NoticeKind.CORRECTION
    )
    issued_at = models.DateTimeField(_("date"), default=timezone.now)
    text = models.TextField(_("text"), max_length=2000)
    placement = models.CharField(
        _("shown"), max_length=8, choices=NoticePlacement.choices, default=NoticePlacement.TOP
    )

    panels = [
        FieldPanel("kind"),
        FieldPanel("issued_at"),
        FieldPanel("text"),
        FieldPanel("placement"),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("correction or update")
        verbose_name_plural = _("corrections and updates")

    def __str__(self):
        return f"{self.get_kind_display()} {self.issued_at:%Y-%m-%d}"


class LiveEntry(models.Model):
    """One timestamped entry of a live article. Entries are kept apart from the page's
    revisions: reporters post them as the story unfolds, each purging the article's page,
    without republishing (or locking) the article itself."""

    article = models.ForeignKey(
        ArticlePage,
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="live_entries",
    )
    posted_at = models.DateTimeField(_("time"), default=timezone.now)
    headline = models.CharField(_("headline"), max_length=255, blank=True)
    body = RichTextField(_("text"), features=["bold", "italic", "link", "ol", "ul", "blockquote"])
    pinned = models.BooleanField(
        _("pinned"), default=False, help_text=_("Keep this entry at the top of the live page.")
    )
    author = models.ForeignKey(
        Author,
        verbose_name=_("author"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("live entry")
        verbose_name_plural = _("live entries")
        ordering = ["-posted_at", "-pk"]
        indexes = [models.Index(fields=["article", "-posted_at"], name="news_live_entry_article")]

    def __str__(self):
        return self.headline or f"{self.article} {self.posted_at:%Y-%m-%d %H:%M}"


@register_setting(icon="doc-full")
class NewsSettings(BaseSiteSetting):
    """The newsroom's site-wide publishing settings: the breaking-news banner and feeds."""

    breaking_text = models.CharField(
        _("breaking news"),
        max_length=200,
        blank=True,
        help_text=_("Shown in a banner on every page until it expires. Leave empty for none."),
    )
    breaking_page = models.ForeignKey(
        "wagtailcore.Page",
        verbose_name=_("breaking news links to"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    breaking_expires_at = models.DateTimeField(
        _("banner expires at"),
        null=True,
        blank=True,
        help_text=_("The banner disappears at this time by itself."),
    )
    feeds_full_text = models.BooleanField(
        _("full text in feeds"),
        default=False,
        help_text=_("Feeds carry each article's whole text, not only its standfirst."),
    )

    panels = [
        MultiFieldPanel(
            [
                FieldPanel("breaking_text"),
                PageChooserPanel("breaking_page"),
                FieldPanel("breaking_expires_at"),
            ],
            heading=_("Breaking-news banner"),
        ),
        FieldPanel("feeds_full_text"),
    ]

    class Meta:
        verbose_name = _("publishing settings")
