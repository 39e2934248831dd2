"""What every message about comments shares: the kinds of message, the site's name,
absolute links, and subjects in the site's language."""

from django.conf import settings
from django.utils import translation
from wagtail.models import Site

from kabar.core.memo import site_wide
from kabar.core.site_address import site_url

from .models import DeliveryKind

KIND_CONFIRM = DeliveryKind.CONFIRM
KIND_REPLY = DeliveryKind.REPLY
KIND_STAFF_HELD = DeliveryKind.STAFF_HELD
KIND_STAFF_NEW = DeliveryKind.STAFF_NEW
KIND_STAFF_PREMODERATED = DeliveryKind.STAFF_PREMODERATED


def absolute_url(path):
    """`path` on the default Site's address (a mail answers no request)."""
    return site_url(path)


def comment_url(comment):
    # The page's own Site, which is the default one unless the site has several.
    return absolute_url(f"{comment.page.get_full_url() or '/'}#comment-{comment.pk}")


def site_name():
    return site_wide.get(("discussion-site-name",), _site_name)


def _site_name():
    site = Site.objects.filter(is_default_site=True).only("site_name").first()
    return (site and site.site_name) or settings.WAGTAIL_SITE_NAME


def mail_subject(text, **data):
    with translation.override(settings.LANGUAGE_CODE):
        return str(text) % data
