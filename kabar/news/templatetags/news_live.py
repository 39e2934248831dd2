"""{% live_coverage page %} (an article's live entries) and {% breaking_banner %}."""

from django import template

from .. import breaking, live

register = template.Library()


@register.inclusion_tag("news/_live.html", takes_context=True)
def live_coverage(context, page):
    """The live entries under a live article (nothing for any other page)."""
    request = context.get("request")
    if request is None:
        return {"live": None}
    # Links to its pages name the article: it is also shown at the comment form's address,
    # after a refused comment, where a relative "?page=2" would not lead back to it.
    return {
        "live": live.live_view(page, request, request.GET.get("page")),
        "request": request,
        "page_address": page.get_url(request),
    }


@register.inclusion_tag("news/_breaking.html", takes_context=True)
def breaking_banner(context):
    """The breaking-news banner at the top of a public page, while it has not expired."""
    request = context.get("request")
    if request is None or request.path.startswith("/admin/"):
        return {"banner": None}
    return {"banner": breaking.banner_for_request(request)}
