"""Author and tag pages, and the error pages."""

from django.conf import settings
from django.http import Http404, HttpResponseServerError
from django.shortcuts import get_object_or_404, render
from django.template import loader
from taggit.models import Tag

from kabar.core.dbguard import unavailable_if_database_down
from kabar.core.pagination import listing_page

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


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    # A database outage met outside a view (in a middleware) is a 503, not our bug.
    unavailable = unavailable_if_database_down(request)
    if unavailable is not None:
        return unavailable
    # No context processors: whatever broke must not break the error page too.
    return HttpResponseServerError(loader.get_template("500.html").render())
