"""A held comment queues a job for the task worker only when the job would mail its
author: not for an unconfirmed commenter whose confirmation mail went out today (one a
day); the staff hear of it in their digest's round, one job for a whole burst, which sends
nothing when there is no moderator to tell. What the jobs would have sent is still sent.
And the thread page a posted comment lands on is counted as before, however many held
comments of other readers the article has."""

from datetime import timedelta

import pytest
from django.utils import timezone

from kabar.discussion import notifications, tasks
from kabar.discussion.models import Comment, CommentStatus, DeliveryKind, EmailDelivery
from kabar.discussion.selectors import comment_thread_page
from tests import builders
from tests.discussion.test_staff_digest import (  # noqa: F401 - fixtures used by name
    _ip_retention_ran_lately,
    moderators,
    regular,
    rounds,
    run_jobs,
    run_round,
)

pytestmark = pytest.mark.django_db


def announcements(queue):
    return [r for r in queue.results if r.task.func is tasks.announce_comment.func]


_bodies = iter(range(10**6))


def unconfirmed(article, capture):
    """A held comment from the same new (unconfirmed) address each time, its after-commit
    work run."""
    with capture(execute=True):
        return builders.submit(
            article,
            body=f"Pendapat orang baru nomor {next(_bodies)} tentang banjir.",
            name="Orang Baru",
            email="baru@example.org",
        )


def test_held_comments_with_no_moderator_to_tell_cost_one_round_that_sends_nothing(
    article,
    deferred_queue,
    run_round,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
):
    burst = [regular(article, n, django_capture_on_commit_callbacks) for n in range(3)]
    assert {comment.status for comment in burst} == {CommentStatus.PENDING}
    assert deferred_queue.results == rounds(deferred_queue) != []
    assert len(deferred_queue.results) == 1
    assert run_round() == []
    assert not EmailDelivery.objects.exists()
    assert not Comment.objects.exclude(staff_notice="").exists()


def test_an_unconfirmed_commenter_mailed_today_costs_no_job_and_the_staff_still_hear(
    article,
    moderators,  # noqa: F811 - the fixture
    deferred_queue,
    run_jobs,  # noqa: F811 - the fixture
    run_round,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
):
    first = unconfirmed(article, django_capture_on_commit_callbacks)
    assert [r.args for r in announcements(deferred_queue)] == [[first.pk, "stored"]]
    run_jobs()  # the confirmation mail
    assert EmailDelivery.objects.filter(kind=DeliveryKind.CONFIRM).count() == 1
    waiting = list(deferred_queue.results)
    assert waiting == rounds(deferred_queue) != []

    second = unconfirmed(article, django_capture_on_commit_callbacks)
    assert second.status == CommentStatus.PENDING
    assert deferred_queue.results == waiting  # no announcement, no send, no second round
    assert EmailDelivery.objects.filter(kind=DeliveryKind.CONFIRM).count() == 1
    assert [row.data["comments"] for row in run_round()] == [[first.pk, second.pk]] * 2

    # A day later the address is asked again: the job is queued and mails it.
    EmailDelivery.objects.filter(kind=DeliveryKind.CONFIRM).update(
        created_at=timezone.now() - timedelta(days=1, minutes=1)
    )
    # What the process kept of the mail it saw queued is forgotten within minutes; the day
    # is passed here by moving the mail back, not the clock forward.
    notifications.forget_confirmations_asked()
    third = unconfirmed(article, django_capture_on_commit_callbacks)
    assert [r.args for r in announcements(deferred_queue)] == [[third.pk, "stored"]]
    run_jobs()
    assert EmailDelivery.objects.filter(kind=DeliveryKind.CONFIRM).count() == 2


def test_a_burst_before_the_worker_ran_costs_one_job_and_one_mail(
    article,
    deferred_queue,
    run_jobs,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
):
    burst = [unconfirmed(article, django_capture_on_commit_callbacks) for _ in range(3)]
    assert {comment.status for comment in burst} == {CommentStatus.PENDING}
    # The first comment's job asks the address; the two written before it ran queue none.
    assert [r.args for r in announcements(deferred_queue)] == [[burst[0].pk, "stored"]]
    run_jobs()
    confirmations = EmailDelivery.objects.filter(kind=DeliveryKind.CONFIRM)
    assert [row.recipient for row in confirmations] == ["baru@example.org"]


def test_a_job_the_queue_refused_is_queued_with_the_next_comment(
    article,
    deferred_queue,
    run_jobs,  # noqa: F811 - the fixture
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    def refuse(*args):
        raise ConnectionError("the queue is down")

    monkeypatch.setattr(deferred_queue, "enqueue", refuse)
    first = unconfirmed(article, django_capture_on_commit_callbacks)
    assert first.status == CommentStatus.PENDING
    assert announcements(deferred_queue) == []
    monkeypatch.undo()

    second = unconfirmed(article, django_capture_on_commit_callbacks)
    assert [r.args for r in announcements(deferred_queue)] == [[second.pk, "stored"]]
    run_jobs()
    assert EmailDelivery.objects.filter(kind=DeliveryKind.CONFIRM).count() == 1


def test_a_comment_s_thread_page_counts_what_its_author_sees(article):
    """Approved comments and removed ones' placeholders count for everybody, the reader's
    own held comments for them only, other readers' held comments and comments a moderator
    put in the trash never."""
    per_page = 1
    shown = [builders.submit(article, body=f"Terbit {n}.", approve=True) for n in range(3)]
    others = [
        builders.submit(article, body=f"Ditahan {n}.", email=f"lain{n}@example.org")
        for n in range(4)
    ]
    assert {c.status for c in others} == {CommentStatus.PENDING}
    removed = builders.submit(article, body="Dihapus penulisnya.", approve=True)
    removed.status, removed.removed_at = CommentStatus.TRASH, timezone.now()
    removed.save(update_fields=["status", "removed_at"])
    # Put in the trash by a moderator: gone for everybody, no placeholder.
    binned = builders.submit(article, body="Dibuang moderator.", approve=True)
    binned.status = CommentStatus.TRASH
    binned.save(update_fields=["status"])
    own = builders.submit(article, body="Milik saya, ditahan.", email="saya@example.org")
    mine = builders.submit(article, body="Milik saya juga.", email="saya@example.org")

    def page_of(comment, own_ids=()):
        return comment_thread_page(comment, per_page=per_page, own_pending_ids=own_ids)

    # Ahead of `mine`: 3 approved, 1 placeholder, and `own` when it is the reader's.
    assert page_of(mine, [own.pk, mine.pk]) == (4 + 1) // per_page + 1
    assert page_of(mine, [mine.pk]) == 4 // per_page + 1
    assert page_of(shown[2]) == 2 // per_page + 1
    assert page_of(mine) is None  # held, and not this reader's
    newest = comment_thread_page(
        shown[0], per_page=1, newest_first=True, own_pending_ids=[own.pk, mine.pk]
    )
    assert newest == 2 + 1 + 2 + 1  # the later approved, the placeholder, both own
