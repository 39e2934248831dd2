"""Every row id a request carries (a posted field, a URL, the moderators' bulk actions, the
own-comments cookie) is range-checked: a number no id column can hold is refused with 400
or 404, never reaches a query (OverflowError on SQLite: a 500)."""

import pytest
from django.http import HttpResponse
from django.test import Client
from django.urls import reverse

from kabar.core import signing
from kabar.core.ids import ID_MAX
from kabar.discussion.models import Comment
from kabar.discussion.own import OWN_COOKIE, OWN_SALT
from tests import builders
from tests.discussion.test_desk import desk, moderator  # noqa: F401 (fixtures)
from tests.discussion.test_views import POST_URL, post

pytestmark = pytest.mark.django_db

# One past the largest id, a 23-digit number (the review's), and more digits than int() reads.
HUGE = [str(ID_MAX + 1), "1" + "0" * 22, "9" * 5000]
PUBLIC_URLS = [
    "/comments/{id}/",
    "/comments/{id}/report/",
    "/comments/{id}/edit/",
    "/comments/{id}/delete/",
    "/comments/feed/article/{id}/",
    "/comments/feed/article/{id}/atom/",
]
DESK_URLS = [
    "/admin/comments/approve/{id}/",
    "/admin/comments/approve_and_trust/{id}/",
    "/admin/comments/spam/{id}/",
    "/admin/comments/trash/{id}/",
    "/admin/comments/inspect/{id}/",
    "/admin/comments/history/{id}/",
]


@pytest.fixture
def anyone():
    return Client(raise_request_exception=False)


@pytest.mark.parametrize("huge", HUGE, ids=["max+1", "23-digits", "5000-digits"])
def test_a_post_to_a_page_id_out_of_range_is_refused(anyone, article, huge):
    response = post(anyone, article, page=huge)
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_a_post_to_the_largest_page_id_is_not_found(anyone, article):
    assert post(anyone, article, page=str(ID_MAX)).status_code == 404


@pytest.mark.parametrize("huge", HUGE, ids=["max+1", "23-digits", "5000-digits"])
def test_a_reply_to_a_comment_id_out_of_range_is_refused_with_a_message(anyone, article, huge):
    response = post(anyone, article, parent=huge)
    assert response.status_code == 400
    assert "Komentar yang Anda balas tidak tersedia." in response.content.decode()
    assert Comment.objects.count() == 0


@pytest.mark.parametrize("huge", HUGE, ids=["max+1", "23-digits", "5000-digits"])
@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_urls_with_an_id_out_of_range_are_not_found(anyone, article, url, huge):
    assert anyone.get(url.format(id=huge)).status_code == 404
    assert anyone.post(url.format(id=huge), {"reason": "spam"}).status_code == 404


@pytest.mark.parametrize(
    ("url", "status"),
    [
        *((url, 404) for url in PUBLIC_URLS if "edit" not in url and "delete" not in url),
        ("/comments/{id}/edit/", 403),
        ("/comments/{id}/delete/", 403),
    ],
)
def test_public_urls_still_take_the_largest_id(anyone, url, status):
    # In range, so the view runs: no such comment or article, or not this reader's.
    assert anyone.get(url.format(id=ID_MAX)).status_code == status


@pytest.mark.parametrize("huge", HUGE, ids=["max+1", "23-digits", "5000-digits"])
@pytest.mark.parametrize("url", DESK_URLS)
def test_desk_urls_with_an_id_out_of_range_are_not_found(desk, url, huge):  # noqa: F811
    desk.raise_request_exception = False
    assert desk.get(url.format(id=huge)).status_code == 404
    assert desk.post(url.format(id=huge)).status_code == 404


@pytest.mark.parametrize("bad", [*HUGE, "abc", "²", "-1", "0"])
def test_desk_bulk_actions_refuse_ids_that_are_not_ids(desk, article, bad):  # noqa: F811
    desk.raise_request_exception = False
    comment = builders.submit(article)
    url = reverse("wagtail_bulk_action", args=["discussion", "comment", "approve"])
    assert desk.get(f"{url}?id={bad}").status_code == 404
    assert desk.post(f"{url}?id={bad}", {"next": "/admin/"}).status_code == 404
    # A bad id next to a good one leaves the good one to act on.
    mixed = desk.get(f"{url}?id={bad}&id={comment.pk}")
    assert mixed.status_code == 200
    assert comment.body in mixed.content.decode()


@pytest.mark.parametrize("action", ["approve_and_trust", "spam", "trash"])
def test_every_desk_bulk_action_refuses_an_id_out_of_range(desk, action):  # noqa: F811
    desk.raise_request_exception = False
    url = reverse("wagtail_bulk_action", args=["discussion", "comment", action])
    assert desk.post(f"{url}?id={ID_MAX + 1}", {"next": "/admin/"}).status_code == 404


def own_cookie_with(value):
    """An own-comments cookie signed as the site signs it, carrying `value`."""
    response = HttpResponse()
    signing.set_signed_cookie(response, OWN_COOKIE, value, OWN_SALT, 3600)
    return response.cookies[OWN_COOKIE].value


@pytest.mark.parametrize("huge", HUGE, ids=["max+1", "23-digits", "5000-digits"])
def test_an_own_comments_cookie_with_an_id_out_of_range_is_ignored(anyone, article, huge):
    mine = builders.submit(article, body="Komentar saya yang ditahan.")
    anyone.cookies[OWN_COOKIE] = own_cookie_with(
        f"{huge}.1700000000,{mine.pk}.{int(mine.created_at.timestamp())}"
    )
    page = anyone.get(article.url)
    assert page.status_code == 200
    # The entry in range still counts: the held comment shows to its author.
    assert "Komentar saya yang ditahan." in page.content.decode()
    assert post(anyone, article, body="Komentar kedua.").status_code == 302


@pytest.mark.parametrize("huge", HUGE, ids=["max+1", "23-digits", "5000-digits"])
def test_reply_links_with_an_id_out_of_range_show_the_plain_form(anyone, article, huge):
    response = anyone.get(f"{article.url}?replytocom={huge}")
    assert response.status_code == 200
    assert 'name="parent"' in response.content.decode()
    assert f'value="{huge}"' not in response.content.decode()


def test_a_page_id_with_non_ascii_digits_is_refused_in_the_readers_language(anyone, article):
    anyone.cookies["django_language"] = "en"
    response = anyone.post(POST_URL, {"page": "²", "body": "Yang saya tulis < dan & tetap."})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This form is not attached to an article." in html
    # What the reader typed comes back with the reason: nothing is lost.
    assert "Yang saya tulis &lt; dan &amp; tetap." in html
    assert response["Cache-Control"] == "private, no-store"
    # Not for another site's page posting here: Kabar would show whatever words it chose.
    forged = anyone.post(
        POST_URL, {"page": "²", "body": "Kata-kata orang lain."}, HTTP_ORIGIN="https://lain.example"
    )
    assert forged.status_code == 400
    assert "Kata-kata orang lain." not in forged.content.decode()
