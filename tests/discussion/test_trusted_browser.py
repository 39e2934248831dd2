"""Knowing a trusted reader's address is not enough to post as them (issue 12, finding 1):
their comments are published, and their name changed, only from a browser in which they
opened a confirmation link; from any other the comment is held and they are asked by mail
whether it was them."""

import itertools
import re

import pytest
from django.test import Client, TestCase
from django.urls import reverse

from kabar.discussion.models import Comment, Commenter, CommentStatus, DeliveryKind, EmailDelivery
from kabar.discussion.own import TRUSTED_COOKIE
from kabar.discussion.services import comment_edit, comments_set_status
from tests import builders

pytestmark = pytest.mark.django_db
POST_URL = reverse("discussion:post")
EMAIL = "budi.tetap@example.org"
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/comments/confirm/\S+/)")
_bodies = itertools.count(1)


def post(client, article, name="Budi", email=EMAIL):
    """Post through the form as `client`, with what it sets off after commit; the stored
    comment."""
    data = {
        "page": article.pk,
        "body": f"Pendapat saya yang ke-{next(_bodies)} tentang berita ini.",
        "author_name": name,
        "author_email": email,
        "form_token": builders.form_token(article),
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(POST_URL, data, HTTP_ORIGIN="http://testserver")
    assert response.status_code == 302
    return Comment.objects.get(pk=int(response["Location"].rsplit("#comment-", 1)[1]))


def confirmation_mails(mailoutbox, email=EMAIL):
    return [m for m in mailoutbox if m.to == [email] and "/comments/confirm/" in m.body]


def open_link(client, mail):
    """What the owner does with the mailed link: open it, press the button."""
    path = CONFIRM_LINK.search(mail.body).group(1)
    assert client.get(path).status_code == 200
    response = client.post(path)
    assert response.status_code == 200
    return response


@pytest.fixture
def owner(article, mailoutbox):
    """The browser of a reader whose address is confirmed (opened there) and who has an
    approved comment: trusted."""
    browser = Client()
    first = post(browser, article)
    open_link(browser, confirmation_mails(mailoutbox)[-1])
    with TestCase.captureOnCommitCallbacks(execute=True):
        comments_set_status([first.pk], CommentStatus.APPROVED)
    return browser


def test_the_owners_browser_publishes_at_once(article, owner):
    assert post(owner, article).status == CommentStatus.APPROVED


def test_the_address_typed_in_another_browser_is_held(article, owner):
    comment = post(Client(), article)
    assert comment.status == CommentStatus.PENDING
    assert [r["rule"] for r in comment.reasons][:1] == ["unproven_browser"]
    assert comment.body not in Client().get(article.url).content.decode()


def test_another_browser_cannot_change_the_name_kept_for_the_address(article, owner):
    post(Client(), article, name="Penipu")
    assert Commenter.objects.get(email=EMAIL).name == "Budi"


def test_the_owners_own_browser_may_change_the_name(article, owner):
    post(owner, article, name="Budi Santoso")
    assert Commenter.objects.get(email=EMAIL).name == "Budi Santoso"


def test_the_owner_is_asked_by_mail_and_confirming_lets_that_browser_publish(
    article, owner, mailoutbox
):
    laptop = Client()
    held = post(laptop, article)
    assert held.status == CommentStatus.PENDING
    first, asked = confirmation_mails(mailoutbox)
    assert asked.subject != first.subject  # "Was this you?", not "Confirm your address"
    assert EmailDelivery.objects.filter(kind=DeliveryKind.CONFIRM, comment=held).exists()
    # Somebody else typing the address again the same day does not mail them again.
    post(Client(), article)
    assert confirmation_mails(mailoutbox)[-1] is asked

    open_link(laptop, asked)
    assert post(laptop, article).status == CommentStatus.APPROVED


def test_the_proof_is_a_signed_httponly_cookie_for_the_discussions_addresses(
    article, owner, mailoutbox
):
    laptop = Client()
    post(laptop, article)
    response = open_link(laptop, confirmation_mails(mailoutbox)[-1])
    cookie = response.cookies[TRUSTED_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert cookie["path"] == "/comments/"
    assert int(cookie["max-age"]) >= 60 * 60 * 24 * 300
    assert EMAIL not in cookie.value and "budi" not in cookie.value


def test_a_forged_proof_proves_nothing(article, owner):
    genuine = owner.cookies[TRUSTED_COOKIE].value
    stranger = Client()
    # Well formed, with the last character of its signature changed.
    stranger.cookies[TRUSTED_COOKIE] = genuine[:-1] + ("A" if genuine[-1] != "A" else "B")
    assert post(stranger, article).status == CommentStatus.PENDING


def test_the_proof_for_one_address_does_not_speak_for_another(article, owner):
    other = "sari.tetap@example.org"
    first = post(Client(), article, name="Sari", email=other)
    with TestCase.captureOnCommitCallbacks(execute=True):
        comments_set_status([first.pk], CommentStatus.APPROVED)
    Commenter.objects.filter(email=other).update(manually_trusted=True)
    assert post(owner, article, name="Sari", email=other).status == CommentStatus.PENDING


def test_a_moderators_trust_needs_the_browser_too(article, mailoutbox):
    first = post(Client(), article, email="dipercaya@example.org")
    Commenter.objects.filter(pk=first.commenter_id).update(manually_trusted=True)
    later = post(Client(), article, email="dipercaya@example.org")
    assert later.status == CommentStatus.PENDING
    assert later.reasons[0]["rule"] == "unproven_browser"
    # Never confirmed: the mail that asks is the one that confirms.
    assert confirmation_mails(mailoutbox, "dipercaya@example.org")


def test_an_edit_from_a_browser_without_the_proof_is_held(article, owner):
    comment = post(owner, article)
    assert comment.status == CommentStatus.APPROVED
    assert comment_edit(comment, body="Diubah di tempat lain.").status == CommentStatus.PENDING
