"""An article may be written in any language, not only the interface's two: its lang
attribute, its structured data and its ninjs say which (a screen reader reads Thai as Thai,
a search engine files it as Thai). Imports and wire copy name theirs the same way."""

import json
import re

import pytest

from kabar.core.language import content_language, content_languages
from kabar.news.models import ArticlePage
from tests import builders
from tests.ingest import test_wxr_real_formats as real_formats
from tests.news.test_metadata import head_of
from tests.news.test_roles import add_url, article_form, member, signed_in
from tests.news.test_sitemaps import NS, valid

pytestmark = pytest.mark.django_db
# The WordPress importer run twice, the second run changing nothing.
importer = real_formats.importer


@pytest.mark.parametrize(
    ("code", "language"),
    [
        ("th", "th"),
        ("th-TH", "th"),
        ("hi-IN", "hi"),
        ("EN-us", "en"),
        ("zh-CN", "zh-hans"),
        ("zh_TW", "zh-hant"),
        ("jv", "jv"),
        ("jw", "jv"),
        ("su-ID", "su"),
        ("in", "id"),
        ("tl", "fil"),
        ("zh", "zh-hans"),
        ("zh-Hans-CN", "zh-hans"),
        ("sr-Latn-RS", "sr-latn"),
        ("tlh", None),
        ("", None),
        (None, None),
    ],
)
def test_a_language_code_as_other_systems_write_it_names_an_article_language(code, language):
    assert content_language(code) == language


def test_the_article_languages_hold_the_interfaces_and_indonesias(settings):
    codes = {code for code, _name in content_languages()}
    assert {code for code, _name in settings.LANGUAGES} <= codes
    assert {"jv", "su", "ban", "min", "th", "hi", "ar", "zh-hans"} <= codes


def test_an_editor_publishes_an_article_in_thai_and_readers_and_machines_are_told(
    client, section, django_capture_on_commit_callbacks
):
    editor = signed_in(member("Editor"))
    form = article_form("ข่าวไทย วันนี้", "khao-thai", language="th")

    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(add_url(section), {**form, "action-publish": "1"})

    assert response.status_code == 302, response.context["form"].errors
    article = ArticlePage.objects.get(slug="khao-thai")
    assert article.language == "th"
    html = client.get(article.url).content.decode()
    assert '<article class="article" lang="th">' in html
    assert re.search(r'<html lang="id"', html)  # the interface stays the newsroom's
    data = [
        json.loads(block)
        for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    ]
    assert any(item.get("inLanguage") == "th" for item in data)
    assert client.get(f"/ninjs/articles/{article.pk}.json").json()["language"] == "th"


def test_a_language_kabar_has_no_name_for_is_refused(section):
    editor = signed_in(member("Editor"))
    form = article_form("Berita", "berita-tlh", language="tlh")

    response = editor.post(add_url(section), {**form, "action-publish": "1"})

    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not ArticlePage.objects.filter(slug="berita-tlh").exists()


@pytest.mark.parametrize(("channel", "language"), [("th", "th"), ("jv-ID", "jv"), ("xx", "id")])
def test_a_wordpress_site_s_language_is_its_articles(importer, channel, language):
    export = real_formats.wxr(
        real_formats.AUTHOR + real_formats.item(21, "Pos", "<p>Isi.</p>")
    ).replace("<language>id-ID</language>", f"<language>{channel}</language>")
    importer(export)
    assert real_formats.page_of("post", 21).language == language


@pytest.mark.parametrize(
    ("language", "news", "locale"),
    [
        ("th", "th", "th"),
        ("zh-hans", "zh-cn", "zh_CN"),
        ("zh-hant", "zh-tw", "zh_TW"),
        ("pt-br", "pt", "pt_BR"),
    ],
)
def test_machines_get_a_language_code_in_the_form_each_reads(
    client, section, language, news, locale
):
    # Google News' sitemap wants ISO 639 (zh-cn, zh-tw for Chinese), og:locale ll_CC.
    article = builders.make_article(section, "Berita", language=language)
    root = valid(client, "/sitemap-news.xml", "news_sitemap")
    assert root.find("sm:url/news:news/news:publication/news:language", NS).text == news
    assert head_of(article.url).one("og:locale") == locale
