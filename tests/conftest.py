import pytest

from tests import builders


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
