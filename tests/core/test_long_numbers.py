"""Numbers longer than Python converts (int() refuses more than 4,300 digits with
ValueError) in the query parameters every page and the old WordPress addresses read: each
answered 500, cached page or not."""

import pytest
from django.test import Client

from kabar.ingest.redirects import redirect_set
from tests.ingest.test_redirects import OLD, legacy_on, site  # noqa: F401 (fixtures)

DIGITS = "1" * 4301


@pytest.fixture
def anyone():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("cached", [False, True], ids=["uncached", "page-cache"])
@pytest.mark.parametrize("parameter", ["page", "cpage"])
def test_a_page_number_of_thousands_of_digits_is_no_error(
    anyone, article, cached, parameter, request
):
    if cached:
        request.getfixturevalue("page_cache")
    for path in ("/", article.get_parent().url, article.url):
        response = anyone.get(path, {parameter: DIGITS})
        assert response.status_code in (200, 404), (path, response.status_code)
    # The same page with a page number in range is still one page, zeros or not.
    assert anyone.get("/", {parameter: "0002"}).status_code in (200, 404)


@pytest.mark.parametrize("parameter", ["p", "page_id", "cat", "author", "m", "attachment_id"])
def test_an_old_address_with_an_id_of_thousands_of_digits_is_no_error(
    anyone,
    legacy_on,  # noqa: F811 - the fixture
    site,  # noqa: F811 - the fixture
    article,
    parameter,
):
    redirect_set(site, OLD + "?p=12", OLD, page=article)
    for path in ("/", "/wp-content/uploads/x.jpg", "/sitemap.xml"):
        response = anyone.get(path, {parameter: DIGITS})
        assert response.status_code in (200, 404), (path, parameter, response.status_code)
    # Leading zeros are the same id, as they were to WordPress.
    assert anyone.get("/", {"p": "0012"})["Location"] == article.url
