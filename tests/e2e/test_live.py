"""A live article in real Chromium: an entry posted while a reader has the page open brings
up the "1 new update" button at the next poll, which shows the entry when clicked; the
breaking banner shows; no Content-Security-Policy violation and no axe-core violation."""

import re
from pathlib import Path

import pytest
from django.utils import timezone, translation
from playwright.sync_api import expect
from wagtail.models import Site

from kabar.news import live
from kabar.news.models import LiveEntry, NewsSettings
from tests import builders

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

AXE = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"


@pytest.fixture
def live_article(monkeypatch):
    # The page tells its script how often to ask (data-live-interval): every second here.
    monkeypatch.setattr(live, "POLL_SECONDS", 1)
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Nasional", slug="kabar-nasional")
    author = builders.make_author()
    article = builders.make_article(
        section, "Hari pemungutan suara", authors=[author], live_coverage=True
    )
    LiveEntry.objects.create(
        article=article,
        headline="Tempat pemungutan suara dibuka",
        body="<p>Petugas membuka kotak suara yang masih kosong di depan saksi.</p>",
        pinned=True,
        author=author,
        posted_at=timezone.now(),
    )
    return article


def watch_csp(page):
    violations = []

    def on_console(message):
        if "Content Security Policy" in message.text or "Refused to" in message.text:
            violations.append(message.text)

    page.on("console", on_console)
    return violations


def one_new_update():
    with translation.override("id"):
        return live.update_labels()[0].replace("%(n)s", "1")


def test_new_entry_brings_up_the_button_which_shows_it(live_server, new_context, live_article):
    page = new_context().new_page()
    violations = watch_csp(page)
    page.goto(live_server.url + live_article.url)
    entries = page.locator(".live-entry")
    expect(entries).to_have_count(1)
    button = page.locator(".live__new")
    expect(button).to_be_hidden()

    LiveEntry.objects.create(
        article=live_article,
        headline="Antrean panjang di kecamatan timur",
        body="<p>Pemilih datang sejak subuh; petugas menambah bilik.</p>",
        posted_at=timezone.now(),
    )
    expect(button).to_be_visible(timeout=10_000)
    expect(button).to_have_text(one_new_update())
    expect(page.locator(".live__notice")).to_have_attribute("aria-live", "polite")

    button.click()
    expect(entries).to_have_count(2)
    expect(page.locator(".live-entry").nth(1)).to_contain_text("Antrean panjang")
    expect(page.locator(".live__new")).to_be_hidden()
    assert re.search(r"#liputan-langsung$", page.url)
    assert violations == [], "\n".join(violations)


def test_live_page_with_the_banner_has_no_axe_violation(live_server, new_context, live_article):
    NewsSettings.objects.create(
        site=Site.objects.get(),
        breaking_text="Hasil hitung cepat mulai diumumkan",
        breaking_page=live_article,
    )
    # axe-core is injected into the page: the context bypasses the CSP that would refuse it.
    page = new_context(bypass_csp=True).new_page()
    page.goto(live_server.url + live_article.url)
    banner = page.locator(".breaking[role=region][aria-label]")
    expect(banner).to_contain_text("hitung cepat")
    page.add_script_tag(path=str(AXE))
    axe = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in axe["violations"]]
    assert violations == []


def test_the_pinned_label_stays_one_word_on_a_phone(live_server, new_context, live_article):
    # At 360 px the entry's meta line squeezed "DISEMATKAN" and the entry's
    # overflow-wrap: anywhere cut it ("DISEMATKA / N").
    page = new_context(viewport={"width": 360, "height": 740}).new_page()
    page.goto(live_server.url + live_article.url)
    label = page.locator(".live-entry__pin")
    expect(label).to_have_text("Disematkan")
    lines = page.evaluate(
        """(el) => {
            const range = document.createRange();
            range.selectNodeContents(el);
            return new Set([...range.getClientRects()].map((r) => Math.round(r.top))).size;
        }""",
        label.element_handle(),
    )
    assert lines == 1
