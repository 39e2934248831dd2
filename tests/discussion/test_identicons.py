"""Identicon avatars: drawn locally from a keyed hash, never carrying the email, and no
request to any other host unless the operator turns Gravatar on."""

import hashlib
import re

import pytest
from django.test import override_settings
from django.urls import reverse

from kabar.discussion.identicons import (
    GRID,
    KEY_LENGTH,
    avatar_key,
    gravatar_url,
    identicon_svg,
)
from kabar.discussion.models import DiscussionSettings
from tests import builders

EMAIL = "Pemilik.Avatar@Example.org"


def cells(svg):
    return {(int(x), int(y)) for x, y in re.findall(r"M(\d) (\d)h1v1h-1z", svg)}


def test_key_is_deterministic_and_ignores_case_and_spaces():
    assert avatar_key(EMAIL) == avatar_key(f"  {EMAIL.lower()} ")
    assert len(avatar_key(EMAIL)) == KEY_LENGTH
    assert identicon_svg(avatar_key(EMAIL)) == identicon_svg(avatar_key(EMAIL))


def test_different_people_get_different_pictures():
    keys = {avatar_key(f"pembaca{i}@example.org") for i in range(50)}
    assert len(keys) == 50
    pictures = {identicon_svg(key) for key in keys}
    assert len(pictures) > 45


def test_name_is_used_when_there_is_no_email():
    assert avatar_key("", "Budi") == avatar_key(None, "Budi")
    assert avatar_key("", "Budi") != avatar_key("", "Sari")


def test_key_depends_on_the_secret_so_a_guessed_email_cannot_be_checked():
    key = avatar_key(EMAIL)
    with override_settings(SECRET_KEY="another-secret-key-for-this-test-0123456789"):
        assert avatar_key(EMAIL) != key
    plain = EMAIL.lower().encode()
    for digest in (hashlib.md5(plain).hexdigest(), hashlib.sha256(plain).hexdigest()):  # noqa: S324
        assert not digest.startswith(key)


def test_picture_is_a_symmetric_five_by_five_grid():
    for i in range(20):
        drawn = cells(identicon_svg(avatar_key(f"orang{i}@example.org")))
        assert drawn
        assert all(0 <= x < GRID and 0 <= y < GRID for x, y in drawn)
        assert drawn == {(GRID - 1 - x, y) for x, y in drawn}


def test_svg_has_no_style_script_or_outside_reference():
    svg = identicon_svg(avatar_key(EMAIL))
    assert svg.startswith("<svg xmlns=")
    for banned in ("style", "script", "href", "http://www.w3.org/1999/xlink", "@"):
        assert banned not in svg
    assert "pemilik" not in svg.lower()


def test_svg_refuses_a_key_that_is_not_one():
    with pytest.raises(ValueError):
        identicon_svg("<script>")


@pytest.mark.django_db
def test_avatar_address_serves_a_long_cached_svg(client):
    key = avatar_key(EMAIL)
    response = client.get(reverse("discussion:avatar", args=[key]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/svg+xml"
    assert "max-age=31536000" in response["Cache-Control"]
    assert "public" in response["Cache-Control"] and "immutable" in response["Cache-Control"]
    assert response["Content-Security-Policy"] == "default-src 'none'"
    assert response.content.decode() == identicon_svg(key)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/comments/avatar/xyz.svg", "/comments/avatar/" + "A" * 32 + ".svg"]
)
def test_avatar_address_with_a_bad_key_is_not_found(client, path):
    assert client.get(path).status_code == 404


@pytest.mark.django_db
def test_article_shows_identicons_without_email_or_outside_hosts(client, article):
    builders.submit(article, email=EMAIL, approve=True)
    response = client.get(article.url)
    html = response.content.decode()
    assert "gravatar" not in response.get("Content-Security-Policy", "")
    comments = html[html.index('id="comments"') :]
    src = reverse("discussion:avatar", args=[avatar_key(EMAIL)])
    assert f'<img class="avatar" src="{src}"' in comments
    assert EMAIL.lower() not in html.lower()
    plain = EMAIL.lower().encode()
    assert hashlib.md5(plain).hexdigest() not in html  # noqa: S324
    assert hashlib.sha256(plain).hexdigest() not in html
    assert "gravatar" not in html.lower()
    assert not re.search(r'src="(https?:)?//', html)
    assert "style=" not in comments


@pytest.mark.django_db
def test_gravatar_only_when_the_operator_turns_it_on(client, home, article):
    builders.submit(article, email=EMAIL, approve=True)
    stored = DiscussionSettings.for_site(home.get_site())
    stored.gravatar_enabled = True
    stored.save()
    response = client.get(article.url)
    html = response.content.decode()
    assert gravatar_url(EMAIL) in html.replace("&amp;", "&")
    # The page's policy must let the browser load them.
    assert "img-src https://gravatar.com" in response["Content-Security-Policy"]
    assert hashlib.sha256(EMAIL.lower().encode()).hexdigest() in html
    assert EMAIL.lower() not in html.lower()
