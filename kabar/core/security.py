"""Security headers and the same-origin check for forms served from the page cache (the
throttles on guessing are in guessing.py).

Content-Security-Policy: the public site runs no inline script or style (KABAR_CSP); the
Wagtail admin, whose pages do, gets KABAR_CSP_ADMIN instead — still same-origin scripts
only, but with 'unsafe-inline'. A preview of a page (Wagtail renders it through a request of
its own, flagged is_dummy and is_preview, for the editor's preview panel, "view draft" and
revisions) keeps the public policy but may be framed by the admin: frame-ancestors 'self' and
X-Frame-Options SAMEORIGIN; everything the public is served stays 'none' / DENY. HSTS,
nosniff, Referrer-Policy and Cross-Origin-Opener-Policy come from Django's
SecurityMiddleware (settings in base.py and production.py); Permissions-Policy from here.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.utils.translation import gettext as _

ADMIN_PREFIX = "/admin/"
IMAGE_ORIGINS_ATTR = "_kabar_image_origins"
NO_FRAMING = "frame-ancestors 'none'"
ADMIN_FRAMING = "frame-ancestors 'self'"


def allow_images_from(request, origin):
    """Let the page rendered for `request` show images from `origin` (the public site's
    policy otherwise allows images from Kabar itself only)."""
    origins = getattr(request, IMAGE_ORIGINS_ATTR, None)
    if origins is None:
        origins = []
        setattr(request, IMAGE_ORIGINS_ATTR, origins)
    if origin not in origins:
        origins.append(origin)


def with_image_origins(policy, origins):
    """`policy` with `origins` added to its img-src."""
    if not policy or not origins:
        return policy
    listed = " ".join(origins)
    if "img-src " in policy:
        return policy.replace("img-src ", f"img-src {listed} ", 1)
    return f"{policy.rstrip('; ')}; img-src 'self' {listed}"


def is_admin_preview(request):
    """True for the request Wagtail makes up to render a preview or a draft in the admin."""
    return getattr(request, "is_dummy", False) is True and getattr(request, "is_preview", False)


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.public = settings.KABAR_CSP
        self.admin = settings.KABAR_CSP_ADMIN
        self.permissions = settings.KABAR_PERMISSIONS_POLICY

    def __call__(self, request):
        response = self.get_response(request)
        if settings.DEBUG and response.status_code >= 400:
            # Django's debug error pages are styled inline; production never shows them.
            return response
        policy = self.admin if request.path.startswith(ADMIN_PREFIX) else self.public
        policy = with_image_origins(policy, getattr(request, IMAGE_ORIGINS_ATTR, None))
        if is_admin_preview(request):
            # Only Wagtail's preview machinery makes such a request: an anonymous visitor
            # cannot, so nothing public ever becomes framable.
            policy = policy.replace(NO_FRAMING, ADMIN_FRAMING)
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers.setdefault("Content-Security-Policy", policy)
        response.headers.setdefault("Permissions-Policy", self.permissions)
        return response


# Same-origin check for POSTs from pages that carry no per-reader CSRF token.


def _origin_of(url):
    parts = urlsplit(url)
    if not parts.scheme or not parts.netloc:
        return None
    return f"{parts.scheme}://{parts.netloc}".lower()


def _trusted(origin, request):
    own = f"{request.scheme}://{request.get_host()}".lower()
    if origin == own:
        return True
    for trusted in settings.CSRF_TRUSTED_ORIGINS:
        trusted = trusted.lower()
        if origin == trusted:
            return True
        scheme, _sep, host = trusted.partition("://")
        prefix = f"{scheme}://"
        if (
            host.startswith("*.")
            and origin.startswith(prefix)
            and origin.removeprefix(prefix).endswith(host[1:])
        ):
            return True
    return False


def same_origin_problem(request):
    """None when a POST may be accepted as coming from our own pages; else why not.

    The Origin header decides when present (every current browser sends it on a POST);
    "null" (sandboxed frames, privacy redirects) counts as foreign. Without it, the
    Referer must be ours. With neither, the request cannot be told apart from a
    non-browser client, and cross-site forgery needs a browser that carries the victim's
    cookies: we accept it only when there is no such cookie to abuse (no session), and
    refuse it for a signed-in user, whose account is what a forged post would borrow.
    """
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        if origin != "null" and _trusted(origin.lower().rstrip("/"), request):
            return None
        return "origin"
    referer = request.META.get("HTTP_REFERER")
    if referer:
        referer_origin = _origin_of(referer)
        if referer_origin and _trusted(referer_origin, request):
            return None
        return "referer"
    if settings.SESSION_COOKIE_NAME in request.COOKIES:
        return "no-origin"
    return None


def cross_site_message():
    return _(
        "Your comment was not accepted because it did not come from this site's own page. "
        "If you wrote it here, please copy your text, reload the article and send it again."
    )
