"""Disqus threads of a WordPress site that Kabar imported (its WXR export, then its Disqus
export, as the WordPress Disqus plugin writes it): each thread onto the article its post
became, found through the old addresses Kabar's redirects answer (the permalink in any
spelling, ?p=ID, the plugin's "<post id> <guid>" identifier), never guessed; a thread
that matches nothing is reported."""

from datetime import UTC, datetime

import pytest
from wagtail.models import Page, Site

from kabar.discussion.models import Comment, ExternalThread
from kabar.ingest.comments.disqus import read_disqus
from kabar.ingest.comments.importer import import_comments
from kabar.ingest.models import ImportedItem
from kabar.ingest.wordpress.importer import import_wordpress
from tests.ingest import test_wxr_real_formats as real_formats

pytestmark = pytest.mark.django_db

OLD = "http://example.com"
POSTS = {
    123: ("Banjir rob di pesisir utara", "2019/05/banjir-rob"),
    124: ("Pasar malam kembali dibuka", "2019/06/pasar-malam"),
    125: ("Jembatan baru diresmikan", "2019/07/jembatan-baru"),
}


def wxr_item(base, wp_id, title, path):
    return f"""
	<item>
		<title>{title}</title>
		<link>{base}/{path}/</link>
		<dc:creator><![CDATA[redaksi]]></dc:creator>
		<guid isPermaLink="false">{base}/?p={wp_id}</guid>
		<content:encoded><![CDATA[<p>Isi berita {wp_id}.</p>]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{wp_id}</wp:post_id>
		<wp:post_date>2019-05-02 10:00:00</wp:post_date>
		<wp:post_date_gmt>2019-05-02 03:00:00</wp:post_date_gmt>
		<wp:comment_status>open</wp:comment_status>
		<wp:post_name>{path.rsplit("/", 1)[-1]}</wp:post_name>
		<wp:status>publish</wp:status>
		<wp:post_parent>0</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>post</wp:post_type>
		<wp:post_password></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>
		<category domain="category" nicename="berita"><![CDATA[Berita]]></category>
	</item>"""


WXR_TERMS = """
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[redaksi]]></wp:author_login><wp:author_email><![CDATA[redaksi@example.com]]></wp:author_email><wp:author_display_name><![CDATA[Redaksi]]></wp:author_display_name><wp:author_first_name></wp:author_first_name><wp:author_last_name></wp:author_last_name></wp:author>
	<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>berita</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Berita]]></wp:cat_name></wp:category>
"""  # noqa: E501


def wxr(base=OLD):
    """The WordPress site at `base`'s export, holding POSTS."""
    items = "".join(wxr_item(base, wp_id, title, path) for wp_id, (title, path) in POSTS.items())
    return real_formats.wxr(WXR_TERMS + items, source=base)


def disqus_thread(dsq_id, link, identifier=""):
    return f"""
  <thread dsq:id="{dsq_id}">
    <id>{identifier}</id>
    <forum>examplenews</forum>
    <category dsq:id="7001"/>
    <link>{link}</link>
    <title>Judul {dsq_id}</title>
    <message/>
    <createdAt>2019-05-02T04:00:00Z</createdAt>
    <author><name>Koran Lama</name><isAnonymous>false</isAnonymous><username>examplenews</username></author>
    <isClosed>false</isClosed>
    <isDeleted>false</isDeleted>
  </thread>"""  # noqa: E501


def disqus_post(dsq_id, thread_id):
    return f"""
  <post dsq:id="{dsq_id}">
    <id>wp_id={dsq_id}</id>
    <message><![CDATA[<p>Komentar {dsq_id}.</p>]]></message>
    <createdAt>2019-05-03T08:00:00Z</createdAt>
    <isDeleted>false</isDeleted>
    <isSpam>false</isSpam>
    <author><email>pembaca{dsq_id}@example.org</email><name>Pembaca {dsq_id}</name><isAnonymous>false</isAnonymous></author>
    <ipAddress>192.0.2.{dsq_id % 200}</ipAddress>
    <thread dsq:id="{thread_id}"/>
  </post>"""  # noqa: E501


def disqus_export(*threads):
    """An export with one comment on each thread given as (link, identifier)."""
    body = "".join(
        disqus_thread(8000 + n, link, identifier) for n, (link, identifier) in enumerate(threads)
    )
    body += "".join(disqus_post(100 + n, 8000 + n) for n in range(len(threads)))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<disqus xmlns="http://disqus.com" xmlns:dsq="http://disqus.com/disqus-internals" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd http://disqus.com/api/schemas/1.0/disqus-internals.xsd">
  <category dsq:id="7001"><forum>examplenews</forum><title>General</title><isDefault>true</isDefault></category>{body}
</disqus>
"""  # noqa: E501


def import_site(tmp_path, base=OLD):
    """The WordPress site at `base` imported from its WXR export: {post id: the article
    it became}."""
    path = tmp_path / "wordpress.xml"
    path.write_text(wxr(base), encoding="utf-8")
    report = import_wordpress(str(path))
    assert report.counts["post"]["created"] == len(POSTS), report.lines()
    return {wp_id: article(wp_id, base) for wp_id in POSTS}


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")


@pytest.fixture
def wordpress(home, media, tmp_path):
    return import_site(tmp_path)


def article(wp_id, base=OLD):
    record = ImportedItem.objects.get(source=base, kind="post", wp_id=str(wp_id))
    return Page.objects.get(pk=record.object_id).specific


@pytest.fixture
def run_disqus(tmp_path):
    def run(*threads, **options):
        path = tmp_path / "disqus.xml"
        path.write_text(disqus_export(*threads), encoding="utf-8")
        return import_comments(read_disqus(str(path)), **options)

    return run


def comments_on(page):
    return list(Comment.objects.filter(page=page).values_list("body", flat=True))


def thread_problems(report):
    return {source_id: reason for kind, source_id, _, reason in report.problems if kind == "thread"}


@pytest.mark.parametrize(
    "link",
    [
        "http://example.com/2019/05/banjir-rob/",
        "https://example.com/2019/05/banjir-rob/",
        "http://www.example.com/2019/05/banjir-rob",
        "https://www.example.com/2019/05/Banjir-Rob/#disqus_thread",
        "http://example.com/2019/05/banjir-rob/amp/",
    ],
)
def test_a_thread_lands_on_the_article_by_its_old_permalink(wordpress, run_disqus, link):
    report = run_disqus((link, ""))
    assert report.counts["thread"]["unchanged"] == 1, report.lines()
    assert report.counts["comment"]["created"] == 1
    assert comments_on(wordpress[123]) == ["Komentar 100."]
    assert not ExternalThread.objects.exists()
    assert report.problems == []


def test_a_thread_at_a_p_id_link_lands_on_the_article(wordpress, run_disqus):
    report = run_disqus(("http://example.com/?p=124", ""))
    assert report.counts["comment"]["created"] == 1, report.lines()
    assert comments_on(wordpress[124]) == ["Komentar 100."]


def test_a_thread_found_only_by_the_plugins_identifier_lands_on_the_article(wordpress, run_disqus):
    # The slug was changed in WordPress after Disqus saw the post: its <link> is an address
    # Kabar never had, but the plugin's "<post id> <guid>" still names the post.
    report = run_disqus(
        ("http://example.com/2019/07/jembatan-lama/", "125 http://example.com/?p=125")
    )
    assert report.counts["comment"]["created"] == 1, report.lines()
    assert comments_on(wordpress[125]) == ["Komentar 100."]


def test_a_thread_without_a_link_is_found_by_the_plugins_identifier(wordpress, run_disqus):
    report = run_disqus(("", "124 http://example.com/?p=124"))
    assert report.counts["comment"]["created"] == 1, report.lines()
    assert comments_on(wordpress[124]) == ["Komentar 100."]


def test_a_second_run_adds_nothing(wordpress, run_disqus):
    threads = [
        ("http://example.com/2019/05/banjir-rob/", "123 http://example.com/?p=123"),
        ("http://example.com/?p=124", ""),
        ("http://example.com/2019/07/jembatan-lama/", "125 http://example.com/?p=125"),
    ]
    first = run_disqus(*threads)
    assert first.counts["comment"]["created"] == 3, first.lines()
    again = run_disqus(*threads)
    assert again.counts["comment"]["unchanged"] == 3, again.lines()
    assert again.counts["comment"]["created"] == 0
    assert again.problems == []
    assert Comment.objects.count() == 3
    assert [len(comments_on(wordpress[wp_id])) for wp_id in POSTS] == [1, 1, 1]


def test_a_thread_that_matches_no_imported_post_is_reported(wordpress, run_disqus):
    report = run_disqus(
        ("http://example.com/2019/08/tidak-pernah-diimpor/", "999 http://example.com/?p=999")
    )
    assert report.counts["thread"]["failed"] == 1
    assert report.counts["comment"]["skipped"] == 1
    reason = thread_problems(report)["8000"]
    assert "no article imported from WordPress" in reason
    assert not Comment.objects.exists()
    assert not ExternalThread.objects.exists()


def test_a_post_id_on_a_site_kabar_did_not_import_is_not_matched(wordpress, run_disqus):
    # Another WordPress site's post 123 is not example.com's post 123.
    report = run_disqus(("http://lain.example.net/?p=123", "123 http://lain.example.net/?p=123"))
    assert report.counts["thread"]["failed"] == 1, report.lines()
    assert "not registered" in thread_problems(report)["8000"]
    assert not Comment.objects.exists()


def test_a_link_and_an_identifier_naming_two_articles_are_not_guessed_between(
    wordpress, run_disqus
):
    report = run_disqus(("http://example.com/2019/05/banjir-rob/", "124 http://example.com/?p=124"))
    assert report.counts["thread"]["failed"] == 1, report.lines()
    assert "different articles" in thread_problems(report)["8000"]
    assert not Comment.objects.exists()


def test_a_dry_run_counts_the_matched_threads_and_writes_nothing(wordpress, run_disqus):
    report = run_disqus(("http://example.com/?p=124", ""), dry_run=True)
    assert report.counts["comment"]["created"] == 1, report.lines()
    assert not Comment.objects.exists()


def test_once_the_old_domain_is_kabars_its_threads_land_on_the_articles(wordpress, run_disqus):
    # The newsroom's address now leads to Kabar, over https: the thread's http address is
    # Kabar's own, and its old permalink is answered by the redirects.
    Site.objects.filter(is_default_site=True).update(hostname="example.com", port=443)
    report = run_disqus(
        ("http://example.com/2019/05/banjir-rob/", ""),
        ("https://example.com/?p=124", ""),
    )
    assert report.counts["comment"]["created"] == 2, report.lines()
    assert comments_on(wordpress[123]) == ["Komentar 100."]
    assert comments_on(wordpress[124]) == ["Komentar 101."]
    assert report.problems == []


def test_the_comments_keep_their_dates_and_authors(wordpress, run_disqus):
    run_disqus(("http://example.com/2019/05/banjir-rob/", ""))
    comment = Comment.objects.get(page=wordpress[123])
    assert comment.author_name == "Pembaca 100"
    assert comment.created_at == datetime(2019, 5, 3, 8, 0, tzinfo=UTC)


def test_a_wordpress_site_in_a_folder_is_matched_below_its_folder_only(
    home, media, tmp_path, run_disqus
):
    articles = import_site(tmp_path, "http://example.com/blog")
    report = run_disqus(
        ("https://www.example.com/blog/2019/05/banjir-rob/", ""),
        ("http://example.com/blog/?p=124", ""),
        ("http://example.com/2019/05/banjir-rob/", ""),
    )
    assert comments_on(articles[123]) == ["Komentar 100."]
    assert comments_on(articles[124]) == ["Komentar 101."]
    assert report.counts["thread"]["failed"] == 1
    assert "not registered" in thread_problems(report)["8002"]


def test_once_the_old_domain_is_kabars_a_folder_sites_threads_land_where_readers_go(
    home, media, tmp_path, run_disqus, client
):
    # WordPress lived in /blog/; Kabar now answers example.com itself, where old links
    # with the folder and links rewritten without it both lead to the articles.
    articles = import_site(tmp_path, "http://example.com/blog")
    site = Site.objects.get(is_default_site=True)
    site.hostname, site.port = "example.com", 443
    site.save()  # (not update(): Wagtail's cached site roots are cleared on save)
    report = run_disqus(
        ("https://example.com/blog/2019/05/banjir-rob/", ""),
        ("http://example.com/2019/06/pasar-malam/", ""),
        ("https://example.com/blog/?p=125", ""),
    )
    assert report.problems == []
    assert comments_on(articles[123]) == ["Komentar 100."]
    assert comments_on(articles[124]) == ["Komentar 101."]
    assert comments_on(articles[125]) == ["Komentar 102."]
    for path, wp_id in (
        ("/blog/2019/05/banjir-rob/", 123),
        ("/2019/06/pasar-malam/", 124),
        ("/blog/?p=125", 125),
    ):
        answer = client.get(path)
        assert answer.status_code == 301
        assert answer["Location"] == articles[wp_id].url


def test_the_thread_lands_where_the_old_address_sends_readers(wordpress, run_disqus, client):
    old = "http://example.com/2019/06/pasar-malam/amp/"
    run_disqus((old, ""))
    answer = client.get("/2019/06/pasar-malam/amp/")
    assert answer.status_code == 301
    assert answer["Location"] == wordpress[124].url
    assert comments_on(wordpress[124]) == ["Komentar 100."]
