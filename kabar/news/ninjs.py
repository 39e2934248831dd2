"""Live public articles as IPTC ninjs 3.1 (News in JSON) documents, for syndication."""

# Names and meanings follow the ninjs 3.1 schema and user guide (github.com/iptc/newsinjson).
# Choices where ninjs leaves one:
# - `uri` is the address of the article's own document (/ninjs/articles/<id>.json): keyed by
#   page id it survives a new slug or a move to another section, as the HTML address does
#   not, and it resolves to what it names. The HTML page is the `web` rendition.
# - `firstCreated` / `versionCreated` are the first and the latest publication; `version`
#   counts publications (left out if Wagtail logged none); no `contentCreated`: Kabar knows
#   no time the story was made apart from when it was published.
# - ninjs 3 has no provider property: the wire or partner credit is an `infoSources` entry
#   (role "source") and the `copyrightHolder` (else the site is).
# - The lead image is an association named "leadImage"; its `uri` is its largest rendition's
#   address, which changes only when the picture as shown (file, focal point) does.
# Nothing about readers' comments or commenters is ever part of a document.

import mimetypes
import re
from html import unescape

from django.db.models import Count, IntegerField, OuterRef, Prefetch, Subquery
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils.html import strip_tags
from wagtail.images import get_image_model
from wagtail.models import PageLogEntry, Site

from kabar.core.site_address import site_root_url, site_url

from .selectors import latest_articles, with_latest_notice
from .templatetags.news import rendition

STANDARD = {
    "name": "ninjs",
    "version": "3.1",
    "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
}
# The lead image at the sizes the article page shows it, so the renditions already exist.
LEAD_RENDITIONS = (("web", "width-1200"), ("preview", "width-640"))
FULL = "full"
PARTIAL = "partial"

_ROOT_RELATIVE = re.compile(r'(\s(?:href|src)=")(/(?!/)[^"]*")')
# A srcset lists several addresses ("/media/a.webp 320w, /media/b.webp 640w").
_SRCSET = re.compile(r'(\ssrcset=")([^"]*)"')
_SRCSET_CANDIDATE = re.compile(r"(^|,\s*)(/(?!/))")
# Pictures and embeds have no plain-text form; captions are not body text (ninjs charCount).
_NO_TEXT = re.compile(r"<(figure|script|style|iframe)\b.*?</\1\s*>", re.I | re.S)
_LINE_END = re.compile(r"</(?:p|h[1-6]|li|blockquote|footer|div|ul|ol)\s*>|<br\s*/?>", re.I)


def ninjs_articles():
    """Live public articles, newest first, with everything a document reads, in a fixed
    number of queries (the lead image's renditions and the publication count included)."""
    renditions = (
        get_image_model()
        .get_rendition_model()
        .objects.filter(filter_spec__in=[spec for _name, spec in LEAD_RENDITIONS])
    )
    publications = (
        PageLogEntry.objects.filter(page=OuterRef("pk"), action="wagtail.publish")
        .order_by()
        .values("page")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return with_latest_notice(
        latest_articles()
        .prefetch_related("tags", Prefetch("lead_image__renditions", queryset=renditions))
        .annotate(
            ninjs_publications=Coalesce(Subquery(publications, output_field=IntegerField()), 0)
        )
    )


def document_url(request, article_id):
    return site_url(reverse("news:ninjs_article", args=[article_id]), request)


def article_ninjs(article, request, representation=FULL):
    """The ninjs document of a live public `article` (best read through ninjs_articles());
    a `partial` one leaves out the bodies, for listings."""
    site = Site.find_for_request(request)
    site_name = (site.site_name if site else "") or "Kabar"
    credits = [credit.author for credit in article.article_authors.all()]
    doc = {
        "uri": document_url(request, article.pk),
        "standard": STANDARD,
        "type": "text",
        "representationType": representation,
        "profile": "text-photo" if article.lead_image_id else "text-only",
        "version": str(getattr(article, "ninjs_publications", 0) or ""),
        "firstCreated": _datetime(article.first_published_at),
        "versionCreated": _datetime(article.modified_at),  # a correction or update moves it
        "pubStatus": "usable",
        "language": article.language,
        "slugline": article.slug,
        "altIds": [{"role": "pageId", "value": str(article.pk)}],
        "headlines": [{"role": "main", "contentType": "text/plain", "value": article.title}],
        "descriptions": [
            {"role": "summary", "contentType": "text/plain", "value": article.standfirst}
        ]
        if article.standfirst
        else [],
        "by": ", ".join(author.name for author in credits),
        "people": [
            {
                "name": author.name,
                "rel": "author",
                "uri": site_url(author.get_absolute_url(), request),
                "literal": author.slug,
            }
            for author in credits
        ],
        "located": article.dateline,
        "subjects": _subjects(article, request),
        "infoSources": [{"name": site_name, "role": "publisher"}]
        + ([{"name": article.source_credit, "role": "source"}] if article.source_credit else []),
        "copyrightHolder": article.source_credit or site_name,
        "renditions": [
            {"name": "web", "href": article.get_full_url(request), "contentType": "text/html"}
        ],
        "associations": [_lead_image(article, request)] if article.lead_image_id else [],
    }
    if representation == FULL:
        doc["bodies"] = _bodies(article, request)
    return {key: value for key, value in doc.items() if value not in ("", [], None)}


def _datetime(value):
    return value.isoformat(timespec="seconds") if value else None


def _subjects(article, request):
    subjects = []
    section = article.section
    if section is not None and section.live:
        subjects.append(
            {
                "name": section.title,
                "rel": "section",
                "uri": section.get_full_url(request),
                "literal": section.slug,
            }
        )
    for tag in article.tags.all():
        subjects.append(
            {
                "name": tag.name,
                "rel": "about",
                "uri": site_url(reverse("news:tag", args=[tag.slug]), request),
                "literal": tag.slug,
            }
        )
    return subjects


def _lead_image(article, request):
    image = article.lead_image
    renditions = []
    for name, spec in LEAD_RENDITIONS:
        found = rendition(image, spec)
        href = site_url(found.url, request)
        entry = {"name": name, "href": href, "width": found.width, "height": found.height}
        content_type = mimetypes.guess_type(found.url)[0]
        if content_type:
            entry["contentType"] = content_type
        renditions.append(entry)
    picture = {
        "name": "leadImage",
        "uri": renditions[0]["href"],
        "type": "picture",
        "by": article.lead_image_credit,
        "descriptions": [
            {"role": "caption", "contentType": "text/plain", "value": article.lead_image_caption}
        ]
        if article.lead_image_caption
        else [],
        "renditions": renditions,
    }
    return {key: value for key, value in picture.items() if value not in ("", [])}


def _bodies(article, request):
    """The body as HTML (its blocks rendered as the article page renders them, links and
    images made absolute for readers elsewhere) and as plain text."""
    html = absolute_body_html(article, site_root_url(request))
    text = plain_text(html)
    counts = {"charCount": len(text), "wordCount": len(text.split())}
    return [
        {"role": "main", "contentType": "text/html", "value": html, **counts},
        {"role": "main", "contentType": "text/plain", "value": text, **counts},
    ]


def absolute_body_html(article, base):
    """The body's blocks rendered as the article page renders them, with their root-relative
    links and picture addresses on `base` (scheme://host), for readers elsewhere (feeds)."""
    rendered = "".join(block.render() for block in article.body)
    html = _ROOT_RELATIVE.sub(lambda m: f"{m[1]}{base}{m[2]}", rendered)
    return _SRCSET.sub(
        lambda m: f'{m[1]}{_SRCSET_CANDIDATE.sub(lambda c: f"{c[1]}{base}/", m[2])}"', html
    )


def plain_text(html):
    """Rendered body HTML as text: one paragraph a line, blank lines between, no pictures."""
    text = unescape(strip_tags(_LINE_END.sub("\n", _NO_TEXT.sub("", html))))
    lines = (" ".join(line.split()) for line in text.splitlines())
    return "\n\n".join(line for line in lines if line)
