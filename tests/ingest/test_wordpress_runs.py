"""The WordPress importer's runs, each from an empty site: a second run of the same export,
a newer export, a dry run, a bad item, a cut-off file, spam and learning, the command."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from wagtail.contrib.redirects.models import Redirect
from wagtail.images.models import Image
from wagtail.models import Page, Site

from kabar.discussion.models import Comment, Commenter, CommentStatus, SpamToken
from kabar.discussion.privacy import personal_data_erase
from kabar.ingest.models import ImportedItem
from kabar.ingest.wordpress.importer import _CHANGED_HERE, _unpublish, import_wordpress
from kabar.ingest.wordpress.wxr import WXRError
from kabar.news.models import ArticlePage, HomePage
from tests import builders
from tests.ingest.test_wordpress_import import UPLOADS, V1, V2, comment_of, counts, page_of, run


@pytest.fixture
def fresh(home, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    return home


def test_a_second_run_of_the_same_file_changes_nothing(fresh):
    run(V1)
    rows = (ArticlePage.objects.count(), Comment.objects.count(), Page.objects.count())
    again = run(V1)
    assert again.total("created") == 0 and again.total("updated") == 0
    assert again.redirects["created"] == 0 and again.redirects["updated"] == 0
    assert (ArticlePage.objects.count(), Comment.objects.count(), Page.objects.count()) == rows


@pytest.mark.parametrize("moved_to", ["https://lama.example.id", "https://www.lama.example.id"])
def test_the_same_site_exported_again_after_a_move_to_https_or_www_is_not_doubled(
    fresh, tmp_path, moved_to
):
    run(V1)
    rows = (ArticlePage.objects.count(), Comment.objects.count(), Page.objects.count())
    moved = tmp_path / "moved.xml"
    moved.write_text(V1.read_text().replace("http://lama.example.id", moved_to))
    again = run(moved)
    assert again.total("created") == 0, counts(again, "created")
    assert (ArticlePage.objects.count(), Comment.objects.count(), Page.objects.count()) == rows
    # The site's own links, in either spelling, still lead inside the site.
    assert not ArticlePage.objects.filter(body__icontains="lama.example.id").exists()


def test_a_newer_export_updates_what_changed_and_adds_what_is_new(fresh):
    run(V1)
    newer = run(V2)
    assert counts(newer, "created") == {"post": 1, "comment": 3}
    assert counts(newer, "updated") == {"post": 1, "comment": 1}
    edited = page_of("post", 9)
    assert edited.title == "Harga beras naik di enam negara ASEAN (diperbarui)"
    assert edited.live and edited.get_latest_revision().content["title"] == edited.title
    assert comment_of(16).status == CommentStatus.APPROVED
    assert comment_of(29).parent == comment_of(5)
    assert page_of("post", 21).live


@pytest.mark.parametrize("change", ["corrected", "unpublished"])
def test_a_newer_export_leaves_a_post_the_newsroom_changed_here(fresh, change):
    # Post 9 is edited in WordPress after the first export (V2); here the newsroom first
    # published a correction of it, or took it down.
    run(V1)
    post = page_of("post", 9)
    if change == "corrected":
        post.title = "Harga beras naik di enam negara ASEAN (ralat redaksi)"
        post.save_revision().publish()
    else:
        _unpublish(post)
    newer = run(V2)
    post = page_of("post", 9)
    assert post.title != "Harga beras naik di enam negara ASEAN (diperbarui)"
    if change == "corrected":
        assert post.live and post.title.endswith("(ralat redaksi)")
        assert post.get_latest_revision().content["title"] == post.title
    else:
        assert not post.live
    assert counts(newer, "updated").get("post", 0) == 0
    # Each post counted once, under one result.
    assert sum(newer.counts["post"].values()) == V2.read_text().count(
        "<wp:post_type><![CDATA[post]]></wp:post_type>"
    )
    said = [
        reason for kind, wp_id, _label, reason in newer.problems if (kind, wp_id) == ("post", "9")
    ]
    assert said == [str(_CHANGED_HERE)]
    # Its new comments still come.
    assert comment_of(29).parent == comment_of(5)
    # Deleted here, it is the export's again.
    post.delete()
    run(V2)
    assert page_of("post", 9).title == "Harga beras naik di enam negara ASEAN (diperbarui)"


def test_a_second_run_leaves_what_moderators_decided_here(fresh):
    # Comment 12 was approved in WordPress; a moderator here marked it spam after the
    # import. The same export, run again (and again), must not publish it again.
    run(V1)
    spammed = comment_of(12)
    spammed.status = CommentStatus.SPAM
    spammed.save(update_fields=["status"])
    again = run(V1)
    assert comment_of(12).status == CommentStatus.SPAM
    assert again.kept_as_moderated == 1
    assert any("left as they are: 1" in line for line in again.lines())
    run(V1)
    assert comment_of(12).status == CommentStatus.SPAM


def test_a_second_run_brings_back_no_erased_or_forgotten_personal_data(fresh):
    run(V1)
    # Rina asked for her data to be erased (her texts kept), and comment 17's address
    # reached the end of its retention period.
    rina = comment_of(3).commenter
    personal_data_erase(rina)
    Comment.objects.filter(pk=comment_of(17).pk).update(ip_address=None, ip_hash="")
    run(V1)
    for wp_id in (3, 11, 18):
        comment = comment_of(wp_id)
        assert "rina" not in comment.author_email and comment.ip_address is None
        assert comment.author_name != "Rina" and not comment.ip_hash
    assert comment_of(17).ip_address is None and not comment_of(17).ip_hash
    assert not Comment.objects.filter(author_email__icontains="rina@").exists()


@pytest.mark.parametrize("keeps_text", [True, False])
def test_comments_of_an_erased_commenter_first_imported_later_come_in_anonymised(
    fresh, tmp_path, keeps_text
):
    builders.discussion_settings(erase_keeps_text=keeps_text)
    # Comment 18 (Rina's) is not in the first export; Rina's data is erased; the full
    # export, run next, brings comment 18 for the first time.
    without = tmp_path / "without-18.xml"
    block = re.compile(r"<wp:comment>\s*<wp:comment_id>18</wp:comment_id>.*?</wp:comment>", re.S)
    without.write_text(block.sub("", V1.read_text(), count=1))
    run(without)
    rina = comment_of(3).commenter
    personal_data_erase(rina)
    run(V1)
    late = comment_of(18)
    assert late.commenter_id == rina.pk
    assert late.author_email == comment_of(3).author_email != "rina@pembaca.example.id"
    assert late.author_name == comment_of(3).author_name != "Rina"
    assert late.ip_address is None and not late.ip_hash
    if keeps_text:
        assert late.body == "Di Medan juga mirip, Bang."
        assert late.status == CommentStatus.APPROVED
    else:  # removed as the erasure removed Rina's others
        assert late.body == comment_of(3).body != "Di Medan juga mirip, Bang."
        assert late.status == CommentStatus.TRASH and late.removed_at is not None
    assert not Comment.objects.filter(author_email__icontains="rina@").exists()
    assert not Commenter.objects.filter(email__icontains="rina@").exists()


def export_part(whole, post_type):
    """The part of the export `whole` that WordPress's export screen writes for one content
    type (Media: attachments; Posts): its items of that type, and no list of categories
    and tags in the header."""
    text = whole.read_text()
    head, first, _rest = text.partition("<item>")
    head = re.sub(r"\s*<wp:(category|tag|term)>.*?</wp:\1>", "", head, flags=re.S)
    items = re.findall(r"<item>.*?</item>", text, flags=re.S)
    kept = [i for i in items if f"<wp:post_type><![CDATA[{post_type}]]>" in i]
    return head + "\n".join(kept) + "\n</channel>\n</rss>\n"


def test_an_export_in_parts_media_then_posts_keeps_images_and_categories(fresh, tmp_path):
    media, posts = tmp_path / "media.xml", tmp_path / "posts.xml"
    media.write_text(export_part(V1, "attachment"))
    posts.write_text(export_part(V1, "post"))
    run(media)
    report = run(posts)
    assert report.total("failed") == 0
    # Post 8's featured image and post 9's image (wp-image-5), both from the media run.
    for wp_id in (8, 9):
        said = [p[3] for p in report.problems if p[:2] == ("post", str(wp_id))]
        assert not [reason for reason in said if "image" in reason], said
    with_lead = page_of("post", 8)
    assert with_lead.lead_image is not None
    assert [b.block_type for b in page_of("post", 9).body].count("image") == 1
    # The posts name categories the header does not list: top ones become sections, a
    # child one ("Pemilu", under "Nasional") its own top section until the full export.
    run(V1)
    assert page_of("post", 8).get_parent().slug == "nasional"
    assert "Pemilu" in page_of("post", 8).tags.names()
    # Posts only again, after that: each post stays where the full export put it.
    run(posts)
    assert page_of("post", 8).get_parent().slug == "nasional"


def test_a_dry_run_writes_nothing_and_counts_what_a_run_would(fresh):
    before = (Page.objects.count(), Comment.objects.count(), ImportedItem.objects.count())
    dry = run(V1, dry_run=True)
    assert (Page.objects.count(), Comment.objects.count(), ImportedItem.objects.count()) == before
    real = run(V1)
    assert counts(dry, "created") == counts(real, "created")
    assert dry.dry_run and "Dry run" in dry.lines()[0]


def test_one_bad_comment_fails_alone(fresh, tmp_path):
    broken = tmp_path / "broken.xml"
    text = V1.read_text()
    # Comment 20's text emptied: it cannot be stored; everything else is.
    text = re.sub(
        r"(<wp:comment_id>20</wp:comment_id>.*?<wp:comment_content>)<!\[CDATA\[.*?\]\]>",
        r"\1<![CDATA[   ]]>",
        text,
        count=1,
        flags=re.S,
    )
    broken.write_text(text)
    report = run(broken)
    assert counts(report, "failed") == {"attachment": 1, "comment": 1}
    assert counts(report, "created")["comment"] == 21
    assert any(k == "comment" and i == "20" for k, i, _, _ in report.problems)


def test_a_cut_off_file_stores_nothing_and_the_full_file_then_imports(fresh, tmp_path):
    text = V1.read_text()
    cut = tmp_path / "cut.xml"
    cut.write_text(text[: text.index("<wp:post_id>12</wp:post_id>")])
    users, images = get_user_model().objects.count(), Image.objects.count()
    with pytest.raises(WXRError, match="not well-formed"):
        run(cut)
    # Read through before anything is stored: no author, term, image or post of it.
    assert not ImportedItem.objects.exists()
    assert (get_user_model().objects.count(), Image.objects.count()) == (users, images)
    assert not ArticlePage.objects.exists()
    whole = run(V1)
    assert counts(whole, "created")["author"] == 3
    assert counts(whole, "created")["post"] == 10


def test_spam_from_other_exporters_is_kept_out_and_teaches_only_with_learn(fresh, tmp_path):
    # WordPress's own exporter leaves spam out (README); plugins' exports keep it.
    spammy = tmp_path / "spam.xml"
    spammy.write_text(
        re.sub(
            r"(<wp:comment_id>7</wp:comment_id>.*?<wp:comment_approved>)<!\[CDATA\[0\]\]>",
            r"\1<![CDATA[spam]]>",
            V1.read_text(),
            count=1,
            flags=re.S,
        )
    )
    run(spammy)
    assert comment_of(7).status == CommentStatus.SPAM
    assert not SpamToken.objects.exists()
    run(spammy, learn=False)
    assert not SpamToken.objects.exists()


def test_learn_teaches_the_spam_filter(fresh, tmp_path):
    run(V1, learn=True)
    assert SpamToken.objects.exists()


# The command --------------------------------------------------------------------------


def test_the_command_prints_the_report_and_fails_when_items_failed(fresh, capsys):
    # One attachment's file is missing: the report is printed, and the exit status is not 0
    # (kabar's CLI turns the CommandError into exit status 1), so a script notices.
    with pytest.raises(CommandError, match=r"^1 item\(s\) failed; the rest were imported"):
        call_command("import_wordpress", str(V1), uploads=str(UPLOADS))
    out = capsys.readouterr().out
    assert "Import finished." in out
    assert re.search(r"post\s+10\s+0\s+0\s+0\s+0", out)
    assert "file missing from the uploads folder: 2025/03/peta-banjir.png" in out


def test_the_command_refuses_what_is_not_an_export(fresh, tmp_path):
    with pytest.raises(CommandError, match="No such file"):
        call_command("import_wordpress", str(tmp_path / "none.xml"))
    with pytest.raises(CommandError, match="is a folder, not a file"):
        call_command("import_wordpress", str(tmp_path))
    html = tmp_path / "page.xml"
    html.write_text("<html><body>not an export</body></html>")
    with pytest.raises(CommandError, match="root element is <html>"):
        call_command("import_wordpress", str(html))
    garbage = tmp_path / "garbage.xml"
    garbage.write_bytes(b"\x00\xff not xml")
    with pytest.raises(CommandError, match="not well-formed"):
        call_command("import_wordpress", str(garbage))
    for encoding in ("x-bogus", "utf-32"):
        declared = tmp_path / f"{encoding}.xml"
        declared.write_bytes(
            V1.read_bytes().replace(b'encoding="UTF-8"', f'encoding="{encoding}"'.encode(), 1)
        )
        with pytest.raises(CommandError, match="not well-formed XML: the encoding"):
            call_command("import_wordpress", str(declared))
    entities = tmp_path / "entities.xml"
    entities.write_text('<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aaaa">]><rss>&a;</rss>')
    with pytest.raises(CommandError, match="declares a DTD"):
        call_command("import_wordpress", str(entities))
    feed = tmp_path / "feed.xml"  # a site's RSS feed: <link> and <item>s, no wp: data
    feed.write_text(
        '<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>'
        "<link>http://blog.example.id</link><item><title>Pos</title>"
        "<link>http://blog.example.id/pos/</link></item></channel></rss>"
    )
    with pytest.raises(CommandError, match="not a WordPress export: no wp:wxr_version"):
        call_command("import_wordpress", str(feed))
    assert not ArticlePage.objects.exists()
    assert not Redirect.objects.exists()


def test_a_category_the_header_does_not_list_becomes_a_section(fresh, tmp_path):
    # A partial export ("Posts" of one category) may name categories it does not list.
    partial = tmp_path / "partial.xml"
    text = re.sub(r"\s*<wp:category>.*?</wp:category>", "", V1.read_text(), flags=re.S)
    partial.write_text(re.sub(r"\s*<wp:term>.*?</wp:term>", "", text, flags=re.S))
    report = run(partial)
    assert counts(report, "created")["post"] == 10
    assert page_of("post", 7).get_parent().slug == "nasional"


def test_a_run_with_the_uploads_after_one_without_puts_the_images_in_the_posts(fresh):
    # A newsroom first brings in the words to look them over, then the files too: the
    # posts are rebuilt with the images the second run found, though none of them changed.
    import_wordpress(str(V1))
    assert page_of("post", 8).lead_image is None
    assert not [b for b in page_of("post", 9).body if b.block_type == "image"]
    with_files = run(V1)
    assert counts(with_files, "updated")["post"] >= 2
    assert page_of("post", 8).lead_image is not None
    assert [b for b in page_of("post", 9).body if b.block_type == "image"]
    again = run(V1)
    assert again.total("created") == again.total("updated") == 0


def test_a_caption_given_in_the_media_library_reaches_the_post_s_lead_image(fresh, tmp_path):
    run(V1)
    assert page_of("post", 8).lead_image_caption == ""
    # Attachment 4 (post 8's featured image) captioned in the media library; the post
    # itself unchanged.
    text = V1.read_text()
    at = text.index("<wp:post_id>4</wp:post_id>")
    empty = "<excerpt:encoded><![CDATA[]]></excerpt:encoded>"
    cut = text.rindex(empty, 0, at)
    caption = "Gedung KPU di Jakarta Pusat, sehari sebelum penetapan hasil."
    edited = tmp_path / "edited.xml"
    edited.write_text(
        text[:cut]
        + f"<excerpt:encoded><![CDATA[{caption}]]></excerpt:encoded>"
        + text[cut + len(empty) :]
    )
    again = run(edited)
    assert counts(again, "updated") == {"attachment": 1, "post": 1}
    assert page_of("post", 8).lead_image_caption == caption


def test_a_new_install_imports_without_making_a_home_page_first(settings, tmp_path, db):
    settings.MEDIA_ROOT = str(tmp_path)
    dry = run(V1, dry_run=True)
    assert dry.total("created") > 0 and not HomePage.objects.exists()
    report = run(V1)
    assert report.counts["post"]["created"] > 0 and not report.counts["post"]["failed"]
    home = Site.objects.get(is_default_site=True).root_page.specific
    assert isinstance(home, HomePage)
    assert page_of("post", 9).get_parent().get_parent().specific == home
