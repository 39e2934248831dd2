"""Articles behind a Wagtail view restriction (a password, sign-in, groups) appear in no
public listing: fronts, navigation, feeds, author and tag pages, the sitemap. Those
listings are cached and shared by every reader, so restricted pages are left out entirely."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import PageViewRestriction

from tests import builders

pytestmark = pytest.mark.django_db

SECRET = "Rahasia dapur redaksi"
RESTRICTION_TYPES = [
    PageViewRestriction.PASSWORD,
    PageViewRestriction.LOGIN,
    PageViewRestriction.GROUPS,
]


def restrict(page, restriction_type=PageViewRestriction.PASSWORD):
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, password="sandi-rahasia"
    )
    if restriction_type == PageViewRestriction.GROUPS:
        restriction.groups.set([Group.objects.create(name="Pelanggan")])
    return restriction


@pytest.fixture
def shown(section, author):
    return builders.make_article(section, "Berita terbuka untuk semua", authors=[author])


@pytest.fixture
def secret(section, author):
    article = builders.make_article(
        section, SECRET, authors=[author], standfirst="Ringkasan yang tidak boleh bocor."
    )
    article.tags.add("eksklusif")
    article.save_revision().publish()
    return article


def body_of(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def assert_left_out(body, article):
    assert article.title not in body
    assert article.standfirst not in body
    assert article.url not in body


PUBLIC_LISTINGS = ["/", "section", "/feed/", "/feed/atom/", "section_rss", "section_atom"]


def listing_url(name, section):
    return {
        "section": section.url,
        "section_rss": f"/feed/rubrik/{section.slug}/",
        "section_atom": f"/feed/rubrik/{section.slug}/atom/",
    }.get(name, name)


@pytest.mark.parametrize("restriction_type", RESTRICTION_TYPES)
@pytest.mark.parametrize("listing", PUBLIC_LISTINGS)
def test_a_restricted_article_is_in_no_front_or_feed(
    client, section, shown, secret, listing, restriction_type
):
    restrict(secret, restriction_type)
    body = body_of(client, listing_url(listing, section))
    assert shown.title in body
    assert_left_out(body, secret)


def test_a_restricted_top_story_is_left_off_the_home_front(client, home, shown, secret):
    home.top_stories.create(article=secret, sort_order=0)
    restrict(secret)
    assert_left_out(body_of(client, "/"), secret)


def test_a_restricted_article_is_not_on_its_authors_page(client, author, shown, secret):
    restrict(secret)
    body = body_of(client, author.get_absolute_url())
    assert shown.title in body
    assert_left_out(body, secret)


def test_a_tag_carried_only_by_restricted_articles_has_no_page(client, shown, secret):
    assert SECRET in body_of(client, "/topik/eksklusif/")
    restrict(secret)
    assert client.get("/topik/eksklusif/").status_code == 404


def test_a_restricted_section_is_hidden_with_its_articles(client, home, section, shown):
    closed = builders.make_section(home, "Ruang Pelanggan", slug="ruang-pelanggan")
    inside = builders.make_article(closed, SECRET, standfirst="Hanya untuk pelanggan.")
    restrict(closed, PageViewRestriction.LOGIN)
    for url in ("/", "/feed/", "/feed/atom/", section.url):
        body = body_of(client, url)
        assert_left_out(body, inside)
        assert closed.title not in body and closed.url not in body
    assert client.get("/feed/rubrik/ruang-pelanggan/").status_code == 404
    assert client.get("/feed/rubrik/ruang-pelanggan/atom/").status_code == 404


def test_an_alias_of_a_restricted_article_is_left_out_too(client, home, section, secret):
    # Wagtail serves an alias under its source's restrictions.
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    alias = secret.create_alias(parent=other, update_slug="salinan-rahasia")
    assert alias.url in body_of(client, other.url)
    restrict(secret)
    for url in ("/", "/feed/", other.url):
        body = body_of(client, url)
        assert SECRET not in body and alias.url not in body


def test_a_reader_past_a_sections_restriction_sees_its_front(client, home, django_user_model):
    closed = builders.make_section(home, "Ruang Pelanggan", slug="ruang-pelanggan")
    inside = builders.make_article(closed, SECRET)
    restrict(closed, PageViewRestriction.LOGIN)
    restrict(home, PageViewRestriction.LOGIN)
    client.force_login(django_user_model.objects.create_user("pelanggan", password="x"))
    assert SECRET in body_of(client, closed.url)
    assert inside.url in body_of(client, closed.url)
    # The home front is not past the section's restriction: it stays off there.
    assert SECRET not in body_of(client, "/")


def test_the_sitemap_leaves_restricted_articles_out(client, shown, secret):
    restrict(secret)
    body = body_of(client, "/sitemap-pages.xml")
    assert shown.url in body
    assert secret.url not in body


def test_lifting_a_restriction_shows_the_article_again(client, shown, secret):
    restriction = restrict(secret)
    assert SECRET not in body_of(client, "/feed/")
    restriction.delete()
    assert SECRET in body_of(client, "/feed/")


def test_a_restriction_added_after_a_listing_was_served_takes_effect(
    page_cache, shown, secret, django_capture_on_commit_callbacks
):
    client = Client()
    assert SECRET in body_of(client, "/feed/")
    assert SECRET in body_of(client, "/")
    with django_capture_on_commit_callbacks(execute=True):
        restrict(secret)
    assert SECRET not in body_of(client, "/feed/")
    assert SECRET not in body_of(client, "/")


def test_listing_queries_do_not_grow_with_restrictions(
    home, section, author, django_assert_max_num_queries
):
    client = Client()
    builders.make_articles(section, 3, authors=[author])
    restrict(builders.make_article(section, SECRET))
    urls = ["/", section.url, "/feed/", author.get_absolute_url()]
    counts = {}
    for url in urls:
        with django_assert_max_num_queries(40) as few:
            client.get(url)
        counts[url] = len(few.captured_queries)
    for n in range(6):
        restrict(builders.make_article(section, f"{SECRET} {n}", authors=[author]))
    restrict(builders.make_section(home, "Ruang Pelanggan", slug="ruang-pelanggan"))
    for url in urls:
        with django_assert_max_num_queries(counts[url]):
            assert client.get(url).status_code == 200


def test_a_restricted_articles_own_address_shows_no_structured_data(client, secret):
    restrict(secret)
    response = client.get(secret.url)
    assert response.status_code == 200  # Wagtail's password form
    html = response.content.decode()
    assert "application/ld+json" not in html
    assert SECRET not in html and secret.standfirst not in html


def test_a_restricted_article_stays_hidden_when_it_moves(
    page_cache, home, secret, django_capture_on_commit_callbacks
):
    client = Client()
    other = builders.make_section(home, "Ekonomi", slug="ekonomi")
    with django_capture_on_commit_callbacks(execute=True):
        restrict(secret)
    assert SECRET not in body_of(client, "/feed/")
    with django_capture_on_commit_callbacks(execute=True):
        secret.move(other, pos="last-child")
    for url in ("/feed/", "/", other.url):
        assert SECRET not in body_of(client, url), url
