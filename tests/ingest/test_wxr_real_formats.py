"""The WordPress importer against what real WordPress versions write and our fixture does
not hold: WXR 1.0 terms, dates never set, comment types that are not readers' words,
threads deeper than Kabar reads, pages listed before their parent, reusable blocks,
galleries, old caption shortcodes, types Kabar has no place for. The exports are small and
hand-written, in WordPress's own layout; each run is checked twice (a second run of the
same file changes nothing)."""

import functools
import re
import shutil
from datetime import UTC, datetime
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.selectors import MAX_THREAD_DEPTH, comments_page_for, count_tree
from kabar.ingest.bodies import html_to_body
from kabar.ingest.models import ImportedItem, ImportRun, ImportRunStatus
from kabar.ingest.wordpress.importer import _PAGE_COMMENTS, _TITLE_SHORTENED, import_wordpress
from kabar.ingest.wordpress.mapping import image_credit
from kabar.ingest.wordpress.wxr import read_wxr
from kabar.news.blocks import TABLE_MAX_ROWS, ArticleTableBlock
from kabar.news.models import ArticlePage, Author, SectionPage, StandardPage
from tests import builders
from tests.ingest import test_wordpress_import as wordpress_import
from tests.ingest.test_wordpress_import import UPLOADS

SOURCE = "http://warta.example.id"
NS = {
    "1.0": "http://wordpress.org/export/1.0/",
    "1.1": "http://wordpress.org/export/1.1/",
    "1.2": "http://wordpress.org/export/1.2/",
}


def wxr(body, version="1.2", source=SOURCE):
    """An export of the WordPress site at `source` holding `body` (its terms and items)."""
    ns = NS[version]
    return f"""<?xml version="1.0" encoding="UTF-8" ?>
<rss version="2.0"
	xmlns:excerpt="{ns}excerpt/"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:wp="{ns}"
>
<channel>
	<title>Warta Uji</title>
	<link>{source}</link>
	<language>id-ID</language>
	<wp:wxr_version>{version}</wp:wxr_version>
	<wp:base_site_url>{source}</wp:base_site_url>
	<wp:base_blog_url>{source}</wp:base_blog_url>
{body}
</channel>
</rss>
"""


def item(wp_id, title, content="", *, post_type="post", status="publish", extra="", **fields):
    values = {
        "post_date": "2015-06-02 10:00:00",
        "post_date_gmt": "2015-06-02 03:00:00",
        "post_name": f"pos-{wp_id}",
        "post_parent": "0",
        "creator": "redaksi",
    } | fields
    return f"""
	<item>
		<title>{title}</title>
		<link>{SOURCE}/?p={wp_id}</link>
		<dc:creator><![CDATA[{values["creator"]}]]></dc:creator>
		<guid isPermaLink="false">{SOURCE}/?p={wp_id}</guid>
		<content:encoded><![CDATA[{content}]]></content:encoded>
		<excerpt:encoded><![CDATA[]]></excerpt:encoded>
		<wp:post_id>{wp_id}</wp:post_id>
		<wp:post_date>{values["post_date"]}</wp:post_date>
		<wp:post_date_gmt>{values["post_date_gmt"]}</wp:post_date_gmt>
		<wp:comment_status>open</wp:comment_status>
		<wp:post_name>{values["post_name"]}</wp:post_name>
		<wp:status>{status}</wp:status>
		<wp:post_parent>{values["post_parent"]}</wp:post_parent>
		<wp:menu_order>0</wp:menu_order>
		<wp:post_type>{post_type}</wp:post_type>
		<wp:post_password></wp:post_password>
		<wp:is_sticky>0</wp:is_sticky>{extra}
	</item>"""


def comment(wp_id, text, *, parent=0, kind="comment", approved="1", **fields):
    values = {
        "date": "2015-06-02 12:00:00",
        "date_gmt": "2015-06-02 05:00:00",
        "ip": f"2001:db8::{wp_id}",
        "author": f"Pembaca {wp_id}",
    } | fields
    return f"""
		<wp:comment>
			<wp:comment_id>{wp_id}</wp:comment_id>
			<wp:comment_author><![CDATA[{values["author"]}]]></wp:comment_author>
			<wp:comment_author_email><![CDATA[pembaca{wp_id}@contoh.example.id]]></wp:comment_author_email>
			<wp:comment_author_url></wp:comment_author_url>
			<wp:comment_author_IP><![CDATA[{values["ip"]}]]></wp:comment_author_IP>
			<wp:comment_date><![CDATA[{values["date"]}]]></wp:comment_date>
			<wp:comment_date_gmt><![CDATA[{values["date_gmt"]}]]></wp:comment_date_gmt>
			<wp:comment_content><![CDATA[{text}]]></wp:comment_content>
			<wp:comment_approved><![CDATA[{approved}]]></wp:comment_approved>
			<wp:comment_type><![CDATA[{kind}]]></wp:comment_type>
			<wp:comment_parent>{parent}</wp:comment_parent>
			<wp:comment_user_id>0</wp:comment_user_id>
		</wp:comment>"""


AUTHOR = """
	<wp:author><wp:author_id>1</wp:author_id><wp:author_login><![CDATA[redaksi]]></wp:author_login><wp:author_email><![CDATA[redaksi@warta.example.id]]></wp:author_email><wp:author_display_name><![CDATA[Redaksi Warta]]></wp:author_display_name><wp:author_first_name></wp:author_first_name><wp:author_last_name></wp:author_last_name></wp:author>"""  # noqa: E501


@pytest.fixture
def importer(home, settings, tmp_path):
    """Writes an export and imports it twice: the second run must change nothing."""
    settings.MEDIA_ROOT = str(tmp_path / "media")

    def run(text, *, again=True):
        path = tmp_path / "export.xml"
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8")
        report = import_wordpress(str(path), uploads=str(UPLOADS))
        if again:
            rows = (Page.objects.count(), Comment.objects.count(), ImportedItem.objects.count())
            second = import_wordpress(str(path), uploads=str(UPLOADS))
            assert second.total("created") == second.total("updated") == 0, second.lines()
            assert second.total("failed") == 0, second.lines()
            assert second.redirects["created"] == second.redirects["updated"] == 0
            assert rows == (
                Page.objects.count(),
                Comment.objects.count(),
                ImportedItem.objects.count(),
            )
        return report

    return run


page_of = functools.partial(wordpress_import.page_of, source=SOURCE)
comment_of = functools.partial(wordpress_import.comment_of, source=SOURCE)


def reasons(report):
    return [reason for _, _, _, reason in report.problems]


def reader_sees(page):
    html = Client().get(page.url).content.decode()
    return html.split('class="article__body"', 1)[1].split("</article>", 1)[0]


# Terms -------------------------------------------------------------------------------------


def test_wxr_1_0_bare_categories_are_not_terms_and_its_tag_domain_is_tags(importer):
    # WordPress 2.x wrote each term twice on an item: bare, for RSS readers, and with its
    # nicename; and its tags in the domain "tag" (post_tag since WXR 1.1).
    terms = """
	<wp:category><wp:category_nicename>berita</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Berita]]></wp:cat_name></wp:category>
	<wp:category><wp:category_nicename>lokal</wp:category_nicename><wp:category_parent>berita</wp:category_parent><wp:cat_name><![CDATA[Lokal]]></wp:cat_name></wp:category>
	<wp:tag><wp:tag_slug>cuaca</wp:tag_slug><wp:tag_name><![CDATA[Cuaca]]></wp:tag_name></wp:tag>"""  # noqa: E501
    post = item(
        10,
        "Hujan deras",
        "Isi.",
        extra="""
		<category><![CDATA[Lokal]]></category>
		<category domain="category" nicename="lokal"><![CDATA[Lokal]]></category>
		<category domain="tag"><![CDATA[cuaca]]></category>
		<category domain="tag" nicename="cuaca"><![CDATA[Cuaca]]></category>""",
    )
    importer(wxr(AUTHOR + terms + post, version="1.0"))
    article = page_of("post", 10)
    assert article.get_parent().slug == "berita"
    assert sorted(article.tags.names()) == ["Cuaca", "Lokal"]
    # No section made of the bare mention ("Lokal" is a child category: a tag).
    assert sorted(SectionPage.objects.values_list("slug", flat=True)) == ["berita"]
    assert not ImportedItem.objects.filter(kind="category", wp_id="").exists()


# A category with a Chinese name, its slug percent-encoded as WordPress exports it.
ENCODED_TERM = """
	<wp:category><wp:category_nicename>%e6%96%b0%e9%97%bb</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[新闻]]></wp:cat_name></wp:category>"""  # noqa: E501


def in_encoded_category(wp_id):
    return item(
        wp_id,
        "Pos",
        "Isi.",
        extra='\n\t\t<category domain="category" nicename="%e6%96%b0%e9%97%bb">'
        "<![CDATA[新闻]]></category>",
    )


def test_a_percent_encoded_category_slug_becomes_a_readable_section_address(importer):
    importer(wxr(AUTHOR + ENCODED_TERM + in_encoded_category(11), version="1.1"))
    section = page_of("post", 11).get_parent().specific
    assert section.slug == "新闻" and section.title == "新闻"


# A Thai category and a Hindi post, their slugs percent-encoded as WordPress writes them:
# tone marks, vowel signs and viramas are part of the words (Django's slugify drops them).
THAI_TERM = """
	<wp:category><wp:category_nicename>%e0%b8%82%e0%b9%88%e0%b8%b2%e0%b8%a7</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[ข่าว]]></wp:cat_name></wp:category>"""  # noqa: E501


def test_slugs_in_scripts_with_vowel_signs_keep_their_words_and_are_served(importer, client):
    post = item(
        13,
        "हिन्दी समाचार",
        "<p>यह एक परीक्षण है।</p>",
        post_name="%e0%a4%b9%e0%a4%bf%e0%a4%a8%e0%a5%8d%e0%a4%a6%e0%a5%80-%e0%a4%b8%e0%a4%ae%e0%a4%be%e0%a4%9a%e0%a4%be%e0%a4%b0",
        extra='\n\t\t<category domain="category" '
        'nicename="%e0%b8%82%e0%b9%88%e0%b8%b2%e0%b8%a7"><![CDATA[ข่าว]]></category>',
    )  # fmt: skip
    importer(wxr(AUTHOR + THAI_TERM + post))
    article = page_of("post", 13)
    section = article.get_parent().specific
    assert section.slug == "ข่าว"
    assert article.slug == "हिन्दी-समाचार"
    assert unquote(article.url) == "/ข่าว/हिन्दी-समाचार/"
    shown = client.get(article.url)
    assert shown.status_code == 200
    assert "यह एक परीक्षण है।" in shown.content.decode()
    # The old address still leads there.
    old = client.get("/", {"p": "13"})
    assert old.status_code == 301
    assert old["Location"] == article.url


def test_a_section_an_earlier_run_made_is_found_again_whatever_its_address(importer, home):
    # An earlier version made "e696b0e997bb" of the encoded slug; a run now finds it by its
    # record, not a second section at the decoded address.
    earlier = home.add_child(instance=SectionPage(title="新闻", slug="e696b0e997bb"))
    ImportedItem.objects.create(
        source=SOURCE, kind="category", wp_id="%e6%96%b0%e9%97%bb", object_id=str(earlier.pk)
    )
    importer(wxr(AUTHOR + ENCODED_TERM + in_encoded_category(12), version="1.1"))
    assert page_of("post", 12).get_parent().specific == earlier
    assert SectionPage.objects.filter(title="新闻").count() == 1


# Dates -------------------------------------------------------------------------------------


def test_a_post_and_a_comment_without_a_gmt_date_are_dated_in_the_newsroom_s_time(
    importer, settings
):
    # Nothing in the file says the WordPress site's offset: the newsroom's time zone does.
    settings.TIME_ZONE = "Asia/Jakarta"  # UTC+7, no summer time
    post = item(
        12,
        "Terbit lewat klien lama",
        "Isi.",
        post_date="2012-03-04 05:06:07",
        post_date_gmt="0000-00-00 00:00:00",
        extra=comment(
            1, "Tanpa tanggal GMT", date="2012-03-05 08:00:00", date_gmt="0000-00-00 00:00:00"
        ),
    )
    importer(wxr(AUTHOR + post, version="1.0"))
    article = page_of("post", 12)
    assert article.live
    assert article.first_published_at == datetime(2012, 3, 3, 22, 6, 7, tzinfo=UTC)
    assert article.published_at == datetime(2012, 3, 3, 22, 6, 7, tzinfo=UTC)
    assert comment_of(1).created_at == datetime(2012, 3, 5, 1, 0, tzinfo=UTC)


def test_a_date_without_gmt_takes_the_offset_the_export_shows_for_its_season(importer, settings):
    # A site in Central European time: the file's other dates say UTC+1 in winter and UTC+2
    # in summer, whatever the newsroom's own zone is.
    settings.TIME_ZONE = "Asia/Jakarta"
    winter = item(
        20,
        "Musim dingin",
        "Isi.",
        post_date="2014-01-10 09:00:00",
        post_date_gmt="2014-01-10 08:00:00",
    )
    summer = item(
        21,
        "Musim panas",
        "Isi.",
        post_date="2014-07-10 09:00:00",
        post_date_gmt="2014-07-10 07:00:00",
        extra=comment(
            3,
            "Tanpa GMT di musim panas",
            date="2014-07-11 20:30:00",
            date_gmt="0000-00-00 00:00:00",
        ),
    )
    # A local date someone changed by hand (not a whole quarter hour off): not learned.
    odd = item(
        22,
        "Tanggal disunting",
        "Isi.",
        post_date="2014-07-12 09:07:00",
        post_date_gmt="2014-07-12 09:00:00",
    )
    lone_winter = item(
        23,
        "Tanpa GMT di musim dingin",
        "Isi.",
        post_date="2014-01-20 12:00:00",
        post_date_gmt="0000-00-00 00:00:00",
    )
    lone_summer = item(
        24,
        "Tanpa GMT di musim panas",
        "Isi.",
        post_date="2014-07-13 12:00:00",
        post_date_gmt="0000-00-00 00:00:00",
    )
    importer(wxr(AUTHOR + lone_winter + winter + summer + odd + lone_summer))
    assert page_of("post", 23).first_published_at == datetime(2014, 1, 20, 11, tzinfo=UTC)
    assert page_of("post", 24).first_published_at == datetime(2014, 7, 13, 10, tzinfo=UTC)
    assert comment_of(3).created_at == datetime(2014, 7, 11, 18, 30, tzinfo=UTC)
    # Dates written both ways are GMT's, as before.
    assert page_of("post", 22).first_published_at == datetime(2014, 7, 12, 9, tzinfo=UTC)


# Comments ----------------------------------------------------------------------------------


def test_comment_types_that_are_not_readers_words_are_left_out(importer):
    # WordPress 6.9's block notes (editors' own notes on a draft's blocks) and WooCommerce's
    # order notes live in the comments table: never a reader's comment.
    comments = (
        comment(1, "Komentar pembaca biasa", kind="")
        + comment(2, "Catatan redaksi: periksa lagi angka korban", kind="note")
        + comment(3, "Status pesanan diubah", kind="order_note")
        + comment(4, "Ulasan pembaca", kind="review")
    )
    report = importer(wxr(AUTHOR + item(13, "Pos", "Isi.", extra=comments)))
    article = page_of("post", 13)
    bodies = sorted(Comment.objects.filter(page=article).values_list("body", flat=True))
    assert bodies == ["Komentar pembaca biasa", "Ulasan pembaca"]
    assert report.counts["comment"]["skipped"] == 2
    assert any("“note”" in reason for reason in reasons(report))
    html = Client().get(article.url).content.decode()
    assert "periksa lagi" not in html


def test_a_thread_deeper_than_kabar_reads_stays_visible(importer):
    depth = MAX_THREAD_DEPTH + 3
    comments = "".join(
        comment(n, f"Balasan tingkat {n}", parent=n - 1 if n > 1 else 0)
        for n in range(1, depth + 1)
    )
    importer(wxr(AUTHOR + item(14, "Pos ramai", "Isi.", extra=comments)))
    article = page_of("post", 14)
    assert max(Comment.objects.filter(page=article).values_list("depth", flat=True)) == (
        MAX_THREAD_DEPTH
    )
    # The deepest ones hang beside the deepest comment they can: under its parent.
    assert comment_of(MAX_THREAD_DEPTH + 1).parent == comment_of(MAX_THREAD_DEPTH - 1)
    tree, _ = comments_page_for(article)
    assert count_tree(tree) == depth
    html = Client().get(article.url).content.decode()
    assert f"Balasan tingkat {depth}" in html


def test_a_reply_numbered_before_its_parent_stays_under_it(importer):
    # Comments merged into WordPress (from Disqus, from another site) keep no order: here a
    # reply (id 3) and its own reply (id 2) come before the comment they answer (id 5).
    comments = (
        comment(2, "Balasan atas balasan", parent=3)
        + comment(3, "Balasan pertama", parent=5)
        + comment(5, "Komentar awal", parent=0)
        + comment(7, "Saling menunjuk A", parent=8)
        + comment(8, "Saling menunjuk B", parent=7)
    )
    report = importer(wxr(AUTHOR + item(17, "Pos gabungan", "Isi.", extra=comments)))
    assert comment_of(5).parent is None
    assert comment_of(3).parent == comment_of(5)
    assert comment_of(2).parent == comment_of(3)
    # A loop of parents (a damaged export) loses nothing: the first one at the top.
    assert comment_of(7).parent is None
    assert comment_of(8).parent == comment_of(7)
    assert report.total("failed") == 0
    html = Client().get(page_of("post", 17).url).content.decode()
    assert html.index("Komentar awal") < html.index("Balasan pertama")
    assert html.index("Balasan pertama") < html.index("Balasan atas balasan")


def test_an_id_listed_twice_keeps_the_first_item_and_comment(importer):
    """A file joined by hand from two exports, or a damaged one, may list an id twice: the
    second replaced the first one's words (and the first it again at the next run), and a
    comment id twice on one post failed the whole post."""
    body = (
        AUTHOR
        + item(474, "Harga cabai naik", "<p>Pasar induk ramai.</p>", extra=comment(9474, "Mahal."))
        + item(474, "Harga cabai turun", "<p>Pasar induk sepi.</p>")
        + item(
            475,
            "Banjir surut",
            "<p>Warga kembali ke rumah.</p>",
            extra=comment(9474, "Syukurlah.")
            + comment(9475, "Jalan masih licin.")
            + comment(9475, "Hati-hati di jalan."),
        )
    )
    for title in ("Gedung KPU", "Gedung DPRD"):
        body += item(
            476,
            title,
            post_type="attachment",
            status="inherit",
            extra=f"""
		<wp:attachment_url>{SOURCE}/wp-content/uploads/2025/04/gedung-kpu.jpg</wp:attachment_url>""",
        )
    report = importer(wxr(body))
    assert get_image_model().objects.get().title == "Gedung KPU"
    first, other = page_of("post", 474), page_of("post", 475)
    assert first.title == "Harga cabai naik" and "Pasar induk ramai." in reader_sees(first)
    assert comment_of(9474).body == "Mahal." and comment_of(9474).page_id == first.pk
    assert other.live and [c.body for c in Comment.objects.filter(page=other)] == [
        "Jalan masih licin."
    ]
    # Each said in the report, as left out.
    said = [(kind, wp_id) for kind, wp_id, _, _ in report.problems]
    assert said == [
        ("attachment", "476"),
        ("post", "474"),
        ("comment", "9474"),
        ("comment", "9475"),
    ]
    assert report.counts["post"]["skipped"] == 1 and report.counts["comment"]["skipped"] == 2


def test_invalid_commenter_ip_addresses_are_left_out_and_counted_in_one_line(importer):
    comments = (
        comment(1, "Satu", ip="unknown")
        + comment(2, "Dua", ip="")
        + comment(3, "Tiga", ip="198.51.100.999")
        + comment(4, "Empat")
    )
    report = importer(wxr(AUTHOR + item(18, "Pos", "Isi.", extra=comments)))
    assert report.counts["comment"]["created"] == 4
    assert report.ips_left_out == 2
    assert [line for line in report.lines() if "IP" in line] == [
        "IP addresses not valid, left out: 2"
    ]
    assert report.as_dict()["ips_left_out"] == 2
    assert comment_of(1).ip_address is None
    assert comment_of(4).ip_address == "2001:db8::4"


# Items WordPress writes that are not posts -------------------------------------------------


def test_trashed_posts_and_files_neither_images_nor_documents_are_skipped_not_failed(importer):
    page = item(
        30,
        "Arsip lama",
        post_type="attachment",
        status="inherit",
        extra="""
		<wp:attachment_url>http://127.0.0.1:9/wp-content/uploads/2015/06/arsip.html</wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value><![CDATA[2015/06/arsip.html]]></wp:meta_value></wp:postmeta>""",  # noqa: E501
    )
    trashed = item(15, "Dibuang", "Isi.", status="trash")
    draft = item(16, "Draf otomatis", "", status="auto-draft", post_date_gmt="0000-00-00 00:00:00")
    report = importer(wxr(AUTHOR + page + trashed + draft))
    assert report.total("failed") == 0
    assert report.counts["post"]["skipped"] == 2
    assert report.counts["attachment"]["skipped"] == 1
    assert not ArticlePage.objects.exists()


def test_a_post_binned_in_wordpress_after_an_import_is_unpublished_and_comes_back_restored(
    importer, client
):
    published = wxr(AUTHOR + item(31, "Ralat", "Isi.", extra=comment(310, "Komentar.")))
    importer(published)
    page = page_of("post", 31)
    assert client.get(page.url).status_code == 200

    binned = importer(wxr(AUTHOR + item(31, "Ralat", "Isi.", status="trash")))
    assert binned.counts["post"]["updated"] == 1
    page.refresh_from_db()
    assert not page.live and client.get(page.url).status_code == 404
    # Kept, with its comment, for the newsroom to delete or publish again; the next run of
    # the same export leaves it as it is (the fixture's second run).
    assert comment_of(310).page_id == page.pk

    restored = importer(published)
    assert restored.counts["post"]["updated"] == 1
    page.refresh_from_db()
    assert page.live and client.get(page.url).status_code == 200

    # Binned again, and published again here by the newsroom: their choice stands.
    importer(wxr(AUTHOR + item(31, "Ralat", "Isi.", status="trash")), again=False)
    page.refresh_from_db()
    assert not page.live
    page.save_revision().publish()
    again = importer(wxr(AUTHOR + item(31, "Ralat", "Isi.", status="trash")), again=False)
    assert again.counts["post"]["updated"] == 0
    page.refresh_from_db()
    assert page.live


def test_an_id_listed_published_and_binned_keeps_the_first(importer):
    """Two exports joined into one file: the item listed first stays, run after run."""
    report = importer(
        wxr(AUTHOR + item(32, "Terbit", "Isi.") + item(32, "Terbit", "Isi.", status="trash"))
    )
    assert report.counts["post"]["created"] == 1
    assert page_of("post", 32).live


def test_types_kabar_has_no_place_for_are_reported_once_a_type(importer):
    items = (
        item(17, "Beranda", post_type="nav_menu_item")
        + item(18, "Beranda", post_type="nav_menu_item")
        + item(19, "Konser", "Acara musik.", post_type="event")
        + item(20, "Revisi", "Lama.", post_type="revision", status="inherit")
        + item(21, "Pos", "Isi.")
    )
    report = importer(wxr(AUTHOR + items))
    told = {kind: reason for kind, _, _, reason in report.problems}
    assert set(told) == {"nav_menu_item", "event", "revision"}
    assert told["nav_menu_item"].startswith("2 ") and told["event"].startswith("1 ")
    assert ArticlePage.objects.count() == 1


def test_a_section_whose_address_a_page_holds_takes_the_next_one(importer, home):
    """A post in no category goes to the "Arsip" section, a category to its own; a
    WordPress page "arsip" imported before it, or a page of Kabar's own of the category's
    slug, held that address and the post failed."""
    home.add_child(instance=StandardPage(title="Opini", slug="opini"))
    body = (
        AUTHOR
        + """
	<wp:category><wp:term_id>5</wp:term_id><wp:category_nicename>opini</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Opini]]></wp:cat_name></wp:category>"""  # noqa: E501
        + item(
            461, "Arsip berita", "<p>Semua berita lama.</p>", post_type="page", post_name="arsip"
        )
        + item(462, "Jalan desa diperbaiki", "<p>Warga bergotong royong.</p>")
        + item(
            463,
            "Tentang trotoar",
            "<p>Pejalan kaki butuh ruang.</p>",
            extra='\n\t\t<category domain="category" nicename="opini"><![CDATA[Opini]]></category>',
        )
    )
    report = importer(wxr(body))
    assert report.total("failed") == 0, report.lines()
    archive, opinion = page_of("post", 462), page_of("post", 463)
    assert archive.live and archive.url == "/arsip-2/pos-462/"
    assert opinion.live and opinion.url == "/opini-2/pos-463/"
    assert SectionPage.objects.get(slug="opini-2").title == "Opini"
    assert page_of("page", 461).url == "/arsip/"
    assert Page.objects.get(slug="opini").specific_class is StandardPage


def test_a_post_in_several_categories_goes_to_the_one_its_wordpress_address_named(importer):
    """WordPress writes a post's categories by name; its permalink's %category% is the one
    made first (the lowest term id): that one is the post's section, the others tags."""
    categories = "".join(
        f"\n\t<wp:category><wp:term_id>{term_id}</wp:term_id><wp:category_nicename>{slug}"
        f"</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>"
        f"<![CDATA[{name}]]></wp:cat_name></wp:category>"
        for term_id, slug, name in [
            (9, "berita-utama", "Berita Utama"),
            (3, "olahraga", "Olahraga"),
        ]
    )
    named = "".join(
        f'\n\t\t<category domain="category" nicename="{slug}"><![CDATA[{name}]]></category>'
        for slug, name in [("berita-utama", "Berita Utama"), ("olahraga", "Olahraga")]
    )
    importer(
        wxr(AUTHOR + categories + item(470, "Tim bola desa juara", "<p>Isi.</p>", extra=named))
    )
    post = page_of("post", 470)
    assert post.get_parent().slug == "olahraga"
    assert "Berita Utama" in post.tags.names()


def test_comments_on_a_page_or_an_attachment_are_reported_not_lost_from_sight(importer, client):
    """WordPress takes comments on pages and on an image's own page; Kabar shows neither:
    a page's are kept (not shown, in no feed), an attachment's are not imported, and the
    report says so for each."""
    photo = item(
        480, "Foto banjir", post_type="attachment", status="inherit",
        extra=f"<wp:attachment_url>{SOURCE}/wp-content/uploads/2025/01/banjir.jpg</wp:attachment_url>"
        + comment(4801, "Komentar pada halaman foto."),
    )  # fmt: skip
    about = item(481, "Tentang", "Isi.", post_type="page", extra=comment(4811, "Komentar halaman."))
    report = importer(wxr(AUTHOR + photo + about), again=False)  # the photo has no file
    said = [(kind, wp_id, reason) for kind, wp_id, _label, reason in report.problems]
    assert ("page", "481", str(_PAGE_COMMENTS)) in said
    assert any(
        (kind, wp_id) == ("attachment", "480") and reason.startswith("1 comment(s) on the")
        for kind, wp_id, reason in said
    ), said
    assert comment_of(4811).page_id == page_of("page", 481).pk
    assert "Komentar halaman." not in client.get("/comments/feed/").content.decode()


def test_a_child_page_listed_before_its_parent_goes_under_it(importer):
    child = item(40, "Redaksi", "Susunan redaksi.", post_type="page", post_parent="41")
    child += item(42, "Cucu", "Isi.", post_type="page", post_parent="40", post_name="cucu")
    parent = item(41, "Tentang kami", "Isi.", post_type="page", post_name="tentang")
    importer(wxr(AUTHOR + child + parent))
    assert page_of("page", 40).get_parent().specific == page_of("page", 41)
    assert page_of("page", 42).get_parent().specific == page_of("page", 40)
    assert Client().get("/tentang/pos-40/cucu/").status_code == 200


def test_a_reusable_block_shows_what_it_holds(importer):
    block = item(
        50,
        "Ajakan",
        "<!-- wp:paragraph -->\n<p>Dukung jurnalisme independen.</p>\n<!-- /wp:paragraph -->",
        post_type="wp_block",
    )
    post = item(
        51,
        "Pos dengan blok",
        "<!-- wp:paragraph -->\n<p>Isi berita.</p>\n<!-- /wp:paragraph -->\n\n"
        '<!-- wp:block {"ref":50} /-->',
    )
    report = importer(wxr(AUTHOR + post + block))
    body = reader_sees(page_of("post", 51))
    assert "Isi berita." in body and "Dukung jurnalisme independen." in body
    assert "wp_block" not in "\n".join(report.lines())  # shown where used, not "skipped"


def footnotes_meta(value):
    return f"""
		<wp:postmeta><wp:meta_key><![CDATA[footnotes]]></wp:meta_key><wp:meta_value><![CDATA[{value}]]></wp:meta_value></wp:postmeta>"""  # noqa: E501


def mark(note_id, number):
    return (
        f'<sup data-fn="{note_id}" class="fn">'
        f'<a href="#{note_id}" id="{note_id}-link">{number}</a></sup>'
    )


def test_footnotes_show_where_wordpress_shows_them(importer):
    # WordPress 6.3+: marks in the text, the notes in the post's "footnotes" meta (JSON, its
    # slashes escaped as WordPress writes them), listed where the footnotes block stands.
    content = (
        "<!-- wp:paragraph -->\n"
        f"<p>Air naik dua meter{mark('a1', 1)} dalam semalam{mark('b2', 2)}.</p>\n"
        "<!-- /wp:paragraph -->\n\n<!-- wp:footnotes /-->\n\n"
        "<!-- wp:paragraph -->\n<p>Laporan berlanjut.</p>\n<!-- /wp:paragraph -->"
    )
    notes = (
        '[{"content":"Menurut pos pantau <a href=\\"https:\\/\\/bpbd.example.id\\/\\">BPBD</a>.",'
        '"id":"a1"},{"content":"Pengukuran pukul 04.00 WIB.","id":"b2"}]'
    )
    # A post whose meta is damaged keeps its text; its marks read as numbers.
    damaged = item(
        61,
        "Catatan rusak",
        f"<p>Angka{mark('c3', 1)} resmi.</p>",
        extra=footnotes_meta("{not json"),
    )
    report = importer(
        wxr(AUTHOR + item(60, "Pos bercatatan", content, extra=footnotes_meta(notes)) + damaged)
    )
    assert report.total("failed") == 0
    body = reader_sees(page_of("post", 60))
    assert "Air naik dua meter[1] dalam semalam[2]." in body
    assert '<ol><li>Menurut pos pantau <a href="https://bpbd.example.id/">BPBD</a>.</li>' in body
    assert "<li>Pengukuran pukul 04.00 WIB.</li></ol>" in body
    assert body.index("Pengukuran") < body.index("Laporan berlanjut.")
    assert "Angka[1] resmi." in reader_sees(page_of("post", 61))


def test_a_table_stays_a_table(importer):
    # The block editor's table (thead, a figcaption), and a classic one with a header column,
    # a cell spanning two columns and a table nested in a cell.
    block_table = (
        '<!-- wp:table -->\n<figure class="wp-block-table"><table><thead><tr><th>Desa</th>'
        "<th>Rumah rusak</th><th>Pengungsi</th></tr></thead><tbody><tr><td>Sukamaju</td>"
        "<td>41</td><td>120</td></tr><tr><td>Cibeureum</td><td>7</td><td>35</td></tr>"
        '</tbody></table><figcaption class="wp-element-caption">Sumber: posko desa</figcaption>'
        "</figure>\n<!-- /wp:table -->"
    )
    classic = (
        "<p>Harga di pasar:</p>\n<table><caption>Harga per kilogram</caption>"
        "<tr><th>Beras</th><td>Rp14.000</td><td>naik</td></tr>"
        '<tr><th>Cabai</th><td colspan="2">tidak dijual</td></tr>'
        "<tr><th>Lainnya</th><td><table><tr><td>Garam</td><td>Rp5.000</td></tr></table></td>"
        "<td></td></tr></table>"
    )
    report = importer(wxr(AUTHOR + item(70, "Pos bertabel", block_table + classic)))
    assert report.total("failed") == 0
    article = page_of("post", 70)
    tables = [b.value for b in article.body if b.block_type == "table"]
    assert tables[0]["data"] == [
        ["Desa", "Rumah rusak", "Pengungsi"],
        ["Sukamaju", "41", "120"],
        ["Cibeureum", "7", "35"],
    ]
    assert tables[0]["first_row_is_table_header"] and not tables[0]["first_col_is_header"]
    assert tables[0]["table_caption"] == "Sumber: posko desa"
    assert tables[1]["data"] == [
        ["Beras", "Rp14.000", "naik"],
        ["Cabai", "tidak dijual", ""],
        ["Lainnya", "Garam Rp5.000", ""],
    ]
    assert tables[1]["first_col_is_header"] and not tables[1]["first_row_is_table_header"]
    assert tables[1]["table_caption"] == "Harga per kilogram"
    body = reader_sees(article)
    assert '<th scope="col"' in body and "Rumah rusak" in body
    assert '<th scope="row"' in body and "Rp14.000" in body
    assert "<caption>Sumber: posko desa</caption>" in body
    assert 'class="data-table" role="region" tabindex="0"' in body


def test_a_cell_spanning_rows_keeps_the_next_rows_under_their_headers():
    html = (
        "<table><thead><tr><th>Provinsi</th><th>Kabupaten</th><th>Pengungsi</th></tr></thead>"
        '<tr><th rowspan="2">Jawa Barat</th><td>Garut</td><td>310</td></tr>'
        "<tr><td>Cianjur</td><td>95</td></tr>"
        "<tr><th>Banten</th><td>Lebak</td><td>48</td></tr></table>"
    )
    [block] = html_to_body(html).blocks
    assert block["value"]["data"] == [
        ["Provinsi", "Kabupaten", "Pengungsi"],
        ["Jawa Barat", "Garut", "310"],
        ["", "Cianjur", "95"],
        ["Banten", "Lebak", "48"],
    ]
    assert block["value"]["first_col_is_header"]


def test_a_table_longer_than_a_block_holds_goes_on_under_the_same_header():
    rows = "".join(f"<tr><td>Desa {n}</td><td>{n}</td></tr>" for n in range(TABLE_MAX_ROWS + 5))
    blocks = html_to_body(f"<table><tr><th>Desa</th><th>Suara</th></tr>{rows}</table>").blocks
    assert [len(b["value"]["data"]) for b in blocks] == [TABLE_MAX_ROWS, 7]
    assert blocks[1]["value"]["data"][:2] == [
        ["Desa", "Suara"],
        [f"Desa {TABLE_MAX_ROWS - 1}", f"{TABLE_MAX_ROWS - 1}"],
    ]
    # Each is a table the editor's block reads back (and an editor can save again).
    for block in blocks:
        ArticleTableBlock().clean(block["value"])


def test_synced_patterns_with_overrides_show_and_unpublished_ones_do_not(importer):
    """WordPress 6.6 writes the texts a post overrides after the ref; a draft, private or
    password-protected block shows nothing in WordPress, nor here; one naming itself shows
    once."""
    blocks = (
        item(52, "Ajakan", "<p>Dukung jurnalisme independen.</p>", post_type="wp_block")
        + item(53, "Rahasia", "<p>Teks draf redaksi.</p>", post_type="wp_block", status="draft")
        + item(
            54, "Berulang", '<p>Sekali saja.</p><!-- wp:block {"ref":54} /-->', post_type="wp_block"
        )
    )
    post = item(
        55,
        "Pos dengan pola",
        "<p>Isi berita.</p>\n"
        '<!-- wp:block {"ref":52,"content":{"Judul":{"content":"Halo"}}} /-->\n'
        '<!-- wp:block {"ref":53} /-->\n<!-- wp:block {"ref":54} /-->',
    )
    importer(wxr(AUTHOR + post + blocks))
    body = reader_sees(page_of("post", 55))
    assert "Dukung jurnalisme independen." in body
    assert "Teks draf redaksi." not in body
    assert body.count("Sekali saja.") == 1


def test_an_author_the_export_does_not_list_still_signs_the_post(importer, django_user_model):
    # Kabar's own "tamu" is someone else: nothing in the export says they are the same.
    django_user_model.objects.create_user("tamu", "tamu@kabar.example.id", "x")
    post = item(60, "Pos tamu", "Isi.", creator="tamu")
    missing_block = item(
        61, "Pos kedua", '<!-- wp:block {"ref":77} /-->\n<p>Isi.</p>', creator="tamu"
    )
    # A deleted post by another unlisted login, and a page: no author made for either.
    trashed = item(62, "Pos terhapus", "Isi.", creator="hantu", status="trash")
    page = item(63, "Halaman", "Isi.", post_type="page", creator="penyunting")
    report = importer(wxr(AUTHOR + post + missing_block + trashed + page))
    assert not Author.objects.filter(name__in=["hantu", "penyunting"]).exists()
    article = page_of("post", 60)
    bylines = [a.author for a in article.article_authors.all()]
    assert [a.name for a in bylines] == ["tamu"] and bylines[0].user is None
    assert [a.author for a in page_of("post", 61).article_authors.all()] == bylines
    assert any("77" in reason for reason in reasons(report))


def author(wp_id, login, name):
    return f"""
	<wp:author><wp:author_id>{wp_id}</wp:author_id><wp:author_login><![CDATA[{login}]]></wp:author_login><wp:author_email><![CDATA[penulis{wp_id}@warta.example.id]]></wp:author_email><wp:author_display_name><![CDATA[{name}]]></wp:author_display_name><wp:author_first_name></wp:author_first_name><wp:author_last_name></wp:author_last_name></wp:author>"""  # noqa: E501


@pytest.mark.parametrize(
    ("login", "archives"),
    [
        # WordPress's address is /author/<user_nicename>/; its query read the login's
        # address as the same nicename, so that one answered too.
        ("Budi.Santoso", ["/author/budi-santoso/", "/author/Budi.Santoso/"]),
        ("redaksi@kabar.id", ["/author/redaksikabar-id/", "/author/redaksi@kabar.id/"]),
        ("Jane Doe", ["/author/jane-doe/", "/author/Jane%20Doe/", "/author/jane-doe/feed/"]),
        ("rina_w", ["/author/rina_w/"]),
    ],
)
def test_an_authors_old_archive_is_its_nicename_as_wordpress_made_it(
    importer, client, login, archives
):
    importer(
        wxr(AUTHOR + author(7, login, "Penulis Tamu") + item(72, "Pos", "Isi.", creator=login))
    )
    profile = Author.objects.get(name="Penulis Tamu")
    for address in archives:
        response = client.get(address)
        assert response.status_code == 301, address
        assert response["Location"] == profile.get_absolute_url(), address


# Images ------------------------------------------------------------------------------------

ATTACHMENTS = "".join(
    item(
        wp_id,
        title,
        post_type="attachment",
        status="inherit",
        post_parent="70",
        extra=f"""
		<wp:attachment_url>{SOURCE}/wp-content/uploads/{path}</wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value><![CDATA[{path}]]></wp:meta_value></wp:postmeta>""",  # noqa: E501
    )
    for wp_id, title, path in (
        (4, "Gedung", "2025/04/gedung-kpu.jpg"),
        (5, "Pasar", "2025/05/pasar-beras-cipinang.jpg"),
    )
)


def test_an_image_file_cut_short_is_reported_and_its_post_comes_in(home, settings, tmp_path):
    # A partial upload (a full disk, a broken transfer) is common in old sites' folders.
    settings.MEDIA_ROOT = str(tmp_path / "media")
    uploads = tmp_path / "uploads"
    whole = (UPLOADS / "2025/04/gedung-kpu.jpg").read_bytes()
    (uploads / "2025/04").mkdir(parents=True)
    (uploads / "2025/04/gedung-kpu.jpg").write_bytes(whole[: len(whole) // 2])
    post = item(
        71,
        "Gedung baru",
        f'<p>Isi berita.</p><img src="{SOURCE}/wp-content/uploads/2025/04/gedung-kpu.jpg" '
        'class="wp-image-4"/>',
    )
    path = tmp_path / "export.xml"
    path.write_text(wxr(AUTHOR + ATTACHMENTS + post), encoding="utf-8")

    report = import_wordpress(str(path), uploads=str(uploads))

    problems = {wp_id: reason for kind, wp_id, _label, reason in report.problems}
    assert problems["4"] == (
        "not a readable image: 2025/04/gedung-kpu.jpg "
        "(image file is truncated (34 bytes not processed))"
    )
    assert problems["5"].startswith("file missing")  # not in this uploads folder
    assert Client().get(page_of("post", 71).url).status_code == 200
    assert "Isi berita." in reader_sees(page_of("post", 71))


def images_of(page):
    return [
        (b.value["image"].title, b.value["caption"]) for b in page.body if b.block_type == "image"
    ]


def test_links_to_the_site_itself_become_paths_and_links_to_wordpress_com_stay(importer):
    """WordPress.com's exports name http://wordpress.com/ as base_site_url (a network's
    address), the blog's own in base_blog_url; a site moved to https keeps its older
    posts' http:// links, and the other way round."""
    body = (
        '<p><a href="http://wordpress.com/support/">Bantuan</a> '
        '<a href="https://warta.example.id/tentang/">Tentang</a> '
        '<a href="http://warta.example.id/?p=5">Lama</a> '
        '<a href="https://warta.example.id.lain.example/x/">Lain</a></p>'
    )
    export = wxr(AUTHOR + item(95, "Tautan", body)).replace(
        f"<wp:base_site_url>{SOURCE}</wp:base_site_url>",
        "<wp:base_site_url>http://wordpress.com/</wp:base_site_url>",
    )
    importer(export)
    html = reader_sees(page_of("post", 95))
    assert 'href="http://wordpress.com/support/"' in html
    assert 'href="/tentang/"' in html and 'href="/?p=5"' in html
    assert 'href="https://warta.example.id.lain.example/x/"' in html


def test_images_of_a_network_site_and_of_wordpress_com_are_found(home, settings, tmp_path):
    """A network (multisite) site's files are in wp-content/uploads/sites/<n>/, which its
    record of the file (_wp_attached_file) leaves out; WordPress.com's addresses have no
    wp-content/uploads and its exports may have no record: with the site's whole uploads
    folder given, their images were missing and their posts came without them."""
    settings.MEDIA_ROOT = str(tmp_path / "media")
    uploads = tmp_path / "uploads"
    network = uploads / "sites" / "3" / "2025" / "04"
    network.mkdir(parents=True)
    shutil.copy(UPLOADS / "2025" / "04" / "gedung-kpu.jpg", network)
    shutil.copytree(UPLOADS / "2025" / "05", uploads / "2025" / "05")
    body = (
        AUTHOR
        + item(
            481,
            "Gedung KPU",
            post_type="attachment",
            status="inherit",
            post_parent="483",
            extra=f"""
		<wp:attachment_url>{SOURCE}/wp-content/uploads/sites/3/2025/04/gedung-kpu.jpg</wp:attachment_url>
		<wp:postmeta><wp:meta_key>_wp_attached_file</wp:meta_key><wp:meta_value><![CDATA[2025/04/gedung-kpu.jpg]]></wp:meta_value></wp:postmeta>""",  # noqa: E501
        )
        + item(
            482,
            "Pasar beras",
            post_type="attachment",
            status="inherit",
            post_parent="483",
            extra="""
		<wp:attachment_url>https://wartauji.files.wordpress.com/2025/05/pasar-beras-cipinang.jpg</wp:attachment_url>""",  # noqa: E501
        )
        + item(
            483,
            "Pemilu dan harga beras",
            '<p>Dua foto.</p><img class="wp-image-481" src="x.jpg">'
            '<img src="https://wartauji.files.wordpress.com/2025/05/pasar-beras-cipinang.jpg?w=300">',
        )
    )
    path = tmp_path / "export.xml"
    path.write_text(wxr(body), encoding="utf-8")
    report = import_wordpress(str(path), uploads=str(uploads))
    assert report.counts["attachment"]["created"] == 2, report.lines()
    images = [b.value["image"] for b in page_of("post", 483).body if b.block_type == "image"]
    assert [image.title for image in images] == ["Gedung KPU", "Pasar beras"]
    again = import_wordpress(str(path), uploads=str(uploads))
    assert again.total("created") == again.total("updated") == again.total("failed") == 0


def test_a_gallery_block_keeps_every_image_and_caption(importer):
    gallery = (
        '<!-- wp:gallery {"linkTo":"none"} -->\n'
        '<figure class="wp-block-gallery has-nested-images columns-default is-cropped">'
        '<!-- wp:image {"id":4} -->\n<figure class="wp-block-image size-large">'
        f'<img src="{SOURCE}/wp-content/uploads/2025/04/gedung-kpu.jpg" alt="" class="wp-image-4"/>'
        "<figcaption>Gedung di pagi hari</figcaption></figure>\n<!-- /wp:image -->\n\n"
        '<!-- wp:image {"id":5} -->\n<figure class="wp-block-image size-large">'
        # Jetpack's CDN address: found by the attachment id WordPress writes on the image.
        '<img src="https://i0.wp.com/warta.example.id/wp-content/uploads/2025/05/pasar.jpg?w=900" '
        'alt="" class="wp-image-5"/><figcaption>Pasar</figcaption></figure>\n<!-- /wp:image -->'
        '<figcaption class="blocks-gallery-caption">Suasana kota</figcaption></figure>\n'
        "<!-- /wp:gallery -->"
    )
    importer(wxr(AUTHOR + ATTACHMENTS + item(70, "Galeri", gallery)))
    article = page_of("post", 70)
    assert images_of(article) == [("Gedung", "Gedung di pagi hari"), ("Pasar", "Pasar")]
    assert "Suasana kota" in reader_sees(article)


def test_classic_gallery_and_old_caption_shortcodes_show_their_images(importer):
    content = (
        "Pembuka.\n\n"
        '[gallery ids="5,4" columns="2"]\n\n'
        '[caption id="attachment_4" align="alignleft" width="300" caption="Gedung lama"]'
        f'<img src="{SOURCE}/wp-content/uploads/2025/04/gedung-kpu-300x169.jpg" />[/caption]\n'
        "Penutup."
    )
    importer(wxr(AUTHOR + ATTACHMENTS + item(70, "Klasik", content), version="1.1"))
    article = page_of("post", 70)
    assert images_of(article) == [("Pasar", ""), ("Gedung", ""), ("Gedung", "Gedung lama")]
    body = reader_sees(article)
    assert "[gallery" not in body and "Pembuka." in body and "Penutup." in body


def test_a_caption_shows_its_words_once_whichever_form_it_has(importer):
    """WordPress writes a caption attribute into the page as it is stored: HTML-escaped
    ("&quot;"), its entities read once by the browser; the newer form's caption, after the
    image, is HTML too, with inline markup."""
    gedung = f"{SOURCE}/wp-content/uploads/2025/04/gedung-kpu.jpg"
    pasar = f"{SOURCE}/wp-content/uploads/2025/05/pasar-beras-cipinang.jpg"
    content = (
        '[caption id="attachment_4" align="alignnone" width="300" caption="Foto: '
        '&quot;Banjir&quot; di Jakarta &amp; sekitarnya"]'
        f'<img src="{gedung}" />[/caption]\n\n'
        f'[caption id="attachment_5" width="300"]<img src="{pasar}" /> Pasar &quot;Baru&quot; '
        'oleh <em>Ani</em>, <a href="https://kabar.example.id">Kabar</a> &amp; '
        "&lt;Redaksi&gt;[/caption]\n\n"
        f'<figure class="wp-block-image"><img src="{gedung}" class="wp-image-4"/>'
        "<figcaption>Gedung oleh <strong>Budi</strong>, 2025</figcaption></figure>"
    )
    importer(wxr(AUTHOR + ATTACHMENTS + item(71, "Banjir", content), version="1.1"))
    article = page_of("post", 71)
    assert images_of(article) == [
        ("Gedung", 'Foto: "Banjir" di Jakarta & sekitarnya'),
        ("Pasar", 'Pasar "Baru" oleh Ani, Kabar & <Redaksi>'),
        ("Gedung", "Gedung oleh Budi, 2025"),
    ]
    body = reader_sees(article)
    assert "Foto: &quot;Banjir&quot; di Jakarta &amp; sekitarnya" in body
    assert "&amp;quot;" not in body and "&amp;amp;" not in body
    assert "&lt;Redaksi&gt;" in body


# Bodies ------------------------------------------------------------------------------------


def test_a_classic_quote_of_bare_lines_keeps_every_line():
    body = html_to_body("<blockquote>Baris pertama kutipan\n\nbaris kedua</blockquote>\nSesudah.")
    quote = [b for b in body.blocks if b["type"] == "quote"][0]["value"]["quote"]
    assert quote == "Baris pertama kutipan\n\nbaris kedua"


def test_an_image_whose_attachment_id_is_not_a_number_is_left_out_with_a_note():
    body = html_to_body('<figure class="wp-block-image"><img data-id="\u00b2" alt=""></figure>')
    assert not [b for b in body.blocks if b["type"] == "image"]
    assert body.notes


def test_audio_and_video_shortcodes_become_links_to_their_file():
    body = html_to_body('[video width="640" mp4="https://media.example.id/v.mp4"][/video]\n\nTeks.')
    html = "".join(b["value"] for b in body.blocks if b["type"] == "paragraph")
    assert 'href="https://media.example.id/v.mp4"' in html and "Teks." in html


@pytest.mark.parametrize(
    ("shortcode", "address"),
    [
        (
            "[youtube=http://www.youtube.com/watch?v=aBc123xYz_0&amp;w=640]",
            "http://www.youtube.com/watch?v=aBc123xYz_0&amp;w=640",
        ),
        ("[youtube https://youtu.be/aBc123xYz_0]", "https://youtu.be/aBc123xYz_0"),
        (
            "[tweet https://twitter.com/warta/status/123456789]",
            "https://twitter.com/warta/status/123456789",
        ),
        (
            "[googlemaps https://maps.google.com/maps?q=Banjarmasin&amp;output=embed]",
            "https://maps.google.com/maps?q=Banjarmasin&amp;output=embed",
        ),
        (
            '[soundcloud url="https://api.soundcloud.com/tracks/42" params="auto_play=false"]',
            "https://api.soundcloud.com/tracks/42",
        ),
        ("[vimeo 76979871]", "https://vimeo.com/76979871"),
    ],
)
def test_jetpack_embeds_written_with_their_address_become_links(shortcode, address):
    """Jetpack's and WordPress.com's embed shortcodes name the address after the name; they
    showed as their own text."""
    body = html_to_body(f"Sebelum.\n\n{shortcode}\n\nSesudah.")
    html = "".join(b["value"] for b in body.blocks if b["type"] == "paragraph")
    assert f'href="{address}"' in html
    assert "[" not in html and "Sebelum." in html and "Sesudah." in html


@pytest.mark.parametrize("wrapped", [False, True], ids=["classic", "html"])
def test_words_in_brackets_after_vimeo_are_not_an_embed(wrapped):
    text = "Tonton [vimeo 2024 terbaik] ini."
    body = html_to_body(f"<p>{text}</p><p>Sesudah.</p>" if wrapped else f"{text}\n\nSesudah.")
    html = "".join(b["value"] for b in body.blocks if b["type"] == "paragraph")
    assert "[vimeo 2024 terbaik]" in html and "Sesudah." in html
    assert "href" not in html


@pytest.mark.parametrize("wrapped", [False, True], ids=["classic", "html"])
def test_markup_written_into_an_embeds_address_stays_text(wrapped):
    code = "[youtube=https://x.example/&lt;b&gt;t&lt;/b&gt;&lt;img src=x&gt;]"
    body = html_to_body(f"<p>{code}</p><p>Sesudah.</p>" if wrapped else f"{code}\n\nSesudah.")
    html = "".join(b["value"] for b in body.blocks if b["type"] == "paragraph")
    assert html.endswith("</p><p>Sesudah.</p>") and html.count("<p>") == 2
    assert "<b>" not in html and "<img" not in html


def test_a_linked_image_inside_text_leaves_no_empty_link():
    body = html_to_body(
        '<p>Teks <a href="https://warta.example.id/wp-content/uploads/2025/01/A.JPG">'
        '<img src="https://warta.example.id/wp-content/uploads/2025/01/A-300x200.JPG" alt="">'
        '</a> dalam <a href="https://warta.example.id/lain/">paragraf</a>.</p>'
    )
    html = "".join(b["value"] for b in body.blocks if b["type"] == "paragraph")
    assert "Teks" in html and "paragraf</a>." in html
    assert "A.JPG" not in html and not re.search(r"<a [^>]*>\s*</a>", html)


def serialised_credit(credit):
    """_wp_attachment_metadata's image_meta as PHP serialises it, the credit's length in
    UTF-8 bytes."""
    size = len(credit.encode())
    return (
        'a:2:{s:4:"file";s:18:"2025/05/pasar.jpg";s:10:"image_meta";a:2:{'
        f's:6:"credit";s:{size}:"{credit}";s:7:"caption";s:5:"Pasar";}}}}'
    )


@pytest.mark.parametrize(
    "credit", ['Foto "Antara"; Reuters', "Foto: Ani Ñúñez", 'Kredit ";', "Biasa"]
)
def test_an_image_credit_is_read_whole_by_its_length(credit):
    assert image_credit(serialised_credit(credit)) == credit


def test_an_image_credit_whose_length_does_not_fit_is_read_to_its_end():
    # An export that re-encoded the text: its lengths in bytes no longer hold.
    assert image_credit('s:6:"credit";s:3:"Foto Antara";s:7:"caption"') == "Foto Antara"


def test_comment_status_and_privacy_are_kept(importer):
    comments = (
        comment(1, "Disetujui")
        + comment(2, "Ditahan", approved="0")
        + comment(3, "Sampah", approved="spam")
        + comment(4, "Dibuang bersama pos", approved="post-trashed")
        + comment(5, "Balasan ke komentar di pos lain", parent=999)
    )
    importer(wxr(AUTHOR + item(80, "Pos", "Isi.", extra=comments)))
    assert [comment_of(n).status for n in range(1, 6)] == [
        CommentStatus.APPROVED,
        CommentStatus.PENDING,
        CommentStatus.SPAM,
        CommentStatus.TRASH,
        CommentStatus.APPROVED,
    ]
    assert comment_of(5).parent is None
    html = Client().get(page_of("post", 80).url).content.decode()
    assert "Disetujui" in html and "Ditahan" not in html and "Sampah" not in html
    assert "pembaca1@contoh.example.id" not in html and "2001:db8::1" not in html
    assert Tag.objects.count() == 0


def test_commenters_names_are_shown_as_typed_not_as_wordpress_escaped_them(importer):
    """WordPress keeps a commenter's name with &, < and > as entities; the page shows the
    name once escaped, not the entity."""
    comments = comment(11, "Setuju.", author="Budi &amp; Ani") + comment(
        12, "Betul.", author="Tono &lt;3 &#8220;Pak RT&#8221;"
    )
    importer(wxr(AUTHOR + item(81, "Pos", "Isi.", extra=comments)))
    assert comment_of(11).author_name == "Budi & Ani"
    assert comment_of(12).author_name == "Tono <3 “Pak RT”"
    html = Client().get(page_of("post", 81).url).content.decode()
    assert "Budi &amp; Ani" in html and "&amp;amp;" not in html
    assert "Tono &lt;3" in html


def test_the_seo_plugins_description_is_the_pages_description(importer):
    meta = """
		<wp:postmeta><wp:meta_key><![CDATA[_edit_last]]></wp:meta_key><wp:meta_value><![CDATA[1]]></wp:meta_value></wp:postmeta>
		<wp:postmeta><wp:meta_key><![CDATA[_yoast_wpseo_metadesc]]></wp:meta_key><wp:meta_value><![CDATA[Banjir merendam tiga kecamatan &amp; ribuan warga mengungsi.]]></wp:meta_value></wp:postmeta>"""  # noqa: E501
    templated = """
		<wp:postmeta><wp:meta_key><![CDATA[_yoast_wpseo_metadesc]]></wp:meta_key><wp:meta_value><![CDATA[%%excerpt%% %%sep%% %%sitename%%]]></wp:meta_value></wp:postmeta>"""  # noqa: E501
    importer(
        wxr(
            AUTHOR
            + item(90, "Banjir", "Isi.", extra=meta)
            + item(91, "Lain", "Isi.", extra=templated)
        )
    )
    described = page_of("post", 90)
    assert (
        described.search_description == "Banjir merendam tiga kecamatan & ribuan warga mengungsi."
    )
    assert page_of("post", 91).search_description == ""
    html = Client().get(described.url).content.decode()
    assert 'content="Banjir merendam tiga kecamatan &amp; ribuan warga mengungsi."' in html


TWO_SECTIONS = """
	<wp:category><wp:term_id>2</wp:term_id><wp:category_nicename>berita</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Berita]]></wp:cat_name></wp:category>
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>olahraga</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Olahraga]]></wp:cat_name></wp:category>"""  # noqa: E501


def in_both_sections(wp_id, primary_key=None, primary="3"):
    meta = (
        f"\n\t\t<wp:postmeta><wp:meta_key><![CDATA[{primary_key}]]></wp:meta_key>"
        f"<wp:meta_value><![CDATA[{primary}]]></wp:meta_value></wp:postmeta>"
        if primary_key
        else ""
    )
    categories = (
        '\n\t\t<category domain="category" nicename="berita"><![CDATA[Berita]]></category>'
        '\n\t\t<category domain="category" nicename="olahraga"><![CDATA[Olahraga]]></category>'
    )
    return item(wp_id, f"Pos {wp_id}", "Isi.", extra=categories + meta)


def test_the_primary_category_an_seo_plugin_kept_is_the_posts_section(importer):
    """Yoast and Rank Math keep the category chosen as the post's main one as the term's
    id; without one, the first category listed is."""
    importer(
        wxr(
            AUTHOR
            + TWO_SECTIONS
            + in_both_sections(120, "_yoast_wpseo_primary_category")
            + in_both_sections(121, "rank_math_primary_category")
            + in_both_sections(122)
            # An id no category of the export has: the first category stands.
            + in_both_sections(123, "_yoast_wpseo_primary_category", primary="99")
        )
    )
    assert page_of("post", 120).url == "/olahraga/pos-120/"
    assert page_of("post", 121).url == "/olahraga/pos-121/"
    assert page_of("post", 122).url == "/berita/pos-122/"
    assert page_of("post", 123).url == "/berita/pos-123/"
    assert [tag.name for tag in page_of("post", 120).tags.all()] == ["Berita"]


def test_other_plugins_shortcodes_are_not_shown_but_bracketed_words_are():
    body = html_to_body(
        'Hubungi kami [contact-form-7 id="12" title="Kontak"] atau '
        '[su_button url="https://contoh.example.id"]lihat jadwal[/su_button] [related_posts/]\n\n'
        "Katanya [sic] naik 10% [1]. Menurut saksi [nama disamarkan], laporan [Jakarta Post] "
        "dan [lihat grafik di bawah] itu benar. [Baca juga] Banjir di Garut."
    )
    html = "".join(b["value"] for b in body.blocks if b["type"] == "paragraph")
    assert "contact-form-7" not in html and "su_button" not in html and "related" not in html
    assert "lihat jadwal" in html and "[sic]" in html and "[1]" in html
    # Words in brackets, however many: WordPress leaves a bracket no plugin claims.
    for words in ("[nama disamarkan]", "[Jakarta Post]", "[lihat grafik di bawah]", "[Baca juga]"):
        assert words in html
    assert any("[contact-form-7]" in note for note in body.notes)


def test_items_and_comments_without_an_id_are_refused_not_merged(importer):
    # Not WordPress's own export (it always numbers them), but files other tools write.
    first = item(0, "Pos pertama", "Isi pertama.")
    second = item(0, "Pos kedua", "Isi kedua.", post_name="pos-kedua")
    numbered = item(
        5, "Pos bernomor", "Isi.", extra=comment(0, "Komentar A") + comment(0, "Komentar B")
    )
    text = wxr(AUTHOR + first + second + numbered)
    report = importer(
        text.replace("<wp:post_id>0</wp:post_id>", "").replace(
            "<wp:comment_id>0</wp:comment_id>", ""
        )
    )
    assert [p.title for p in ArticlePage.objects.all()] == ["Pos bernomor"]
    assert not Comment.objects.exists()
    assert report.counts["post"]["skipped"] == 2 and report.counts["comment"]["skipped"] == 2


def test_the_admin_upload_of_a_wxr_1_0_file_reports_what_it_left_out(
    client, django_user_model, home, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    user = django_user_model.objects.create_superuser("pemindah", "pemindah@kabar.test", "x")
    client.force_login(builders.in_english(user))
    items = item(1, "Pos", "Isi.", extra=comment(1, "Catatan blok", kind="note")) + item(
        2, "Menu", post_type="nav_menu_item"
    )
    upload = SimpleUploadedFile("warta.xml", wxr(AUTHOR + items, version="1.0").encode())
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("ingest_wordpress:add"), {"file": upload})
    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.DONE, run.error
    assert run.report["counts"]["post"]["created"] == 1
    assert run.report["counts"]["comment"]["skipped"] == 1
    html = client.get(response.url).content.decode()
    assert "nav_menu_item" in html and "Catatan blok" in html
    assert not Comment.objects.exists()


# Encodings ---------------------------------------------------------------------------------


def test_windows_1252_bytes_in_a_utf8_export_are_read_as_their_letters(importer):
    """A WordPress database that kept old posts in Latin-1 beside new ones in UTF-8 exports
    both into one file declared UTF-8: expat refused the whole file at the first such byte.
    They are read as Windows-1252 (where such bytes come from), and the report says so."""
    text = wxr(
        AUTHOR
        + item(
            811,
            "Kafe di tepi kali",
            "<p>Menu: LATIN1_BODY dan kopi biasa.</p>",
            extra=comment(9811, "Sangat LATIN1_COMMENT, terima kasih."),
        )
    ).encode()
    text = text.replace(b"LATIN1_BODY", b"caf\xe9 cr\xe8me \x93tubruk\x94")
    text = text.replace(b"LATIN1_COMMENT", b"na\xefve")
    report = importer(text)
    page = page_of("post", 811)
    assert "café crème “tubruk” dan kopi biasa" in reader_sees(page)
    assert comment_of(9811).body == "Sangat naïve, terima kasih."
    # In the report's language: the count and the encoding either way.
    assert any(r.startswith("5 ") and "Windows-1252" in r for r in reasons(report))


def test_control_characters_in_an_export_leave_the_post_and_its_comment_whole(importer):
    """WordPress writes what was pasted into a post (a word processor's line break, \\x0b)
    raw into its export, where XML forbids it: expat refused the whole file."""
    text = wxr(
        AUTHOR
        + item(
            812,
            "Rapat\x0b anggaran\x1a ditunda",
            "Rapat ditunda hingga pekan depan.\x0bKetua dewan belum hadir.\x08",
            extra=comment(9812, "Semoga\x01 cepat selesai."),
        )
    )
    importer(text)
    page = page_of("post", 812)
    assert page.title == "Rapat anggaran ditunda"
    # The line break where the writer made one.
    assert "<p>Rapat ditunda hingga pekan depan.<br>\nKetua dewan belum hadir.</p>" in (
        reader_sees(page)
    )
    assert comment_of(9812).body == "Semoga cepat selesai."


def test_references_to_control_characters_leave_every_post_whole(importer, tmp_path):
    """A reference to a character XML forbids (&#11;, a pasted vertical tab, in a title,
    a term's or a commenter's name written without CDATA) made expat refuse the whole file;
    in a CDATA section it is text and stays as it is."""
    category = """
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>berita</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name>Berita&#x1; Kota</wp:cat_name></wp:category>"""  # noqa: E501
    posts = [
        item(813, "Rapat&#11; anggaran&#0; ditunda", "Isi pertama &#11; dalam CDATA."),
        item(
            814,
            "Hujan &amp; angin",
            "Isi kedua.",
            extra=comment(9814, "Semoga reda.").replace(
                "<![CDATA[Pembaca 9814]]>", "Pembaca&#x0B;Setia"
            )
            + '\n\t\t<category domain="category" nicename="berita">Berita&#x1; Kota</category>',
        ),
        item(815, "Terakhir", "Isi ketiga."),
    ]
    text = wxr(AUTHOR + category + "".join(posts))
    report = importer(text)
    assert report.total("failed") == 0, report.lines()
    assert page_of("post", 813).title == "Rapat anggaran ditunda"
    assert page_of("post", 814).get_parent().title == "Berita Kota"
    assert page_of("post", 815).title == "Terakhir"
    assert comment_of(9814).author_name == "Pembaca Setia"
    path = tmp_path / "export.xml"
    content = next(i.content for i in read_wxr(path.open("rb")) if getattr(i, "wp_id", 0) == 813)
    assert content == "Isi pertama &#11; dalam CDATA."


def test_a_title_in_cdata_keeps_no_control_character(importer):
    """In a CDATA section a reference is text, which the title's reading then decodes: a
    control character there (`&#1;`, `&#11;`) is a space, never a character in the title."""
    report = importer(
        wxr(AUTHOR + item(816, "<![CDATA[Rapat&#1;anggaran&#11;ditunda&#x7F;]]>", "Isi."))
    )
    assert report.total("failed") == 0, report.lines()
    assert page_of("post", 816).title == "Rapat anggaran ditunda"


@pytest.mark.parametrize(
    ("encoding", "title", "words"),
    [
        ("EUC-JP", "市議会が予算案を可決", "市議会は本日、来年度の予算案を可決した。"),
        ("Shift_JIS", "市議会が予算案を可決", "市議会は本日、来年度の予算案を可決した。"),
        ("GB2312", "市议会通过预算案", "市议会今天通过了明年的预算案。"),
        ("Big5", "市議會通過預算案", "市議會今天通過了明年的預算案。"),
        ("EUC-KR", "시의회 예산안 통과", "시의회는 오늘 내년 예산안을 통과시켰다."),
    ],
)
def test_an_export_in_a_multi_byte_encoding_is_read_in_it(importer, encoding, title, words):
    """WordPress writes its export in the site's charset: old Japanese, Chinese and Korean
    sites were in one of these, which expat does not read (the whole file was refused)."""
    text = wxr(AUTHOR + item(813, title, f"<p>{words}</p>", extra=comment(9813, words))).replace(
        'encoding="UTF-8"', f'encoding="{encoding}"'
    )
    importer(text.encode(encoding))
    page = page_of("post", 813)
    assert page.title == title
    assert words in reader_sees(page)
    assert comment_of(9813).body == words


# A site that lived in a folder -------------------------------------------------------------

FOLDER = "http://example.com/blog"
FOLDER_SITE = (
    AUTHOR
    + """
	<wp:category><wp:term_id>3</wp:term_id><wp:category_nicename>berita</wp:category_nicename><wp:category_parent></wp:category_parent><wp:cat_name><![CDATA[Berita]]></wp:cat_name></wp:category>
	<wp:tag><wp:term_id>4</wp:term_id><wp:tag_slug>cuaca</wp:tag_slug><wp:tag_name><![CDATA[Cuaca]]></wp:tag_name></wp:tag>"""  # noqa: E501
    + item(
        21,
        "Banjir rob",
        "<p>Isi.</p>",
        extra="""
		<category domain="category" nicename="berita"><![CDATA[Berita]]></category>
		<category domain="post_tag" nicename="cuaca"><![CDATA[Cuaca]]></category>""",
    ).replace(f"<link>{SOURCE}/?p=21", f"<link>{FOLDER}/2019/05/banjir-rob/")
    + item(22, "Profil", "<p>Kami.</p>", post_type="page").replace(
        f"<link>{SOURCE}/?p=22", f"<link>{FOLDER}/profil/"
    )
    + item(
        23,
        "Denah",
        post_type="attachment",
        status="inherit",
        post_parent="21",
        extra=f"""
		<wp:attachment_url>{FOLDER}/wp-content/uploads/2025/04/gedung-kpu.jpg</wp:attachment_url>""",
    ).replace(f"<link>{SOURCE}/?p=23", f"<link>{FOLDER}/2019/05/banjir-rob/denah/")
).replace(SOURCE, FOLDER)

# Each old address as the site's root saw it; a reader's link also has the folder in front.
FOLDER_ADDRESSES = [
    "/2019/05/banjir-rob/",
    "/2019/05/banjir-rob/amp/",
    "/2019/05/banjir-rob/feed/",
    "/?p=21",
    "/profil/",
    "/?page_id=22",
    "/2019/05/banjir-rob/denah/",
    "/?attachment_id=23",
    "/category/berita/",
    "/category/berita/page/2/",
    "/category/berita/feed/",
    "/?cat=3",
    "/tag/cuaca/",
    "/?tag=cuaca",
    "/author/redaksi/",
    "/?feed=rss2",
]


@pytest.mark.parametrize("address", FOLDER_ADDRESSES)
def test_a_folder_sites_old_addresses_answer_with_and_without_the_folder(importer, client, address):
    # Kabar on the old domain (example.com/blog/... links) or on the folder's own address
    # (blog.example.com, or a rewrite that strips /blog): the same 301 either way.
    importer(wxr(FOLDER_SITE, source=FOLDER))
    path, _, query = address.partition("?")
    bare = client.get(path, query_params=query and dict([query.split("=")]))
    folder = client.get("/blog" + path, query_params=query and dict([query.split("=")]))
    assert (bare.status_code, folder.status_code) == (301, 301)
    assert folder["Location"] == bare["Location"]


def test_a_folder_sites_post_leads_to_its_article_from_its_old_link(importer, client):
    importer(wxr(FOLDER_SITE, source=FOLDER))
    article = page_of("post", 21, source=FOLDER)
    assert client.get("/blog/2019/05/banjir-rob/")["Location"] == article.url
    assert client.get("/blog/", {"p": "21"})["Location"] == article.url
    assert client.get("/blog/?p=21")["Location"] == article.url
    assert client.get("/2019/05/banjir-rob/")["Location"] == article.url


def test_a_folder_sites_feeds_lead_to_kabars_feeds_from_their_old_links(importer, client):
    # Without the folder these are Kabar's own feeds' addresses, which answer themselves.
    importer(wxr(FOLDER_SITE, source=FOLDER))
    assert client.get("/blog/feed/")["Location"] == reverse("news:feed")
    assert client.get("/blog/comments/feed/")["Location"] == reverse("discussion:feed")


def test_a_title_too_long_for_a_page_is_shortened_at_a_word_and_reported(importer):
    words = "Kronologi lengkap banjir besar di pesisir utara dan dampaknya bagi nelayan " * 6
    report = importer(wxr(AUTHOR + item(490, words.strip(), "<p>Isi.</p>")))
    title = page_of("post", 490).title
    assert len(title) <= 255 and title.endswith("…")
    assert words.startswith(title[:-1]) and title[:-1].rstrip() == title[:-1]
    assert words[len(title) - 1] == " "  # cut where a word ended
    assert [reason for kind, wp_id, _l, reason in report.problems if wp_id == "490"] == [
        str(_TITLE_SHORTENED)
    ]
