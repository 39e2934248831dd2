from django.conf import settings
from django.urls import include, path, re_path
from django.views.decorators.cache import never_cache
from wagtail import urls as wagtail_urls
from wagtail import views as wagtail_views
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.admin.auth import require_admin_access
from wagtail.documents import urls as wagtaildocs_urls
from wagtail.utils.urlpatterns import decorate_urlpatterns

from kabar.api import widget as api_widget
from kabar.core.admin_corrections import (
    DismissedItemsView,
    PageChosenMultipleView,
    PageCopyView,
    PagePositionView,
    WorkflowEditView,
    redirects_import,
)
from kabar.core.guessing import (
    ThrottledPasswordResetView,
    throttled_login,
    throttled_page_password,
)
from kabar.core.language import switch_language
from kabar.news import sitemaps as news_sitemaps
from kabar.news import urls as news_urls

# Wagtail admin views Kabar corrects (kabar/core/admin_corrections.py): at Wagtail's addresses,
# ahead of them, behind the same checks (admin access, the admin's 404 page, never cached).
admin_corrections = [
    # The workflow editor's list of pages read a page number as its listings read one, and
    # its tasks' rows met each other's in the database.
    path("admin/workflows/edit/<int:pk>/", WorkflowEditView.as_view()),
    # The items an editor dismissed took any JSON to the editor's profile.
    path("admin/dismissibles/", DismissedItemsView.as_view()),
    # The page chooser's "chosen" answer without the tree's root (it has no parent).
    path(
        "admin/choose-page/chosen-multiple/",
        PageChosenMultipleView.as_view(),
        name="wagtailadmin_choose_page_chosen_multiple",
    ),
    # Reordering a page took a position past the database's integers to the query.
    path("admin/pages/<int:page_to_move_id>/set_position/", PagePositionView.as_view()),
    # Copying a page looked the posted parent up before its form read it.
    path("admin/pages/<int:page_id>/copy/", PageCopyView.as_view()),
    # A redirects import's second step read a missing or forged signed field as a crash.
    path("admin/redirects/import/process/", redirects_import),
]
for decorator in (
    require_admin_access,
    wagtailadmin_urls.display_custom_404,
    never_cache,
):
    admin_corrections = decorate_urlpatterns(admin_corrections, decorator)

urlpatterns = [
    # Wagtail's sign-in, password reset and page-password form, throttled against guessing
    # and mail floods (same URLs and names).
    path("admin/login/", throttled_login, name="wagtailadmin_login"),
    path(
        "admin/password_reset/",
        ThrottledPasswordResetView.as_view(),
        name="wagtailadmin_password_reset",
    ),
    # Any digits: Wagtail's own pattern behind it would pass an id out of range to the database.
    re_path(
        r"^_util/authenticate_with_password/"
        r"(?P<page_view_restriction_id>[0-9]+)/(?P<page_id>[0-9]+)/$",
        throttled_page_password,
        name="wagtailcore_authenticate_with_password",
    ),
    *admin_corrections,
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("comments/", include("kabar.discussion.urls")),
    path("api/v1/", include("kabar.api.urls")),
    path("embed.js", api_widget.embed_js, name="embed_js"),
    path("i18n/setlang/", switch_language, name="set_language"),
    path("robots.txt", news_sitemaps.robots_txt, name="robots"),
    path("sitemap.xml", news_sitemaps.sitemap_index, name="sitemap"),
    path("sitemap-news.xml", news_sitemaps.news_sitemap, name="sitemap_news"),
    *(
        path(
            f"sitemap-{name}.xml",
            news_sitemaps.sitemap_section,
            {"section": name},
            name=f"sitemap_{name}",
        )
        for name in news_sitemaps.SITEMAPS
    ),
    path("cari/", include("kabar.search.urls")),
    path("", include(news_urls)),
]

if settings.DEBUG or settings.KABAR_SERVE_MEDIA:
    # Uploaded images for the demo and local development (production: the web server).
    import re

    from django.views.static import serve

    media = re.escape(settings.MEDIA_URL.lstrip("/"))
    urlpatterns += [
        re_path(rf"^{media}(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT})
    ]

# Wagtail's own, its page pattern (\w and "-") also taking any character past ASCII's and
# C1's: a page whose slug keeps a script's vowel signs (core/slugs.py, marks are no \w) was
# neither served nor given an address. ASCII paths match as before.
PAGE_PATH = r"^((?:[-\w\u00a0-\U0010ffff]+/)*)$"
urlpatterns += [
    *(pattern for pattern in wagtail_urls.urlpatterns if pattern.name != "wagtail_serve"),
    re_path(PAGE_PATH, wagtail_views.serve, name="wagtail_serve"),
]

handler404 = "kabar.news.views.page_not_found"
handler500 = "kabar.news.views.server_error"
