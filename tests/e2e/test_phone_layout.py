"""What a phone shows when things go wrong or stay hidden, in real headless Chromium: a
listing whose images fail to load stays as wide as the screen, an author's photo keeps its
size, and "Cancel reply" shows only while a reply is begun."""

import pytest
from playwright.sync_api import expect

from tests import builders
from tests.e2e.test_modern_images import make_image

SMALL_PHONE = {"width": 320, "height": 568}


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


@pytest.fixture
def illustrated_section(transactional_db):
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    author = builders.make_author()
    author.photo = make_image("Potret", (120, 60, 60))
    author.save()
    articles = [
        builders.make_article(
            section,
            f"Berita bergambar {n}",
            authors=[author],
            lead_image=make_image(f"Foto{n}", (30 * n, 90, 160)),
        )
        for n in range(1, 5)
    ]
    return home, section, author, articles


def without_images(page):
    """Every image request fails, as on a flaky connection or a server not serving /media/."""
    page.route(
        "**/*",
        lambda route: (
            route.abort() if route.request.resource_type == "image" else route.continue_()
        ),
    )


@pytest.mark.parametrize("where", ["home", "section", "author"])
def test_images_that_fail_to_load_do_not_widen_a_listing(
    live_server, new_context, illustrated_section, where
):
    home, section, author, _articles = illustrated_section
    url = {"home": home.url, "section": section.url, "author": f"/penulis/{author.slug}/"}[where]
    page = new_context(viewport=SMALL_PHONE).new_page()
    without_images(page)
    page.goto(live_server.url + url)
    expect(page.locator(".card").first).to_be_visible()
    assert page_width(page) <= SMALL_PHONE["width"]


def test_the_author_photo_keeps_its_size_beside_the_name(
    live_server, new_context, illustrated_section
):
    _home, _section, author, _articles = illustrated_section
    page = new_context(viewport=SMALL_PHONE).new_page()
    page.goto(f"{live_server.url}/penulis/{author.slug}/")
    photo = page.locator(".author-photo")
    expect(photo).to_be_visible()
    assert photo.bounding_box()["width"] == 96


@pytest.mark.parametrize("javascript", [True, False])
def test_cancel_reply_shows_only_while_replying(
    live_server, new_context, illustrated_section, javascript
):
    article = illustrated_section[3][0]
    comment = builders.submit(article, body="Komentar pertama yang bisa dibalas.", approve=True)
    page = new_context(viewport=SMALL_PHONE, java_script_enabled=javascript).new_page()
    page.goto(live_server.url + article.url)
    expect(page.locator("#cancel-comment-reply-link")).to_be_hidden()
    if javascript:
        page.locator(f"#comment-{comment.pk} .comment-reply-link").click()
    else:
        page.goto(f"{live_server.url}{article.url}?replytocom={comment.pk}")
    expect(page.locator("#cancel-comment-reply-link")).to_be_visible()
