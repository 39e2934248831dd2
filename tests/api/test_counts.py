"""GET and POST /api/v1/counts: approved comments of many addresses in one request, by the
address as the page wrote it; counting never makes a thread."""

import pytest
from wagtail.models import PageViewRestriction

from kabar.discussion.models import ExternalThread
from tests import builders
from tests.api.conftest import POST_URL

pytestmark = pytest.mark.django_db

OTHER = "https://blog.example.org/tulisan/belum-dibuka"


def test_counts_by_the_address_as_given(api, thread, article):
    builders.submit(thread, body="Satu", approve=True)
    builders.submit(thread, body="Dua", approve=True)
    builders.submit(thread, body="Tiga")  # held: not counted
    builders.submit(article, approve=True)
    own = f"http://localhost{article.url}"
    as_written = POST_URL + "#komentar"
    answer = api.get("counts", {"url": [as_written, OTHER, own, "https://lain.example.net/"]})
    assert answer.status_code == 200
    assert answer.json() == {
        "counts": {as_written: 2, OTHER: 0, own: 1, "https://lain.example.net/": 0}
    }
    assert ExternalThread.objects.count() == 1


def test_counts_by_post_for_long_lists(api, thread):
    builders.submit(thread, approve=True)
    answer = api.post("counts", {"urls": [POST_URL, OTHER], "site": "blog-teman"})
    assert answer.json() == {"counts": {POST_URL: 1, OTHER: 0}}


@pytest.mark.parametrize(
    ("method", "data", "field"),
    [
        ("get", {}, "url"),
        ("get", {"url": [POST_URL] * 101}, "url"),
        ("post", {"urls": []}, "urls"),
        ("post", {"urls": "satu"}, "urls"),
        ("post", {"urls": [1, 2]}, "urls"),
    ],
)
def test_a_bad_list_is_a_problem(api, blog, method, data, field):
    refused = api.get("counts", data) if method == "get" else api.post("counts", data)
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == [field]


@pytest.mark.parametrize("size", [5, 100])
def test_many_addresses_cost_a_few_queries(
    api, blog, article, size, page_cache, django_assert_max_num_queries
):
    urls = [f"https://blog.example.org/tulisan/{n}" for n in range(size - 1)]
    urls.append(f"http://localhost{article.url}")
    api.post("counts", {"urls": [urls[0], urls[-1]]})  # what a warm process keeps in memory
    # The threads of the site's addresses, Kabar's own pages, the counts.
    with django_assert_max_num_queries(3):
        assert len(api.post("counts", {"urls": urls}).json()["counts"]) == size


def test_a_page_behind_a_password_counts_nothing(api, blog, article):
    builders.submit(article, approve=True)
    own = f"http://localhost{article.url}"
    assert api.get("counts", {"url": own}).json() == {"counts": {own: 1}}
    PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="rahasia"
    )
    assert api.get("counts", {"url": own}).json() == {"counts": {own: 0}}
