"""Articles as ninjs 3.1: one document per live public article, and the feed of them."""

import json
import re
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.test import Client
from django.utils import timezone
from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import PageViewRestriction

from kabar.core.page_cache import HEADER
from kabar.news.feeds import FEED_SIZE
from tests import builders

pytestmark = pytest.mark.django_db

SCHEMA = json.loads(
    (Path(__file__).parents[1] / "data" / "ninjs" / "ninjs-3-kabar.schema.json").read_text()
)
BASE = "http://localhost"  # the test Site's address, whatever the request's host
EMAIL = "pembaca.rahasia@example.org"
IP = "203.0.113.9"  # what tests.builders.submit records

# jsonschema checks "date-time" and "uri" only with optional packages installed; these
# checkers make the test check them either way.
formats = FormatChecker()
RFC3339 = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$")


@formats.checks("date-time", raises=ValueError)
def _date_time(value):
    if not isinstance(value, str):
        return True
    if not RFC3339.match(value):
        return False
    datetime.fromisoformat(value.replace("Z", "+00:00"))
    return True


@formats.checks("uri")
def _uri(value):
    if not isinstance(value, str):
        return True
    parts = urlsplit(value)
    return bool(parts.scheme and parts.netloc) and not re.search(r"\s", value)


def validator(ref="#"):
    registry = Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA))
    return Draft202012Validator(
        {"$ref": SCHEMA["$id"] + ref}, registry=registry, format_checker=formats
    )


def assert_valid(data, ref="#"):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator(ref).iter_errors(data)]
    assert errors == []


def url_of(article):
    return f"/ninjs/articles/{article.pk}.json"


def get_json(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    assert response["Content-Type"] == "application/json"
    return response.json()


@pytest.fixture
def image(db):
    return get_image_model().objects.create(title="Banjir", file=get_test_image_file())


@pytest.fixture
def full(section, author, image):
    """An article with everything ninjs carries: a two-author byline, a dateline, a wire
    credit, a captioned and credited lead image, tags and a body of several blocks."""
    second = builders.make_author("Agus Salim")
    body = [
        (
            "paragraph",
            "<p>Hujan deras <b>tiga hari</b> membuat sungai meluap.</p><ul><li>Satu</li></ul>",
        ),
        ("quote", {"quote": "Air datang tengah malam.", "attribution": "Warga"}),
        ("image", {"image": image, "caption": "Jalan terendam", "credit": "Kabar"}),
        ("paragraph", "<p>Pengungsi &amp; relawan bertahan di balai desa.</p>"),
    ]
    article = builders.make_article(
        section,
        "Banjir merendam tiga desa",
        authors=[author, second],
        standfirst="Ribuan warga mengungsi.",
        dateline="SEMARANG",
        source_credit="Antara",
        lead_image=image,
        lead_image_caption="Tepi sungai yang meluap",
        lead_image_credit="Foto: Antara",
        body=body,
    )
    article.tags.add("banjir", "cuaca ekstrem")
    article.save_revision().publish()
    article.refresh_from_db()
    return article


# The schema itself


def test_schema_is_a_valid_draft_2020_12_schema():
    Draft202012Validator.check_schema(SCHEMA)


def test_schema_rejects_what_ninjs_3_forbids(client, article):
    doc = get_json(client, url_of(article))
    for broken in (
        {k: v for k, v in doc.items() if k != "uri"},
        {**doc, "firstCreated": "2 Desember 2026"},
        {**doc, "uri": "artikel 12"},
        {
            **{k: v for k, v in doc.items() if k != "firstCreated"},
            "firstcreated": doc["firstCreated"],
        },
        {**doc, "pubStatus": "published"},
    ):
        assert list(validator().iter_errors(broken))


# One article


def test_article_document_is_valid_ninjs(client, full):
    assert_valid(get_json(client, url_of(full)))


def test_article_document_maps_each_field(client, full, author, image):
    doc = get_json(client, url_of(full))
    assert doc["uri"] == f"{BASE}/ninjs/articles/{full.pk}.json"
    assert doc["standard"] == {
        "name": "ninjs",
        "version": "3.1",
        "schema": "https://www.iptc.org/std/ninjs/ninjs-schema_3.1.json",
    }
    assert (doc["type"], doc["representationType"], doc["pubStatus"]) == ("text", "full", "usable")
    assert doc["profile"] == "text-photo"
    assert doc["version"] == "2"  # published twice (the tags came with the second)
    assert doc["firstCreated"] == full.first_published_at.isoformat(timespec="seconds")
    assert doc["versionCreated"] == full.last_published_at.isoformat(timespec="seconds")
    assert doc["language"] == "id"
    assert doc["slugline"] == full.slug
    assert doc["altIds"] == [{"role": "pageId", "value": str(full.pk)}]
    assert doc["headlines"] == [
        {"role": "main", "contentType": "text/plain", "value": "Banjir merendam tiga desa"}
    ]
    assert doc["descriptions"][0]["value"] == "Ribuan warga mengungsi."
    assert doc["by"] == f"{author.name}, Agus Salim"
    assert [(p["name"], p["rel"]) for p in doc["people"]] == [
        (author.name, "author"),
        ("Agus Salim", "author"),
    ]
    assert doc["people"][0]["uri"] == f"{BASE}/penulis/{author.slug}/"
    assert doc["located"] == "SEMARANG"
    assert doc["copyrightHolder"] == "Antara"
    assert {"name": "Antara", "role": "source"} in doc["infoSources"]
    assert {"name": "Kabar", "role": "publisher"} in doc["infoSources"]
    assert doc["renditions"] == [
        {"name": "web", "href": full.get_full_url(), "contentType": "text/html"}
    ]
    subjects = {(s["rel"], s["name"]): s for s in doc["subjects"]}
    assert set(subjects) == {
        ("section", "Kabar Internasional"),
        ("about", "banjir"),
        ("about", "cuaca ekstrem"),
    }
    assert subjects[("about", "cuaca ekstrem")]["uri"] == f"{BASE}/topik/cuaca-ekstrem/"
    section = subjects[("section", "Kabar Internasional")]
    assert section["uri"] == f"{BASE}/kabar-internasional/"
    assert section["literal"] == "kabar-internasional"


def test_lead_image_is_an_association_with_absolute_renditions(client, full, image):
    (picture,) = get_json(client, url_of(full))["associations"]
    web = image.get_rendition("width-1200")
    preview = image.get_rendition("width-640")
    assert picture["name"] == "leadImage" and picture["type"] == "picture"
    assert picture["by"] == "Foto: Antara"
    assert picture["descriptions"][0]["value"] == "Tepi sungai yang meluap"
    assert picture["uri"] == BASE + web.url
    assert picture["renditions"] == [
        {
            "name": "web",
            "href": BASE + web.url,
            "width": web.width,
            "height": web.height,
            "contentType": "image/png",
        },
        {
            "name": "preview",
            "href": BASE + preview.url,
            "width": preview.width,
            "height": preview.height,
            "contentType": "image/png",
        },
    ]


def test_bodies_are_the_rendered_body_as_html_and_plain_text(client, full, image):
    html, text = get_json(client, url_of(full))["bodies"]
    assert (html["contentType"], text["contentType"]) == ("text/html", "text/plain")
    page = client.get(full.url).content.decode()
    # The blocks exactly as the article page shows them, with absolute addresses.
    assert html["value"].replace(f"{BASE}/", "/") in page
    # Every address in a srcset too: a reader elsewhere has no "/" of ours.
    srcsets = re.findall(r'srcset="([^"]*)"', html["value"])
    assert srcsets
    for candidate in ", ".join(srcsets).split(", "):
        assert candidate.startswith(f"{BASE}/"), candidate
    assert html["value"].startswith("<p>Hujan deras")
    assert "<b>tiga hari</b>" in html["value"]
    assert f'src="{BASE}{image.get_rendition("width-1200").url}"' in html["value"]
    assert "<script" not in html["value"]
    assert text["value"] == (
        "Hujan deras tiga hari membuat sungai meluap.\n\nSatu\n\n"
        "Air datang tengah malam.\n\n— Warga\n\n"
        "Pengungsi & relawan bertahan di balai desa."
    )
    assert text["wordCount"] == len(text["value"].split())


def test_links_in_the_body_are_made_absolute(client, section):
    target = builders.make_article(section, "Berita sebelumnya")
    body = [("paragraph", f'<p>Baca <a linktype="page" id="{target.pk}">ini</a>.</p>')]
    article = builders.make_article(section, body=body)
    (html, _text) = get_json(client, url_of(article))["bodies"]
    assert f'href="{BASE}{target.url}"' in html["value"]


def test_minimal_article_leaves_out_what_it_does_not_have(client, section):
    article = builders.make_article(section, standfirst="")
    doc = get_json(client, url_of(article))
    assert_valid(doc)
    assert doc["profile"] == "text-only"
    assert doc["copyrightHolder"] == "Kabar"
    for absent in ("by", "people", "located", "associations", "descriptions"):
        assert absent not in doc


def test_commenters_email_and_ip_never_appear(client, full):
    builders.submit(full, body="Komentar yang tidak boleh ikut.", email=EMAIL, approve=True)
    builders.submit(full, body="Komentar yang menunggu.", email="lain@example.org")
    for url in (url_of(full), "/ninjs/articles.json"):
        text = client.get(url).content.decode()
        assert EMAIL not in text and "lain@example.org" not in text
        assert IP not in text
        assert "Komentar yang" not in text and "Budi" not in text


# What answers 404


def test_unpublished_article_is_not_found(client, article):
    article.unpublish()
    assert client.get(url_of(article)).status_code == 404
    assert get_json(client, "/ninjs/articles.json")["items"] == []


@pytest.mark.parametrize(
    "restriction_type", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN]
)
def test_restricted_article_is_not_found(client, article, restriction_type):
    PageViewRestriction.objects.create(
        page=article, restriction_type=restriction_type, password="sandi-rahasia"
    )
    assert client.get(url_of(article)).status_code == 404
    assert get_json(client, "/ninjs/articles.json")["items"] == []


def test_article_in_a_private_section_is_not_found(client, home, article):
    PageViewRestriction.objects.create(
        page=article.get_parent(), restriction_type=PageViewRestriction.LOGIN
    )
    assert client.get(url_of(article)).status_code == 404


def test_a_page_that_is_not_an_article_is_not_found(client, section):
    assert client.get(f"/ninjs/articles/{section.pk}.json").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/ninjs/articles/0.json",
        "/ninjs/articles/99999999.json",
        f"/ninjs/articles/{2**63}.json",
        "/ninjs/articles/99999999999999999999999999.json",
        "/ninjs/articles/abc.json",
        "/ninjs/articles/-1.json",
    ],
)
def test_bad_ids_are_not_found(client, article, path):
    assert client.get(path).status_code == 404


# The feed


def test_feed_lists_partial_documents_newest_first(client, section, author):
    older, newer = (
        builders.make_article(
            section, "Lama", authors=[author], published=timezone.now() - timedelta(days=1)
        ),
        builders.make_article(section, "Baru", authors=[author]),
    )
    feed = get_json(client, "/ninjs/articles.json")
    assert_valid(feed, "#/$defs/feed")
    assert [item["uri"] for item in feed["items"]] == [
        f"{BASE}{url_of(newer)}",
        f"{BASE}{url_of(older)}",
    ]
    assert all(item["representationType"] == "partial" for item in feed["items"])
    assert all("bodies" not in item for item in feed["items"])
    assert feed["items"][0]["headlines"][0]["value"] == "Baru"
    assert (feed["page"], feed["next"], feed["previous"]) == (1, None, None)


def test_feed_is_paginated(client, section):
    articles = builders.make_articles(section, FEED_SIZE + 1)
    first = get_json(client, "/ninjs/articles.json")
    assert len(first["items"]) == FEED_SIZE
    assert first["next"] == f"{BASE}/ninjs/articles.json?page=2"
    second = get_json(client, "/ninjs/articles.json?page=2")
    assert_valid(second, "#/$defs/feed")
    assert [item["uri"] for item in second["items"]] == [f"{BASE}{url_of(articles[-1])}"]
    assert (second["next"], second["previous"]) == (None, f"{BASE}/ninjs/articles.json?page=1")


@pytest.mark.parametrize("page", ["2", "0", "-1", "abc", "1.5", str(2**64)])
def test_feed_bad_or_empty_page_is_not_found(client, article, page):
    assert client.get(f"/ninjs/articles.json?page={page}").status_code == 404


def test_feed_queries_do_not_grow_with_articles(
    section, author, image, django_assert_max_num_queries
):
    client = Client()

    def add(count):
        for article in builders.make_articles(section, count, authors=[author], lead_image=image):
            article.tags.add("banjir")

    add(2)
    client.get("/ninjs/articles.json")  # the lead image's renditions made once
    with django_assert_max_num_queries(20) as few:
        assert len(get_json(client, "/ninjs/articles.json")["items"]) == 2
    add(10)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(get_json(client, "/ninjs/articles.json")["items"]) == 12


def test_article_document_takes_few_queries(client, full, django_assert_max_num_queries):
    client.get(url_of(full))  # renditions made once
    with django_assert_max_num_queries(12):
        get_json(client, url_of(full))


# The page cache (once settings.KABAR_PAGE_CACHE["LISTS"] names these views)


@pytest.fixture
def ninjs_cached(settings, page_cache):
    lists = [*settings.KABAR_PAGE_CACHE["LISTS"], "news:ninjs_feed", "news:ninjs_article"]
    settings.KABAR_PAGE_CACHE = {**settings.KABAR_PAGE_CACHE, "LISTS": lists}


def test_documents_are_cached_like_the_feeds_until_a_publish(
    ninjs_cached, article, django_capture_on_commit_callbacks
):
    for url in (url_of(article), "/ninjs/articles.json"):
        assert Client().get(url)[HEADER] == "miss"
        again = Client().get(url)
        assert again[HEADER] == "hit"
        assert again["Cache-Control"] == "max-age=0, s-maxage=1"
    with django_capture_on_commit_callbacks(execute=True):
        article.title = "Judul yang diperbarui"
        article.save_revision().publish()
    for url in (url_of(article), "/ninjs/articles.json"):
        fresh = Client().get(url)
        assert fresh[HEADER] == "miss"
        assert "Judul yang diperbarui" in fresh.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        article.unpublish()
    assert Client().get(url_of(article)).status_code == 404
