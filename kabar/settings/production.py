"""Production: everything from base; secrets and integrations from the environment, read here
and nowhere else.

DATABASE_URL      postgres://user:pass@host:5432/name (default: SQLite under KABAR_DATA_DIR)
REDIS_URL         redis://host:6379/0 — cache, page cache and rate-limit counters shared by
                  every app process and host (default: files under KABAR_DATA_DIR/cache,
                  shared by the processes of one host)
SECRET_KEY        at least 50 random characters; refused when missing or unsafe
ALLOWED_HOSTS     comma-separated host names
KABAR_SITE_URL    the site's public address, e.g. https://kabar.example.id: every absolute
                  link is written on it (default: https:// + the first ALLOWED_HOSTS name)
KABAR_HTTPS       "true" (default) behind TLS: HSTS, secure cookies, redirect to https
CSRF_TRUSTED_ORIGINS, KABAR_TRUSTED_PROXIES (comma-separated CIDRs of our own proxies)
EMAIL_HOST, EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DEFAULT_FROM_EMAIL
                  (without EMAIL_HOST, mail is kept unsent in KABAR_DATA_DIR/mail-not-sent)
KABAR_PURGE_URL   comma-separated HTTP PURGE endpoints (Varnish, nginx with a purge module)
CLOUDFLARE_BEARER_TOKEN + CLOUDFLARE_ZONE_ID   purge Cloudflare as well
KABAR_SHARED_MAX_AGE  seconds a shared cache (nginx, CDN) may keep a page (default 1)
KABAR_DB_PREPARED "false" behind a pooler that cannot keep PostgreSQL's prepared
                  statements (PgBouncer in transaction mode without max_prepared_statements)
"""

import os

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.http.request import validate_host

from kabar.core.siteurl import parse_site_url

from .base import *  # noqa: F403
from .base import DATA_DIR, KABAR_PAGE_CACHE, with_engine_options


def _list(name):
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _flag(name, default):
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


SECRET_KEY = os.environ.get("SECRET_KEY", "")
if len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured(
        "SECRET_KEY must be set to a random value of at least 50 characters "
        '(e.g. python -c "import secrets; print(secrets.token_urlsafe(50))").'
    )

DEBUG = False
ALLOWED_HOSTS = _list("ALLOWED_HOSTS")
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must list the site's host names, comma-separated.")

if os.environ.get("DATABASE_URL"):
    # Health checks make a worker notice a database restart on its next request and
    # reconnect, instead of failing on the dead persistent connection.
    DATABASES = {
        "default": with_engine_options(
            dj_database_url.parse(
                os.environ["DATABASE_URL"], conn_max_age=60, conn_health_checks=True
            ),
            prepared=_flag("KABAR_DB_PREPARED", "true"),
        )
    }
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # One connection per thread, kept: opening one (its functions registered, its pragmas
    # run, journal_mode waiting on the other processes' locks) was a sixth of the task
    # worker's samples and a few per cent of a web worker's under the comment-POST load,
    # when each request and each task opened its own. Nothing is held between requests
    # (autocommit), and the pragmas, hence what a commit survives, are the same.
    DATABASES["default"]["CONN_MAX_AGE"] = 600

if os.environ.get("REDIS_URL"):
    # Django's Redis cache, answering as an empty one while Redis is unreachable (a restart
    # made every page a 500); a server that stops answering is given up on within seconds.
    CACHES = {
        alias: {
            "BACKEND": "kabar.core.rediscache.ResilientRedisCache",
            "LOCATION": os.environ["REDIS_URL"],
            "KEY_PREFIX": f"kabar.{alias}",
            "TIMEOUT": 300,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
        for alias in ("default", "pages")
    }
else:
    # Files, not process memory: every worker of `kabar serve` must see the same rate-limit
    # counters and the same page-cache purges. Django's file cache, but counting its files
    # only every CULL_EVERY writes (kabar/core/filecache.py), not before each one.
    CACHES = {
        alias: {
            "BACKEND": "kabar.core.filecache.FileCache",
            "LOCATION": str(DATA_DIR / "cache" / alias),
            "TIMEOUT": 300,
            "OPTIONS": {"MAX_ENTRIES": 20000, "CULL_FREQUENCY": 4, "CULL_EVERY": 100},
        }
        for alias in ("default", "pages")
    }

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed names and .gz/.br copies made by collectstatic; WhiteNoise serves hashed files
    # with a year-long, immutable Cache-Control.
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}

if not os.environ.get("EMAIL_HOST"):
    # No mail server yet: messages are kept in files only this user may read (with one
    # warning in the log), never printed into the log as base's console backend would.
    EMAIL_BACKEND = "kabar.core.outbox.OutboxBackend"
    EMAIL_FILE_PATH = str(DATA_DIR / "mail-not-sent")
else:
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "587"))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = _flag("EMAIL_USE_TLS", "true")
    EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "Kabar <redaksi@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

KABAR_TRUSTED_PROXIES = _list("KABAR_TRUSTED_PROXIES")

HTTPS = _flag("KABAR_HTTPS", "true")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
LANGUAGE_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = 60 * 60 * 24 * 365 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
# Joining the browsers' preload list is the operator's decision (hard to undo, binds every
# subdomain): KABAR_HSTS_PRELOAD=true. Until then Django's reminder of it is silenced.
SECURE_HSTS_PRELOAD = HTTPS and _flag("KABAR_HSTS_PRELOAD", "false")
if not SECURE_HSTS_PRELOAD:
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
CSRF_TRUSTED_ORIGINS = _list("CSRF_TRUSTED_ORIGINS")

# The site's public address. Canonical links, sitemaps, feeds, structured data and mails are
# written on the default Wagtail Site's address, which `kabar manage site_address` (run by
# `kabar serve` at start) makes match this; Wagtail's own admin links use it directly.
_site_url = os.environ.get("KABAR_SITE_URL", "").strip()
if not _site_url and not ALLOWED_HOSTS[0].startswith(".") and "*" not in ALLOWED_HOSTS[0]:
    _site_url = f"{'https' if HTTPS else 'http'}://{ALLOWED_HOSTS[0]}"
try:
    _site = parse_site_url(_site_url)
except ValueError as _error:
    raise ImproperlyConfigured(
        f"KABAR_SITE_URL must be the site's address, e.g. https://kabar.example.id: {_error}"
    ) from None
if HTTPS and _site.scheme != "https":
    raise ImproperlyConfigured("KABAR_SITE_URL must be an https:// address (KABAR_HTTPS is on).")
if not validate_host(_site.hostname, ALLOWED_HOSTS):
    raise ImproperlyConfigured(f"KABAR_SITE_URL's host {_site.hostname} is not in ALLOWED_HOSTS.")
WAGTAILADMIN_BASE_URL = _site.url

# Frontend caches in front of Kabar (Varnish, a CDN) are purged with the page cache.
WAGTAILFRONTENDCACHE = {}
for _n, _location in enumerate(_list("KABAR_PURGE_URL")):
    WAGTAILFRONTENDCACHE[f"http{_n}"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": _location,
    }
if os.environ.get("CLOUDFLARE_BEARER_TOKEN") and os.environ.get("CLOUDFLARE_ZONE_ID"):
    WAGTAILFRONTENDCACHE["cloudflare"] = {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "BEARER_TOKEN": os.environ["CLOUDFLARE_BEARER_TOKEN"],
        "ZONEID": os.environ["CLOUDFLARE_ZONE_ID"],
    }

_shared_max_age = os.environ.get("KABAR_SHARED_MAX_AGE", KABAR_PAGE_CACHE["SHARED_MAX_AGE"])
KABAR_PAGE_CACHE = {**KABAR_PAGE_CACHE, "SHARED_MAX_AGE": int(_shared_max_age)}
