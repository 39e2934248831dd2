import os
import time
from types import SimpleNamespace

import pytest
from django.core.cache import caches
from django.core.management import call_command
from django_tasks import task_backends
from wagtail.images import get_image_model

from tests import builders


def pytest_collection_modifyitems(config, items):
    """The suite runs once per database (Makefile): tests marked for the other engine are
    deselected, not skipped, so every pass reports only what it really ran."""
    other = "sqlite" if os.environ.get("KABAR_TEST_DATABASE_URL") else "postgres"
    kept, left_out = [], []
    for item in items:
        (left_out if item.get_closest_marker(other) else kept).append(item)
    if left_out:
        config.hook.pytest_deselected(items=left_out)
        items[:] = kept


@pytest.fixture(autouse=True)
def _no_staff_round_known():
    """What a process keeps of rows each test rolls back or empties: the staff digest's
    round it knows to be queued (staff.STAFF_ROUND), the spam filter's counts it read
    lately (classifier._known), the confirmation mails it saw queued
    (notifications._asked) and whether it asked lately if the IP retention is due
    (privacy._retention_asked): forgotten around every test."""
    from kabar.discussion import notifications, privacy, staff  # noqa: PLC0415 - needs pytest-django's settings
    from kabar.discussion.spam import classifier  # noqa: PLC0415 - the same

    def forget():
        staff.STAFF_ROUND.forget()
        classifier.forget_known_counts()
        notifications.forget_confirmations_asked()
        privacy.forget_retention_asked()

    forget()
    yield
    forget()


DAY = 24 * 60 * 60


@pytest.fixture(autouse=True)
def _rate_windows_start_with_the_test(monkeypatch):
    """The rate limits count in fixed windows (a minute to an hour, each dividing a day):
    a test that sends hits until one is refused would see a window end between two of them,
    about once in a few hundred runs of a minute's window, and rightly be let through
    again. Their clock (kabar.core.ratelimit's time.time) runs at the real pace but from
    just after the start of a day, so every window starts as the test does."""
    from kabar.core import ratelimit  # noqa: PLC0415 - needs pytest-django's settings

    real = time.time
    started = real()
    shift = (started // DAY + 1) * DAY + 1 - started

    def now():
        # A test that sets time.time itself keeps its own clock.
        return time.time() + shift if time.time is real else time.time()

    monkeypatch.setattr(ratelimit, "time", SimpleNamespace(time=now))


@pytest.fixture(autouse=True)
def _empty_renditions_cache():
    """Wagtail's renditions cache outlives each test's rolled-back rows, and on SQLite a new
    image can take an old id (and find another image's renditions): emptied around every
    test."""
    cache = get_image_model().get_rendition_model().cache_backend
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def home(db):
    return builders.make_home()


@pytest.fixture
def section(home):
    return builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")


@pytest.fixture
def author(db):
    return builders.make_author()


@pytest.fixture
def article(section, author):
    return builders.make_article(section, authors=[author])


@pytest.fixture
def limits_on(settings):
    """Comment rate limits switched on (settings/test.py leaves them off), counted from an
    empty cache."""
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "RATE_LIMITS": True}
    caches["default"].clear()
    yield
    caches["default"].clear()


@pytest.fixture
def page_cache(settings):
    """The page cache switched on (settings/test.py leaves it off), empty before and after."""
    settings.KABAR_PAGE_CACHE = {**settings.KABAR_PAGE_CACHE, "ENABLED": True}
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()


@pytest.fixture
def kept_threads(settings):
    """Approved threads kept (settings/test.py leaves them off), the caches empty before and
    after."""
    settings.KABAR_THREAD_CACHE = {**settings.KABAR_THREAD_CACHE, "ENABLED": True}
    for alias in caches:
        caches[alias].clear()
    yield
    for alias in caches:
        caches[alias].clear()


@pytest.fixture
def after_commit(django_capture_on_commit_callbacks):
    """Run a change as the product does: its announcements (a thread's generation renewed
    among them) after the transaction commits."""

    def run(change, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return change(*args, **kwargs)

    return run


@pytest.fixture
def collected_static(settings, tmp_path):
    """Static files collected as `kabar serve` and `kabar demo` collect them (compressed
    copies beside each file) and served by WhiteNoise from there."""
    settings.STATIC_ROOT = tmp_path / "static"
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", interactive=False, verbosity=0)
    return settings.STATIC_ROOT


@pytest.fixture
def wagtail_initial_data(transactional_db):
    """A transactional test empties every table when it ends, the rows Wagtail's own
    migrations made included; put back what pages and images are built on: the default
    locale, the root page and the root collection."""
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType
    from wagtail.coreutils import get_supported_content_language_variant
    from wagtail.models import Collection, Locale, Page

    if not Locale.objects.exists():
        Locale.objects.create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
    if not Page.objects.filter(depth=1).exists():
        Page(
            title="Root",
            slug="root",
            content_type=ContentType.objects.get_for_model(Page),
            path="0001",
            depth=1,
            numchild=0,
            url_path="/",
            locale=Locale.get_default(),
        ).save(clean=False)
    if not Collection.objects.filter(depth=1).exists():
        Collection.objects.create(name="Root", path="0001", depth=1, numchild=0)


@pytest.fixture
def deferred_queue(settings):
    """The "kabar" task backend as a queue that keeps its tasks until the test runs them."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "kabar": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    backend = task_backends["kabar"]
    yield backend
    backend.clear()


@pytest.fixture
def site_lookups(monkeypatch):
    """The requests SiteMiddleware (and keep_site) looked the Site up for."""
    from kabar.core import memo

    seen = []
    find = memo.site_for_request

    def counting(request):
        seen.append(request.path)
        return find(request)

    monkeypatch.setattr(memo, "site_for_request", counting)
    return seen
