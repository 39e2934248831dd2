"""Settings for `kabar demo` and local development: SQLite under var/, debug on."""

from .base import *  # noqa: F403
from .base import DATA_DIR

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
