"""In real Chromium: the Content-Security-Policy breaks nothing (public site and Wagtail
admin report no violation), and with the page cache on, a commenter sees their held
comment while other readers get the shared copy, which an approval purges."""

import pytest
from playwright.sync_api import expect

from kabar.discussion.models import Comment
from kabar.discussion.services import comments_set_status
from tests import builders

# Committed data for the live server's thread; the serialized rollback brings back Wagtail's
# root page, which an earlier transactional test's flush removed.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def site(django_user_model):
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    author = builders.make_author()
    article = builders.make_article(section, "Banjir di lembah", authors=[author])
    builders.submit(article, body="Komentar pertama yang disetujui.", approve=True)
    django_user_model.objects.create_superuser("editor", "editor@example.org", "rahasia-e2e-456")
    return {"home": home, "section": section, "article": article}


def watch_csp(page):
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    return violations


def test_public_pages_and_the_admin_run_without_csp_violations(live_server, new_context, site):
    page = new_context().new_page()
    violations = watch_csp(page)
    for path in ("/", site["section"].url, site["article"].url):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    # The page's own script works under the policy (it fills the reply form in).
    page.locator(".comment-reply-link").first.click()
    expect(page.locator("#cancel-comment-reply-link")).to_be_visible()

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", "rahasia-e2e-456")
    page.click("button[type=submit]")
    expect(page.locator("body")).to_contain_text("Kabar")
    for path in (
        "/admin/",
        f"/admin/pages/{site['article'].pk}/edit/",
        f"/admin/pages/{site['section'].pk}/",
        "/admin/images/",
    ):
        page.goto(live_server.url + path)
        page.wait_for_load_state("networkidle")
    # A signed-in editor on the public site gets Wagtail's user bar under the public policy.
    page.goto(live_server.url + site["article"].url)
    page.wait_for_load_state("networkidle")
    expect(page.locator("wagtail-userbar, [data-wagtail-userbar]").first).to_be_attached()
    assert violations == [], "\n".join(violations)


def test_held_comment_is_its_authors_alone_and_approval_purges(
    live_server, new_context, site, page_cache
):
    url = live_server.url + site["article"].url
    stranger = new_context().new_page()
    first = stranger.goto(url)
    assert first.headers["x-kabar-cache"] == "miss"
    assert stranger.goto(url).headers["x-kabar-cache"] == "hit"

    reader = new_context().new_page()
    reader.goto(url)
    reader.fill("#id_body", "Pertanyaan saya tentang pengungsi di hilir sungai.")
    reader.fill("#id_author_name", "Laras")
    reader.fill("#id_author_email", "laras@example.net")
    reader.wait_for_timeout(3200)  # a human takes longer than the form's minimum
    reader.click("#submit")
    comment = Comment.objects.get(author_email="laras@example.net")
    expect(reader.locator(f"#comment-{comment.pk}")).to_contain_text("Pertanyaan saya")

    again = stranger.goto(url)
    assert again.headers["x-kabar-cache"] == "hit"
    expect(stranger.locator(f"#comment-{comment.pk}")).to_have_count(0)
    assert "laras@example.net" not in stranger.content()

    comments_set_status([comment.pk], "approved")
    after = stranger.goto(url)
    assert after.headers["x-kabar-cache"] == "miss"
    expect(stranger.locator(f"#comment-{comment.pk}")).to_contain_text("Pertanyaan saya")
