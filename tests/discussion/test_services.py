import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from kabar.discussion.models import Comment, Commenter, CommentStatus
from kabar.discussion.own import address_proof
from kabar.discussion.services import (
    CommentAuthor,
    CommentsClosed,
    comment_submit,
    comments_set_status,
)
from kabar.discussion.targets import DiscussionState
from tests import builders

pytestmark = pytest.mark.django_db


def test_first_comment_from_unknown_commenter_is_held(article):
    comment = builders.submit(article)
    assert comment.status == CommentStatus.PENDING


def test_unverified_commenter_with_an_approved_comment_is_still_held(article):
    # Verified trust replaces WordPress's rule: a known name and email prove nothing until
    # the address is confirmed (see tests/discussion/test_trust.py for the whole ladder).
    builders.submit(article, name="Budi", email="budi@example.org", approve=True)
    later = builders.submit(article, body="Satu lagi.", name="Budi", email="BUDI@example.org")
    assert later.status == CommentStatus.PENDING
    assert later.reasons[0]["rule"] == "unverified_known"


def test_verified_commenter_with_an_approved_comment_is_published_at_once(article):
    first = builders.submit(article, name="Budi", email="budi@example.org", approve=True)
    Commenter.objects.filter(pk=first.commenter_id).update(verified_at=timezone.now())
    # From the browser the address was confirmed in (test_trusted_browser.py: any other).
    later = builders.submit(
        article,
        body="Satu lagi.",
        name="Budi",
        email="BUDI@example.org",
        proofs=frozenset({address_proof("budi@example.org")}),
    )
    assert later.status == CommentStatus.APPROVED
    assert later.reasons[0]["rule"] == "trusted_commenter"


def test_same_email_under_another_name_is_still_held(article):
    builders.submit(article, name="Budi", email="budi@example.org", approve=True)
    later = builders.submit(article, body="Satu lagi.", name="Bukan Budi", email="budi@example.org")
    assert later.status == CommentStatus.PENDING


def test_pending_or_spam_history_does_not_earn_trust(article):
    first = builders.submit(article)
    comments_set_status([first.pk], CommentStatus.SPAM)
    later = builders.submit(article, body="Lagi.")
    assert later.status == CommentStatus.PENDING


def test_staff_comment_is_published_at_once(article, django_user_model):
    editor = django_user_model.objects.create_user("editor", is_staff=True)
    comment = comment_submit(
        page=article,
        author=CommentAuthor(name="Redaksi", email="redaksi@example.org", user=editor),
        body="Catatan redaksi.",
    )
    assert comment.status == CommentStatus.APPROVED
    assert comment.user == editor


def test_reply_depth_follows_parent(article):
    root = builders.submit(article, approve=True)
    reply = builders.submit(article, parent=root, body="Balasan.", approve=True)
    assert (root.depth, reply.depth, reply.parent_id) == (1, 2, root.pk)


def test_reply_beyond_depth_limit_attaches_beside_the_deepest(article, settings):
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "THREAD_DEPTH": 3}
    parent = None
    chain = []
    for level in range(3):
        parent = builders.submit(article, parent=parent, body=f"Level {level}", approve=True)
        chain.append(parent)
    deeper = builders.submit(article, parent=chain[-1], body="Terlalu dalam", approve=True)
    assert deeper.depth == 3
    assert deeper.parent_id == chain[1].pk


def test_reply_to_a_comment_of_another_article_is_refused(article, section):
    other = builders.make_article(section, "Berita lain")
    foreign = builders.submit(other, approve=True)
    with pytest.raises(ValidationError):
        builders.submit(article, parent=foreign)
    assert Comment.objects.filter(page=article).count() == 0


def test_closed_article_refuses_comments(section):
    closed = builders.make_article(section, discussion=DiscussionState.CLOSED)
    with pytest.raises(CommentsClosed):
        builders.submit(closed)
    assert Comment.objects.count() == 0


def test_set_status_counts_only_changes_and_records_moderator(article, django_user_model):
    moderator = django_user_model.objects.create_user("mod", is_staff=True)
    a = builders.submit(article, body="a")
    b = builders.submit(article, body="b", approve=True)
    changed = comments_set_status([a.pk, b.pk], CommentStatus.APPROVED, by=moderator)
    a.refresh_from_db()
    assert changed == 1
    assert a.moderated_by == moderator and a.moderated_at is not None


def test_unknown_status_is_refused(article):
    comment = builders.submit(article)
    with pytest.raises(ValueError):
        comments_set_status([comment.pk], "published")


def test_database_refuses_an_empty_comment(article):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(page=article, body="", author_name="A", author_email="a@b.co")


def test_database_refuses_an_unknown_status(article):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.create(
            page=article, body="x", author_name="A", author_email="a@b.co", status="published"
        )


def test_a_failure_after_commit_never_undoes_an_acknowledged_comment(
    article, django_capture_on_commit_callbacks, caplog
):
    from kabar.discussion import signals

    def broken_receiver(**kwargs):
        raise RuntimeError("cache server gone")

    signals.comment_stored.connect(broken_receiver, dispatch_uid="test-broken")
    try:
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            comment = builders.submit(article, body="Tersimpan walau sesudahnya ada galat.")
    finally:
        signals.comment_stored.disconnect(dispatch_uid="test-broken")
    assert callbacks  # the receivers ran, after the commit...
    assert Comment.objects.filter(pk=comment.pk).exists()  # ...and the comment stands
    assert "cache server gone" in caplog.text  # logged, not raised to the author
