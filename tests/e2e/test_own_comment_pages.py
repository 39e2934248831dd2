"""A reader's own pages in a real browser: editing and deleting their comment, and asking
for their data. Each page's button posts to this site, and the browser must name this
site as the POST's origin (under "Referrer-Policy: no-referrer" Chromium sends
"Origin: null", which the form check refuses)."""

import re

from django.urls import reverse
from playwright.sync_api import expect

from kabar.discussion.models import Comment
from tests import builders

EMAIL = "wulan.e2e@example.net"


def test_a_reader_edits_and_deletes_their_comment_and_asks_for_their_data(
    live_server, new_context, transactional_db
):
    article = builders.make_article(builders.make_section(builders.make_home()))
    reader = new_context().new_page()
    reader.goto(live_server.url + article.url)
    reader.fill("#id_body", "Jembatan itu perlu diperiksa sebelum musim hujan.")
    reader.fill("#id_author_name", "Wulan")
    reader.fill("#id_author_email", EMAIL)
    reader.click("#submit")
    comment = Comment.objects.get(author_email=EMAIL)
    mine = reader.locator(f"#comment-{comment.pk}")

    mine.get_by_role("link", name="Sunting", exact=True).click()
    expect(reader.locator("h1")).to_have_text("Sunting komentar Anda")
    reader.locator("textarea").fill("Jembatan itu perlu diperiksa, kata warga.")
    reader.get_by_role("button", name="Simpan perubahan").click()
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("kata warga")
    comment.refresh_from_db()
    assert comment.body == "Jembatan itu perlu diperiksa, kata warga."

    reader.locator(f"#comment-{comment.pk}").get_by_role("link", name="Hapus").click()
    reader.get_by_role("button", name="Hapus komentar").click()
    reader.wait_for_url(re.compile(re.escape(article.url)))
    comment.refresh_from_db()
    assert comment.removed_at is not None

    reader.goto(live_server.url + reverse("discussion:privacy"))
    reader.locator("#id_email").fill(EMAIL)
    reader.get_by_role("button", name="Kirimkan tautannya").click()
    expect(reader.locator("h1")).to_have_text("Periksa kotak masuk Anda")
