"""Old WordPress addresses: their keys, the addresses of each kind of item, and the 301s the
middleware answers with (and the requests it leaves alone, without a query)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from wagtail.models import Site

from kabar.core.page_cache import HEADER
from kabar.ingest.models import ImportedKind, LegacyRedirect
from kabar.ingest.redirects import StoredKey, old_path_key, old_path_keys, redirect_set
from kabar.ingest.wordpress.addresses import redirects_for_wordpress, wordpress_old_addresses
from kabar.ingest.wordpress.mapping import author_archive_names, user_nicename
from tests import builders

pytestmark = pytest.mark.django_db

OLD = "http://lama.example.id/"
FOLDER = "http://example.id/blog/"
MIDDLEWARE_LINE = "kabar.ingest.middleware.LegacyRedirectMiddleware"


@pytest.fixture(autouse=True)
def legacy_off(settings):
    """Each test says when the middleware is on (the settings have it, innermost)."""
    assert settings.MIDDLEWARE[-1] == MIDDLEWARE_LINE
    settings.MIDDLEWARE = settings.MIDDLEWARE[:-1]


@pytest.fixture
def legacy_on(settings):
    settings.MIDDLEWARE = [*settings.MIDDLEWARE, MIDDLEWARE_LINE]


@pytest.fixture
def site(home):
    return Site.objects.get(is_default_site=True)


def keys_of(addresses, role=None):
    return {old_path_key(a.url, OLD) for a in addresses if role is None or a.role == role}


# Keys.


def test_key_drops_scheme_host_and_trailing_slash():
    assert old_path_key("http://lama.example.id/2026/11/03/banjir/") == "/2026/11/03/banjir"
    assert old_path_key("https://lama.example.id/2026/11/03/banjir") == "/2026/11/03/banjir"
    assert old_path_key("/2026/11/03/banjir/") == "/2026/11/03/banjir"


def test_key_of_an_empty_path_is_the_root():
    assert old_path_key("http://lama.example.id") == "/"
    assert old_path_key("http://lama.example.id/?p=12") == "/?p=12"


def test_key_decodes_percent_encoded_unicode_slugs_whatever_the_escape_case():
    assert old_path_key("/%e5%90%89/") == "/吉"
    assert old_path_key("/%E5%90%89") == "/吉"
    assert old_path_key("/吉/") == "/吉"


def test_key_keeps_escapes_that_are_not_utf8_in_lower_case():
    assert old_path_key("/a%FFb/") == old_path_key("/a%ffb") == "/a%ffb"


def test_key_is_relative_to_a_site_installed_in_a_subfolder():
    base = "http://example.id/blog/"
    assert old_path_key("http://example.id/blog/2026/kabar/", base) == "/2026/kabar"
    assert old_path_key("http://example.id/blog/?p=7", base) == "/?p=7"
    assert old_path_key("http://example.id/blog", base) == "/"
    # A path beside the sub-folder is not shortened.
    assert old_path_key("http://example.id/blogger/x/", base) == "/blogger/x"


def test_keys_of_a_folder_sites_address_are_without_and_with_its_folder():
    assert old_path_keys(FOLDER + "2026/kabar/", FOLDER) == [
        StoredKey("/2026/kabar", yields=False),
        StoredKey("/blog/2026/kabar", yields=False),
    ]
    assert [k.key for k in old_path_keys(FOLDER + "?p=7", FOLDER)] == ["/?p=7", "/blog?p=7"]
    # At a domain's root, and beside the folder, an address has one key.
    assert old_path_keys(OLD + "2026/kabar/", OLD) == [StoredKey("/2026/kabar", yields=False)]
    assert old_path_keys("http://example.id/blogger/x/", FOLDER) == [
        StoredKey("/blogger/x", yields=False)
    ]


def test_a_relative_key_inside_the_folder_yields_to_the_address_with_the_folder():
    # http://example.id/blog/blog/x/ without its folder is /blog/x, which is also the
    # address http://example.id/blog/x/ with its folder.
    assert old_path_keys(FOLDER + "blog/x/", FOLDER)[0] == StoredKey("/blog/x", yields=True)
    assert old_path_keys(FOLDER + "blog/", FOLDER)[0] == StoredKey("/blog", yields=True)


def test_key_keeps_only_content_parameters_sorted():
    assert old_path_key("/?utm_source=fb&p=12&fbclid=x") == "/?p=12"
    assert old_path_key("/?cat=3&feed=rss2") == old_path_key("/?feed=rss2&cat=3")
    assert old_path_key("/?feed=rss2&cat=3") == "/?cat=3&feed=rss2"
    assert old_path_key("/?p=012") == "/?p=12"
    assert old_path_key("/?tag=%e5%90%89") == "/?tag=吉"


def test_key_drops_index_php_of_almost_pretty_permalinks():
    assert old_path_key("/index.php/2026/11/banjir/") == "/2026/11/banjir"


# The addresses of each kind.


def test_post_addresses_are_its_permalink_its_id_and_its_comment_feeds():
    found = wordpress_old_addresses(
        ImportedKind.POST, OLD, wp_id=12, permalink=OLD + "2026/11/03/banjir/"
    )
    assert keys_of(found, "self") == {"/2026/11/03/banjir", "/?p=12"}
    comments = keys_of(found, "comments")
    assert {"/2026/11/03/banjir/feed", "/?feed=rss2&p=12"} <= comments


def test_page_addresses_use_page_id():
    found = wordpress_old_addresses(ImportedKind.PAGE, OLD, wp_id=5, permalink=OLD + "tentang/")
    assert keys_of(found, "self") == {"/tentang", "/?page_id=5"}


def test_attachment_addresses_are_its_page_and_its_id():
    found = wordpress_old_addresses(
        ImportedKind.ATTACHMENT, OLD, wp_id=40, permalink=OLD + "2026/11/03/banjir/foto-1/"
    )
    assert keys_of(found) == {"/2026/11/03/banjir/foto-1", "/?attachment_id=40"}


def test_category_addresses_are_its_archive_its_id_and_their_feeds():
    found = wordpress_old_addresses(ImportedKind.CATEGORY, OLD, wp_id=3, slug="berita/dunia")
    assert keys_of(found, "self") == {"/category/berita/dunia", "/?cat=3"}
    assert {"/category/berita/dunia/feed", "/?cat=3&feed=rss2"} <= keys_of(found, "feed")


def test_tag_addresses_are_its_archive_and_its_slug():
    found = wordpress_old_addresses(ImportedKind.TAG, OLD, slug="banjir")
    assert keys_of(found, "self") == {"/tag/banjir", "/?tag=banjir"}


def test_author_addresses_are_its_archive():
    found = wordpress_old_addresses(ImportedKind.AUTHOR, OLD, wp_id=2, slug="rina")
    assert keys_of(found, "self") == {"/author/rina", "/?author=2"}


@pytest.mark.parametrize(
    ("login", "nicename"),
    [
        ("Budi.Santoso", "budi-santoso"),
        ("redaksi@kabar.id", "redaksikabar-id"),
        ("Jane  Doe", "jane-doe"),
        ("-rina--w_-", "rina-w_"),
        ("José Ñúñez", "jose-nunez"),  # remove_accents
        ("新闻", "%e6%96%b0%e9%97%bb"),  # utf8_uri_encode
        ("fran%c3%a7%ois", "fran%c3%a7ois"),  # octets kept, a lone % dropped
        ("a\u2014b\u201cc\u201d", "a-bc"),  # a dash a hyphen, quotation marks dropped
        ("x" * 60, "x" * 50),  # the first 50 characters of the login
    ],
)
def test_an_authors_nicename_is_made_as_wordpress_makes_it(login, nicename):
    assert user_nicename(login) == nicename


def test_author_archive_names_keep_a_login_no_nicename_can_be():
    assert author_archive_names("Budi.Santoso") == ["budi-santoso", "Budi.Santoso"]
    assert author_archive_names("rina") == ["rina"]
    assert author_archive_names("Rina") == ["rina"]  # the same address, in any case
    found = wordpress_old_addresses(
        ImportedKind.AUTHOR, OLD, wp_id=2, slug="budi-santoso", aliases=["Budi.Santoso"]
    )
    assert keys_of(found, "self") == {"/author/budi-santoso", "/author/budi.santoso", "/?author=2"}


def test_site_addresses_are_its_feeds():
    found = wordpress_old_addresses("site", OLD)
    assert {"/feed", "/feed/rss2", "/?feed=rss2", "/?feed=atom"} <= keys_of(found, "feed")
    assert {"/comments/feed", "/?feed=comments-rss2"} <= keys_of(found, "comments")


# Writing.


def test_redirect_set_is_an_idempotent_upsert(site, article, section):
    url = OLD + "2026/11/03/banjir/"
    assert redirect_set(site, url, OLD, page=article) == "created"
    assert redirect_set(site, url, OLD, page=article) == "unchanged"
    assert redirect_set(site, url, OLD, page=section) == "updated"
    row = LegacyRedirect.objects.get()
    assert (row.old_path, row.page_id, row.target) == ("/2026/11/03/banjir", section.pk, "")


def test_redirect_set_stores_a_folder_sites_address_without_and_with_its_folder(site, article):
    assert redirect_set(site, FOLDER + "2026/11/banjir/", FOLDER, page=article) == "created"
    assert redirect_set(site, FOLDER + "2026/11/banjir/", FOLDER, page=article) == "unchanged"
    rows = LegacyRedirect.objects.values_list("old_path", "page_id")
    assert sorted(rows) == [("/2026/11/banjir", article.pk), ("/blog/2026/11/banjir", article.pk)]


@pytest.mark.parametrize("inner_first", [True, False], ids=["inner-first", "outer-first"])
def test_the_address_with_its_folder_wins_a_key_two_addresses_share(
    site, article, section, inner_first
):
    # /blog/blog/x/ (the section) and /blog/x/ (the article) both claim "/blog/x".
    writes = [
        lambda: redirect_set(site, FOLDER + "blog/x/", FOLDER, page=section),
        lambda: redirect_set(site, FOLDER + "x/", FOLDER, page=article),
    ]
    for write in writes if inner_first else writes[::-1]:
        write()
    assert LegacyRedirect.objects.get(old_path="/blog/x").page_id == article.pk
    # A second import changes nothing, in either order.
    assert [write() for write in writes] == ["unchanged", "unchanged"]
    assert LegacyRedirect.objects.get(old_path="/blog/x").page_id == article.pk
    assert LegacyRedirect.objects.get(old_path="/blog/blog/x").page_id == section.pk


def test_redirect_set_skips_what_has_no_target_or_points_to_itself(site):
    assert redirect_set(site, OLD + "x/", OLD) == "skipped"
    assert redirect_set(site, OLD + "feed/", OLD, target="/feed/") == "skipped"
    assert not LegacyRedirect.objects.exists()


def test_only_a_change_renews_the_table_after_commit(
    site, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        redirect_set(site, OLD + "a/", OLD, page=article)
    assert len(callbacks) == 1
    with django_capture_on_commit_callbacks() as callbacks:
        redirect_set(site, OLD + "a/", OLD, page=article)
    assert callbacks == []


def test_redirects_for_a_post_send_its_comment_feed_to_the_article_comments_feed(site, article):
    counts = redirects_for_wordpress(
        site, OLD, ImportedKind.POST, wp_id=12, permalink=OLD + "2026/11/03/banjir/", page=article
    )
    assert counts["created"] > 2 and counts["updated"] == 0
    rows = {r.old_path: r for r in LegacyRedirect.objects.all()}
    assert rows["/?p=12"].page_id == article.pk
    assert rows["/2026/11/03/banjir"].page_id == article.pk
    feed = reverse("discussion:article_feed", args=[article.pk])
    assert rows["/2026/11/03/banjir/feed"].target == feed
    again = redirects_for_wordpress(
        site, OLD, ImportedKind.POST, wp_id=12, permalink=OLD + "2026/11/03/banjir/", page=article
    )
    assert again["unchanged"] == counts["created"]


def test_redirects_for_a_category_send_its_feed_to_the_section_feed(site, section):
    redirects_for_wordpress(site, OLD, ImportedKind.CATEGORY, wp_id=3, slug="dunia", page=section)
    rows = {r.old_path: r for r in LegacyRedirect.objects.all()}
    assert rows["/?cat=3"].page_id == section.pk
    assert rows["/category/dunia/feed"].target == reverse("news:section_feed", args=[section.slug])


def test_redirects_for_a_tag_go_to_the_given_target(site):
    tag_url = reverse("news:tag", args=["banjir"])
    redirects_for_wordpress(site, OLD, ImportedKind.TAG, slug="banjir", target=tag_url)
    rows = {r.old_path: r.target for r in LegacyRedirect.objects.all()}
    assert rows["/tag/banjir"] == rows["/?tag=banjir"] == rows["/tag/banjir/feed"] == tag_url


def test_redirects_for_the_site_skip_feeds_kabar_serves_at_the_same_address(site):
    redirects_for_wordpress(site, OLD, "site")
    rows = {r.old_path: r.target for r in LegacyRedirect.objects.all()}
    assert "/feed" not in rows and "/comments/feed" not in rows
    assert rows["/feed/rss2"] == rows["/?feed=rss2"] == reverse("news:feed")
    assert rows["/?feed=comments-rss2"] == reverse("discussion:feed")


# Answering.


def test_p_id_on_the_home_page_answers_301_to_the_article(client, legacy_on, site, article):
    redirect_set(site, OLD + "?p=12", OLD, page=article)
    response = client.get("/?p=12&utm_source=fb")
    assert response.status_code == 301
    assert response["Location"] == article.url


def test_home_page_without_a_known_id_is_served(client, legacy_on, site, article):
    redirect_set(site, OLD + "?p=12", OLD, page=article)
    assert client.get("/?p=13").status_code == 200


def test_permalink_answers_301_with_or_without_trailing_slash(client, legacy_on, site, article):
    redirect_set(site, OLD + "2026/11/03/banjir-di-jakarta/", OLD, page=article)
    for path in ("/2026/11/03/banjir-di-jakarta/", "/2026/11/03/banjir-di-jakarta"):
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == article.url


def test_encoded_unicode_permalink_answers_301(client, legacy_on, site, article):
    redirect_set(site, OLD + "2026/11/%e5%90%89/", OLD, page=article)
    assert client.get("/2026/11/%E5%90%89/")["Location"] == article.url
    assert client.get("/2026/11/吉/")["Location"] == article.url


def test_subfolder_permalink_answers_at_the_site_root(client, legacy_on, site, article):
    redirect_set(site, FOLDER + "2026/11/banjir/", FOLDER, page=article)
    assert client.get("/2026/11/banjir/")["Location"] == article.url


def test_subfolder_permalink_answers_with_its_folder(client, legacy_on, site, article):
    redirect_set(site, FOLDER + "2026/11/banjir/", FOLDER, page=article)
    redirect_set(site, FOLDER + "?p=12", FOLDER, page=article)
    assert client.get("/blog/2026/11/banjir/")["Location"] == article.url
    assert client.get("/blog/2026/11/banjir/amp/")["Location"] == article.url
    assert client.get("/blog/?p=12")["Location"] == article.url


def test_a_posts_further_pages_land_on_the_article(client, legacy_on, site, article, section):
    """A post WordPress split with <!--nextpage--> has its pages at /2/, /3/…: Kabar's
    article is whole, so each lands on it. The address itself is looked up first: a
    day's archive keeps its own redirect."""
    redirect_set(site, OLD + "2026/11/03/banjir-di-jakarta/", OLD, page=article)
    redirect_set(site, OLD + "2026/11/03/", OLD, page=section)
    for path in ("/2026/11/03/banjir-di-jakarta/2/", "/2026/11/03/banjir-di-jakarta/12"):
        response = client.get(path)
        assert response.status_code == 301
        assert response["Location"] == article.url
    assert client.get("/2026/11/03/")["Location"] == section.url
    assert client.get("/2026/11/03/banjir-di-jakarta/0/").status_code == 404
    # A number after a number, or at the root, is an archive of its own: not a page of
    # what comes before it.
    redirect_set(site, OLD + "2026/11/", OLD, page=section)
    redirect_set(site, OLD, OLD, page=article)
    assert client.get("/2026/11/13/").status_code == 404
    assert client.get("/2026/").status_code == 404


def test_archive_page_two_lands_on_the_new_archive(client, legacy_on, site, section):
    redirect_set(site, OLD + "category/dunia/", OLD, page=section)
    response = client.get("/category/dunia/page/2/")
    assert response.status_code == 301
    assert response["Location"] == section.url


def test_target_redirect_answers_its_url(client, legacy_on, site):
    redirect_set(site, OLD + "tag/banjir/", OLD, target="/topik/banjir/")
    assert client.get("/tag/banjir/")["Location"] == "/topik/banjir/"


def test_moved_page_redirects_to_its_new_url(client, legacy_on, site, home, article):
    redirect_set(site, OLD + "?p=12", OLD, page=article)
    other = builders.make_section(home, "Nasional", slug="nasional")
    article.move(other, pos="last-child")
    article.refresh_from_db()
    assert article.url.startswith("/nasional/")
    assert client.get("/?p=12")["Location"] == article.url


def test_deleted_page_takes_its_redirect_with_it(client, legacy_on, site, article):
    redirect_set(site, OLD + "2026/11/banjir/", OLD, page=article)
    article.delete()
    assert not LegacyRedirect.objects.exists()
    assert client.get("/2026/11/banjir/").status_code == 404


def test_unknown_old_path_is_the_normal_404(client, legacy_on, site, article):
    redirect_set(site, OLD + "2026/11/banjir/", OLD, page=article)
    response = client.get("/2026/11/kemarau/")
    assert response.status_code == 404
    assert "Location" not in response


def test_head_is_redirected(client, legacy_on, site, article):
    redirect_set(site, OLD + "2026/11/banjir/", OLD, page=article)
    response = client.head("/2026/11/banjir/")
    assert response.status_code == 301
    assert response["Location"] == article.url


def test_post_is_never_redirected(client, legacy_on, site, article):
    redirect_set(site, OLD + "2026/11/banjir/", OLD, page=article)
    redirect_set(site, OLD + "?p=12", OLD, page=article)
    assert client.post("/2026/11/banjir/").status_code == 404
    response = client.post("/?p=12")
    assert response.status_code == 200  # the home page, as Kabar answers a POST there
    assert "Location" not in response


def test_a_page_at_an_old_address_answers_itself(client, legacy_on, site, article):
    LegacyRedirect.objects.create(site=site, old_path=article.url.rstrip("/"), page=article)
    assert client.get(article.url).status_code == 200


def test_without_the_middleware_old_addresses_are_404(client, site, article):
    redirect_set(site, OLD + "2026/11/banjir/", OLD, page=article)
    assert client.get("/2026/11/banjir/").status_code == 404


# Kept per process, with the page cache on.


def count_queries(client, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    return response.status_code, len(captured)


def test_no_query_added_to_an_article_without_redirect(client, settings, page_cache, site, article):
    redirect_set(site, OLD + "2026/11/banjir/", OLD, page=article)
    client.get(article.url)  # whatever Wagtail and Django keep for good
    plain = settings.MIDDLEWARE
    page_cache.clear()
    without = count_queries(client, article.url)
    settings.MIDDLEWARE = [*plain, MIDDLEWARE_LINE]
    client = Client()  # a client loads its middleware once
    assert client.get("/2026/11/banjir/").status_code == 301
    page_cache.clear()
    assert count_queries(client, article.url) == without
    assert without[0] == 200


@pytest.mark.parametrize(
    ("paths", "status"),
    [
        (("/tidak-ada-1/", "/tidak-ada-2/", "/tidak-ada-3/", "/tidak-ada-4/"), 404),
        (("/?p=901", "/?p=902", "/?p=903", "/?p=904"), 200),
        (("/blog/tidak-ada-1/", "/blog/tidak-ada-2/", "/blog/x-3/", "/blog/?p=904"), 404),
    ],
    ids=["404", "content-query", "folder"],
)
def test_no_query_added_to_an_address_without_redirect(
    client, settings, page_cache, site, article, paths, status
):
    redirect_set(site, OLD + "2026/11/banjir/", OLD, page=article)
    redirect_set(site, OLD + "?p=12", OLD, page=article)
    redirect_set(site, FOLDER + "?p=12", FOLDER, page=article)
    plain = settings.MIDDLEWARE
    client.get(paths[0])
    without = count_queries(client, paths[1])
    settings.MIDDLEWARE = [*plain, MIDDLEWARE_LINE]
    client = Client()  # a client loads its middleware once
    client.get(paths[2])  # reads the table's keys once
    assert count_queries(client, paths[3]) == without
    assert without[0] == status
    assert client.get("/2026/11/banjir/").status_code == 301  # the middleware is on


def test_repeated_redirect_is_answered_without_a_query(
    client, legacy_on, page_cache, site, article, django_assert_num_queries
):
    redirect_set(site, OLD + "?p=12", OLD, page=article)
    assert client.get("/?p=12")["Location"] == article.url
    with django_assert_num_queries(0):
        response = client.get("/?p=12")
    assert response.status_code == 301
    assert response["Location"] == article.url


def test_a_change_in_the_table_is_seen_by_the_next_request(
    client, legacy_on, page_cache, site, article, django_capture_on_commit_callbacks
):
    assert client.get("/2026/11/banjir/").status_code == 404  # the keys are kept now
    with django_capture_on_commit_callbacks(execute=True):
        redirect_set(site, OLD + "2026/11/banjir/", OLD, page=article)
    assert client.get("/2026/11/banjir/")["Location"] == article.url


def test_a_move_is_seen_by_the_next_request_with_the_cache_on(
    client, legacy_on, page_cache, site, home, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        redirect_set(site, OLD + "?p=12", OLD, page=article)
    assert client.get("/?p=12")["Location"] == article.url
    before = article.url
    other = builders.make_section(home, "Nasional", slug="nasional")
    with django_capture_on_commit_callbacks(execute=True):
        article.move(other, pos="last-child")
    article.refresh_from_db()
    assert article.url != before
    assert client.get("/?p=12")["Location"] == article.url


def test_a_deleted_page_is_seen_by_the_next_request_with_the_cache_on(
    client, legacy_on, page_cache, site, article, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        redirect_set(site, OLD + "?p=12", OLD, page=article)
    assert client.get("/?p=12").status_code == 301
    with django_capture_on_commit_callbacks(execute=True):
        article.delete()
    assert client.get("/?p=12").status_code == 200


def test_redirect_is_not_stored_by_the_page_cache(client, legacy_on, page_cache, site, article):
    redirect_set(site, OLD + "2026/11/banjir/", OLD, page=article)
    response = client.get("/2026/11/banjir/")
    assert response.status_code == 301
    assert response[HEADER] == "pass"
