"""A WordPress site imported with its hostile content (tests/data/wordpress: a post with
<script>, onerror and javascript: in its body; comments with script tags and javascript:
links), then read in real headless Chromium: nothing runs, the words are there."""

from pathlib import Path

import pytest
from playwright.sync_api import expect
from wagtail.models import Page

from kabar.discussion.models import Comment
from kabar.ingest.models import ImportedItem
from kabar.ingest.wordpress.importer import import_wordpress
from tests import builders

DATA = Path(__file__).resolve().parents[1] / "data" / "wordpress"
PHONE = {"width": 390, "height": 844}

LIVE = """() => {
  const found = [];
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      const name = attr.name.toLowerCase();
      const value = attr.value.toLowerCase().replace(/\\s+/g, "");
      if (name.startsWith("on")) found.push(`${el.tagName}[${name}]`);
      if (["href", "src", "action", "formaction"].includes(name) && value.startsWith("javascript:"))
        found.push(`${el.tagName}[${name}=${attr.value}]`);
    }
    if (el.tagName === "SCRIPT" && el.textContent.includes("alert")) found.push("script");
  }
  return found;
}"""


@pytest.fixture
def imported(transactional_db, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)
    builders.make_home()
    import_wordpress(str(DATA / "site-v1.xml"), uploads=str(DATA / "uploads"))

    def page(kind, wp_id):
        record = ImportedItem.objects.get(kind=kind, wp_id=str(wp_id))
        return Page.objects.get(pk=record.object_id).specific

    return page


def test_hostile_imported_posts_and_comments_run_nothing(live_server, new_context, imported):
    dialogs = []
    context = new_context(viewport=PHONE)
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    with_comments = imported("post", 8)
    hostile_comment = Comment.objects.get(
        pk=ImportedItem.objects.get(kind="comment", wp_id="13").object_id
    )
    page.goto(live_server.url + with_comments.url)
    expect(page.locator(f"#comment-{hostile_comment.pk} .comment__text")).to_contain_text("klik")
    assert page.evaluate(LIVE) == []

    hostile_post = imported("post", 11)
    page.goto(live_server.url + hostile_post.url)
    expect(page.locator(".article__body")).to_contain_text("𠮷")
    assert page.evaluate(LIVE) == []
    page.goto(live_server.url + "/?p=11")  # the old address, redirected
    assert page.url == live_server.url + hostile_post.url
    assert dialogs == []
