"""A registered site's export as a download in the admin (kabar.discussion.export), for the
staff who may edit the site and moderate comments: it holds every commenter's address."""

import io
import tempfile

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from wagtail import hooks
from wagtail.admin.widgets.button import Button

from ..export import site_export_disqus, site_export_json
from ..models import ExternalSite
from ..trust import may_moderate

# Kept in memory up to this size, then in a temporary file until it is sent.
SPOOL_BYTES = 8 * 1024 * 1024
FORMATS = {
    "json": (site_export_json, "json", "application/json"),
    "disqus": (site_export_disqus, "xml", "application/xml"),
}


def may_export(user, site):
    """Whether `user` may download `site`'s comments: a moderator who may edit the site."""
    if not getattr(user, "is_authenticated", False):
        return False
    return user.is_superuser or (may_moderate(user) and site.permissions_for_user(user).can_edit())


@never_cache
@require_GET
def site_export_download(request, pk, fmt):
    if fmt not in FORMATS:
        raise Http404
    site = get_object_or_404(ExternalSite, pk=pk)
    if not may_export(request.user, site):
        raise PermissionDenied
    write, extension, content_type = FORMATS[fmt]
    spool = tempfile.SpooledTemporaryFile(max_size=SPOOL_BYTES)  # noqa: SIM115 - sent, then closed
    text = io.TextIOWrapper(spool, encoding="utf-8", write_through=True)
    write(site, text)
    text.detach()
    spool.seek(0)
    name = f"{site.slug}-{timezone.now():%Y%m%d}.{extension}"
    response = FileResponse(spool, as_attachment=True, filename=name, content_type=content_type)
    response["Cache-Control"] = "private, no-store"
    return response


@hooks.register("register_admin_urls")
def register_export_urls():
    return [
        path(
            "discussion/sites/<int:pk>/export/<str:fmt>/",
            site_export_download,
            name="discussion_site_export",
        )
    ]


def export_buttons(page, user, view_name=None, next_url=None):
    """The two downloads on a registered site's edit page and in its listing header."""
    if not isinstance(page.specific_deferred, ExternalSite) or not may_export(user, page):
        return
    for fmt, label in (
        # Translators: a button in the admin; the file holds a site's threads and comments.
        ("json", _("Export comments (JSON)")),
        # Translators: the same as a file in the format Disqus exports (Disqus is a name).
        ("disqus", _("Export comments (Disqus XML)")),
    ):
        url = reverse("discussion_site_export", args=[page.pk, fmt])
        yield Button(label, url=url, icon_name="download", priority=40)


hooks.register("register_page_header_buttons", export_buttons)
