"""Writes to the search index: one article in step with its page, or the whole index rebuilt."""

from django.db import transaction
from wagtail.models import PageViewRestriction

from kabar.core.restrictions import without_restricted
from kabar.news.models import ArticlePage

from . import text
from .models import SearchEntry, search_position


def article_body_text(article):
    """The article's readable text below its headline: standfirst, then every block's
    searchable content (paragraphs without markup, quotes, captions)."""
    parts = [article.standfirst]
    parts.extend(article.body.stream_block.get_searchable_content(article.body))
    return "\n".join(text.clean(part) for part in parts if part)


def entry_for(article):
    """An unsaved SearchEntry holding the article as it is now."""
    title = text.clean(article.title)
    body = article_body_text(article)
    published_at = article.published_at or article.first_published_at
    return SearchEntry(
        page_id=article.pk,
        language=article.language,
        title=title,
        body_text=body,
        stemmed_title=text.stems(title, article.language),
        stemmed_body=text.stems(body, article.language),
        section_id=article.section_id,
        published_at=published_at,
        position=search_position(published_at, article.pk),
    )


def is_searchable(article):
    """Live, public (no view restriction on it or above it), not withdrawn and not an
    alias: an alias would show the same article twice in the results."""
    if not article.live or article.alias_of_id or article.withdrawn:
        return False
    return not PageViewRestriction.objects.filter(
        page__in=article.get_ancestors(inclusive=True)
    ).exists()


def search_sync(page_id):
    """Bring the article's entry in step with the article: written when it is live and
    public, removed otherwise (or when the page is gone)."""
    article = ArticlePage.objects.filter(pk=page_id).first()
    with transaction.atomic():
        if article is None or not is_searchable(article):
            SearchEntry.objects.filter(page_id=page_id).delete()
            return None
        entry = entry_for(article)
        # Deleted and inserted, not updated: the FTS5 triggers then see one plain change.
        SearchEntry.objects.filter(page_id=page_id).delete()
        entry.save(force_insert=True)
    return entry


def search_sync_on_commit(page_id):
    transaction.on_commit(lambda: search_sync(page_id))


def search_rebuild(batch_size=500, progress=None):
    """Every entry written again from the live public articles, and entries of anything
    else removed; returns how many were written. Each batch is its own short transaction:
    the stemming is done outside them, so a long rebuild never holds SQLite's write lock."""
    articles = without_restricted(
        ArticlePage.objects.live().filter(alias_of__isnull=True, withdrawn=False)
    )
    written = set()
    batch = []
    for article in articles.order_by("pk").iterator(chunk_size=batch_size):
        batch.append(entry_for(article))
        if len(batch) >= batch_size:
            written |= _replace(batch, progress)
            batch = []
    written |= _replace(batch, progress)
    stale = sorted(set(SearchEntry.objects.values_list("page_id", flat=True)) - written)
    for start in range(0, len(stale), batch_size):
        SearchEntry.objects.filter(page_id__in=stale[start : start + batch_size]).delete()
    return len(written)


def _replace(batch, progress):
    ids = [entry.page_id for entry in batch]
    with transaction.atomic():
        SearchEntry.objects.filter(page_id__in=ids).delete()
        SearchEntry.objects.bulk_create(batch)
    if progress is not None and batch:
        progress(len(batch))
    return set(ids)
