"""Absolute URLs come from the configured site (Wagtail's default Site, which production and
the demo point at their address), never from the Host header a request happened to carry."""

import json
import os
import re
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client
from wagtail.models import Site

from kabar.core.page_cache import HEADER
from kabar.core.site_address import site_address_set, site_root_url
from kabar.core.siteurl import parse_site_url, served_address
from kabar.discussion.mail import absolute_url, comment_url
from tests import builders
from tests.core.test_production_settings import in_production_process

ROOT = Path(__file__).resolve().parents[2]
SITE = "https://kabar.example.id"
# Hosts a reader (or a proxy) may send that are not the site's address.
OTHER_HOSTS = ["testserver", "127.0.0.1", "localhost"]


@pytest.fixture
def published(article):
    site_address_set(SITE)
    return article


def ld_objects(html):
    """Every JSON-LD object in the page (top level and inside @graph)."""
    found = []
    for block in re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S):
        data = json.loads(block)
        for item in data if isinstance(data, list) else [data]:
            found.extend(item.get("@graph", [item]))
    return found


def absolute_urls(text):
    return re.findall(r"https?://[^\s\"'<>]+", text)


def assert_only_on_site(text):
    urls = [u for u in absolute_urls(text) if "schema.org" not in u and "w3.org" not in u]
    assert urls, "no absolute URL at all"
    foreign = [u for u in urls if not u.startswith(SITE + "/") and u != SITE]
    # Namespaces and standards the formats themselves name are not the site's links.
    foreign = [
        u for u in foreign if not re.match(r"https?://(www\.)?(iptc|sitemaps|google|purl)\.", u)
    ]
    assert foreign == []


# Parsing the address --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, hostname, port, root",
    [
        ("https://kabar.example.id", "kabar.example.id", 443, "https://kabar.example.id"),
        ("https://Kabar.Example.ID/", "kabar.example.id", 443, "https://kabar.example.id"),
        ("http://127.0.0.1:8000", "127.0.0.1", 8000, "http://127.0.0.1:8000"),
        ("http://kabar.example.id:80", "kabar.example.id", 80, "http://kabar.example.id"),
    ],
)
def test_an_address_becomes_what_a_wagtail_site_holds(url, hostname, port, root):
    address = parse_site_url(url)
    assert (address.hostname, address.port, address.url) == (hostname, port, root)
    assert Site(hostname=hostname, port=port).root_url == root


@pytest.mark.parametrize(
    "url",
    [
        "kabar.example.id",
        "ftp://kabar.example.id",
        "https://kabar.example.id/berita/",
        "https://kabar.example.id/?a=1",
        "https://user@kabar.example.id",
        # Wagtail's Site would write these back as another address.
        "https://kabar.example.id:8443",
        "http://kabar.example.id:443",
        "http://kabar.example.id:99999",
    ],
)
def test_an_address_a_site_cannot_hold_is_refused(url):
    with pytest.raises(ValueError):
        parse_site_url(url)


@pytest.mark.parametrize(
    "addr, url",
    [
        ("127.0.0.1:8000", "http://127.0.0.1:8000"),
        ("0.0.0.0:9000", "http://127.0.0.1:9000"),
        ("8000", "http://127.0.0.1:8000"),
        ("localhost:80", "http://localhost"),
    ],
)
def test_the_demo_address_is_where_a_browser_on_this_machine_finds_it(addr, url):
    assert served_address(addr).url == url


# Every absolute URL on the Site's address ---------------------------------------------------


@pytest.mark.django_db
def test_setting_the_address_changes_the_default_site_once(home):
    assert site_address_set(SITE) is True
    site = Site.objects.get(is_default_site=True)
    assert (site.hostname, site.port, site.root_url) == ("kabar.example.id", 443, SITE)
    assert site_address_set(SITE) is False


@pytest.mark.parametrize("host", OTHER_HOSTS)
def test_canonical_link_is_on_the_site_address(published, host):
    html = Client(HTTP_HOST=host).get(published.url).content.decode()
    assert f'<link rel="canonical" href="{SITE}{published.url}">' in html


@pytest.mark.parametrize("host", OTHER_HOSTS)
def test_sitemap_lists_pages_on_the_site_address(published, host):
    client = Client(HTTP_HOST=host)
    index = client.get("/sitemap.xml")
    assert index.status_code == 200
    bodies = [index.content.decode()]
    # A sitemap index names its sitemaps; a plain sitemap names the pages.
    for loc in re.findall(r"<loc>([^<]+)</loc>", bodies[0]):
        if loc.endswith(".xml") or "sitemap" in loc:
            assert loc.startswith(SITE + "/")
            bodies.append(client.get(loc.removeprefix(SITE)).content.decode())
    locs = [loc for body in bodies for loc in re.findall(r"<loc>([^<]+)</loc>", body)]
    assert f"{SITE}{published.url}" in locs
    assert all(loc.startswith(SITE + "/") for loc in locs)


@pytest.mark.parametrize(
    "path",
    ["/feed/", "/feed/atom/", "/feed/rubrik/kabar-internasional/", "/comments/feed/"],
)
def test_feeds_link_to_the_site_address(published, path):
    builders.submit(published, body="Komentar untuk umpan.", approve=True)
    response = Client(HTTP_HOST="127.0.0.1").get(path)
    assert response.status_code == 200
    body = response.content.decode()
    assert_only_on_site(body)
    assert "127.0.0.1" not in body and "localhost" not in body


def test_article_comment_feed_links_to_the_site_address(published):
    builders.submit(published, body="Komentar untuk umpan artikel.", approve=True)
    response = Client(HTTP_HOST="127.0.0.1").get(f"/comments/feed/article/{published.pk}/atom/")
    assert response.status_code == 200
    assert_only_on_site(response.content.decode())


def test_structured_data_links_to_the_site_address(published, author):
    html = Client(HTTP_HOST="127.0.0.1").get(published.url).content.decode()
    objects = ld_objects(html)
    article = next(o for o in objects if o.get("@type") == "NewsArticle")
    assert article["mainEntityOfPage"] == f"{SITE}{published.url}"
    assert article["author"][0]["url"] == f"{SITE}{author.get_absolute_url()}"
    for found in objects:
        assert_only_on_site(json.dumps(found))


def test_ninjs_documents_link_to_the_site_address(published):
    response = Client(HTTP_HOST="127.0.0.1").get(f"/ninjs/articles/{published.pk}.json")
    assert response.status_code == 200
    doc = response.json()
    assert doc["uri"] == f"{SITE}/ninjs/articles/{published.pk}.json"
    assert_only_on_site(json.dumps({k: v for k, v in doc.items() if k != "standard"}))


def test_mail_links_are_on_the_site_address(published):
    comment = builders.submit(published, body="Komentar untuk surel.", approve=True)
    assert absolute_url("/comments/privacy/") == f"{SITE}/comments/privacy/"
    assert comment_url(comment) == f"{SITE}{published.url}#comment-{comment.pk}"
    for message in mail.outbox:
        assert "localhost" not in message.body and "testserver" not in message.body


def test_a_new_address_purges_the_cached_pages(
    page_cache, article, django_capture_on_commit_callbacks
):
    client = Client()
    client.get(article.url)
    cached = client.get(article.url)
    assert cached[HEADER] == "hit"
    assert 'href="http://localhost/' in cached.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        site_address_set(SITE)
    fresh = client.get(article.url)
    assert fresh[HEADER] == "miss"
    assert f'<link rel="canonical" href="{SITE}{article.url}">' in fresh.content.decode()


@pytest.mark.django_db
def test_a_site_of_its_own_hostname_keeps_its_own_address(rf, home):
    site_address_set(SITE)
    Site.objects.create(hostname="english.example.id", port=443, root_page=home)
    assert site_root_url(rf.get("/", HTTP_HOST="english.example.id")) == (
        "https://english.example.id"
    )
    assert site_root_url(rf.get("/", HTTP_HOST="203.0.113.9")) == SITE
    assert site_root_url() == SITE


# Where the address comes from ---------------------------------------------------------------


@pytest.mark.django_db
def test_the_site_address_command_follows_the_setting(settings, home):
    settings.WAGTAILADMIN_BASE_URL = SITE
    call_command("site_address", verbosity=0)
    assert Site.objects.get(is_default_site=True).root_url == SITE
    call_command("site_address", "http://127.0.0.1:8000", verbosity=0)
    assert Site.objects.get(is_default_site=True).root_url == "http://127.0.0.1:8000"
    with pytest.raises(CommandError):
        call_command("site_address", "https://kabar.example.id:8443")


def test_the_demo_configures_the_site_for_the_address_it_serves(tmp_path):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "KABAR_", "PYTEST_")) and k != "DATABASE_URL"
    }
    env.update(KABAR_DATA_DIR=str(tmp_path), KABAR_DEMO_PASSWORD="sandi-demo-uji-123")
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-m", "kabar.cli", "demo", "--no-serve", "--addr", "127.0.0.1:8123"],
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    with sqlite3.connect(tmp_path / "kabar.sqlite3") as db:
        sites = db.execute("SELECT hostname, port FROM wagtailcore_site WHERE is_default_site")
        assert sites.fetchall() == [("127.0.0.1", 8123)]


def production_base_url(tmp_path, **env):
    """WAGTAILADMIN_BASE_URL under production settings in a fresh process, or the error."""
    script = "import django; django.setup(); from django.conf import settings as s; "
    script += "print(s.WAGTAILADMIN_BASE_URL)"
    return in_production_process(tmp_path, script, **env)


@pytest.mark.parametrize(
    "env, expected",
    [
        ({"KABAR_SITE_URL": "https://www.kabar.example/"}, "https://www.kabar.example"),
        # Unset: the first of ALLOWED_HOSTS, over https.
        ({}, "https://kabar.example"),
        (
            {"KABAR_SITE_URL": "http://kabar.example:8000", "KABAR_HTTPS": "false"},
            "http://kabar.example:8000",
        ),
    ],
)
def test_production_reads_the_site_address_from_the_environment(tmp_path, env, expected):
    found, err = production_base_url(tmp_path, **env)
    assert found == expected, err


@pytest.mark.parametrize(
    "env, complaint",
    [
        ({"KABAR_SITE_URL": "http://kabar.example"}, "https://"),
        ({"KABAR_SITE_URL": "https://elsewhere.example"}, "ALLOWED_HOSTS"),
        ({"KABAR_SITE_URL": "https://kabar.example/berita/"}, "KABAR_SITE_URL"),
        ({"ALLOWED_HOSTS": ".kabar.example"}, "KABAR_SITE_URL"),
    ],
)
def test_production_refuses_an_address_it_cannot_use(tmp_path, env, complaint):
    found, err = production_base_url(tmp_path, **env)
    assert found is None
    assert "ImproperlyConfigured" in err and complaint in err
