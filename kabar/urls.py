from django.conf import settings
from django.urls import include, path, re_path
from django.views.i18n import set_language
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from kabar.core.guessing import (
    ThrottledPasswordResetView,
    throttled_login,
    throttled_page_password,
)
from kabar.news import urls as news_urls

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
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("comments/", include("kabar.discussion.urls")),
    path("i18n/setlang/", set_language, name="set_language"),
    path("sitemap.xml", sitemap, name="sitemap"),
    path("", include(news_urls)),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

urlpatterns += [path("", include(wagtail_urls))]

handler404 = "kabar.news.views.page_not_found"
handler500 = "kabar.news.views.server_error"
