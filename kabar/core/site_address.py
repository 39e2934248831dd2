"""Absolute URLs on the address configured in Wagtail's Site, never the request's Host header.

Why the Site and not the request: a reader may reach the site as an IP address, a `www.`
alias or, behind a proxy, an internal host name, and every one of those would otherwise be
written into canonical links, feeds and structured data (and kept in the page cache). The
Site holds the one address the site is published under; with several Sites (several host
names), each page's or request's own Site is used, and a host no Site names falls back to
the default Site, as Wagtail routes it. Production makes the default Site match
WAGTAILADMIN_BASE_URL (KABAR_SITE_URL) at start (`manage.py site_address`); the demo makes it
match the address it serves.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http.request import split_domain_port
from wagtail.models import Site

from .memo import site_wide
from .siteurl import parse_site_url


def _default_root_url():
    site = Site.objects.filter(is_default_site=True).only("hostname", "port").first()
    return site.root_url if site is not None else settings.WAGTAILADMIN_BASE_URL.rstrip("/")


def site_root_url(request=None):
    """scheme://host[:port] of the Site serving `request`, else of the default Site, else
    WAGTAILADMIN_BASE_URL (no Site at all)."""
    if request is not None:
        site = getattr(request, "_wagtail_site", None)
        if site is not None:
            return site.root_url
        # Kept by the request's host, not looked up with Wagtail's Site lookup: that asks
        # the database on each request whose view left the Site unread (site_when_asked):
        # two fifths of the CPU of a comment posted through the API, whose answer names
        # Kabar's addresses.
        place = (split_domain_port(request._get_raw_host())[0], request.get_port())
        return site_wide.get(("site-root-url", place), lambda: _root_url_for(request))
    return site_wide.get(("default-site-root-url",), _default_root_url)


def _root_url_for(request):
    site = Site.find_for_request(request)
    return site.root_url if site is not None else _default_root_url()


def site_url(path, request=None):
    """`path` ("/penulis/ani/") on the site's address; an absolute URL is returned as it is."""
    if path.startswith(("http://", "https://")):
        return path
    return site_root_url(request) + path


def site_address_set(url):
    """Make the default Site's hostname and port say `url`; True if they changed.

    Only a change is saved: saving a Site purges every cached page."""
    address = parse_site_url(url)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (address.hostname, address.port):
        return False
    site.hostname = address.hostname
    site.port = address.port
    site.save(update_fields=["hostname", "port"])
    return True


class _RequestOnSiteAddress:
    """The request as Django's syndication reads it (get_host, is_secure), answering with the
    site's address instead of what the client sent."""

    def __init__(self, request):
        self._request = request
        address = urlsplit(site_root_url(request))
        self._host = address.netloc
        self._secure = address.scheme == "https"

    def get_host(self):
        return self._host

    def is_secure(self):
        return self._secure

    def __getattr__(self, name):
        return getattr(self._request, name)


class SiteFeed(Feed):
    """A syndication Feed whose links (channel, self, items, guids) are on the site's address:
    Django's would put the request's Host header in front of every relative one."""

    def get_feed(self, obj, request):
        return super().get_feed(obj, _RequestOnSiteAddress(request))
