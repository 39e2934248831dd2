"""Editing and deleting one's own comment from the browser it was sent from, inside the
edit window; tombstones for removed comments that have replies."""

import re
from datetime import timedelta

import pytest
from django.http import HttpResponse
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from kabar.discussion import signals
from kabar.discussion.models import Comment, Commenter, CommentStatus
from kabar.discussion.own import (
    OWN_COOKIE,
    TRUSTED_COOKIE,
    store_own_comments,
    store_trusted_browser,
)
from kabar.discussion.services import (
    CommentChangeRefused,
    comment_edit,
    comment_remove_by_author,
    comments_set_status,
)
from tests import builders

pytestmark = pytest.mark.django_db
EMAIL = "penulis.komentar@example.org"


def edit_url(comment):
    return reverse("discussion:edit", args=[comment.pk])


def delete_url(comment):
    return reverse("discussion:delete", args=[comment.pk])


def give_own_cookie(client, *comments):
    """Hand `client` the signed own-comments cookie exactly as the product writes it
    after a post."""
    request = RequestFactory().get("/")
    for comment in comments:
        response = HttpResponse()
        store_own_comments(request, response, add=comment)
        request.COOKIES[OWN_COOKIE] = response.cookies[OWN_COOKIE].value
    client.cookies[OWN_COOKIE] = request.COOKIES[OWN_COOKIE]
    return client


def give_trusted_cookie(client, email=EMAIL):
    """Hand `client` the trusted-browser cookie its owner gets by confirming `email` in it."""
    response = HttpResponse()
    store_trusted_browser(RequestFactory().get("/"), response, email)
    client.cookies[TRUSTED_COOKIE] = response.cookies[TRUSTED_COOKIE].value
    return client


def approved(article, body="Komentar pertama saya.", email=EMAIL, **fields):
    """An approved comment by a commenter who confirmed their address: trusted, so an
    edit that breaks no rule stays published."""
    comment = builders.submit(article, body=body, email=email, approve=True, **fields)
    Commenter.objects.filter(pk=comment.commenter_id).update(verified_at=timezone.now())
    return comment


discussion_settings = builders.discussion_settings


def later(monkeypatch, minutes):
    moved = timezone.now() + timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: moved)


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


# Authorship and the window.


def test_posting_gives_an_httponly_cookie_and_edit_links_to_the_author_only(client, article):
    page = client.get(article.url).content.decode()
    token = re.search(r'name="form_token" value="([^"]*)"', page)
    response = client.post(
        reverse("discussion:post"),
        {
            "page": article.pk,
            "body": "Dikirim lewat formulir.",
            "author_name": "Dewi",
            "author_email": EMAIL,
            "form_token": token.group(1) if token else "",
        },
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    cookie = response.cookies[OWN_COOKIE]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"
    assert str(comment.pk) in cookie.value

    own = client.get(article.url)
    assert f'href="{edit_url(comment)}"' in own.content.decode()
    assert f'href="{delete_url(comment)}"' in own.content.decode()
    assert "private" in own["Cache-Control"]

    comments_set_status([comment.pk], CommentStatus.APPROVED)
    stranger = Client().get(article.url)
    assert "Dikirim lewat formulir." in stranger.content.decode()
    assert edit_url(comment) not in stranger.content.decode()
    assert "private" not in stranger.get("Cache-Control", "")


def test_edit_within_the_window_saves_text_and_marks_it_edited(english, article):
    comment = approved(article)
    give_own_cookie(english, comment)
    give_trusted_cookie(english)  # the browser the address was confirmed in
    form = english.get(edit_url(comment))
    assert form.status_code == 200
    assert "Komentar pertama saya." in form.content.decode()
    assert "no-store" in form["Cache-Control"]

    response = english.post(edit_url(comment), {"body": "Komentar yang sudah diperbaiki."})
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#comment-{comment.pk}"
    comment.refresh_from_db()
    assert comment.body == "Komentar yang sudah diperbaiki."
    assert comment.edited_at is not None
    assert comment.status == CommentStatus.APPROVED
    html = Client(headers={"cookie": "django_language=en"}).get(article.url).content.decode()
    assert "Komentar yang sudah diperbaiki." in html
    assert "Komentar pertama saya." not in html
    assert "(edited)" in html


def test_an_edit_in_invalid_utf8_is_refused_and_the_comment_kept(english, article):
    comment = approved(article)
    give_own_cookie(english, comment)
    give_trusted_cookie(english)
    response = english.generic(
        "POST",
        edit_url(comment),
        "body=%FF%FE+teks+baru",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "could not be read" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Komentar pertama saya."
    assert comment.edited_at is None


def test_edit_runs_the_moderation_rules_again(client, article):
    discussion_settings(moderation_words="kasino")
    comment = approved(article)
    give_own_cookie(client, comment)
    client.post(edit_url(comment), {"body": "Mampir ke kasino daring kami."})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert any(r["rule"] == "moderation_words" for r in comment.reasons)
    assert "kasino" not in Client().get(article.url).content.decode()
    # Its author still sees it, held.
    assert "kasino daring" in client.get(article.url).content.decode()


def test_edit_by_an_unconfirmed_commenter_is_held_again(client, article):
    comment = approved(article)
    Commenter.objects.filter(pk=comment.commenter_id).update(verified_at=None)
    give_own_cookie(client, comment)
    client.post(edit_url(comment), {"body": "Isi yang sama sekali berbeda."})
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.PENDING


def test_edit_with_a_disallowed_word_goes_to_the_trash(client, article):
    discussion_settings(disallowed_words="obat kuat")
    comment = approved(article)
    give_own_cookie(client, comment)
    client.post(edit_url(comment), {"body": "Jual obat kuat murah."})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.TRASH
    assert "obat kuat" not in Client().get(article.url).content.decode()


def test_edit_after_the_window_is_refused_with_a_clear_message(english, article, monkeypatch):
    comment = approved(article)
    give_own_cookie(english, comment)
    later(monkeypatch, 11)
    for response in (
        english.get(edit_url(comment)),
        english.post(edit_url(comment), {"body": "Terlambat."}),
    ):
        assert response.status_code == 403
        assert "10 minutes" in response.content.decode()
    comment.refresh_from_db()
    assert comment.body == "Komentar pertama saya."
    assert comment.edited_at is None


def test_edit_window_follows_the_setting(client, article, monkeypatch):
    discussion_settings(edit_window_minutes=30)
    comment = approved(article)
    give_own_cookie(client, comment)
    later(monkeypatch, 20)
    assert client.post(edit_url(comment), {"body": "Masih sempat."}).status_code == 302
    assert Comment.objects.get(pk=comment.pk).body == "Masih sempat."


def test_edit_links_disappear_when_the_window_has_passed(client, article, monkeypatch):
    comment = approved(article)
    give_own_cookie(client, comment)
    assert edit_url(comment) in client.get(article.url).content.decode()
    later(monkeypatch, 11)
    assert edit_url(comment) not in client.get(article.url).content.decode()


def test_edit_without_the_cookie_is_refused(english, article):
    comment = approved(article)
    assert english.get(edit_url(comment)).status_code == 403
    response = english.post(edit_url(comment), {"body": "Bukan punya saya."})
    assert response.status_code == 403
    assert "browser it was sent from" in response.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "Komentar pertama saya."


@pytest.mark.parametrize(
    "forge",
    [
        lambda value, comment: value[:-3] + "abc",  # signature altered
        lambda value, comment: f"{comment.pk}.{int(comment.created_at.timestamp())}",  # unsigned
        lambda value, comment: value.replace(str(comment.pk), str(comment.pk + 1), 1),
    ],
    ids=["bad-signature", "unsigned", "edited-id"],
)
def test_edit_with_a_forged_cookie_is_refused(client, article, forge):
    mine = approved(article, body="Punya saya.", name="Sari", email="sari@example.org")
    victim = approved(article, body="Punya orang lain.")
    assert victim.pk == mine.pk + 1
    give_own_cookie(client, mine)
    client.cookies[OWN_COOKIE] = forge(client.cookies[OWN_COOKIE].value, mine)
    response = client.post(edit_url(victim), {"body": "Diubah orang asing."})
    assert response.status_code == 403
    assert Comment.objects.get(pk=victim.pk).body == "Punya orang lain."


def test_cookie_for_one_comment_does_not_open_another(client, article):
    mine = approved(article, body="Punya saya.", name="Sari", email="sari@example.org")
    other = approved(article, body="Punya orang lain.")
    give_own_cookie(client, mine)
    assert client.post(edit_url(other), {"body": "Diubah."}).status_code == 403
    assert client.post(delete_url(other)).status_code == 403
    assert Comment.objects.get(pk=other.pk).removed_at is None


def test_cookie_entry_for_a_reused_id_proves_nothing(client, article):
    comment = approved(article)
    give_own_cookie(client, comment)
    # The same id, but a different comment (a database that reuses ids after a delete).
    Comment.objects.filter(pk=comment.pk).update(created_at=comment.created_at - timedelta(hours=1))
    assert client.post(edit_url(comment), {"body": "Diubah."}).status_code == 403


def test_edit_form_keeps_the_text_on_a_validation_error(english, article):
    comment = approved(article)
    give_own_cookie(english, comment)
    too_long = "kata " * 13106  # 65530 characters
    response = english.post(edit_url(comment), {"body": too_long})
    assert response.status_code == 400
    assert too_long.strip() in response.content.decode()
    blank = english.post(edit_url(comment), {"body": "   "})
    assert blank.status_code == 400
    assert "Please type your comment." in blank.content.decode()
    assert Comment.objects.get(pk=comment.pk).body == "Komentar pertama saya."


def test_edit_and_delete_need_the_csrf_token(article):
    comment = approved(article)
    client = give_own_cookie(Client(enforce_csrf_checks=True), comment)
    assert client.post(edit_url(comment), {"body": "Tanpa token."}).status_code == 403
    assert client.post(delete_url(comment)).status_code == 403
    comment.refresh_from_db()
    assert comment.body == "Komentar pertama saya." and comment.removed_at is None


def test_edit_of_a_comment_a_moderator_trashed_is_refused(client, article):
    comment = approved(article)
    give_own_cookie(client, comment)
    comments_set_status([comment.pk], CommentStatus.TRASH)
    assert client.post(edit_url(comment), {"body": "Kembali lagi."}).status_code == 403
    assert Comment.objects.get(pk=comment.pk).status == CommentStatus.TRASH


def test_unknown_comment_id_is_not_found(client, article):
    comment = approved(article)
    give_own_cookie(client, comment)
    Comment.objects.filter(pk=comment.pk).delete()
    assert client.get(edit_url(comment)).status_code == 404


# Deleting, and the placeholder.


def test_delete_with_replies_leaves_a_placeholder_and_keeps_the_replies(english, article):
    parent = approved(article, body="Komentar yang akan saya hapus.", name="Rahasia Sekali")
    reply = builders.submit(
        article, body="Balasan yang tetap ada.", name="Budi", parent=parent, approve=True
    )
    give_own_cookie(english, parent)
    confirm = english.get(delete_url(parent))
    assert confirm.status_code == 200
    assert "It has replies" in confirm.content.decode()

    response = english.post(delete_url(parent))
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#comments"
    parent.refresh_from_db()
    assert parent.status == CommentStatus.TRASH and parent.removed_at is not None
    assert parent.body == "Komentar yang akan saya hapus."  # kept for moderators

    for viewer in (english, Client(headers={"cookie": "django_language=en"})):
        html = viewer.get(article.url).content.decode()
        assert "Comment deleted" in html
        assert "Komentar yang akan saya hapus." not in html
        assert "Rahasia Sekali" not in html
        placeholder_at = html.index(f'id="comment-{parent.pk}"')
        assert html.index(f'id="comment-{reply.pk}"') > html.index(
            '<ol class="children">', placeholder_at
        )
        assert "1 comment" in html  # the reply; the placeholder is not counted


def test_delete_without_replies_removes_it_from_view(client, article):
    comment = approved(article, body="Salah kirim.")
    give_own_cookie(client, comment)
    response = client.post(delete_url(comment))
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.status == CommentStatus.TRASH and comment.removed_at is not None
    for viewer in (client, Client()):
        html = viewer.get(article.url).content.decode()
        assert "Salah kirim." not in html
        assert f'id="comment-{comment.pk}"' not in html
    # The cookie no longer names it.
    assert str(comment.pk) not in response.cookies[OWN_COOKIE].value


def test_placeholder_goes_when_its_last_reply_is_trashed(client, article):
    parent = approved(article, body="Dihapus penulisnya.")
    reply = builders.submit(article, body="Balasan.", name="Budi", parent=parent, approve=True)
    comment_remove_by_author(parent)
    assert f'id="comment-{parent.pk}"' in Client().get(article.url).content.decode()
    comments_set_status([reply.pk], CommentStatus.TRASH)
    assert f'id="comment-{parent.pk}"' not in Client().get(article.url).content.decode()


def test_delete_after_the_window_is_refused(client, article, monkeypatch):
    comment = approved(article)
    give_own_cookie(client, comment)
    later(monkeypatch, 11)
    assert client.post(delete_url(comment)).status_code == 403
    assert Comment.objects.get(pk=comment.pk).removed_at is None


def test_own_held_comment_can_be_deleted(client, article):
    held = builders.submit(article, body="Masih ditahan.", email=EMAIL)
    assert held.status == CommentStatus.PENDING
    give_own_cookie(client, held)
    assert client.post(delete_url(held)).status_code == 302
    assert "Masih ditahan." not in client.get(article.url).content.decode()


# Services.


def test_edit_announces_itself_after_commit(article, django_capture_on_commit_callbacks):
    comment = approved(article)
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    signals.comment_edited.connect(listener)
    try:
        with django_capture_on_commit_callbacks() as callbacks:
            comment_edit(comment, body="Versi baru.")
            assert heard == []
        for callback in callbacks:
            callback()
    finally:
        signals.comment_edited.disconnect(listener)
    [event] = heard
    assert event["previous_body"] == "Komentar pertama saya."
    assert event["comment"].body == "Versi baru."
    assert event["by_author"] is True


def test_remove_announces_itself_after_commit(article, django_capture_on_commit_callbacks):
    comment = approved(article)
    heard = []

    def listener(sender, **kwargs):
        heard.append(kwargs)

    signals.comment_removed.connect(listener)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            comment_remove_by_author(comment)
    finally:
        signals.comment_removed.disconnect(listener)
    assert [event["page_id"] for event in heard] == [article.pk]


def test_edit_of_a_reported_comment_stays_held_for_the_moderator(article):
    comment = approved(article)
    comments_set_status([comment.pk], CommentStatus.REPORTED)
    comment.refresh_from_db()
    edited = comment_edit(comment, body="Sudah saya perbaiki.")
    assert edited.status == CommentStatus.REPORTED


def test_unchanged_text_is_not_an_edit(article):
    comment = approved(article)
    assert comment_edit(comment, body=comment.body).edited_at is None


def test_services_refuse_after_the_window(article):
    comment = approved(article)
    too_late = timezone.now() + timedelta(minutes=11)
    with pytest.raises(CommentChangeRefused):
        comment_edit(comment, body="Terlambat.", now=too_late)
    with pytest.raises(CommentChangeRefused):
        comment_remove_by_author(comment, now=too_late)
    comment.refresh_from_db()
    assert comment.body == "Komentar pertama saya." and comment.removed_at is None


def test_thread_with_placeholders_keeps_a_bounded_query_count(
    client, article, django_assert_max_num_queries
):
    def thread(start, stop):
        for i in range(start, stop):
            parent = approved(article, body=f"Induk {i}.", name=f"Pembaca {i}")
            builders.submit(article, body=f"Balasan {i}.", name="Budi", parent=parent, approve=True)
            comment_remove_by_author(parent)

    thread(0, 2)
    with django_assert_max_num_queries(40) as few:
        Client().get(article.url)
    thread(2, 22)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = Client().get(article.url).content.decode()
    assert html.count("comment--removed") == 22
