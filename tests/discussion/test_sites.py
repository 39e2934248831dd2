"""Threads for pages of registered sites (kabar/discussion/sites.py): addresses normalised
to one spelling, a thread made on first use and found after, unknown sites refused, Kabar's
own pages reached by their address, counts for many addresses at once."""

import threading
from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from wagtail.models import PageViewRestriction

from kabar.discussion import sites
from kabar.discussion.addresses import BadAddress, normalise_origin, normalise_url
from kabar.discussion.models import Comment, CommentStatus, ExternalThread
from kabar.discussion.policy import is_open_now, rules_for
from kabar.discussion.targets import DiscussionState
from tests import builders

pytestmark = pytest.mark.django_db


@pytest.fixture
def blog(home):
    return builders.make_external_site(other_origins="https://www.blog.example.org")


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        (
            "https://Blog.Example.org/tulisan/satu?ref=home#komentar",
            "https://blog.example.org/tulisan/satu",
        ),
        ("HTTPS://blog.example.org:443", "https://blog.example.org/"),
        ("http://blog.example.org:8080/a/", "http://blog.example.org:8080/a/"),
        ("https://blog.example.org./a", "https://blog.example.org/a"),
    ],
)
def test_an_address_has_one_spelling(given, kept):
    assert normalise_url(given) == kept


def test_a_site_may_keep_its_query_strings():
    url = "https://blog.example.org/cari?q=banjir#hasil"
    assert normalise_url(url, keep_query=True) == "https://blog.example.org/cari?q=banjir"


@pytest.mark.parametrize(
    "bad",
    [
        "",
        "ftp://blog.example.org/",
        "javascript:alert(1)",
        "https:///tanpa-host",
        "https://a b/",
        "https://user:pw@blog.example.org/",
        "https://blog.example.org/\udc80",
        "https://blog.example.org:99999/",
        "x" * 3000,
        None,
    ],
)
def test_what_is_no_web_address_is_refused(bad):
    with pytest.raises(BadAddress):
        normalise_url(bad)


def test_an_origin_is_scheme_host_and_port_only():
    assert normalise_origin(" https://Blog.Example.org:443/ ") == "https://blog.example.org"
    with pytest.raises(BadAddress):
        normalise_origin("https://blog.example.org/tulisan")


def test_staff_register_a_site_with_a_valid_origin_only(home):
    site = builders.make_external_site(origin="https://Lain.Example.net", slug="lain")
    site.other_origins = "https://WWW.lain.example.net/\n\n"
    site.full_clean()
    assert site.origin == "https://lain.example.net"
    assert site.other_origins == "https://www.lain.example.net"
    site.origin = "lain.example.net/berita"
    with pytest.raises(ValidationError) as refused:
        site.full_clean()
    assert "origin" in refused.value.message_dict


def test_a_thread_is_made_on_first_use_and_found_after(blog):
    made = sites.resolve(
        "https://www.blog.example.org/tulisan/satu?utm=x",
        site_key="blog-teman",
        title="  Tulisan\\n pertama  ",
        create=True,
        client_ip="198.51.100.7",
    )
    thread = made.target
    assert isinstance(thread, ExternalThread)
    assert made.site.pk == blog.pk
    assert thread.address == "https://www.blog.example.org/tulisan/satu"
    assert thread.title == "Tulisan\\n pertama".replace("\\n", "\\n")
    assert thread.get_parent().pk == blog.pk and thread.live
    again = sites.resolve("https://www.blog.example.org/tulisan/satu#c", create=True)
    assert again.target.pk == thread.pk
    assert ExternalThread.objects.count() == 1


@pytest.mark.parametrize(
    ("title", "kept"),
    [
        ("Berita\x00 hari ini", "Berita hari ini"),  # PostgreSQL refuses NUL in text
        ("a\x00b\x01c\x7fd\x85e\x0cf", "a b c d e f"),  # each as a space, as a tab is
        ("\x01 \x7f", "/tulisan/kendali"),  # nothing left: the address's path
        ("Judul\ud800 rusak", "Judul rusak"),
        ("  Judul\tdi\r\ndua baris ", "Judul di dua baris"),
    ],
)
def test_a_thread_s_title_keeps_only_text(blog, title, kept):
    """The title comes from the embedding page (any script can send one): whatever no page
    or feed can carry is left out, and the thread is made on every database."""
    made = sites.resolve("https://blog.example.org/tulisan/kendali", title=title, create=True)
    assert made.target.title == kept
    assert ExternalThread.objects.get().title == kept


def test_without_create_an_unknown_address_has_no_thread(blog):
    found = sites.resolve("https://blog.example.org/belum-ada")
    assert found.site.pk == blog.pk and found.target is None
    assert not ExternalThread.objects.exists()


@pytest.mark.parametrize(
    ("url", "key", "status"),
    [
        ("https://asing.example.com/a", "", 403),
        ("https://blog.example.org/a", "situs-lain", 403),
        ("bukan alamat", "", 400),
    ],
)
def test_other_addresses_are_refused(blog, url, key, status):
    with pytest.raises(sites.Refused) as refused:
        sites.resolve(url, site_key=key, create=True)
    assert refused.value.status == status
    assert not ExternalThread.objects.exists()


def test_an_unpublished_site_takes_no_new_threads(blog):
    blog.unpublish()
    with pytest.raises(sites.Refused) as refused:
        sites.resolve("https://blog.example.org/a", create=True)
    assert refused.value.status == 403


def test_kabar_own_article_is_reached_by_its_address(article):
    found = sites.resolve(f"http://localhost{article.url}?dari=beranda")
    assert found.site is None and found.target.pk == article.pk


def test_kabar_own_page_that_takes_no_comments_is_refused(section):
    with pytest.raises(sites.Refused) as refused:
        sites.resolve(f"http://localhost{section.url}")
    assert refused.value.status == 404


def test_new_threads_from_one_address_are_limited(blog, limits_on):
    for n in range(sites.NEW_THREADS_LIMIT.count):
        sites.resolve(f"https://blog.example.org/{n}", create=True, client_ip="198.51.100.9")
    with pytest.raises(sites.Refused) as refused:
        sites.resolve("https://blog.example.org/satu-lagi", create=True, client_ip="198.51.100.9")
    assert refused.value.status == 429 and refused.value.retry_after > 0
    assert ExternalThread.objects.count() == sites.NEW_THREADS_LIMIT.count


def test_the_site_moderation_applies_to_its_threads(blog):
    thread = sites.resolve("https://blog.example.org/a", create=True).target
    assert not rules_for(thread).premoderate_all
    blog.discussion = DiscussionState.PREMODERATED
    blog.close_after_days = 3
    blog.save_revision().publish()
    thread = sites.resolve("https://blog.example.org/a").target
    assert rules_for(thread).premoderate_all and rules_for(thread).close_after_days == 3
    blog.discussion = DiscussionState.CLOSED
    blog.save_revision().publish()
    thread = sites.resolve("https://blog.example.org/a").target
    assert is_open_now(thread)[0] is False


def test_a_thread_closes_the_sites_number_of_days_after_it_was_made(blog):
    blog.close_after_days = 3
    blog.save_revision().publish()
    thread = sites.resolve("https://blog.example.org/a", create=True).target
    assert thread.first_published_at is not None
    assert is_open_now(thread)[0] is True
    later = thread.first_published_at + timedelta(days=3, minutes=1)
    assert is_open_now(thread, now=later)[0] is False


def test_counts_for_many_addresses_at_once(
    blog, article, page_cache, django_assert_max_num_queries
):
    one = sites.resolve("https://blog.example.org/satu", create=True).target
    builders.submit(one, body="Yang pertama.", approve=True)
    builders.submit(one, body="Yang kedua.", approve=True)
    builders.submit(one, body="Yang ketiga, ditahan.")  # held: not counted
    builders.submit(article, approve=True)
    urls = [
        "https://blog.example.org/satu#komentar",
        "https://blog.example.org/dua",
        f"http://localhost{article.url}",
        "https://asing.example.com/satu",
        "bukan alamat",
    ]
    sites.thread_counts(urls)  # what every process keeps of the registered sites
    # The threads of the registered site, Kabar's own pages, the counts.
    with django_assert_max_num_queries(3):
        counts = sites.thread_counts(urls)
    assert counts == dict(zip(urls, [2, 0, 1, 0, 0], strict=True))
    assert ExternalThread.objects.count() == 1


def test_the_thread_page_on_kabar_shows_the_discussion_and_form(blog):
    thread = sites.resolve("https://blog.example.org/tulisan", title="Tulisan", create=True).target
    builders.submit(thread, body="Komentar dari pembaca blog.", approve=True)
    response = Client().get(thread.url)
    assert thread.url == f"/comments/thread/{thread.pk}/"
    html = response.content.decode()
    assert response.status_code == 200
    assert "Komentar dari pembaca blog." in html
    assert 'name="body"' in html and "https://blog.example.org/tulisan" in html
    assert "budi@example.org" not in html and "203.0.113.9" not in html


def test_a_comment_posted_on_kabar_page_of_the_thread_is_stored(blog):
    thread = sites.resolve("https://blog.example.org/tulisan", title="Tulisan", create=True).target
    response = Client().post(
        "/comments/post/",
        {
            "page": thread.pk,
            "body": "Tulisan yang bagus, terima kasih.",
            "author_name": "Sari",
            "author_email": "sari@example.org",
            "form_token": builders.form_token(thread),
        },
        HTTP_ORIGIN="http://testserver",
    )
    assert response.status_code == 302
    comment = Comment.objects.get()
    # A first comment from a new address waits for a moderator, as on an article.
    assert comment.page_id == thread.pk and comment.status == CommentStatus.PENDING
    assert response["Location"].startswith(thread.url)


def test_the_thread_page_is_renewed_when_a_comment_is_approved(blog, page_cache):
    thread = sites.resolve("https://blog.example.org/tulisan", title="Tulisan", create=True).target
    client = Client()
    assert "Sudah disetujui" not in client.get(thread.url).content.decode()
    builders.submit(thread, body="Sudah disetujui sekarang.", approve=True)
    assert "Sudah disetujui sekarang." in client.get(thread.url).content.decode()


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wagtail_initial_data")
def test_two_readers_opening_a_new_page_at_once_make_one_thread():
    """The site's row is locked while its thread is added: one reader adds it, the others
    wait and find it (PostgreSQL: SQLite takes one writer at a time anyway)."""
    builders.make_home()
    builders.make_external_site()
    found = []

    def open_page():
        try:
            found.append(sites.resolve("https://blog.example.org/baru", create=True).target.pk)
        finally:
            connection.close()

    readers = [threading.Thread(target=open_page) for _ in range(4)]
    for reader in readers:
        reader.start()
    for reader in readers:
        reader.join()
    assert len(found) == 4 and len(set(found)) == 1
    assert ExternalThread.objects.count() == 1


def test_staff_see_the_registered_sites_in_the_admin(admin_client, blog):
    response = admin_client.get("/admin/registered_sites/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Blog Teman" in html and "https://blog.example.org" in html


def test_staff_register_a_site_in_the_page_editor(admin_client, home):
    root = home.get_parent()
    response = admin_client.post(
        f"/admin/pages/add/discussion/externalsite/{root.pk}/",
        {
            "title": "Majalah Mitra",
            "slug": "majalah-mitra",
            "origin": "HTTPS://Mitra.Example.com:443/",
            "other_origins": "",
            "discussion": DiscussionState.PREMODERATED,
            "close_after_days": "",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    site = sites.site_by_key("majalah-mitra")
    assert site.origin == "https://mitra.example.com" and site.live
    assert sites.site_for_origin("https://mitra.example.com").pk == site.pk
    thread = sites.resolve("https://mitra.example.com/berita/1", create=True).target
    assert rules_for(thread).premoderate_all


def test_a_bad_origin_is_refused_in_the_page_editor(admin_client, home):
    root = home.get_parent()
    response = admin_client.post(
        f"/admin/pages/add/discussion/externalsite/{root.pk}/",
        {
            "title": "Salah",
            "slug": "salah",
            "origin": "mitra.example.com/berita",
            "discussion": DiscussionState.OPEN,
            "action-publish": "publish",
        },
    )
    assert response.status_code == 200
    assert sites.site_by_key("salah") is None
    assert "origin" in response.context["form"].errors


def test_every_process_sees_a_changed_origin_at_once(
    blog, page_cache, django_capture_on_commit_callbacks
):
    assert sites.site_for_origin("https://blog.example.org").pk == blog.pk
    assert sites.site_for_origin("https://baru.example.org") is None  # now kept
    blog.origin = "https://baru.example.org"
    with django_capture_on_commit_callbacks(execute=True):
        blog.save_revision().publish()
    assert sites.site_for_origin("https://baru.example.org").pk == blog.pk
    assert sites.site_for_origin("https://blog.example.org") is None
    with django_capture_on_commit_callbacks(execute=True):
        blog.unpublish()
    assert sites.site_for_origin("https://baru.example.org") is None


def test_a_thread_found_once_is_not_looked_up_again_until_it_is_deleted(
    blog, page_cache, django_assert_num_queries, django_capture_on_commit_callbacks
):
    made = sites.resolve("https://blog.example.org/tulisan", create=True).target
    sites.resolve("https://blog.example.org/tulisan")
    with django_assert_num_queries(0):
        assert sites.resolve("https://blog.example.org/tulisan").target.pk == made.pk
    with django_capture_on_commit_callbacks(execute=True):
        ExternalThread.objects.get(pk=made.pk).delete()
    assert sites.resolve("https://blog.example.org/tulisan").target is None


def test_a_thread_has_none_of_kabars_view_restrictions(blog):
    thread = sites.resolve("https://blog.example.org/tulisan", create=True).target
    PageViewRestriction.objects.create(page=thread, restriction_type="password", password="x")
    assert (
        sites.resolve("https://blog.example.org/tulisan").target.discussion_view_restrictions()
        == ()
    )
