"""Settings for `kabar demo` and local development: SQLite under var/, debug on."""

import os

from kabar.core.siteurl import parse_site_url

from .base import *  # noqa: F403
from .base import DATA_DIR, WAGTAILADMIN_BASE_URL

DEBUG = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
# The demo's key is generated once and kept beside its database, never committed.
_key_file = DATA_DIR / "secret_key"
if not _key_file.exists():
    import secrets

    DATA_DIR.mkdir(parents=True, exist_ok=True)
    _key_file.write_text(secrets.token_urlsafe(50))
SECRET_KEY = _key_file.read_text().strip()
WHITENOISE_USE_FINDERS = True
# The address the demo is served from (`kabar demo --addr` sets it); the default Site is made
# to match it, so absolute links point where the demo is.
WAGTAILADMIN_BASE_URL = os.environ.get("KABAR_SITE_URL", WAGTAILADMIN_BASE_URL)
_site_host = parse_site_url(WAGTAILADMIN_BASE_URL).hostname
if _site_host not in ALLOWED_HOSTS:
    ALLOWED_HOSTS.append(_site_host)
