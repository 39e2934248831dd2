"""Slugs in every script (kabar/core/slugs.py): the vowel signs and viramas of Devanagari,
Thai, Tamil and Bengali are kept where Django's and Wagtail's slugify dropped them, and the
admin takes the slugs that keep them (pages, their copies, authors)."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.text import slugify as django_slugify
from taggit.models import Tag
from wagtail.models import Page

from kabar.core.slugs import slugify, validate_slug
from kabar.news.models import ArticlePage, Author
from tests import builders
from tests.news.test_roles import article_form

pytestmark = pytest.mark.django_db

WORDS = [
    ("हिन्दी समाचार", "हिन्दी-समाचार"),  # Devanagari: matras and virama
    ("ข่าวไทย วันนี้", "ข่าวไทย-วันนี้"),  # Thai: tone marks and vowels above
    ("தமிழ் செய்திகள்", "தமிழ்-செய்திகள்"),  # Tamil: pulli and vowel signs
    ("বাংলা খবর", "বাংলা-খবর"),  # Bengali
    ("Berita Café Hari Ini", "berita-café-hari-ini"),
    ("  --Kabar  Dunia__ ", "kabar-dunia"),
    ("ｆｕｌｌ　ｗｉｄｔｈ", "full-width"),  # NFKC, as Django's
    ("kata\u200dkata", "katakata"),  # a zero-width joiner is no letter
    ("?!", ""),
    ("İstanbul Haberleri", "istanbul-haberleri"),  # no combining dot left from "İ"
]


@pytest.mark.parametrize(("text", "slug"), WORDS)
def test_slugify_keeps_every_scripts_marks(text, slug):
    assert slugify(text) == slug
    if slug:
        validate_slug(slug)


def test_django_drops_the_marks_that_slugify_keeps():
    # What this module is for: Django's own gives other words.
    assert django_slugify("हिन्दी समाचार", allow_unicode=True) == "हनद-समचर"
    assert slugify("हिन्दी समाचार") != django_slugify("हिन्दी समाचार", allow_unicode=True)


@pytest.mark.parametrize("text", ["Kabar Dunia", "a_b--c", "  x  ", "Ekonomi & Bisnis 2026"])
def test_slugify_is_djangos_for_ascii(text):
    assert slugify(text) == django_slugify(text)


@pytest.mark.parametrize("bad", ["", "dua kata", "a/b", "tanya?", "a\x00b", "a.b"])
def test_validate_slug_refuses_what_no_slug_holds(bad):
    with pytest.raises(ValidationError):
        validate_slug(bad)


def test_a_page_slug_with_marks_passes_the_models_checks(section):
    article = ArticlePage(title="Berita", slug="हिन्दी-समाचार", standfirst="Ringkas.")
    section.add_child(instance=article)
    article.full_clean()
    bad = ArticlePage(title="Berita", slug="dua kata", standfirst="Ringkas.")
    with pytest.raises(ValidationError) as refused:
        bad.full_clean(exclude=["path", "depth", "url_path"])
    assert "slug" in refused.value.message_dict


@pytest.mark.parametrize(("title", "slug"), WORDS[:4])
def test_the_admin_publishes_an_article_under_a_slug_that_keeps_its_marks(
    newsroom, client, section, django_capture_on_commit_callbacks, title, slug
):
    with django_capture_on_commit_callbacks(execute=True):
        response = newsroom.post(
            f"/admin/pages/add/news/articlepage/{section.pk}/",
            {**article_form(title, slug), "action-publish": "1"},
        )

    assert response.status_code == 302, response.context["form"].errors
    article = ArticlePage.objects.get(title=title)
    assert article.slug == slug
    assert article.live
    shown = client.get(article.url)
    assert shown.status_code == 200
    assert title in shown.content.decode()


def test_the_admin_still_refuses_a_slug_with_a_space(newsroom, section):

    response = newsroom.post(
        f"/admin/pages/add/news/articlepage/{section.pk}/",
        {**article_form("Berita", "dua kata"), "action-publish": "1"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["slug"]
    assert not ArticlePage.objects.filter(title="Berita").exists()


def test_copying_a_page_keeps_the_slug_it_offers(root, section):
    article = builders.make_article(section, "ข่าวไทย", slug="ข่าวไทย")
    other = builders.make_section(section.get_parent(), "Rubrik Lain")

    response = root.post(
        f"/admin/pages/{article.pk}/copy/",
        {"new_title": "ข่าวไทย", "new_slug": "ข่าวไทย", "new_parent_page": other.pk},
    )

    assert response.status_code == 302, response.context["form"].errors
    copy = Page.objects.child_of(other).get()
    assert copy.slug == "ข่าวไทย"


def test_copying_still_refuses_a_slug_with_a_space(root, section):
    article = builders.make_article(section, "Berita")
    pages = Page.objects.count()

    response = root.post(
        f"/admin/pages/{article.pk}/copy/",
        {"new_title": "Salinan", "new_slug": "dua kata", "new_parent_page": section.pk},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_slug"]
    assert Page.objects.count() == pages


def test_an_author_named_in_devanagari_gets_a_slug_that_keeps_the_name(root, client, home):
    response = root.post(
        "/admin/snippets/news/author/add/", {"name": "अनीता शर्मा", "slug": "", "job_title": ""}
    )

    assert response.status_code == 302
    author = Author.objects.get(name="अनीता शर्मा")
    assert author.slug == "अनीता-शर्मा"
    assert client.get(author.get_absolute_url()).status_code == 200

    typed = root.post(
        "/admin/snippets/news/author/add/", {"name": "สมชาย", "slug": "สมชาย", "job_title": ""}
    )
    assert typed.status_code == 302
    assert Author.objects.get(name="สมชาย").slug == "สมชาย"


def test_tags_in_scripts_with_vowel_signs_keep_their_words(section, client):
    article = builders.make_article(section, "Pasar desa ramai")
    article.tags.add("हिन्दी समाचार", "ข่าว", "ขาว")  # "news" and "white": two words in Thai
    article.save_revision().publish()

    slugs = dict(Tag.objects.values_list("name", "slug"))
    assert slugs == {"हिन्दी समाचार": "हिन्दी-समाचार", "ข่าว": "ข่าว", "ขาว": "ขาว"}
    page = client.get(reverse("news:tag", kwargs={"slug": "हिन्दी-समाचार"}))
    assert page.status_code == 200
    assert "Pasar desa ramai" in page.content.decode()
