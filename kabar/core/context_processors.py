"""Values every public template needs: the site's sections for the navigation."""

from kabar.news.selectors import sections_for_navigation


def site_chrome(request):
    if request.path.startswith("/admin/"):
        return {}
    return {"nav_sections": sections_for_navigation}
