import os

import pytest
from django.core.cache import caches

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
def page_cache(settings):
    """The page cache switched on (settings/test.py leaves it off), empty before and after."""
    settings.KABAR_PAGE_CACHE = {**settings.KABAR_PAGE_CACHE, "ENABLED": True}
    caches["pages"].clear()
    yield caches["pages"]
    caches["pages"].clear()
