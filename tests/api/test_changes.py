"""PATCH and DELETE /api/v1/comments/{id}: the author's edit and deletion, proved by the own
proof the API gave their browser, within the edit window, through the same discussion
functions as the HTML pages."""

from datetime import timedelta

import pytest
from django.utils import timezone, translation

from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.own import own_comments_proved, own_proof
from kabar.discussion.services import NOT_YOURS
from kabar.discussion.validation import BODY_REQUIRED
from tests import builders
from tests.api.conftest import POST_URL, comment_fields

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(api, thread):
    """A comment posted through the API, with the own proof it was answered with."""
    data = api.post("comments", comment_fields(thread)).json()
    return Comment.objects.get(pk=data["comment"]["id"]), data["own"]


def later(monkeypatch, minutes):
    moved = timezone.now() + timedelta(minutes=minutes)
    monkeypatch.setattr(timezone, "now", lambda: moved)


def test_the_author_edits_their_comment(api, sent):
    comment, own = sent
    answer = api.patch(f"comments/{comment.pk}", {"body": "Teks yang sudah diperbaiki."}, own=own)
    assert answer.status_code == 200
    data = answer.json()
    assert data["comment"]["own"]["body"] == "Teks yang sudah diperbaiki."
    assert data["comment"]["edited"] is not None
    comment.refresh_from_db()
    assert comment.body == "Teks yang sudah diperbaiki."
    assert comment.pk in own_comments_proved(data["own"])


def test_an_empty_edit_gets_the_forms_message(api, sent):
    comment, own = sent
    refused = api.patch(f"comments/{comment.pk}", {"body": " "}, own=own)
    assert refused.status_code == 400
    with translation.override("id"):
        assert refused.json()["errors"]["body"] == [str(BODY_REQUIRED)]
    comment.refresh_from_db()
    assert comment.body == "Semoga cepat surut, dan warga mendapat bantuan."


def test_the_author_deletes_their_comment_and_the_proof_forgets_it(api, sent):
    comment, own = sent
    answer = api.delete(f"comments/{comment.pk}", own=own)
    assert answer.status_code == 200
    assert answer.json() == {"own": ""}
    comment.refresh_from_db()
    assert comment.status == CommentStatus.TRASH
    assert comment.removed_at is not None


def test_without_the_proof_nobody_changes_a_comment(api, sent):
    comment, _own = sent
    for method, data in (("patch", {"body": "Diubah orang lain"}), ("delete", None)):
        refused = api.send(method, f"comments/{comment.pk}", data)
        assert refused.status_code == 403
        with translation.override("id"):
            assert refused.json()["detail"] == str(NOT_YOURS)
    comment.refresh_from_db()
    assert comment.removed_at is None
    assert comment.body == "Semoga cepat surut, dan warga mendapat bantuan."


def test_a_proof_for_another_comment_proves_nothing(api, thread, sent):
    comment, _own = sent
    other = builders.submit(thread)
    proof = own_proof({}, add=other)
    refused = api.patch(f"comments/{comment.pk}", {"body": "Bukan punyaku"}, own=proof)
    assert refused.status_code == 403


def test_a_forged_proof_proves_nothing(api, sent):
    comment, own = sent
    value, _sep, signature = own.rpartition(":")
    forged = f"{value}:{signature[::-1]}"
    assert api.delete(f"comments/{comment.pk}", own=forged).status_code == 403
    assert api.delete(f"comments/{comment.pk}", own="x" * 5000).status_code == 403


def test_after_the_window_the_comment_can_no_longer_be_changed(api, sent, monkeypatch):
    comment, own = sent
    later(monkeypatch, 11)
    refused = api.patch(f"comments/{comment.pk}", {"body": "Terlambat"}, own=own)
    assert refused.status_code == 403
    assert "10" in refused.json()["detail"]
    comment.refresh_from_db()
    assert comment.edited_at is None


def test_a_comment_that_is_gone_is_not_found(api, sent):
    comment, own = sent
    Comment.objects.filter(pk=comment.pk).delete()
    assert api.delete(f"comments/{comment.pk}", own=own).status_code == 404


def test_the_editable_time_is_shown_to_the_author_in_the_thread(api, sent):
    comment, own = sent
    [mine] = api.get("threads", {"url": POST_URL}, own=own).json()["comments"]
    deadline = comment.created_at + timedelta(minutes=10)
    assert mine["own"]["editable_until"] == deadline.strftime("%Y-%m-%dT%H:%M:%SZ")
