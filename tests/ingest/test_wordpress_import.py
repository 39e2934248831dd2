"""The WordPress importer against exports written by a real WordPress (tests/data/wordpress,
README there): what each kind of item becomes, idempotence, updates, dry runs, failures."""

import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse
from taggit.models import Tag
from wagtail.images import get_image_model
from wagtail.models import Page, PageViewRestriction

from kabar.discussion.models import Comment, Commenter, CommentStatus
from kabar.discussion.targets import DiscussionState
from kabar.ingest.models import ImportedItem
from kabar.ingest.wordpress.importer import import_wordpress
from kabar.news.models import Author, SectionPage, StandardPage
from tests import builders

DATA = Path(__file__).resolve().parents[1] / "data" / "wordpress"
V1, V2, UPLOADS = DATA / "site-v1.xml", DATA / "site-v2.xml", DATA / "uploads"
SOURCE = "http://lama.example.id"


def run(path, **options):
    return import_wordpress(str(path), uploads=str(UPLOADS), **options)


def counts(report, result):
    return {kind: counter[result] for kind, counter in report.counts.items() if counter[result]}


def page_of(kind, wp_id, source=SOURCE):
    record = ImportedItem.objects.get(source=source, kind=kind, wp_id=str(wp_id))
    return Page.objects.get(pk=record.object_id).specific


def comment_of(wp_id, source=SOURCE):
    record = ImportedItem.objects.get(source=source, kind="comment", wp_id=str(wp_id))
    return Comment.objects.get(pk=record.object_id)


@pytest.fixture(scope="module")
def imported(django_db_setup, django_db_blocker, tmp_path_factory):
    """v1 imported once for the module's read-only tests, undone at the end."""
    media = tmp_path_factory.mktemp("media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=str(media)),
        transaction.atomic(),
    ):
        builders.make_home()
        report = run(V1)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def site(db, imported):
    return imported


# What the first run brings in ------------------------------------------------------------


def test_first_run_reports_every_kind(site):
    assert counts(site, "created") == {
        "author": 3,
        "category": 7,
        "tag": 4,
        "attachment": 2,
        "post": 10,
        "page": 2,
        "comment": 22,
    }
    assert counts(site, "failed") == {"attachment": 1}
    assert counts(site, "skipped") == {"comment": 1}  # the pingback
    reasons = {(kind, wp_id): reason for kind, wp_id, _, reason in site.problems}
    assert "file missing" in reasons[("attachment", "6")]
    assert "pingback" in reasons[("comment", "10")]
    assert site.redirects["created"] > 0


def test_statuses_become_live_draft_scheduled_and_private(site):
    for wp_id in (7, 8, 9, 10, 11, 12):
        assert page_of("post", wp_id).live
    draft, pending = page_of("post", 13), page_of("post", 14)
    assert not draft.live and not pending.live and draft.go_live_at is None
    assert draft.get_latest_revision() is not None
    scheduled = page_of("post", 15)
    assert not scheduled.live
    assert scheduled.go_live_at == datetime(2030, 1, 15, 2, 0, tzinfo=UTC)
    assert scheduled.get_latest_revision().approved_go_live_at == scheduled.go_live_at
    private = page_of("post", 16)
    assert private.live
    restriction = PageViewRestriction.objects.get(page=private)
    assert restriction.restriction_type == PageViewRestriction.GROUPS
    response = Client().get(private.url)
    assert response.status_code == 302 and "login" in response["Location"]
    # Its old address tells a visitor nothing of where it is now (its slug is its title).
    old_address = Client().get("/", {"p": 16})
    assert old_address.status_code != 301 and private.slug not in old_address.content.decode()
    assert Client().get("/", {"p": 7})["Location"] == page_of("post", 7).url


def test_publication_dates_are_wordpress_gmt_dates(site):
    article = page_of("post", 7)
    assert article.first_published_at == article.published_at
    assert article.first_published_at.tzinfo is not None
    assert article.first_published_at.year == 2025
    assert article.first_published_at <= article.last_published_at
    # Last changed when WordPress says (post_modified_gmt), not at the import: a page and
    # its structured data would say every imported article was updated today.
    assert article.last_published_at.year == 2025


def test_top_categories_are_sections_and_child_categories_tags(site):
    pemilu = page_of("post", 8)  # in Nasional > Politik > Pemilu
    assert pemilu.get_parent().specific.slug == "nasional"
    assert {t.name for t in pemilu.tags.all()} >= {"Politik", "Pemilu"}
    sections = set(SectionPage.objects.values_list("slug", flat=True))
    assert {"nasional", "internasional", "ekonomi", "uncategorized"} <= sections
    assert "politik" not in sections and "pemilu" not in sections
    two = page_of("post", 9)  # Ekonomi and Asia Tenggara, tags ASEAN, harga beras
    names = {t.name for t in two.tags.all()}
    assert {"ASEAN", "harga beras"} <= names
    assert page_of("post", 16).get_parent().slug == "uncategorized"
    # WordPress repeats its terms (wp:category then wp:term): merged, never duplicated.
    assert Tag.objects.filter(name="banjir").count() == 1


def test_sticky_is_featured_and_closed_comments_stay_closed(site):
    assert page_of("post", 10).is_featured
    assert not page_of("post", 7).is_featured
    closed = page_of("post", 12)
    assert closed.discussion == DiscussionState.CLOSED
    assert page_of("post", 7).discussion == DiscussionState.OPEN
    assert closed.title == "Jakarta & Kuala Lumpur sepakati \"koridor hijau\" 'bebas emisi'"


def test_authors_become_profiles_and_staff_without_passwords(site):
    budi = Author.objects.get(user__username="budi")
    assert budi.name == "Budi Santoso"
    assert budi.user.is_staff and not budi.user.has_usable_password()
    # A writer: the export names no WordPress role, and an editor could publish.
    assert list(budi.user.groups.values_list("name", flat=True)) == ["Penulis"]
    assert [c.author for c in page_of("post", 8).article_authors.all()] == [budi]
    assert page_of("post", 8).owner == budi.user


def test_pages_become_standard_pages_with_their_hierarchy(site):
    about, rules = page_of("page", 17), page_of("page", 18)
    assert isinstance(about, StandardPage) and isinstance(rules, StandardPage)
    assert rules.get_parent().pk == about.pk
    assert about.get_parent().specific_class.__name__ == "HomePage"
    assert Client().get(rules.url).status_code == 200


def test_images_come_with_alt_text_and_caption(site):
    Image = get_image_model()
    featured = page_of("post", 8)
    assert featured.lead_image is not None
    in_body = [b for b in page_of("post", 9).body if b.block_type == "image"]
    assert len(in_body) == 1
    image = in_body[0].value["image"]
    assert image.description  # the alt text WordPress kept
    assert in_body[0].value["caption"]
    assert Image.objects.count() == 2  # the third one's file is missing
    # The post whose image is missing imported anyway.
    assert page_of("post", 7).live


def test_block_and_classic_bodies_show_no_wordpress_markup(site):
    for wp_id in (7, 8, 9, 10):
        html = Client().get(page_of("post", wp_id).url).content.decode()
        body = html.split('class="article__body"', 1)[1].split("</article>", 1)[0]
        assert "wp:" not in body and "[caption" not in body and "<!--more" not in body
    gutenberg = page_of("post", 8)
    types = [b.block_type for b in gutenberg.body]
    assert "quote" in types
    rich = "".join(str(b.value.source) for b in gutenberg.body if b.block_type == "paragraph")
    assert "<h2>" in rich and "<li>" in rich
    assert 'href="https://www.youtube.com/' in rich  # the embed, as a link


def test_hostile_body_markup_is_removed(site):
    hostile = page_of("post", 11)
    stored = "".join(str(b.value.source) for b in hostile.body if b.block_type == "paragraph")
    assert "🇮🇩" in hostile.title and "𠮷" in stored
    for bad in ("<script", "onerror", "javascript:"):
        assert bad not in stored
    html = Client().get(hostile.url).content.decode()
    assert "alert(1)" not in html and "javascript:" not in html


def test_comments_keep_status_thread_date_and_exact_text(site):
    statuses = Comment.objects.values_list("status", flat=True)
    assert sorted(statuses) == sorted(
        [CommentStatus.APPROVED] * 18 + [CommentStatus.PENDING] * 2 + [CommentStatus.TRASH] * 2
    )
    deep = comment_of(5)
    assert deep.parent == comment_of(4) and deep.parent.parent == comment_of(3)
    assert deep.depth == 4
    assert "]]>" in comment_of(12).body
    assert "𠮷" in comment_of(14).author_name
    assert re.search(r"[\u0600-\u06ff]", comment_of(14).body)
    assert comment_of(14).ip_address == "2001:db8::7"
    long = comment_of(9)
    assert len(long.body) > 2500 and long.body.count("\n\n") >= 6
    assert comment_of(25).author_name == "Rudi & Kawan-kawan"
    assert "<script" not in comment_of(13).body and "klik" in comment_of(13).body
    assert comment_of(2).created_at.year == 2025


def test_commenters_are_merged_by_email_and_users_linked(site):
    assert comment_of(5).commenter == comment_of(6).commenter == comment_of(21).commenter
    assert comment_of(5).author_name != comment_of(6).author_name
    rina = {comment_of(n).commenter for n in (3, 11, 18)}
    assert len(rina) == 1
    assert comment_of(24).user.username == "budi"
    assert comment_of(3).user is None  # Rina owned no post: WordPress did not export her
    assert Commenter.objects.filter(email="dewi.l@surel.example.id").count() == 1


def test_only_approved_comments_show_and_no_private_field(site):
    article = page_of("post", 7)
    html = Client().get(article.url).content.decode()
    assert comment_of(2).body[:40] in html
    pending = Comment.objects.filter(page=article, status=CommentStatus.PENDING).first()
    assert pending.body[:40] not in html
    for comment in Comment.objects.all():
        assert comment.author_email not in html
        if comment.ip_address:
            assert comment.ip_address not in html
    feed = Client().get(reverse("discussion:article_feed", args=[article.pk]))
    assert feed.status_code == 200 and comment_of(2).author_name.encode() in feed.content
    for comment in Comment.objects.all():
        assert comment.author_email.encode() not in feed.content


def test_old_addresses_answer_301_to_their_new_home(site):
    client = Client()
    article = page_of("post", 7)
    expected = {
        "/?p=7": article.url,
        "/?page_id=17": page_of("page", 17).url,
        "/category/nasional/": page_of("post", 7).get_parent().url,
        "/category/nasional/politik/": "/topik/politik/",
        "/tag/banjir/": "/topik/banjir/",
        "/author/budi/": "/penulis/budi/",
        "/?p=7&feed=rss2": reverse("discussion:article_feed", args=[article.pk]),
    }
    permalink = re.sub(r"^https?://[^/]+", "", _item_link(7))
    expected[permalink] = article.url
    for old, new in expected.items():
        response = client.get(old)
        assert response.status_code == 301, old
        assert response["Location"] == new, old
    # A page whose address is the same as in WordPress is simply served there.
    assert page_of("page", 18).url == "/tentang-kami/pedoman-komentar/"
    assert client.get("/tentang-kami/pedoman-komentar/").status_code == 200
    assert client.get("/?p=99999").status_code == 200  # unknown: the home page as ever
    assert client.get("/2025/01/01/tidak-pernah-ada/").status_code == 404


def _item_link(wp_id):
    text = V1.read_text()
    item = text[text.index(f"<wp:post_id>{wp_id}</wp:post_id>") - 3000 :]
    return re.findall(r"<link>(.*?)</link>", item[: item.index(f"<wp:post_id>{wp_id}<")])[-1]
