"""Listing queries for fronts, author and tag pages, each a bounded number of queries."""

from django.db.models import Prefetch

from kabar.discussion.selectors import with_comment_counts

from .models import ArticleAuthor, ArticlePage, SectionPage

LATEST_PER_SECTION = 5


def _article_cards(queryset):
    """What a teaser needs: image, section, byline, comment count, in fixed queries."""
    return with_comment_counts(
        queryset.filter(live=True, published_at__isnull=False)
        .select_related("lead_image", "section")
        .prefetch_related(
            Prefetch(
                "article_authors",
                queryset=ArticleAuthor.objects.select_related("author").order_by("sort_order"),
            )
        )
        .order_by("-published_at", "-pk")
    )


def _in_tree_order(sections):
    # Sorted here, not with ORDER BY path: given that ordering, SQLite walks the whole page
    # tree (every article) by its path index instead of the few section rows.
    return sorted(sections, key=lambda section: section.path)


def sections_for_navigation():
    return _in_tree_order(
        SectionPage.objects.live().in_menu().only("title", "url_path", "path").order_by()
    )


def latest_articles():
    return _article_cards(ArticlePage.objects.all())


def articles_for_section(section):
    return _article_cards(ArticlePage.objects.filter(section=section))


def articles_for_author(author):
    return _article_cards(ArticlePage.objects.filter(article_authors__author=author))


def articles_for_tag(tag):
    return _article_cards(ArticlePage.objects.filter(tags=tag))


def front_for_home(home):
    """Top stories chosen by editors, then each section's lead (featured) and latest."""
    curated_ids = list(home.top_stories.order_by("sort_order").values_list("article_id", flat=True))
    curated = {a.pk: a for a in _article_cards(ArticlePage.objects.filter(pk__in=curated_ids))}
    top_stories = [curated[pk] for pk in curated_ids if pk in curated]

    sections = _in_tree_order(SectionPage.objects.live().child_of(home).order_by())
    shown = set(curated)
    blocks = []
    for section in sections:
        articles = list(
            _article_cards(ArticlePage.objects.filter(section=section).exclude(pk__in=shown))[
                : LATEST_PER_SECTION + 1
            ]
        )
        lead = next((a for a in articles if a.is_featured), articles[0] if articles else None)
        rest = [a for a in articles if a is not lead][: LATEST_PER_SECTION - 1]
        blocks.append({"section": section, "lead": lead, "articles": rest})
    return {"top_stories": top_stories, "section_blocks": blocks}
