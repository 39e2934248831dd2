"""The comment form's own defences: the signed form token and the honeypot."""

import re
import time

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.spam import tokens
from tests import builders

pytestmark = pytest.mark.django_db
POST_URL = reverse("discussion:post")
BODY = "Teks panjang yang tidak boleh hilang: analisis anggaran daerah 🙂"
TOKEN_INPUT = re.compile(r'<input type="hidden" name="form_token" value="([^"]+)"')


@pytest.fixture
def english():
    client = Client()
    client.cookies["django_language"] = "en"
    return client


def post(client, article, **fields):
    data = {
        "page": article.pk,
        "body": BODY,
        "author_name": "Dewi",
        "author_email": "dewi@example.org",
        "form_token": builders.form_token(article),
        **fields,
    }
    return client.post(POST_URL, data)


def token_in(html):
    return TOKEN_INPUT.search(html).group(1)


def test_form_carries_a_valid_token_for_its_article(client, article):
    token = token_in(client.get(article.url).content.decode())
    assert 0 <= tokens.age_of(token, article.pk) < 60


def test_token_carries_nothing_about_the_reader_so_cached_pages_can_share_it(article, monkeypatch):
    monkeypatch.setattr(tokens.time, "time", lambda: 1_700_000_000.0)
    one = Client()
    other = Client()
    other.cookies["django_language"] = "en"
    first = token_in(one.get(article.url).content.decode())
    second = token_in(other.get(article.url, HTTP_USER_AGENT="Other/1.0").content.decode())
    assert first == second
    assert signing.Signer(salt=tokens.SALT).unsign_object(first) == {
        "p": article.pk,
        "t": 1_700_000_000,
    }


def test_honeypot_is_hidden_from_people(client, article):
    html = client.get(article.url).content.decode()
    wrapper = re.search(
        r'<p class="comment-form-subject visually-hidden" aria-hidden="true">', html
    )
    assert wrapper
    assert 'name="subject"' in html
    assert 'tabindex="-1"' in html


@pytest.mark.parametrize(
    "token",
    ["", "garbage", "a:b:c", "é" * 300, "x" * 10_000, "eyJwIjoxfQ:forged-signature"],
)
def test_missing_or_tampered_token_sends_the_form_back_with_text_kept(english, article, token):
    response = post(english, article, form_token=token)
    html = response.content.decode()
    assert response.status_code == 400
    assert "This form could not be checked" in html
    assert "Teks panjang yang tidak boleh hilang" in html
    assert 'value="Dewi"' in html
    assert Comment.objects.count() == 0
    # The form that comes back can be sent again as it is.
    assert tokens.age_of(token_in(html), article.pk) >= 0


def test_token_of_another_article_is_refused(english, article, section):
    other = builders.make_article(section, "Artikel lain")
    response = post(english, article, form_token=builders.form_token(other))
    assert response.status_code == 400
    assert Comment.objects.count() == 0


def test_token_with_an_edited_article_id_is_refused(english, article):
    genuine = builders.form_token(article)
    payload, signature = genuine.rsplit(":", 1)
    forged = signing.Signer(salt="someone-else").sign_object({"p": article.pk, "t": 0})
    for token in (f"{payload}x:{signature}", forged):
        assert post(english, article, form_token=token).status_code == 400
    assert Comment.objects.count() == 0


def test_expired_form_comes_back_asking_to_send_again_and_then_works(english, article):
    old = tokens.issue(article.pk, now=time.time() - tokens.MAX_AGE - 5)
    response = post(english, article, form_token=old)
    html = response.content.decode()
    assert response.status_code == 400
    assert "please send it again" in html
    assert "more than a day" in html
    assert "Teks panjang yang tidak boleh hilang" in html
    assert Comment.objects.count() == 0

    fresh = token_in(html)
    assert fresh != old
    again = post(english, article, form_token=fresh)
    assert again.status_code == 302
    assert Comment.objects.get().body == BODY


def test_posted_faster_than_the_minimum_is_held_with_a_reason(client, article):
    response = post(client, article, form_token=tokens.issue(article.pk))
    assert response.status_code == 302
    comment = Comment.objects.get()
    assert comment.status == CommentStatus.PENDING
    [fast] = [r for r in comment.reasons if r["rule"] == "too_fast"]
    assert fast["effect"] == "hold"
    assert "minimum 3 s" in fast["detail"]


def test_posted_after_the_minimum_has_no_speed_reason(client, article):
    post(client, article, form_token=builders.form_token(article, age=4))
    assert not [r for r in Comment.objects.get().reasons if r["rule"] == "too_fast"]


def test_honeypot_filled_is_stored_as_spam_and_the_sender_is_not_told(client, article):
    response = post(client, article, subject="Buy now")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#comment-{comment.pk}"
    assert comment.status == CommentStatus.SPAM
    assert {"rule": "honeypot", "effect": "spam", "detail": "the hidden field was filled in"} in (
        comment.reasons
    )
    # Its author sees it awaiting moderation, as any held comment
    # (tests/discussion/test_spam_answer.py); nobody else sees it.
    page = client.get(article.url).content.decode()
    assert "Teks panjang yang tidak boleh hilang" in page
    assert "honeypot" not in page.lower()
    assert "Teks panjang" not in Client().get(article.url).content.decode()


def test_honeypot_left_empty_is_no_reason(client, article):
    post(client, article, subject="")
    assert not [r for r in Comment.objects.get().reasons if r["rule"] == "honeypot"]
