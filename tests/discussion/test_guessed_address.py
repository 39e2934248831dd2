"""A guessed email address cannot be tied to its public comments (issue 12, finding 2):
nothing in the answer to a poster who has not proved an address depends on what somebody
else did with it. And the limits count one mailbox as one sender, whatever its aliases
(finding 12)."""

import itertools
import re

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.own import TRUSTED_COOKIE, store_trusted_browser
from kabar.discussion.spam.throttle import mailbox
from tests import builders

pytestmark = pytest.mark.django_db
POST_URL = reverse("discussion:post")
VICTIM = "korban.tetap@example.org"
PUBLIC_TEXT = "Pendapat saya yang sudah tampil di bawah berita ini."
ATTACKER_IP = "198.51.100.66"
_bodies = itertools.count(1)


@pytest.fixture
def public(article):
    """The victim's approved comment, sent from their own network."""
    return builders.submit(article, body=PUBLIC_TEXT, name="Korban", email=VICTIM, approve=True)


def post(client, article, remote=ATTACKER_IP, **fields):
    data = {
        "page": article.pk,
        "body": f"Komentar nomor {next(_bodies)} dari pembaca.",
        "author_name": "Tamu",
        "author_email": f"tamu{next(_bodies)}@example.org",
        "form_token": builders.form_token(article),
        **fields,
    }
    return client.post(POST_URL, data, REMOTE_ADDR=remote, HTTP_ORIGIN="http://testserver")


def stored(response):
    assert response.status_code == 302
    return Comment.objects.get(pk=int(response["Location"].rsplit("#comment-", 1)[1]))


def proven_browser(*emails):
    """A browser in which the owners of `emails` opened their confirmation links."""
    client, request = Client(), RequestFactory().get("/")
    for email in emails:
        response = HttpResponse()
        store_trusted_browser(request, response, email)
        request.COOKIES[TRUSTED_COOKIE] = response.cookies[TRUSTED_COOKIE].value
    client.cookies[TRUSTED_COOKIE] = request.COOKIES[TRUSTED_COOKIE]
    return client


def avatar_of(html, comment):
    block = html.split(f'id="comment-{comment.pk}"', 1)[1]
    return re.search(r'<img class="avatar" src="([^"]+)"', block).group(1)


# (a) The picture beside a held comment.


def test_a_held_comment_does_not_carry_the_picture_of_the_addresses_public_comments(
    article, public
):
    guesser = Client()
    held = stored(post(guesser, article, author_email=VICTIM))
    assert held.status == CommentStatus.PENDING
    html = guesser.get(article.url).content.decode()
    assert "menunggu moderasi" in html
    assert avatar_of(html, held) != avatar_of(html, public)


def test_the_picture_is_the_email_s_once_the_comment_is_public(article, public):
    guesser = Client()
    held = stored(post(guesser, article, author_email=VICTIM))
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.APPROVED)
    html = Client().get(article.url).content.decode()
    assert avatar_of(html, held) == avatar_of(html, public)


# (b) Duplicates and limits.


def test_a_public_text_under_its_authors_guessed_address_is_not_called_a_duplicate(article, public):
    response = post(Client(), article, body=PUBLIC_TEXT, author_email=VICTIM)
    assert stored(response).status == CommentStatus.PENDING


def test_while_flood_limited_a_guessed_address_gets_the_answer_any_address_gets(
    article, public, limits_on
):
    client = Client()
    stored(post(client, article))
    guessed = post(client, article, body=PUBLIC_TEXT, author_email=VICTIM)
    other = post(client, article, body=PUBLIC_TEXT, author_email="orang.lain@example.org")
    assert guessed.status_code == other.status_code == 429


def test_the_same_network_is_still_told_it_is_a_duplicate(article, public):
    response = post(Client(), article, remote="203.0.113.9", body=PUBLIC_TEXT)
    assert response.status_code == 400


def test_the_owner_posting_again_from_their_browser_is_still_told_it_is_a_duplicate(
    article, public
):
    response = post(proven_browser(VICTIM), article, body=PUBLIC_TEXT, author_email=VICTIM)
    assert response.status_code == 400


def test_a_guessed_address_is_not_refused_because_its_owner_just_posted(article, public, limits_on):
    stored(post(Client(), article, remote="192.0.2.1", author_email=VICTIM))
    guessed = stored(post(Client(), article, author_email=VICTIM))
    # Held as every unproven comment is, with a reason for the moderator.
    assert guessed.status == CommentStatus.PENDING
    assert "email_flood" in [r["rule"] for r in guessed.reasons]


def test_strangers_typing_an_address_do_not_stop_its_owner(article, public, limits_on):
    stored(post(Client(), article, author_email=VICTIM))
    response = post(proven_browser(VICTIM), article, remote="192.0.2.1", author_email=VICTIM)
    assert response.status_code == 302


def test_the_owner_is_limited_across_networks(article, public, limits_on):
    owner = proven_browser(VICTIM)
    stored(post(owner, article, remote="192.0.2.1", author_email=VICTIM))
    assert post(owner, article, remote="192.0.2.2", author_email=VICTIM).status_code == 429


# Finding 12: one mailbox, one sender.


def test_a_mailbox_is_its_address_without_tags_dots_or_case():
    assert mailbox(" Dewi.Lestari+berita@GoogleMail.com ") == "dewilestari@gmail.com"
    assert mailbox("d.e.w.i+1@example.org") == mailbox("DEWI@example.org") == "dewi@example.org"
    assert mailbox("dewi@example.org") != mailbox("dewi@example.net")


def test_aliases_of_one_mailbox_are_one_sender_for_the_limits(article, limits_on):
    stored(post(Client(), article, remote="192.0.2.1", author_email="dewi+satu@gmail.com"))
    alias = stored(post(Client(), article, author_email="D.e.w.i+dua@googlemail.com"))
    assert "email_flood" in [r["rule"] for r in alias.reasons]


def test_a_proven_owners_aliases_share_one_limit(article, limits_on):
    owner = proven_browser("dewi@example.org", "dewi+berita@example.org")
    stored(post(owner, article, remote="192.0.2.1", author_email="dewi@example.org"))
    again = post(owner, article, remote="192.0.2.2", author_email="dewi+berita@example.org")
    assert again.status_code == 429
