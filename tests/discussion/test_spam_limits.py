"""Flood and burst limits (HTTP 429) and duplicate detection (HTTP 400) on comment posts."""

import time

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from kabar.core.text import text_key
from kabar.discussion.models import Comment, CommentStatus, DiscussionSettings
from kabar.discussion.own import address_proof
from kabar.discussion.services import CommentAuthor, comment_submit, comments_set_status
from tests import builders

pytestmark = pytest.mark.django_db
POST_URL = reverse("discussion:post")
READER = "198.51.100.7"


@pytest.fixture(autouse=True)
def _limits(limits_on):
    pass


@pytest.fixture
def english():
    client = Client()
    client.cookies["django_language"] = "en"
    return client


_bodies = iter(range(10**6))


def post(client, article, remote=READER, forwarded=None, **fields):
    data = {
        "page": article.pk,
        "body": f"Pendapat saya nomor {next(_bodies)} tentang berita ini.",
        "author_name": "Dewi",
        "author_email": f"dewi{next(_bodies)}@example.org",
        "form_token": builders.form_token(article),
        **fields,
    }
    # A browser's POST carries its Origin (needed when signed in, see kabar.core.security).
    meta = {"REMOTE_ADDR": remote, "HTTP_ORIGIN": "http://testserver"}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(POST_URL, data, **meta)


def discussion_settings(**values):
    stored = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(stored, name, value)
    stored.save()


def test_second_comment_within_the_flood_interval_gets_429_with_text_kept(english, article):
    assert post(english, article).status_code == 302
    response = post(english, article, body="Teks kedua yang tidak boleh hilang.")
    html = response.content.decode()
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 15
    assert "faster than this site allows" in html
    assert "Teks kedua yang tidak boleh hilang." in html
    assert Comment.objects.count() == 1


def test_flood_limit_also_follows_the_email_across_addresses(article):
    # Refused (429) only when the browser proves the address; anyone else typing it is
    # held for a moderator, so a refusal never tells a stranger the address just posted
    # (tests/discussion/test_guessed_address.py).
    client = Client()
    assert post(client, article, author_email="sama@example.org").status_code == 302
    again = post(client, article, remote="203.0.113.200", author_email="Sama@Example.org")
    assert again.status_code == 302
    held = Comment.objects.latest("pk")
    assert held.status == CommentStatus.PENDING
    assert "email_flood" in [r["rule"] for r in held.reasons]


def test_spoofed_forwarded_for_from_an_untrusted_address_does_not_reset_the_limit(
    article, settings
):
    settings.KABAR_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = Client()
    assert post(client, article).status_code == 302
    for spoofed in ("203.0.113.50", "203.0.113.51, 10.0.0.1", "10.0.0.9"):
        assert post(client, article, forwarded=spoofed).status_code == 429
    assert Comment.objects.get().ip_address == READER


def test_forwarded_for_from_a_trusted_proxy_is_honoured(article, settings):
    settings.KABAR_TRUSTED_PROXIES = ["10.0.0.0/8"]
    client = Client()
    # Two readers behind the same proxy are two clients...
    assert post(client, article, remote="10.0.0.2", forwarded="203.0.113.1").status_code == 302
    assert post(client, article, remote="10.0.0.2", forwarded="203.0.113.2").status_code == 302
    assert set(Comment.objects.values_list("ip_address", flat=True)) == {
        "203.0.113.1",
        "203.0.113.2",
    }
    # ...and one reader through another proxy hop is still one client.
    assert post(client, article, remote="10.0.0.3", forwarded="203.0.113.1").status_code == 429


def test_burst_limit_per_client(english, article, monkeypatch):
    # Inside one fixed window, whenever the test happens to run.
    monkeypatch.setattr(time, "time", lambda: 600 * 2_900_000 + 1.0)
    discussion_settings(flood_interval_seconds=0)
    for _ in range(5):
        assert post(english, article).status_code == 302
    response = post(english, article)
    assert response.status_code == 429
    assert "minutes" in response.content.decode()
    assert Comment.objects.count() == 5


def test_staff_are_not_limited(article, django_user_model):
    editor = django_user_model.objects.create_user("redaktur", "r@example.org", "x", is_staff=True)
    client = Client()
    client.force_login(editor)
    assert post(client, article).status_code == 302
    assert post(client, article).status_code == 302


def test_limits_can_be_switched_off(article, settings):
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "RATE_LIMITS": False}
    client = Client()
    assert post(client, article).status_code == 302
    assert post(client, article).status_code == 302


def test_a_refused_form_does_not_use_up_the_interval(article):
    client = Client()
    assert post(client, article, author_email="").status_code == 400
    assert post(client, article).status_code == 302


def test_same_words_twice_are_refused_as_a_duplicate_with_text_kept(english, article, settings):
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "RATE_LIMITS": False}
    words = "Saya setuju dengan analisis ini."
    assert post(english, article, body=words, author_email="a@example.org").status_code == 302
    response = post(
        english, article, body="  saya SETUJU dengan\nanalisis ini. ", author_email="a@example.org"
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "already said that" in html.replace("&#x27;", "'").replace("’", "'")
    assert "analisis ini." in html
    assert Comment.objects.count() == 1


def test_double_click_gets_the_duplicate_message_not_the_flood_message(english, article):
    words = "Satu komentar, dua klik."
    assert post(english, article, body=words, author_email="a@example.org").status_code == 302
    assert post(english, article, body=words, author_email="a@example.org").status_code == 400


def test_duplicate_from_the_same_address_under_another_email(article, settings):
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "RATE_LIMITS": False}
    words = "Kalimat yang sama persis."
    assert post(Client(), article, body=words).status_code == 302
    assert post(Client(), article, body=words, author_email="lain@example.org").status_code == 400


def test_same_words_from_someone_else_are_not_a_duplicate(article):
    words = "Setuju."
    assert post(Client(), article, body=words).status_code == 302
    assert post(Client(), article, body=words, remote="203.0.113.77").status_code == 302


def test_same_words_on_another_article_are_not_a_duplicate(article, section):
    other = builders.make_article(section, "Artikel lain")
    builders.submit(article, body="Sama saja.")
    builders.submit(other, body="Sama saja.")
    assert Comment.objects.count() == 2


def test_duplicate_is_refused_by_the_service_too(article):
    builders.submit(article, body="Komentar yang sama.")
    with pytest.raises(ValidationError) as refused:
        builders.submit(article, body="komentar yang  sama.")
    assert "body" in refused.value.message_dict
    assert Comment.objects.count() == 1


def test_trashed_comment_does_not_count_as_said(article):
    first = builders.submit(article, body="Coba lagi.")
    comments_set_status([first.pk], CommentStatus.TRASH)
    builders.submit(article, body="Coba lagi.")
    assert Comment.objects.count() == 2


def test_a_duplicate_is_found_however_long_ago_it_was_said(article):
    """One index lookup by the text's key (Comment.body_key): an author's fiftieth comment
    back is compared as their last one is, whatever they wrote in between."""
    builders.submit(article, body="Jembatan itu harus diperbaiki sebelum musim hujan.")
    for number in range(60):
        builders.submit(article, body=f"Pendapat lain nomor {number}.")
    with pytest.raises(ValidationError):
        builders.submit(article, body="JEMBATAN itu harus  diperbaiki sebelum musim hujan.")
    assert Comment.objects.count() == 61


def test_an_address_typed_in_capitals_is_the_same_author(article):
    """From the browser that proves the address, the same words under the same address
    typed otherwise, from another network, are a duplicate still."""
    words = "Huruf besar tidak mengubah penulis."
    builders.submit(article, body=words, email="Sari@Example.org")
    author = CommentAuthor(
        name="Sari",
        email="sari@example.org",
        ip_address="198.51.100.99",
        proofs=frozenset({address_proof("sari@example.org")}),
    )
    with pytest.raises(ValidationError):
        comment_submit(page=article, author=author, body=words)


def test_the_text_key_follows_an_edit_of_the_body(article):
    first = builders.submit(article, body="Teks awal yang nanti diubah.")
    Comment.objects.filter(pk=first.pk).update(edited_at=None)
    first.body = "Teks sesudah diubah oleh penulisnya."
    first.save(update_fields=["body"])
    assert Comment.objects.get(pk=first.pk).body_key == text_key(first.body)
    with pytest.raises(ValidationError):
        builders.submit(article, body="teks sesudah diubah oleh penulisnya.")
    builders.submit(article, body="Teks awal yang nanti diubah.")
    assert Comment.objects.count() == 2
