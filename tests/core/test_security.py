"""Security headers, no inline script or style on public pages, and the same-origin check
that replaces the comment form's CSRF token."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.test import Client, RequestFactory
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from kabar.core.security import same_origin_problem
from tests import builders

pytestmark = pytest.mark.django_db

PUBLIC_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'self'; object-src 'none'"
)


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


def public_urls(article, author):
    article.tags.add("banjir")
    article.save_revision().publish()
    builders.submit(article, body="Komentar <b>tebal</b> <script>x()</script>", approve=True)
    section = article.get_parent()
    return [
        "/",
        section.url,
        article.url,
        article.url + "?replytocom=1",
        author.get_absolute_url(),
        "/topik/banjir/",
        "/halaman-yang-tidak-ada/",
    ]


def test_public_pages_carry_the_strict_policy_and_the_other_headers(article, author):
    for url in public_urls(article, author):
        response = Client().get(url)
        assert response["Content-Security-Policy"] == PUBLIC_CSP, url
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert "camera=()" in response["Permissions-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
        assert response["X-Frame-Options"] == "DENY"


def test_admin_gets_its_looser_policy(home):
    response = Client().get("/admin/login/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self' 'unsafe-inline'" in policy
    assert "frame-ancestors 'self'" in policy
    assert "object-src 'none'" in policy


def test_hsts_is_sent_over_https(home, settings):
    settings.SECURE_HSTS_SECONDS = 31536000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    assert "Strict-Transport-Security" not in Client().get("/")
    response = Client().get("/", secure=True)
    assert response["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"


class InlineFinder(HTMLParser):
    """Collects executable inline <script> blocks and style= attributes / <style> tags."""

    def __init__(self):
        super().__init__()
        self.problems = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "style" in attrs:
            self.problems.append(f"style= on <{tag}>")
        if any(name.startswith("on") for name in attrs):
            self.problems.append(f"event handler on <{tag}>")
        if tag == "style":
            self.problems.append("<style>")
        if tag == "script":
            data_block = attrs.get("type", "") in ("application/ld+json", "application/json")
            self._script = None if ("src" in attrs or data_block) else ""

    def handle_data(self, data):
        if self._script is not None:
            self._script += data

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.problems.append(f"inline <script>{self._script[:40]}")
            self._script = None


def test_public_pages_have_no_inline_script_or_style(article, author):
    for url in public_urls(article, author):
        for language in ("id", "en"):
            client = Client()
            client.cookies["django_language"] = language
            finder = InlineFinder()
            finder.feed(client.get(url).content.decode())
            assert finder.problems == [], (url, finder.problems)


def test_inline_finder_does_catch_inline_code():
    finder = InlineFinder()
    finder.feed('<p style="color:red" onclick="x()">a</p><script>alert(1)</script>')
    assert len(finder.problems) == 3


# The same-origin check.


def request_with(**meta):
    cookies = meta.pop("cookies", {})
    request = RequestFactory().post("/comments/post/", **meta)
    request.COOKIES.update(cookies)
    return request


@pytest.mark.parametrize(
    "meta, problem",
    [
        ({"HTTP_ORIGIN": "http://testserver"}, None),
        ({"HTTP_ORIGIN": "http://TESTSERVER"}, None),
        ({"HTTP_ORIGIN": "https://testserver"}, "origin"),  # another scheme is another origin
        ({"HTTP_ORIGIN": "http://evil.example"}, "origin"),
        ({"HTTP_ORIGIN": "http://testserver.evil.example"}, "origin"),
        ({"HTTP_ORIGIN": "null"}, "origin"),
        ({"HTTP_REFERER": "http://testserver/berita/satu/"}, None),
        ({"HTTP_REFERER": "http://evil.example/testserver/"}, "referer"),
        ({"HTTP_REFERER": "not a url"}, "referer"),
        ({}, None),
        ({"cookies": {"sessionid": "abc"}}, "no-origin"),
        ({"HTTP_ORIGIN": "http://testserver", "cookies": {"sessionid": "abc"}}, None),
    ],
)
def test_same_origin_check(meta, problem):
    assert same_origin_problem(request_with(**meta)) == problem


def test_trusted_origins_are_accepted(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://kabar.example", "https://*.kabar.example"]
    assert same_origin_problem(request_with(HTTP_ORIGIN="https://kabar.example")) is None
    assert same_origin_problem(request_with(HTTP_ORIGIN="https://m.kabar.example")) is None
    assert same_origin_problem(request_with(HTTP_ORIGIN="https://evilkabar.example")) == "origin"


def test_article_form_carries_no_csrf_token_and_sets_no_cookie(article):
    response = Client().get(article.url)
    assert 'id="commentform"' in response.content.decode()
    assert "csrfmiddlewaretoken" not in response.content.decode()
    assert not response.cookies


def test_signed_in_user_without_origin_cannot_be_made_to_comment(article):
    user = get_user_model().objects.create_user("editor", password="pw-sangat-rahasia-1")
    client = Client()
    client.force_login(user)
    response = client.post(
        "/comments/post/",
        {
            "page": article.pk,
            "body": "Dikirim oleh situs lain.",
            "author_name": "Editor",
            "author_email": "editor@example.org",
            "form_token": builders.form_token(article),
        },
    )
    assert response.status_code == 403


# Previews: framed by the admin's own pages (the editor's preview panel), nothing else.

PREVIEW_CSP = PUBLIC_CSP.replace("frame-ancestors 'none'", "frame-ancestors 'self'")


def staff_client():
    user = get_user_model().objects.create_superuser("redaksi", "redaksi@example.org", "x")
    client = Client()
    client.force_login(user)
    return client


def test_the_editors_preview_panel_may_frame_the_preview(article):
    client = staff_client()
    url = reverse("wagtailadmin_pages:preview_on_edit", args=[article.pk])
    form = nested_form_data(
        {
            "title": "Judul dalam pratinjau",
            "slug": article.slug,
            "standfirst": "Ringkasan pratinjau.",
            "article_authors": inline_formset([]),
            "notices": inline_formset([]),
            "language": "id",
            "body": streamfield([]),
            "tags": "",
            "discussion": article.discussion,
            "comments": inline_formset([]),
        }
    )
    assert client.post(url, form).json()["is_valid"] is True

    response = client.get(url)
    assert "Judul dalam pratinjau" in response.content.decode()
    assert response["Content-Security-Policy"] == PREVIEW_CSP
    assert response["X-Frame-Options"] == "SAMEORIGIN"


def test_drafts_and_revisions_shown_in_the_admin_may_be_framed_by_it(article):
    client = staff_client()
    revision = article.save_revision()
    for url in (
        reverse("wagtailadmin_pages:view_draft", args=[article.pk]),
        reverse("wagtailadmin_pages:revisions_view", args=[article.pk, revision.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Content-Security-Policy"] == PREVIEW_CSP, url
        assert response["X-Frame-Options"] == "SAMEORIGIN", url


def test_the_public_page_is_never_framable_even_for_a_signed_in_editor(article):
    for client in (Client(), staff_client()):
        response = client.get(article.url)
        assert response["Content-Security-Policy"] == PUBLIC_CSP
        assert response["X-Frame-Options"] == "DENY"
    response = Client().get(article.url + "?preview=1", HTTP_X_REQUESTED_WITH="XMLHttpRequest")
    assert response["X-Frame-Options"] == "DENY"
