"""Values every public template needs: the site's name and sections for the header, and
the page's own address as a page shared between readers may show it (the language
switch)."""

from kabar.core.memo import site_wide
from kabar.core.page_cache import shareable_path

from . import seo
from .selectors import sections_for_navigation


def navigation():
    # Publishing, moving or renaming a section renews the site-wide generation.
    return site_wide.get(("navigation",), sections_for_navigation)


def site_chrome(request):
    if request.path.startswith("/admin/"):
        return {}
    return {
        "nav_sections": navigation,
        # The request's Site as Wagtail found it to route the page, or as SiteMiddleware
        # keeps it (no query then); a rename renews the site-wide generation.
        "site_name": lambda: seo.site_name(request),
        "shareable_path": lambda: shareable_path(request),
    }
