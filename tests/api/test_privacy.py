"""Private stays private in the API: answers are built from allow-lists, so a commenter's
email, network address and user agent never appear, and neither would a field added to
Comment tomorrow."""

import pytest

from kabar.api import serializers
from kabar.discussion.models import Comment
from tests import builders
from tests.api.conftest import POST_URL, comment_fields, walk

pytestmark = pytest.mark.django_db

EMAIL = "rahasia.penulis@example.org"
AGENT = "AgenRahasia/1.0"
SECRETS = (EMAIL, "rahasia.penulis", "203.0.113.9", "127.0.0.1", AGENT)


def every_answer(api, thread):
    """The bodies of every kind of answer that shows comments, public and private."""
    parent = builders.submit(thread, body="Komentar induk", email=EMAIL, approve=True)
    builders.submit(thread, body="Balasan", email=EMAIL, parent=parent, approve=True)
    sent = api.post("comments", comment_fields(thread, author_email=EMAIL), **{"User-Agent": AGENT})
    own = sent.json()["own"]
    comment_id = sent.json()["comment"]["id"]
    edited = api.patch(f"comments/{comment_id}", {"body": "Diubah."}, own=own)
    return [
        sent,
        edited,
        api.get("threads", {"url": POST_URL}),
        api.get("threads", {"url": POST_URL}, own=own),
        api.get("counts", {"url": [POST_URL]}),
    ]


def test_no_email_address_or_agent_in_any_answer(api, thread):
    for answer in every_answer(api, thread):
        assert answer.status_code in (200, 201)
        text = answer.content.decode()
        for secret in SECRETS:
            assert secret not in text, (secret, text)


def test_a_comment_has_exactly_the_allowed_fields(api, thread):
    answers = every_answer(api, thread)
    shown = [answers[0].json()["comment"], answers[1].json()["comment"]]
    for answer in answers[2:4]:
        shown += walk(answer.json()["comments"])
    assert len(shown) == 7
    for comment in shown:
        assert tuple(comment) == serializers.COMMENT_KEYS
        assert tuple(comment["author"]) == serializers.AUTHOR_KEYS
        if comment["own"] is not None:
            assert tuple(comment["own"]) == serializers.OWN_KEYS
    assert tuple(answers[2].json()["thread"]) == serializers.THREAD_KEYS


def test_a_field_added_to_comment_does_not_reach_an_answer(api, thread, monkeypatch):
    # As if a migration had added a column: every comment loaded or made carries a value.
    loaded, made = Comment.from_db, Comment.__init__

    def from_db(cls, *args):
        comment = loaded.__func__(cls, *args)
        comment.moderator_note = "CATATAN-INTERNAL"
        return comment

    def init(self, *args, **kwargs):
        made(self, *args, **kwargs)
        self.moderator_note = "CATATAN-INTERNAL"

    monkeypatch.setattr(Comment, "from_db", classmethod(from_db))
    monkeypatch.setattr(Comment, "__init__", init)
    for answer in every_answer(api, thread):
        assert "CATATAN-INTERNAL" not in answer.content.decode()
        assert "moderator_note" not in answer.content.decode()
