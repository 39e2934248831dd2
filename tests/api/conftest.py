"""A registered site with a thread, and a client that calls the API as the widget does:
from the site's origin, JSON in and out, no cookies."""

import json

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from django.test import Client

from kabar.discussion import sites
from tests import builders

BLOG = "https://blog.example.org"
POST_URL = f"{BLOG}/tulisan/banjir-jakarta"
API = "/api/v1/"


class ApiClient:
    """Django's test client with the widget's habits: an Origin header, JSON bodies, the
    own proof in the Kabar-Own header when given."""

    def __init__(self, origin=BLOG):
        self.client = Client()
        self.origin = origin

    def _headers(self, own=None, **headers):
        if self.origin:
            headers.setdefault("Origin", self.origin)
        if own is not None:
            headers["Kabar-Own"] = own
        return headers

    def get(self, path, params=None, *, own=None, **headers):
        return self.client.get(API + path, params or {}, headers=self._headers(own, **headers))

    def send(self, method, path, data=None, *, own=None, **headers):
        body = data if isinstance(data, bytes | str) else json.dumps(data)
        return getattr(self.client, method)(
            API + path,
            body,
            content_type=headers.pop("content_type", "application/json"),
            headers=self._headers(own, **headers),
        )

    def post(self, path, data=None, **kwargs):
        return self.send("post", path, data, **kwargs)

    def patch(self, path, data=None, **kwargs):
        return self.send("patch", path, data, **kwargs)

    def delete(self, path, **kwargs):
        return self.send("delete", path, None, **kwargs)


@pytest.fixture
def api():
    return ApiClient()


@pytest.fixture
def wsgi_app():
    """Django's WSGI application, as a server runs it, but keeping the test's database
    connection (and its transaction) between requests, as Django's test client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def blog(home):
    return builders.make_external_site(origin=BLOG, other_origins="https://www.blog.example.org")


@pytest.fixture
def thread(blog):
    """The thread of POST_URL, made as the first reader's visit makes it."""
    return sites.resolve(
        POST_URL, site_key=blog.slug, title="Banjir di Jakarta", create=True
    ).target


def comment_fields(thread, **fields):
    """A comment post's body as the widget sends it: a form token old enough to be judged
    on its content, the honeypot empty."""
    return {
        "url": POST_URL,
        "site": "blog-teman",
        "title": "Banjir di Jakarta",
        "parent": None,
        "body": "Semoga cepat surut, dan warga mendapat bantuan.",
        "author_name": "Sari",
        "author_email": "sari@example.org",
        "author_url": "",
        "notify_replies": False,
        "form_token": builders.form_token(thread),
        "subject": "",
        **fields,
    }


def walk(comments):
    for comment in comments:
        yield comment
        yield from walk(comment["replies"])
