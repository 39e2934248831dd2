"""In real Chromium, as an anonymous reader on pages served from the page cache: the language
switch changes the interface id → en → id, with and without JavaScript."""

import pytest
from playwright.sync_api import expect

from tests import builders

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

INDONESIAN = {"skip": "Langsung ke isi", "reply": "Tinggalkan Balasan", "nav": "Bahasa"}
ENGLISH = {"skip": "Skip to content", "reply": "Leave a Reply", "nav": "Language"}


@pytest.fixture
def article(page_cache):
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
    article = builders.make_article(section, "Banjir di lembah", authors=[builders.make_author()])
    builders.submit(article, body="Komentar pertama yang disetujui.", approve=True)
    return article


def shows(page, words, lang):
    expect(page.locator("html")).to_have_attribute("lang", lang)
    expect(page.locator(".skip-link")).to_have_text(words["skip"])
    expect(page.locator(".language-switch")).to_have_attribute("aria-label", words["nav"])
    expect(page.locator("body")).to_contain_text(words["reply"])


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_switching_id_en_id_on_a_cached_page(live_server, new_context, article, javascript):
    url = live_server.url + article.url
    # Another reader has been here: the Indonesian page is in the page cache.
    warm = new_context().new_page()
    warm.goto(url)
    assert warm.goto(url).headers["x-kabar-cache"] == "hit"

    page = new_context(java_script_enabled=javascript).new_page()
    first = page.goto(url)
    assert first.headers["x-kabar-cache"] == "hit"
    shows(page, INDONESIAN, "id")
    # Each language by its own name, read in its own voice (lang).
    expect(page.locator(".language-switch a[lang=en]")).to_have_text("English")
    expect(page.locator(".language-switch [aria-current]")).to_have_text("Bahasa Indonesia")

    with page.expect_navigation():
        page.locator(".language-switch a[lang=en]").click()
    assert page.url == url
    shows(page, ENGLISH, "en")
    expect(page.locator(".language-switch [aria-current]")).to_have_text("English")

    # Reloaded, the English page comes from the cache too: one copy per language.
    assert page.reload().headers["x-kabar-cache"] == "hit"
    shows(page, ENGLISH, "en")

    with page.expect_navigation():
        page.locator(".language-switch a[lang=id]").click()
    assert page.url == url
    shows(page, INDONESIAN, "id")
    assert page.reload().headers["x-kabar-cache"] == "hit"
