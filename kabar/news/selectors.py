"""Listing queries for fronts, author and tag pages, each a bounded number of queries.

They list only what every reader may see: these lists are cached and shared by all readers,
so a page under a view restriction (a password, sign-in) is left out of them entirely."""

from django.db.models import Case, Count, OuterRef, Prefetch, Subquery, When
from wagtail.images import get_image_model
from wagtail.models import Page

from kabar.core.restrictions import without_restricted
from kabar.discussion.selectors import with_comment_counts

# A module, not its names: the page models call these from get_context().
from . import corrections, models, pictures

LATEST_PER_SECTION = 5


def _public_articles(under=None):
    # A withdrawn article leaves every list built on this one (fronts, feeds, search, ninjs).
    return without_restricted(models.ArticlePage.objects.filter(withdrawn=False), under)


def _article_cards(queryset):
    """What a teaser needs: image, section, byline, comment count, in fixed queries.
    `queryset` starts from _public_articles()."""
    return with_comment_counts(
        queryset.filter(live=True, published_at__isnull=False)
        .select_related("lead_image", "section")
        .prefetch_related(
            Prefetch(
                "article_authors",
                queryset=models.ArticleAuthor.objects.select_related("author").order_by(
                    "sort_order"
                ),
            )
        )
        .order_by("-published_at", "-pk")
    )


def with_latest_notice(articles):
    """`articles` annotated with their newest correction's or update's time (what
    corrections.modified_at reads), in the same query."""
    newest = (
        models.ArticleNotice.objects.filter(article=OuterRef("pk"))
        .order_by("-issued_at")
        .values("issued_at")[:1]
    )
    return articles.annotate(**{corrections.LATEST_NOTICE: Subquery(newest)})


def with_card_pictures(cards):
    """Cards as a page shows them: their images' card renditions read in one query, not one
    per image (feeds and ninjs, which show other renditions or none, go without)."""
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=pictures.slot_specs("card"))
    )
    return cards.prefetch_related(Prefetch("lead_image__renditions", queryset=renditions))


def live_sections(under=None, **filters):
    """Live public sections in tree order (see without_restricted for `under`). The section
    ids are read first from the small section table: joined directly, SQLite (without
    statistics) walks the whole page table, every article included, to find the few sections."""
    ids = list(models.SectionPage.objects.order_by().values_list("pk", flat=True))
    sections = models.SectionPage.objects.live().filter(pk__in=ids, **filters).order_by()
    return sorted(without_restricted(sections, under), key=lambda section: section.path)


def sections_for_navigation():
    """Live sections shown in menus, in tree order, as plain pages (a title and an address
    are all the navigation shows): one query, through the page table's content-type index."""
    sections = Page.objects.live().type(models.SectionPage).filter(show_in_menus=True)
    return list(without_restricted(sections).order_by("path"))


def public_section(slug):
    """The live public section with this slug, or None."""
    return without_restricted(models.SectionPage.objects.live()).filter(slug=slug).first()


def latest_articles():
    return _article_cards(_public_articles())


def articles_for_section(section, exclude=()):
    """The section's articles, newest first (less the `exclude` ids: its pinned stories, on
    every page of the front, so that its pages neither repeat nor lose one); shown only to
    readers past the section's own restrictions."""
    public = _public_articles(under=section).filter(section=section)
    if exclude:
        public = public.exclude(pk__in=exclude)
    return with_card_pictures(_article_cards(public))


def pinned_ids_for_section(section):
    """The ids of the stories pinned to the section front, in the editor's order (at most
    SECTION_PINNED_MAX): every page of the front leaves them out of its newest-first list."""
    pins = section.top_stories.order_by("sort_order", "pk").values_list("article_id", flat=True)
    return list(pins[: models.SECTION_PINNED_MAX])


def pinned_for_section(section, ids):
    """The cards of the pinned stories `ids` (pinned_ids_for_section) in the editor's order:
    live and public ones only, from any section (an editor may pin a related story)."""
    if not ids:
        return []
    public = _public_articles(under=section).filter(pk__in=ids)
    cards = {a.pk: a for a in with_card_pictures(_article_cards(public))}
    return [cards[pk] for pk in ids if pk in cards]


def related_articles(article, limit=4):
    """Up to `limit` public articles on the article's own site sharing the most tags with it,
    then those of its section; newest first among equals; never the article itself. Three
    queries and the cards' prefetches, however many tags or articles there are."""
    site_path = article.path[: 2 * Page.steplen]  # its home page's
    public = (
        _public_articles(under=article)
        .filter(live=True, published_at__isnull=False, path__startswith=site_path)
        .exclude(pk=article.pk)
    )
    tag_ids = models.ArticleTag.objects.filter(content_object_id=article.pk).values("tag_id")
    # filter() before annotate(): the count is of the shared tags only.
    ranked = (
        public.filter(tagged_items__tag_id__in=tag_ids)
        .annotate(
            shared=Count("tagged_items", distinct=True),
            same_section=Case(When(section_id=article.section_id, then=1), default=0),
        )
        .order_by("-shared", "-same_section", "-published_at", "-pk")
        .values_list("pk", flat=True)
    )
    ids = list(ranked[:limit])
    if len(ids) < limit and article.section_id is not None:
        same_section = public.filter(section_id=article.section_id).exclude(pk__in=ids)
        ids += same_section.order_by("-published_at", "-pk").values_list("pk", flat=True)[
            : limit - len(ids)
        ]
    if not ids:
        return []
    cards = {a.pk: a for a in with_card_pictures(_article_cards(public.filter(pk__in=ids)))}
    return [cards[pk] for pk in ids if pk in cards]


def articles_for_author(author):
    return with_card_pictures(
        _article_cards(_public_articles().filter(article_authors__author=author))
    )


def articles_for_tag(tag):
    return with_card_pictures(_article_cards(_public_articles().filter(tags=tag)))


def front_for_home(home):
    """Top stories chosen by editors, then each section's lead (featured) and latest."""
    curated_ids = list(home.top_stories.order_by("sort_order").values_list("article_id", flat=True))
    public = _public_articles(under=home)
    cards = with_card_pictures(_article_cards(public.filter(pk__in=curated_ids)))
    curated = {a.pk: a for a in cards}
    top_stories = [curated[pk] for pk in curated_ids if pk in curated]

    sections = [s for s in live_sections(under=home) if s.path.startswith(home.path)]
    shown = set(curated)
    blocks = []
    for section in sections:
        articles = list(
            with_card_pictures(
                _article_cards(public.filter(section=section).exclude(pk__in=shown))
            )[: LATEST_PER_SECTION + 1]
        )
        lead = next((a for a in articles if a.is_featured), articles[0] if articles else None)
        rest = [a for a in articles if a is not lead][: LATEST_PER_SECTION - 1]
        blocks.append({"section": section, "lead": lead, "articles": rest})
    return {"top_stories": top_stories, "section_blocks": blocks}
