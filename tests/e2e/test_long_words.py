"""A name or a comment with no space in it wraps on a phone instead of making the page
scroll sideways: in real headless Chromium at a phone's width."""

import pytest
from playwright.sync_api import expect

from kabar.discussion.models import NAME_MAX_LENGTH
from tests import builders

PHONE = {"width": 390, "height": 844}
LONG_NAME = "N" * (NAME_MAX_LENGTH - 1)
LONG_BODY = "K" * 300
LONG_URL = "https://contoh.example/" + "p" * 170


@pytest.fixture
def long_comments(transactional_db):
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    article = builders.make_article(section, authors=[builders.make_author()])
    plain = builders.submit(article, body=LONG_BODY, name=LONG_NAME, approve=True)
    linked = builders.submit(
        article, body=LONG_BODY + "L", name=LONG_NAME + "L", url=LONG_URL, approve=True
    )
    return article, plain, linked


def page_width(page):
    return page.evaluate("document.documentElement.scrollWidth")


def test_an_unbroken_name_and_comment_do_not_widen_the_article(
    live_server, new_context, long_comments
):
    article, plain, linked = long_comments
    page = new_context(viewport=PHONE).new_page()
    page.goto(live_server.url + article.url)
    expect(page.locator(f"#comment-{plain.pk} .comment__author")).to_have_text(LONG_NAME)
    expect(page.locator(f"#comment-{linked.pk} .comment__author a")).to_have_text(LONG_NAME + "L")
    assert page_width(page) <= PHONE["width"]

    # Replying moves the form under the comment, titled with the name.
    page.locator(f"#comment-{plain.pk} .comment-reply-link").click()
    expect(page.locator("#reply-title")).to_contain_text(LONG_NAME)
    assert page_width(page) <= PHONE["width"]


def test_the_reply_form_without_javascript_does_not_widen_the_page(
    live_server, new_context, long_comments
):
    article, plain, _linked = long_comments
    page = new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(f"{live_server.url}{article.url}?replytocom={plain.pk}")
    expect(page.locator("#reply-title")).to_contain_text(LONG_NAME)
    assert page_width(page) <= PHONE["width"]


def test_the_report_page_does_not_widen_with_an_unbroken_name(
    live_server, new_context, long_comments
):
    _article, plain, _linked = long_comments
    page = new_context(viewport=PHONE).new_page()
    page.goto(f"{live_server.url}/comments/{plain.pk}/report/")
    expect(page.locator(".comment-report__quote .comment__author")).to_have_text(LONG_NAME)
    assert page_width(page) <= PHONE["width"]
