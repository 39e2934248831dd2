"""Corrections, updates and withdrawal of an article: what readers, feeds and search engines
are shown of them (the models are ArticleNotice and ArticlePage.withdrawn)."""

from django.template.response import TemplateResponse

# The name a listing annotates its articles with: their newest notice's time (ninjs).
LATEST_NOTICE = "notices_latest_at"
CORRECTION = "correction"  # NoticeKind.CORRECTION (models.py imports this module)


def notices_of(article):
    """The article's notices, newest first, read once per page object (in a preview, the
    revision's notices, held in memory)."""
    found = article.__dict__.get("_article_notices")
    if found is None:
        found = sorted(
            article.notices.all(), key=lambda notice: (notice.issued_at, notice.pk or 0)
        )[::-1]
        article.__dict__["_article_notices"] = found
    return found


def latest_notice_at(article):
    if LATEST_NOTICE in article.__dict__:
        return article.__dict__[LATEST_NOTICE]
    return max((n.issued_at for n in notices_of(article) if n.issued_at), default=None)


def modified_at(article):
    """The later of the article's last publication and its newest notice."""
    moments = [article.last_published_at or article.first_published_at]
    moments.append(latest_notice_at(article))
    return max((moment for moment in moments if moment), default=None)


def correction_comments(article):
    """schema.org CorrectionComment objects for the article's corrections (updates are
    not corrections: they only move dateModified)."""
    return [
        {
            "@type": "CorrectionComment",
            "text": notice.text,
            "datePublished": notice.issued_at.isoformat(),
        }
        for notice in notices_of(article)
        if notice.kind == CORRECTION and notice.issued_at
    ]


def withdrawn_response(article, request):
    """410 Gone: the headline and the withdrawal notice in place of the article, nothing
    of its text, pictures or comments, and not for search engines to index."""
    response = TemplateResponse(
        request,
        "news/article_withdrawn.html",
        {"page": article, "self": article, "request": request},
        status=410,
    )
    response["X-Robots-Tag"] = "noindex"
    return response
