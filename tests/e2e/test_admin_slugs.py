"""The admin's slug input in real headless Chromium: a title in a script that writes vowels
as marks (Devanagari, Thai) gives a slug that keeps them, as kabar/core/slugs.py does on the
server; Wagtail's own input dropped them ("हिन्दी" → "हनद")."""

import pytest

from kabar.core.slugs import slugify
from kabar.news.models import ArticlePage
from tests import builders

PASSWORD = "sandi-uji-slug-456"


@pytest.fixture
def editor_section(transactional_db, django_user_model):
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Dunia", slug="kabar-dunia")
    django_user_model.objects.create_superuser("editor", "editor@example.org", PASSWORD)
    return section


@pytest.mark.parametrize("title", ["हिन्दी समाचार आज", "ข่าวไทย วันนี้", "İstanbul'da Kabar Hari Ini"])
def test_a_title_with_vowel_signs_gives_a_slug_that_keeps_them(
    live_server, new_context, editor_section, title
):
    page = new_context().new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "editor")
    page.fill("#id_password", PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url("**/admin/")

    page.goto(f"{live_server.url}/admin/pages/add/news/articlepage/{editor_section.pk}/")
    page.locator("#id_title").fill(title)
    page.locator("#id_title").blur()

    expected = slugify(title)
    # Wagtail's sync from the title runs a moment after the title is left.
    page.wait_for_function("() => document.querySelector('#id_slug').value !== ''")
    assert page.locator("#id_slug").input_value() == expected
    # Typed into the slug field itself: spaces made hyphens as the editor leaves it.
    page.evaluate(
        """(value) => {
            const slug = document.querySelector('#id_slug');
            slug.value = value;
            slug.dispatchEvent(new Event('blur'));
        }""",
        title,
    )
    assert page.locator("#id_slug").input_value() == expected
    assert errors == []

    # Saved as a draft under that slug.
    page.locator("#id_standfirst").fill("Ringkasan uji.")
    page.locator("button[name=action-save-draft], button:has-text('Simpan draf')").first.click()
    page.wait_for_url("**/edit/**")
    assert ArticlePage.objects.get(title=title).slug == expected
