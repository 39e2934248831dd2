"""What the import tests share: a registered other site, one of Kabar's own articles, and
a media folder of the test's own."""

import pytest

from tests import builders


@pytest.fixture
def blog(home):
    return builders.make_external_site()


@pytest.fixture
def own_article(section):
    return builders.make_article(section, "Gencatan senjata disepakati", slug="gencatan-senjata")


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return tmp_path / "media"
