"""A reader who writes through the widget can become trusted as on Kabar's own pages: the
page that confirms their address links back to the page they wrote on with the
trusted-browser proof in the fragment, the widget keeps it and sends it in the Kabar-Trust
header, and their comments under that address are then published at once. Without the
proof, or with another address's, they are held as from any unproven browser."""

import re

import pytest
from django.test import Client, TestCase

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.services import comments_set_status
from kabar.discussion.trust import confirmation_token
from tests import builders
from tests.api.conftest import POST_URL, comment_fields

pytestmark = pytest.mark.django_db

EMAIL = "wulan.tetap@example.org"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/comments/confirm/\S+/)")
BACK_LINK = re.compile(r'id="widget-return" href="([^"]+)"')


def post(api, thread, body, trust=None):
    headers = {"Kabar-Trust": trust} if trust is not None else {}
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(
            "comments",
            comment_fields(thread, body=body, author_name="Wulan", author_email=EMAIL),
            **headers,
        )
    assert response.status_code == 201, response.content
    return response.json()["comment"]


@pytest.fixture
def proof(api, thread, mailoutbox):
    """The reader wrote once through the widget, confirmed the address from the mail (in
    any browser), and a moderator approved the comment: what the confirmation page hands
    back to the widget."""
    first = post(api, thread, "Air sudah masuk ke rumah warga sejak subuh.")
    mail = next(m for m in mailoutbox if m.to == [EMAIL] and "/comments/confirm/" in m.body)
    path = CONFIRM_LINK.search(mail.body).group(1)
    page = Client().post(path)
    assert page.status_code == 200
    back = BACK_LINK.search(page.content.decode()).group(1)
    with TestCase.captureOnCommitCallbacks(execute=True):
        comments_set_status([first["id"]], CommentStatus.APPROVED)
    address, _hash, fragment = back.partition("#")
    assert address == POST_URL
    assert fragment.startswith("kabar-trust=")
    return fragment.removeprefix("kabar-trust=")


def test_the_confirmation_page_hands_the_widget_a_proof_that_publishes(api, thread, proof):
    comment = post(api, thread, "Bantuan perahu karet sudah tiba di RW 05.", trust=proof)
    assert comment["status"] == "approved"
    assert Comment.objects.get(pk=comment["id"]).status == CommentStatus.APPROVED


def test_without_the_proof_a_trusted_address_is_held(api, thread, proof):
    comment = post(api, thread, "Listrik di blok C masih padam sampai sore ini.")
    assert comment["status"] == "pending"
    stored = Comment.objects.get(pk=comment["id"])
    assert stored.status == CommentStatus.PENDING
    assert any(r["rule"] == "unproven_browser" for r in stored.reasons)


@pytest.mark.parametrize("forged", ["x", "a" * 2000, "bukan:bukti:sah"])
def test_a_forged_proof_proves_nothing(api, thread, proof, forged):
    comment = post(api, thread, f"Dapur umum dibuka di balai desa ({len(forged)}).", trust=forged)
    assert comment["status"] == "pending"


def test_the_proof_speaks_for_its_address_only(api, thread, proof):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = api.post(
            "comments",
            comment_fields(
                thread,
                body="Saya bukan Wulan, tapi mencoba memakai buktinya.",
                author_name="Wulan",
                author_email="orang.lain@example.org",
            ),
            **{"Kabar-Trust": proof},
        )
    assert response.json()["comment"]["status"] == "pending"


@pytest.mark.parametrize(("trusted", "status"), [(True, "approved"), (False, "pending")])
def test_an_edit_is_judged_with_the_browsers_proof(api, thread, proof, trusted, status):
    headers = {"Kabar-Trust": proof}
    with TestCase.captureOnCommitCallbacks(execute=True):
        sent = api.post(
            "comments",
            comment_fields(
                thread,
                body="Pompa air tiba pukul sembilan.",
                author_name="Wulan",
                author_email=EMAIL,
            ),
            **headers,
        ).json()
    assert sent["comment"]["status"] == "approved"
    edit = {"body": "Pompa air tiba pukul sepuluh, bukan sembilan."}
    with TestCase.captureOnCommitCallbacks(execute=True):
        edited = api.patch(
            f"comments/{sent['comment']['id']}",
            edit,
            own=sent["own"],
            **(headers if trusted else {}),
        )
    assert edited.status_code == 200, edited.content
    assert edited.json()["comment"]["status"] == status
    assert Comment.objects.get(pk=sent["comment"]["id"]).status == status


def test_the_preflight_allows_the_trust_header(api, thread):
    response = api.client.options(
        "/api/v1/comments",
        headers={
            "Origin": "https://blog.example.org",
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "content-type,kabar-trust",
        },
    )
    assert response.status_code == 204
    assert "Kabar-Trust" in response["Access-Control-Allow-Headers"]


def test_a_reader_who_wrote_only_on_kabar_gets_no_link_back(article):
    comment = builders.submit(article, email=EMAIL)
    token = confirmation_token(comment.commenter)
    page = Client().post(f"/comments/confirm/{token}/")
    assert page.status_code == 200
    assert 'id="widget-return"' not in page.content.decode()
