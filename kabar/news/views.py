"""Author and tag pages, and the error pages."""

from django.conf import settings
from django.http import Http404, HttpResponseServerError, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.template import loader
from django.urls import reverse
from taggit.models import Tag

from kabar.core.dbguard import unavailable_if_database_down
from kabar.core.pagination import listing_page
from kabar.core.site_address import site_url

from . import ninjs
from .feeds import FEED_SIZE
from .models import Author
from .selectors import articles_for_author, articles_for_tag


def _page_of(request, queryset):
    return listing_page(queryset, request.GET.get("page"), settings.KABAR_SECTION_PAGE_SIZE)


def author_page(request, slug):
    author = get_object_or_404(Author.objects.select_related("photo"), slug=slug)
    return render(
        request,
        "news/author_page.html",
        {"author": author, "articles": _page_of(request, articles_for_author(author))},
    )


def tag_page(request, slug):
    tag = get_object_or_404(Tag, slug=slug)
    articles = _page_of(request, articles_for_tag(tag))
    if not articles.object_list:
        raise Http404("No published article carries this tag.")
    return render(request, "news/tag_page.html", {"tag": tag, "articles": articles})


def _json(data):
    # ninjs defines no media type of its own: a document is served as the JSON it is.
    return JsonResponse(data, json_dumps_params={"ensure_ascii": False})


def ninjs_article(request, pk):
    """A live public article as a full ninjs 3.1 document; 404 for anything else."""
    article = ninjs.ninjs_articles().filter(pk=pk).first()
    if article is None:
        raise Http404
    return _json(ninjs.article_ninjs(article, request))


def ninjs_feed(request):
    """The newest live public articles as ninjs: `{"items": [...], "page": n, "next": url,
    "previous": url}` (ninjs has no feed format of its own). Items are partial documents
    (no bodies: a body's images and links would cost queries per article); each item's
    `uri` is the address of its full document. `next` / `previous` are null at the ends."""
    listing = listing_page(ninjs.ninjs_articles(), request.GET.get("page"), FEED_SIZE)

    def page_url(number):
        return site_url(f"{reverse('news:ninjs_feed')}?page={number}", request)

    return _json(
        {
            "items": [ninjs.article_ninjs(article, request, ninjs.PARTIAL) for article in listing],
            "page": listing.number,
            "next": page_url(listing.next_page_number()) if listing.has_next else None,
            "previous": page_url(listing.previous_page_number()) if listing.has_previous else None,
        }
    )


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A database outage met outside a view (in a middleware) is a 503, not our bug.
    unavailable = unavailable_if_database_down(request)
    if unavailable is not None:
        return unavailable
    # No context processors: whatever broke must not break the error page too.
    return HttpResponseServerError(loader.get_template("500.html").render())
