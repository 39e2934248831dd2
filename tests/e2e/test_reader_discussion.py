"""A reader comments on a demo article, an editor approves it, another reader replies:
all in real headless Chromium against a live Kabar server."""

import re

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.targets import DiscussionState
from kabar.news.models import ArticlePage

EMAIL = "pembaca.e2e@example.net"
TEXT = "Liputan yang sangat membantu; saya ingin tahu kelanjutannya di Pasifik. 🌊"
REPLY = "Saya juga menunggu laporan lanjutan dari Suva."


@pytest.fixture
def demo_article(transactional_db):
    call_command("load_demo", verbosity=0)
    return (
        ArticlePage.objects.live()
        .filter(section__slug="kabar-internasional", discussion=DiscussionState.OPEN)
        .order_by("-published_at")
        .first()
    )


@pytest.fixture
def editor(transactional_db, django_user_model):
    django_user_model.objects.create_superuser("editor", "editor@example.org", "rahasia-e2e-123")
    return ("editor", "rahasia-e2e-123")


def test_reader_comment_moderation_and_reply(live_server, new_context, demo_article, editor):
    url = live_server.url + demo_article.url
    reader = new_context().new_page()
    reader.goto(url)
    expect(reader.locator("article h1")).to_have_text(demo_article.title)
    expect(reader.locator(".article__header .kicker")).to_contain_text("Kabar Internasional")

    # The form: heading, privacy notice, required marks on real labels.
    form = reader.locator("#commentform")
    expect(reader.locator("#reply-title")).to_contain_text("Tinggalkan Balasan")
    expect(form).to_contain_text("Alamat email Anda tidak akan dipublikasikan.")
    expect(form).to_contain_text("Ruas yang wajib ditandai *")
    for field_id in ("id_body", "id_author_name", "id_author_email"):
        label = reader.locator(f'label[for="{field_id}"]')
        expect(label.locator(".required")).to_have_text("*")
        expect(reader.locator(f"#{field_id}")).to_have_attribute("required", "")
    expect(reader.locator('label[for="id_author_url"] .required')).to_have_count(0)

    # No email: the server says why, and the text is still there.
    reader.fill("#id_body", TEXT)
    reader.fill("#id_author_name", "Laras")
    reader.click("#submit")
    expect(reader.locator(".comment-form-author_email .field-error")).to_contain_text(
        "Masukkan alamat email Anda"
    )
    expect(reader.locator("#id_body")).to_have_value(TEXT)
    expect(reader.locator("#id_author_name")).to_have_value("Laras")
    # The page opens at the form, the field to put right focused, its message and the
    # email note read out with it: every id it names is on the page.
    assert reader.url.endswith("#respond")
    email = reader.locator("#id_author_email")
    expect(email).to_be_focused()
    described = email.get_attribute("aria-describedby").split()
    assert set(described) == {"email-notes", "id_author_email_error"}
    for element_id in described:
        expect(reader.locator(f"#{element_id}")).to_have_count(1)
    expect(reader.locator("#id_author_email_error")).to_contain_text("Masukkan alamat email")

    # Properly sent: held for moderation, shown to its author only.
    reader.fill("#id_author_email", EMAIL)
    reader.click("#submit")
    comment = Comment.objects.get(author_email=EMAIL)
    mine = reader.locator(f"#comment-{comment.pk}")
    expect(mine).to_contain_text("Komentar Anda sedang menunggu moderasi.")
    expect(mine).to_contain_text(TEXT)
    assert reader.url.endswith(f"#comment-{comment.pk}")

    stranger = new_context().new_page()
    stranger.goto(url)
    expect(stranger.locator("#comments")).not_to_contain_text(TEXT)
    expect(stranger.locator(f"#comment-{comment.pk}")).to_have_count(0)

    # An editor approves it from the moderation desk.
    admin = new_context().new_page()
    admin.goto(live_server.url + "/admin/login/")
    admin.fill("#id_username", editor[0])
    admin.fill("#id_password", editor[1])
    admin.locator("form button[type=submit]").click()
    admin.wait_for_url(re.compile(r"/admin/$"))
    # Two waiting: the demo's own held comment and this one.
    admin.get_by_role("link", name=re.compile(r"Komentar \(2\)")).first.click()
    row = admin.locator("tr", has_text="Laras")
    expect(row).to_contain_text(EMAIL)
    row.get_by_role("button", name="Setujui", exact=True).click()
    # Told on the page: in the desk's undo box (its script posted the form) or, after a
    # plain form post, in Wagtail's message; the screen-reader region repeats the first.
    expect(admin.get_by_text("Komentar dari Laras disetujui.").last).to_be_visible()
    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED

    # Published for everyone.
    stranger.reload()
    published = stranger.locator(f"#comment-{comment.pk}")
    expect(published).to_contain_text(TEXT)
    expect(published).not_to_contain_text("menunggu moderasi")

    # Another reader replies; with JavaScript the form moves under the comment.
    published.get_by_role("link", name=re.compile("Balas ke Laras")).click()
    expect(published.locator("#respond")).to_be_visible()
    expect(stranger.locator("#reply-title")).to_contain_text("Balas ke Laras")
    # Cancelled, the form goes back and the keyboard is where the reader was.
    stranger.locator("#cancel-comment-reply-link").click()
    expect(published.locator("#respond")).to_have_count(0)
    reply_link = published.get_by_role("link", name=re.compile("Balas ke Laras"))
    expect(reply_link).to_be_focused()
    reply_link.click()
    expect(published.locator("#respond")).to_be_visible()
    stranger.fill("#id_body", REPLY)
    stranger.fill("#id_author_name", "Yosef")
    stranger.fill("#id_author_email", "yosef.e2e@example.net")
    stranger.click("#submit")
    reply = Comment.objects.get(author_email="yosef.e2e@example.net")
    assert reply.parent_id == comment.pk
    nested = stranger.locator(f"#comment-{comment.pk} > ol.children > #comment-{reply.pk}")
    expect(nested).to_contain_text(REPLY)
    expect(nested).to_contain_text("Komentar Anda sedang menunggu moderasi.")

    # The email is nowhere in what readers receive.
    for page in (reader, stranger):
        page.reload()
        source = page.content()
        assert EMAIL not in source
        assert "yosef.e2e@example.net" not in source
        assert TEXT in source
    raw = stranger.request.get(url).text()
    assert EMAIL not in raw and TEXT in raw
