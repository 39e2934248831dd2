"""Replies as the newsroom from the moderators' desk (admin/replies.py and
services.comment_reply_as_staff): published at once whatever the checks say, marked as
staff on the article, a held comment answered is approved with it, the staff member's
address never public; the plain page without JavaScript and the JSON desk.js posts."""

import time

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from kabar.discussion.models import (
    Comment,
    CommentStatus,
    DeliveryKind,
    EmailDelivery,
)
from kabar.discussion.services import (
    CommentAuthor,
    CommentsClosed,
    SubmitContext,
    comment_reply_as_staff,
    comment_submit,
    comments_set_status,
)
from kabar.discussion.targets import DiscussionState
from kabar.discussion.trust import Confirmation, commenter_confirm
from kabar.news.models import ArticlePage
from tests import builders

pytestmark = pytest.mark.django_db

LIST_URL = reverse("discussion_comments:list")
STAFF_EMAIL = "redaktur.pribadi@example.org"
JSON = {"HTTP_ACCEPT": "application/json"}


@pytest.fixture
def moderator(django_user_model):
    user = django_user_model.objects.create_superuser(
        username="redaktur", email=STAFF_EMAIL, password="x", first_name="Sari", last_name="Dewi"
    )
    return builders.in_english(user)


@pytest.fixture
def desk(moderator):
    client = Client()
    client.force_login(moderator)
    return client


def reply_url(comment, next_url=LIST_URL):
    return reverse("discussion_comments:reply", args=[comment.pk]) + f"?next={next_url}"


def held(article, body="Apakah angka korbannya sudah pasti?", email="pembaca@example.org"):
    comment = builders.submit(article, body=body, name="Wulan", email=email)
    assert comment.status == CommentStatus.PENDING
    return comment


def status_of(comment):
    return Comment.objects.get(pk=comment.pk).status


# The service.


def test_staff_reply_is_published_at_once_and_marked_as_the_newsrooms(article, moderator):
    parent = builders.submit(article, body="Terima kasih liputannya.", approve=True)
    reply, approved = comment_reply_as_staff(parent, body="Terima kasih kembali.", by=moderator)
    assert approved is False
    assert reply.status == CommentStatus.APPROVED
    assert reply.by_staff is True
    assert reply.user == moderator
    assert reply.parent_id == parent.pk
    assert reply.author_name == "Sari Dewi"
    assert [reason["rule"] for reason in reply.reasons] == ["staff"]


def test_staff_reply_is_never_held_by_spam_rules_or_premoderation(article, moderator):
    ArticlePage.objects.filter(pk=article.pk).update(discussion=DiscussionState.PREMODERATED)
    parent = builders.submit(article, body="Sumbernya dari mana?", approve=True)
    links = " ".join(f"https://sumber{n}.example.net/laporan" for n in range(4))
    reply, _ = comment_reply_as_staff(
        parent, body=f"Slot gacor? Bukan: sumbernya di sini {links}", by=moderator
    )
    assert reply.status == CommentStatus.APPROVED
    assert reply.spam_score is None


def test_replying_to_a_held_comment_approves_it(
    article, moderator, django_capture_on_commit_callbacks
):
    parent = held(article)
    with django_capture_on_commit_callbacks(execute=True):
        reply, approved = comment_reply_as_staff(parent, body="Belum pasti.", by=moderator)
    assert approved is True
    assert status_of(parent) == CommentStatus.APPROVED
    parent.refresh_from_db()
    assert parent.moderated_by == moderator
    assert parent.commenter.approved_count == 1


@pytest.mark.parametrize("status", [CommentStatus.SPAM, CommentStatus.TRASH])
def test_a_spam_or_trashed_comment_cannot_be_answered(article, moderator, status):
    parent = held(article)
    comments_set_status([parent.pk], status)
    parent.refresh_from_db()
    with pytest.raises(ValidationError):
        comment_reply_as_staff(parent, body="Jawaban.", by=moderator)
    assert Comment.objects.filter(parent=parent).count() == 0


def test_a_refused_reply_approves_nothing(article, moderator):
    parent = held(article)
    with pytest.raises(ValidationError):
        comment_reply_as_staff(parent, body="   ", by=moderator)
    assert status_of(parent) == CommentStatus.PENDING


def test_a_reply_on_a_closed_article_is_refused(article, moderator):
    parent = builders.submit(article, approve=True)
    ArticlePage.objects.filter(pk=article.pk).update(discussion=DiscussionState.CLOSED)
    with pytest.raises(CommentsClosed):
        comment_reply_as_staff(parent, body="Jawaban.", by=moderator)


def test_a_staff_member_without_a_name_replies_as_the_newsroom(article, django_user_model):
    user = django_user_model.objects.create_superuser("login.rahasia", "", "x")
    parent = builders.submit(article, approve=True)
    reply, _ = comment_reply_as_staff(parent, body="Jawaban redaksi.", by=user)
    with translation.override(settings.LANGUAGE_CODE):
        assert reply.author_name == gettext("Newsroom")
    assert "login.rahasia" not in reply.author_name
    assert reply.author_email.endswith("@no-email.invalid")


def test_the_mark_stays_when_the_writer_loses_the_permission(article, moderator):
    parent = builders.submit(article, approve=True)
    reply, _ = comment_reply_as_staff(parent, body="Jawaban redaksi.", by=moderator)
    moderator.is_superuser = moderator.is_staff = False
    moderator.save()
    assert Comment.objects.get(pk=reply.pk).by_staff is True


def test_a_moderator_commenting_on_the_site_is_marked_and_a_reader_signed_in_is_not(
    article, moderator, django_user_model
):
    reader = django_user_model.objects.create_user("pembaca", "pembaca@example.net", "x")
    by_moderator = builders.submit(article, body="Dari redaksi.", user=moderator)
    by_reader = builders.submit(article, body="Dari pembaca.", user=reader)
    assert by_moderator.by_staff is True
    assert by_reader.by_staff is False


def test_the_reader_answered_is_mailed_and_the_staff_member_asked_nothing(
    article, moderator, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        parent = comment_submit(
            page=article,
            author=CommentAuthor(name="Wulan", email="wulan@example.org", ip_address="192.0.2.7"),
            body="Kabari saya bila ada jawaban.",
            context=SubmitContext(notify_replies=True),
        )
    commenter_confirm(Confirmation(commenter=parent.commenter, issued_at=time.time() + 1))
    comments_set_status([parent.pk], CommentStatus.APPROVED)
    parent.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        reply, _ = comment_reply_as_staff(parent, body="Sudah kami perbarui.", by=moderator)
    assert EmailDelivery.objects.filter(
        comment=reply, recipient="wulan@example.org", kind=DeliveryKind.REPLY
    ).exists()
    # No "confirm your address" for the reply's writer, who signed in to write it.
    assert not EmailDelivery.objects.filter(
        recipient=STAFF_EMAIL, kind=DeliveryKind.CONFIRM
    ).exists()


# On the article.


def test_the_article_marks_the_staff_reply_and_never_shows_the_staff_address(
    client, article, moderator
):
    parent = builders.submit(article, body="Komentar pembaca.", approve=True)
    reply, _ = comment_reply_as_staff(parent, body="Jawaban dari redaksi.", by=moderator)
    html = client.get(article.url).content.decode()
    reply_html = html[html.index(f'id="comment-{reply.pk}"') :]
    reply_html = reply_html[: reply_html.index("</article>")]
    assert 'class="comment__staff"' in reply_html
    parent_html = html[
        html.index(f'id="comment-{parent.pk}"') : html.index(f'id="comment-{reply.pk}"')
    ]
    assert "comment__staff" not in parent_html
    assert STAFF_EMAIL not in html
    assert "redaktur" not in reply_html  # nor the login name


# The desk: the card's Reply, the page without JavaScript, the JSON for desk.js.


def test_cards_offer_a_reply_for_held_and_published_comments_only(desk, article):
    pending = held(article)
    approved = builders.submit(article, body="Sudah tayang.", email="b@example.org", approve=True)
    spam = held(article, body="Obat murah sekali.", email="c@example.org")
    comments_set_status([spam.pk], CommentStatus.SPAM)
    html = desk.get(LIST_URL).content.decode()
    for comment in (pending, approved):
        card = html[html.index(f'data-comment-id="{comment.pk}"') :]
        card = card[: card.index("</tr>")]
        assert "data-desk-reply" in card and 'aria-keyshortcuts="r"' in card
        assert reverse("discussion_comments:reply", args=[comment.pk]) in card
    card = html[html.index(f'data-comment-id="{spam.pk}"') :]
    assert "data-desk-reply" not in card[: card.index("</tr>")]
    # The held one's reply says it approves: desk.js reads data-approves.
    card = html[html.index(f'data-comment-id="{pending.pk}"') :]
    assert "data-approves" in card[: card.index("</tr>")]
    assert 'id="desk-reply-template"' in html and "Approve and reply" in html


def test_the_reply_page_works_without_javascript(desk, article):
    parent = held(article)
    page = desk.get(reply_url(parent, f"{LIST_URL}?status=pending"))
    html = page.content.decode()
    assert page.status_code == 200
    assert "Apakah angka korbannya sudah pasti?" in html
    assert "Approve and reply" in html and "Replying approves this comment too" in html
    response = desk.post(
        reply_url(parent),
        {"body": "Belum, kami menunggu data resmi.", "next": f"{LIST_URL}?status=pending"},
    )
    assert response.status_code == 302 and response["Location"] == f"{LIST_URL}?status=pending"
    reply = Comment.objects.get(parent=parent)
    assert reply.status == CommentStatus.APPROVED and reply.by_staff
    assert status_of(parent) == CommentStatus.APPROVED
    assert (
        "Comment by Wulan approved, and your reply published."
        in desk.get(LIST_URL).content.decode()
    )


def test_a_refused_reply_keeps_its_text_on_the_page(desk, article):
    parent = builders.submit(article, approve=True)
    ArticlePage.objects.filter(pk=article.pk).update(discussion=DiscussionState.CLOSED)
    response = desk.post(reply_url(parent), {"body": "Teks yang tidak boleh hilang."})
    html = response.content.decode()
    assert response.status_code == 400
    assert "Comments are closed on this article." in html
    assert "Teks yang tidak boleh hilang." in html
    assert not Comment.objects.filter(parent=parent).exists()


def test_desk_js_gets_json_with_the_new_counts(desk, article):
    parent = held(article)
    response = desk.post(reply_url(parent), {"body": "Jawaban singkat."}, **JSON)
    assert response.status_code == 200
    data = response.json()
    assert data["approved"] is True and data["parent_status"] == "approved"
    assert data["counts"]["pending"] == 0 and data["counts"]["approved"] == 2
    assert data["message"] == "Comment by Wulan approved, and your reply published."
    assert data["reply_id"] == Comment.objects.get(parent=parent).pk


def test_desk_js_gets_the_errors_as_json(desk, article):
    parent = held(article)
    response = desk.post(reply_url(parent), {"body": ""}, **JSON)
    assert response.status_code == 400
    assert response.json()["errors"] == ["This field is required."]
    assert status_of(parent) == CommentStatus.PENDING


def test_a_reply_to_spam_is_refused_with_a_message(desk, article):
    parent = held(article)
    comments_set_status([parent.pk], CommentStatus.SPAM)
    assert "can be answered" in desk.get(reply_url(parent)).content.decode()
    response = desk.post(reply_url(parent), {"body": "Jawaban."}, **JSON)
    assert response.status_code == 400
    assert response.json()["errors"] == [
        "Only a published comment, or one waiting for moderation, can be answered."
    ]


def test_replying_needs_the_moderation_permission(article, django_user_model):
    parent = held(article)
    viewer = Client()
    viewer.force_login(
        builders.admin_user_with(django_user_model, "pengamat", "discussion", "view_comment")
    )
    response = viewer.post(reply_url(parent), {"body": "Jawaban."})
    assert response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    assert not Comment.objects.filter(parent=parent).exists()
    anonymous = Client().post(reply_url(parent), {"body": "Jawaban."})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_replying_needs_the_csrf_token(moderator, article):
    parent = held(article)
    client = Client(enforce_csrf_checks=True)
    client.force_login(moderator)
    assert client.post(reply_url(parent), {"body": "Jawaban."}).status_code == 403
    assert not Comment.objects.filter(parent=parent).exists()


def test_reply_to_an_unknown_comment_is_404(desk):
    assert desk.get(reverse("discussion_comments:reply", args=[999999])).status_code == 404
    assert desk.post("/admin/comments/reply/1x/", {"body": "x"}).status_code == 404


def test_the_reply_goes_back_only_to_this_site(desk, article):
    parent = builders.submit(article, approve=True)
    response = desk.post(
        reply_url(parent), {"body": "Jawaban.", "next": "https://jahat.example.net/"}
    )
    assert response.status_code == 302 and response["Location"] == LIST_URL
