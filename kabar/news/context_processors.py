"""Values every public template needs: the site's name and sections for the header, and
the page's own address as a page shared between readers may show it (the language
switch)."""

from wagtail.models import Site

from kabar.core.memo import site_wide
from kabar.core.page_cache import shareable_path

from .selectors import sections_for_navigation


def navigation():
    # Publishing, moving or renaming a section renews the site-wide generation.
    return site_wide.get(("navigation",), sections_for_navigation)


def site_name(request):
    """The name the newsroom gave its Site (Wagtail's settings), "Kabar" when it gave none:
    renaming it renews the site-wide generation, so every kept page shows the new one.
    The request's Site as Wagtail found it to route the page, or as SiteMiddleware keeps
    it (no query then); kept on the request for a view that found none."""
    site = Site.find_for_request(request)
    return (site.site_name if site is not None else "") or "Kabar"


def site_chrome(request):
    if request.path.startswith("/admin/"):
        return {}
    return {
        "nav_sections": navigation,
        "site_name": lambda: site_name(request),
        "shareable_path": lambda: shareable_path(request),
    }
