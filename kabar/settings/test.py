"""Fast settings for the test suite; KABAR_TEST_DATABASE_URL switches to PostgreSQL."""

import os
import tempfile

import dj_database_url

from .base import *  # noqa: F403
from .base import SQLITE_OPTIONS, with_engine_options

SECRET_KEY = "test-only-secret-key-not-for-production-0123456789abcdef"  # noqa: S105
DEBUG = False
ALLOWED_HOSTS = ["testserver", "127.0.0.1", "localhost"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Tasks run inline, so a test sees the mail its action queued; no worker thread.
TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "kabar": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
}
KABAR_TASKS_IN_PROCESS = False
# Every test client posts from 127.0.0.1 and the cache outlives a test, so flood limits
# would couple unrelated tests; the rate-limit tests switch them back on.
KABAR_COMMENTS = {**KABAR_COMMENTS, "RATE_LIMITS": False}  # noqa: F405
MEDIA_ROOT = tempfile.mkdtemp(prefix="kabar-test-media-")

_db_url = os.environ.get("KABAR_TEST_DATABASE_URL")
if _db_url:
    # With production's options (PostgreSQL's binding and preparing), so the suite proves
    # every query works so.
    DATABASES = {"default": with_engine_options(dj_database_url.parse(_db_url, conn_max_age=0))}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.path.join(tempfile.gettempdir(), "kabar-test.sqlite3"),
            "OPTIONS": SQLITE_OPTIONS,
        }
    }
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
STATIC_ROOT = tempfile.mkdtemp(prefix="kabar-test-static-")
WHITENOISE_USE_FINDERS = True
# Tests run inside transactions that never commit, so after-commit purges never run: the
# page cache is off unless a test turns it on (tests/core/test_cache*.py do, and run the
# commit callbacks).
KABAR_PAGE_CACHE = {**KABAR_PAGE_CACHE, "ENABLED": False}  # noqa: F405
# The comment-thread cache is renewed after commit too, so it is off like the page cache
# (tests/discussion/test_fragments.py turns it on).
KABAR_THREAD_CACHE = {**KABAR_THREAD_CACHE, "ENABLED": False}  # noqa: F405
