"""Finding an article by its address (/<section>/<article>/) in few queries, with
Wagtail's rules kept: live pages only, view restrictions of the page and every page
above it, and the tree (not the article's copy of its section) deciding where it is."""

import pytest
from django.test import Client
from wagtail.models import PageViewRestriction

from kabar.news.models import ArticlePage, HomePage, SectionPage
from tests import builders

pytestmark = pytest.mark.django_db


def test_an_article_is_found_at_its_address(client, article, section):
    response = client.get(article.url)
    assert response.status_code == 200
    assert article.title in response.content.decode()
    assert article.url == f"/{section.slug}/{article.slug}/"


def test_a_section_and_the_home_page_are_found_too(client, home, section, article):
    assert client.get(section.url).status_code == 200
    assert client.get(home.url).status_code == 200


@pytest.mark.parametrize(
    "address",
    [
        "/{section}/tidak-ada/",
        "/tidak-ada/{article}/",
        "/{section}/{article}/lebih-dalam/",
    ],
)
def test_addresses_that_lead_nowhere_are_404(client, section, article, address):
    url = address.format(section=section.slug, article=article.slug)
    assert client.get(url).status_code == 404


def test_an_unpublished_article_is_404(client, article):
    url = article.url
    article.unpublish()
    assert client.get(url).status_code == 404


def test_an_article_under_another_section_is_not_found_under_this_one(client, home, article):
    other = builders.make_section(home, "Kabar Daerah")
    assert client.get(f"/{other.slug}/{article.slug}/").status_code == 404


def test_the_tree_decides_where_an_article_is_not_its_copy_of_the_section(
    client, home, section, article
):
    other = builders.make_section(home, "Kabar Daerah")
    # The copy on the article row points elsewhere (as if left stale): the article is
    # still served where the tree has it, and not where the copy says.
    ArticlePage.objects.filter(pk=article.pk).update(section=other)
    assert client.get(f"/{section.slug}/{article.slug}/").status_code == 200
    assert client.get(f"/{other.slug}/{article.slug}/").status_code == 404


@pytest.mark.parametrize("restricted", ["article", "section", "home"])
def test_a_login_restriction_anywhere_above_the_article_applies(
    client, home, section, article, restricted
):
    page = {"article": article, "section": section, "home": home}[restricted]
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.LOGIN)
    response = client.get(article.url)
    assert response.status_code == 302
    assert "login" in response["Location"]
    assert article.title not in Client().get(article.url).content.decode()


def test_a_password_restriction_on_the_section_asks_for_the_password(client, section, article):
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="rahasia"
    )
    response = client.get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="password"' in html
    assert "Paragraf pertama berita" not in html


def test_a_restriction_on_another_section_does_not_apply(client, home, article):
    other = builders.make_section(home, "Kabar Daerah")
    PageViewRestriction.objects.create(page=other, restriction_type=PageViewRestriction.LOGIN)
    assert client.get(article.url).status_code == 200


def test_routing_an_article_costs_one_query_and_its_restrictions_one_more(
    client, section, article, django_assert_max_num_queries
):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    request = client.get(article.url).wsgi_request
    with django_assert_max_num_queries(1):
        routed = home.route(request, [section.slug, article.slug])
        assert routed.page.pk == article.pk
        # Its section and home are in hand, as the rest of the page uses them.
        assert isinstance(routed.page.get_parent(), SectionPage)
        assert isinstance(routed.page.get_parent().get_parent(), HomePage)
        assert routed.page.section.pk == section.pk
    with django_assert_max_num_queries(1):
        assert list(routed.page.get_view_restrictions()) == []
