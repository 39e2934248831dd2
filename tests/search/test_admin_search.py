"""The admin's searches (Wagtail's database backend, kabar.search.backends): a double
quote typed in a search is a character to look for, never a query the database refuses.
On SQLite, modelsearch quoted each word for FTS5 without doubling a quote inside it:
FTS5 refused the query and the database guard answered 503, "database unavailable"."""

import pytest
from django.test import Client
from wagtail.models import Page
from wagtail.search.backends import get_search_backend

from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def articles():
    home = builders.make_home()
    section = builders.make_section(home)
    flood = builders.make_article(section, "Banjir bandang melanda Garut")
    builders.make_article(section, "Harga cabai turun di pasar")
    return flood


@pytest.mark.parametrize(
    "typed",
    ['"banjir', 'banjir"', '"banjir bandang"', '"', '""', '"banjir" "garut', '""banjir'],
)
def test_a_quote_in_a_search_finds_what_the_words_find(articles, typed):
    found = get_search_backend().search(typed, Page.objects.live())
    titles = [page.title for page in found]
    words = typed.replace('"', " ").split()
    assert titles == ([articles.title] if words else []), typed


@pytest.mark.parametrize(
    "path", ["/admin/choose-page/search/", "/admin/pages/search/", "/admin/snippets/news/author/"]
)
def test_the_admin_searches_answer_a_quote(articles, admin_user, path):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    for typed in ('"', '"banjir', '"banjir bandang"'):
        response = client.get(path, {"q": typed})
        assert response.status_code == 200, (path, typed, response.status_code)
