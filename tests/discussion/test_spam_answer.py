"""A post the checks take for spam is answered exactly as a held one (issue 12, finding
10): the same status, the same own-comments cookie, the same page with the comment
"awaiting moderation" for its author, and the same Edit and Delete links; it is never
shown to anybody else."""

import re

import pytest
from django.test import Client, TestCase
from django.urls import reverse
from wagtail.models import Site

from kabar.discussion.models import Comment, CommentStatus, DiscussionSettings
from kabar.discussion.own import OWN_COOKIE
from kabar.discussion.services import comments_set_status
from tests import builders

pytestmark = pytest.mark.django_db
POST_URL = reverse("discussion:post")


def post(article, body, **fields):
    client = Client()
    data = {
        "page": article.pk,
        "body": body,
        "author_name": "Dewi",
        "author_email": "dewi@example.org",
        "form_token": builders.form_token(article),
        **fields,
    }
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(POST_URL, data, HTTP_ORIGIN="http://testserver")
    comment = Comment.objects.get(body=body)
    return client, response, comment


def shape(response, comment):
    """What the answer says, with the comment's own id taken out."""
    return (
        response.status_code,
        response["Location"].replace(f"#comment-{comment.pk}", "#comment-ID"),
        sorted(response.cookies),
        response.cookies[OWN_COOKIE]["httponly"] if OWN_COOKIE in response.cookies else None,
    )


def own_entry(client, article, comment):
    """The comment as the page shows it to this browser, its id, text and time taken out;
    and the page's caching headers."""
    response = client.get(article.url)
    html = response.content.decode()
    start = html.index(f'<li id="comment-{comment.pk}"')
    entry = html[start : html.index("</li>", start)]
    entry = re.sub(rf"(comment-|/comments/){comment.pk}\b", r"\1ID", entry)
    entry = entry.replace(comment.body, "TEXT")
    return re.sub(r"<time [^>]*>[^<]*</time>", "", entry), response["Cache-Control"]


@pytest.fixture
def held_and_spam(article):
    held = post(article, "Komentar pertama yang wajar.")
    spam = post(article, "Komentar kedua dari robot.", subject="Buy now")
    assert held[2].status == CommentStatus.PENDING
    assert spam[2].status == CommentStatus.SPAM
    return held, spam


def test_a_honeypot_post_gets_the_answer_a_held_post_gets(held_and_spam):
    (_c, held_response, held), (_s, spam_response, spam) = held_and_spam
    assert shape(spam_response, spam) == shape(held_response, held)
    assert OWN_COOKIE in spam_response.cookies


def test_its_author_sees_it_awaiting_moderation_as_a_held_one(article, held_and_spam):
    (held_client, _r, held), (spam_client, _s, spam) = held_and_spam
    spam_entry = own_entry(spam_client, article, spam)
    assert "TEXT" in spam_entry[0] and "menunggu moderasi" in spam_entry[0]
    assert spam_entry == own_entry(held_client, article, held)
    assert spam.body not in Client().get(article.url).content.decode()


def test_its_author_may_open_edit_and_delete_as_for_a_held_one(article, held_and_spam):
    _held, (spam_client, _s, spam) = held_and_spam
    assert spam_client.get(reverse("discussion:edit", args=[spam.pk])).status_code == 200
    assert spam_client.get(reverse("discussion:delete", args=[spam.pk])).status_code == 200


def test_an_authors_edit_does_not_clear_the_spam_verdict(article, held_and_spam):
    _held, (spam_client, _s, spam) = held_and_spam
    response = spam_client.post(
        reverse("discussion:edit", args=[spam.pk]), {"body": "Sekarang teksnya sopan."}
    )
    assert response.status_code == 302
    spam.refresh_from_db()
    assert spam.status == CommentStatus.SPAM and spam.body == "Sekarang teksnya sopan."
    assert "Sekarang teksnya sopan." not in Client().get(article.url).content.decode()


def test_a_moderators_spam_mark_takes_it_out_of_its_authors_view(article, held_and_spam):
    (held_client, _r, held), _spam = held_and_spam
    comments_set_status([held.pk], CommentStatus.SPAM)
    assert held.body not in held_client.get(article.url).content.decode()


def test_a_post_the_disallowed_words_trash_gets_the_answer_a_held_post_gets(article, held_and_spam):
    (_c, held_response, held), _spam = held_and_spam
    stored = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    stored.disallowed_words = "kasino"
    stored.save()
    _t, trash_response, trashed = post(article, "Mampir ke kasino kami.")
    assert trashed.status == CommentStatus.TRASH
    assert shape(trash_response, trashed) == shape(held_response, held)
