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


def test_a_wide_table_scrolls_in_its_own_box_not_the_page(
    live_server, new_context, transactional_db
):
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    columns = [f"Kecamatan {n}" for n in range(12)]
    table = {
        "data": [columns, [f"{n * 1000:,}".replace(",", ".") for n in range(12)]],
        "first_row_is_table_header": True,
        "first_col_is_header": False,
        "table_header_choice": "row",
        "table_caption": "Suara sah per kecamatan",
    }
    article = builders.make_article(section, body=[("table", table)])
    page = new_context(viewport=PHONE).new_page()
    page.goto(live_server.url + article.url)
    box = page.get_by_role("region", name="Suara sah per kecamatan")
    expect(box.locator("th").first).to_have_text("Kecamatan 0")
    assert page_width(page) <= PHONE["width"]
    # The table is wider than the phone: its box scrolls, from the keyboard too.
    assert box.evaluate("el => el.scrollWidth > el.clientWidth")
    box.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function(
        "() => document.querySelector('.data-table').scrollLeft > 0", timeout=5000
    )
