"""The moderators' mail about comments is a digest: a burst of held comments is one
message per moderator, sent once after STAFF_DIGEST_SECONDS, listing what still waits;
joining it costs a held comment no job; nothing goes before commit; a failed send is
retried like any other delivery."""

import threading
import time
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kabar.discussion import notifications, staff, tasks
from kabar.discussion.models import (
    Comment,
    Commenter,
    CommentStatus,
    DeliveryKind,
    DeliveryStatus,
    DiscussionSettings,
    EmailDelivery,
)
from kabar.discussion.privacy import FORGET_IPS_CACHE_KEY
from kabar.discussion.services import (
    CommentAuthor,
    SubmitContext,
    comment_submit,
    comments_set_status,
)
from tests import builders
from tests.discussion.test_post_cost import QUEUED_TASKS, accepted, post
from tests.mail import DOWN_MAIL_SERVER

pytestmark = pytest.mark.django_db
MODERATORS = ["mod@kabar.test", "redaksi@kabar.test"]
HELD = DeliveryKind.STAFF_HELD


@pytest.fixture(autouse=True)
def _ip_retention_ran_lately():
    """The hourly IP retention (privacy.forget_ips_now_and_then) queues its own job with
    the first comment an empty cache sees: these tests count only the staff's jobs."""
    cache.set(FORGET_IPS_CACHE_KEY, 1, 3600)
    yield
    cache.delete(FORGET_IPS_CACHE_KEY)


@pytest.fixture
def moderators(django_user_model):
    may_moderate = Permission.objects.get(
        content_type__app_label="discussion", codename="change_comment"
    )
    for n, email in enumerate(MODERATORS):
        user = django_user_model.objects.create_user(f"moderator{n}", email=email)
        user.user_permissions.add(may_moderate)
    return MODERATORS


def digests(kind=HELD):
    return EmailDelivery.objects.filter(kind=kind).order_by("recipient", "pk")


def staff_mail(mailoutbox, email=MODERATORS[0]):
    return [m for m in mailoutbox if m.to == [email]]


def newcomer(article, n, capture):
    """A held comment from a new (unconfirmed) address, its after-commit work run."""
    with capture(execute=True):
        return builders.submit(
            article,
            body=f"Komentar orang baru nomor {n} tentang banjir.",
            name=f"Orang Baru {n}",
            email=f"baru{n}@example.org",
        )


def regular(article, n, capture, email="tetap@example.org"):
    """A held comment from a confirmed address with nothing approved yet: it mails its
    author nothing, so only the staff are told."""
    Commenter.objects.get_or_create(
        email=email, defaults={"name": "Tetap", "verified_at": timezone.now()}
    )
    with capture(execute=True):
        return builders.submit(
            article, body=f"Pendapat tetap nomor {n}.", name="Pembaca Tetap", email=email
        )


@pytest.fixture
def run_jobs(deferred_queue, django_capture_on_commit_callbacks):
    """Run the queued jobs that are not deferred (the announcements), and what they queue
    after commit that is not deferred either; the digests' sends wait for their time."""

    def run():
        ran = []
        while ready := [r for r in deferred_queue.results if r.task.run_after is None]:
            for result in ready:
                deferred_queue.results.remove(result)
                with django_capture_on_commit_callbacks(execute=True):
                    result.task.call(*result.args, **result.kwargs)
                ran.append(result)
        return ran

    return run


def run_sends(queue):
    """Run the sends waiting now, as the worker does once they are due; not the retries
    they queue in turn."""
    waiting, queue.results[:] = list(queue.results), []
    for result in waiting:
        assert result.task.func is tasks.send_delivery.func
        result.task.call(*result.args, **result.kwargs)
    return waiting


def test_a_burst_of_held_comments_is_one_digest_per_moderator_sent_once(
    article, moderators, deferred_queue, run_jobs, mailoutbox, django_capture_on_commit_callbacks
):
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(5)]
    assert {c.status for c in burst} == {CommentStatus.PENDING}
    run_jobs()
    rows = list(digests())
    assert [row.recipient for row in rows] == MODERATORS
    ids = [c.pk for c in burst]
    # Comment ids only: the addresses are read when the digest is built, for staff alone.
    assert all(row.data == {"comments": ids} for row in rows)
    assert all(row.status == DeliveryStatus.QUEUED and row.attempts == 0 for row in rows)
    assert "5 komentar menunggu moderasi" in rows[0].subject
    # One send per moderator, due STAFF_DIGEST_SECONDS after the first comment.
    sends = deferred_queue.results
    assert sorted(r.args[0] for r in sends) == [row.pk for row in rows]
    delay = (sends[0].task.run_after - rows[0].created_at).total_seconds()
    assert delay == pytest.approx(120, abs=5)
    assert staff_mail(mailoutbox) == []

    run_sends(deferred_queue)
    for email in MODERATORS:
        [mail] = staff_mail(mailoutbox, email)
        for comment in burst:
            assert comment.body in mail.body
            assert comment.author_name in mail.body
            assert reverse("discussion_comments:inspect", args=[comment.pk]) in mail.body
        assert mail.body.count(article.title) == 5
        assert reverse("discussion_comments:list") in mail.body
        assert mail.subject == "[Kabar] 5 komentar menunggu moderasi"
    assert {(r.status, r.attempts) for r in digests()} == {(DeliveryStatus.SENT, 1)}
    assert deferred_queue.results == []


def test_a_comment_moderated_before_the_digest_goes_is_left_out(
    article, moderators, deferred_queue, run_jobs, mailoutbox, django_capture_on_commit_callbacks
):
    kept, approved, trashed = (
        newcomer(article, n, django_capture_on_commit_callbacks) for n in range(3)
    )
    run_jobs()
    comments_set_status([approved.pk], CommentStatus.APPROVED)
    comments_set_status([trashed.pk], CommentStatus.TRASH)
    run_jobs()
    run_sends(deferred_queue)
    [mail] = staff_mail(mailoutbox)
    assert kept.body in mail.body
    assert approved.body not in mail.body and trashed.body not in mail.body
    # A digest of one reads as the notice of one comment always did.
    assert mail.subject == f"[Kabar] Mohon moderasi: “{article.title}”"
    assert mail.body.startswith(f"Komentar baru pada “{article.title}” menunggu persetujuan")
    row = digests().get(recipient=MODERATORS[0])
    assert row.subject == mail.subject


def test_a_digest_whose_comments_were_all_moderated_is_not_sent(
    article, moderators, deferred_queue, run_jobs, mailoutbox, django_capture_on_commit_callbacks
):
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(2)]
    run_jobs()
    comments_set_status([c.pk for c in burst], CommentStatus.SPAM)
    run_sends(deferred_queue)
    assert [m for m in mailoutbox if m.to[0] in MODERATORS] == []
    assert {r.status for r in digests()} == {DeliveryStatus.FAILED}
    assert all(r.last_error.startswith("Not sent:") for r in digests())


def test_a_held_comment_joins_the_queued_digest_with_no_job_at_all(
    article, moderators, deferred_queue, run_jobs, django_capture_on_commit_callbacks
):
    first = regular(article, 0, django_capture_on_commit_callbacks)
    assert first.status == CommentStatus.PENDING
    [announce] = deferred_queue.results  # no digest yet: the job opens one
    assert announce.task.func is tasks.announce_comment.func
    run_jobs()
    sends = list(deferred_queue.results)
    assert len(sends) == len(MODERATORS)
    later = [regular(article, n, django_capture_on_commit_callbacks) for n in (1, 2)]
    # The request added them to the digests itself: no announcement, no send queued.
    assert deferred_queue.results == sends
    expected = [first.pk, *(c.pk for c in later)]
    assert [row.data["comments"] for row in digests()] == [expected, expected]
    assert all("3 komentar menunggu moderasi" in row.subject for row in digests())


def test_comments_joining_one_digest_by_both_paths_are_all_listed(
    article, moderators, deferred_queue, run_jobs, mailoutbox, django_capture_on_commit_callbacks
):
    first = newcomer(article, 0, django_capture_on_commit_callbacks)
    run_jobs()
    by_request = regular(article, 1, django_capture_on_commit_callbacks)
    by_job = newcomer(article, 2, django_capture_on_commit_callbacks)
    run_jobs()
    [row, _other] = digests()
    assert row.data["comments"] == [first.pk, by_request.pk, by_job.pk]
    run_sends(deferred_queue)
    [mail] = staff_mail(mailoutbox)
    assert all(c.body in mail.body for c in (first, by_request, by_job))


def test_the_first_digest_of_a_round_to_go_closes_the_round_for_everyone(
    article, moderators, deferred_queue, run_jobs, mailoutbox, django_capture_on_commit_callbacks
):
    first = newcomer(article, 0, django_capture_on_commit_callbacks)
    run_jobs()
    one_send, other_send = deferred_queue.results
    deferred_queue.results[:] = [other_send]
    one_send.task.call(*one_send.args, **one_send.kwargs)
    # Held while the other moderator's digest of the round is still on its way.
    late = regular(article, 1, django_capture_on_commit_callbacks)
    run_jobs()
    other_send.task.call(*other_send.args, **other_send.kwargs)
    round_one = digests().filter(pk__in=[one_send.args[0], other_send.args[0]])
    assert [row.data["comments"] for row in round_one] == [[first.pk]] * 2
    round_two = digests().exclude(pk__in=[one_send.args[0], other_send.args[0]])
    assert [row.data["comments"] for row in round_two] == [[late.pk]] * 2
    mails = [m for m in mailoutbox if m.to[0] in MODERATORS]
    assert len(mails) == len(MODERATORS)
    assert all(first.body in m.body and late.body not in m.body for m in mails)


def test_digests_opened_by_another_worker_a_moment_ago_are_joined(
    article, moderators, deferred_queue, run_jobs, monkeypatch, django_capture_on_commit_callbacks
):
    first = newcomer(article, 0, django_capture_on_commit_callbacks)
    run_jobs()
    second = newcomer(article, 1, django_capture_on_commit_callbacks)
    # This job looks before the other worker's digests are committed, and finds none.
    real_join, looks = staff.digest_join, []

    def late_join(*args):
        looks.append(args)
        return len(looks) > 1 and real_join(*args)

    monkeypatch.setattr(staff, "digest_join", late_join)
    run_jobs()
    assert len(looks) == 2
    assert [row.data["comments"] for row in digests()] == [[first.pk, second.pk]] * 2


def test_nothing_is_queued_or_sent_before_the_comment_commits(
    article, moderators, deferred_queue, run_jobs, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = builders.submit(article, body="Belum tersimpan.", email="baru@example.org")
    assert not EmailDelivery.objects.exists() and deferred_queue.results == []
    for callback in callbacks:
        callback()
    run_jobs()
    assert digests().count() == len(MODERATORS)
    Commenter.objects.create(email="tetap@example.org", name="Tetap", verified_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        second = builders.submit(article, body="Juga belum.", email="tetap@example.org")
    assert [row.data["comments"] for row in digests()] == [[first.pk]] * 2
    for callback in callbacks:
        callback()
    assert [row.data["comments"] for row in digests()] == [[first.pk, second.pk]] * 2
    assert staff_mail(mailoutbox) == []


def test_a_dead_mail_server_leaves_the_digest_queued_for_retry(
    article,
    moderators,
    settings,
    deferred_queue,
    run_jobs,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = DOWN_MAIL_SERVER
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(2)]
    run_jobs()
    run_sends(deferred_queue)
    rows = list(digests())
    for row in rows:
        assert (row.status, row.attempts) == (DeliveryStatus.QUEUED, 1)
        assert row.last_error.startswith("SMTPException: 451")
        assert row.next_attempt_at is not None
    retries = {row.pk: row.next_attempt_at for row in rows}
    assert {
        r.args[0]: r.task.run_after for r in deferred_queue.results if r.args[0] in retries
    } == retries
    # The round is closed: a comment held meanwhile opens the next one.
    late = newcomer(article, 9, django_capture_on_commit_callbacks)
    run_jobs()
    retried = digests().filter(pk__in=retries)
    assert [row.data["comments"] for row in retried] == [[c.pk for c in burst]] * 2
    next_round = digests().exclude(pk__in=retries)
    assert [row.data["comments"] for row in next_round] == [[late.pk]] * 2
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for retry in [r for r in deferred_queue.results if r.args[0] in retries]:
        deferred_queue.results.remove(retry)
        retry.task.call(*retry.args, **retry.kwargs)
    [mail] = staff_mail(mailoutbox)
    assert all(c.body in mail.body for c in burst) and late.body not in mail.body
    assert EmailDelivery.objects.get(pk=rows[0].pk).status == DeliveryStatus.SENT


def test_a_long_burst_lists_the_first_comments_and_counts_the_rest(
    article,
    moderators,
    deferred_queue,
    run_jobs,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(tasks, "DIGEST_MAX_LISTED", 2)
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(4)]
    run_jobs()
    row = digests().first()
    assert row.data == {"comments": [burst[0].pk, burst[1].pk], "more": 2}
    run_sends(deferred_queue)
    [mail] = staff_mail(mailoutbox)
    assert burst[1].body in mail.body and burst[2].body not in mail.body
    assert "Dan 2 lagi sesudahnya." in mail.body
    assert mail.subject == "[Kabar] 4 komentar menunggu moderasi"


def test_a_moderators_own_held_comment_is_left_out_of_their_digest(
    article, moderators, deferred_queue, run_jobs, mailoutbox, django_capture_on_commit_callbacks
):
    own = newcomer(article, 0, django_capture_on_commit_callbacks)
    Comment.objects.filter(pk=own.pk).update(author_email=MODERATORS[0])
    other = newcomer(article, 1, django_capture_on_commit_callbacks)
    run_jobs()
    run_sends(deferred_queue)
    [mine] = staff_mail(mailoutbox, MODERATORS[0])
    [theirs] = staff_mail(mailoutbox, MODERATORS[1])
    assert own.body not in mine.body and other.body in mine.body
    assert own.body in theirs.body and other.body in theirs.body


def test_every_new_comment_is_told_in_a_digest_too(
    article,
    moderators,
    home,
    deferred_queue,
    run_jobs,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    stored = DiscussionSettings.for_site(home.get_site())
    stored.notify_staff_on_held, stored.notify_staff_on_new = False, True
    stored.save()
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(3)]
    run_jobs()
    assert not digests(HELD).exists()
    assert [r.data["comments"] for r in digests(DeliveryKind.STAFF_NEW)] == [
        [c.pk for c in burst]
    ] * 2
    run_sends(deferred_queue)
    [mail] = staff_mail(mailoutbox)
    assert mail.subject == "[Kabar] 3 komentar baru"
    assert all(c.body in mail.body for c in burst)


def test_spam_queues_no_job(
    article, moderators, deferred_queue, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        spam = comment_submit(
            page=article,
            author=CommentAuthor(name="Bot", email="bot2@example.org", ip_address="203.0.113.5"),
            body="Beli sekarang juga.",
            context=SubmitContext(honeypot_filled=True),
        )
    assert spam.status == CommentStatus.SPAM
    assert deferred_queue.results == []


def test_the_delivery_log_shows_the_digest_with_its_count(
    article,
    moderators,
    client,
    deferred_queue,
    run_jobs,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    for n in range(3):
        newcomer(article, n, django_capture_on_commit_callbacks)
    run_jobs()
    client.force_login(django_user_model.objects.create_superuser("boss", "", "x"))
    html = client.get("/admin/email-deliveries/", {"kind": HELD}).content.decode()
    assert html.count("[Kabar] 3 komentar menunggu moderasi") == len(MODERATORS)


def test_a_join_that_fails_leaves_the_job_to_tell_the_staff(
    article,
    moderators,
    deferred_queue,
    run_jobs,
    monkeypatch,
    django_capture_on_commit_callbacks,
    caplog,
):
    regular(article, 0, django_capture_on_commit_callbacks)
    run_jobs()

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(staff, "digest_join", broken)
    with django_capture_on_commit_callbacks(execute=True):
        comment = builders.submit(article, body="Tetap diterima.", email="tetap@example.org")
    assert Comment.objects.filter(pk=comment.pk).exists()
    assert "could not add comment" in caplog.text
    [announce] = [r for r in deferred_queue.results if r.task.run_after is None]
    assert announce.args == [comment.pk, "stored"]
    monkeypatch.undo()
    run_jobs()
    assert all(row.data["comments"][-1] == comment.pk for row in digests())


def test_a_held_post_joining_a_digest_adds_no_task_row_however_long_the_digest(
    article,
    moderators,
    settings,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    """Through the real view and the production queue (a database table)."""
    settings.TASKS = QUEUED_TASKS
    first = regular(article, 0, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        notifications.comment_announce(first.pk, "stored")
    rows = DBTaskResult.objects.count()
    regular_post = ("Pembaca Tetap", "tetap@example.org")
    with (
        CaptureQueriesContext(connection) as second,
        django_capture_on_commit_callbacks(execute=True),
    ):
        accepted(post(article, regular_post))
    bound = len(second.captured_queries)  # read now: the next request resets the log
    for _n in range(10):
        with django_capture_on_commit_callbacks(execute=True):
            accepted(post(article, regular_post))
    with (
        django_assert_max_num_queries(bound),
        django_capture_on_commit_callbacks(execute=True),
    ):
        last = accepted(post(article, regular_post))
    assert last.status == CommentStatus.PENDING
    assert DBTaskResult.objects.count() == rows
    assert [len(row.data["comments"]) for row in digests()] == [13, 13]


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wagtail_initial_data")
def test_joins_at_the_same_moment_both_land_in_the_digest():
    """Two requests add a comment to the same digests at once: the second waits for the
    first's lock and appends to what it wrote, instead of overwriting it."""
    article = builders.make_article(builders.make_section(builders.make_home()))
    one, two = (
        builders.submit(article, body=f"Serentak {n}.", email=f"s{n}@example.org") for n in (1, 2)
    )
    due = timezone.now() + timedelta(minutes=2)
    row = EmailDelivery.objects.create(
        kind=HELD, recipient=MODERATORS[0], subject="x", data={"comments": []}, next_attempt_at=due
    )
    first_holds_lock, second_started = threading.Event(), threading.Event()

    def slow_subject(count):
        # Runs inside the first join's transaction, with the rows locked.
        if threading.current_thread().name == "first":
            first_holds_lock.set()
            second_started.wait(5)
            time.sleep(0.5)  # the second join is now waiting on the lock
        return f"{count} comments"

    errors = []

    def join(comment):
        try:
            tasks.digest_join(HELD, comment.pk, slow_subject)
        except Exception as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    first = threading.Thread(target=join, args=(one,), name="first")
    second = threading.Thread(target=join, args=(two,), name="second")
    first.start()
    assert first_holds_lock.wait(5)
    second.start()
    second_started.set()
    first.join(10)
    second.join(10)
    assert errors == []
    row.refresh_from_db()
    assert sorted(row.data["comments"]) == sorted([one.pk, two.pk])
    assert row.subject == "2 comments"
