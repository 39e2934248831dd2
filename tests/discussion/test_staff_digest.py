"""The moderators' mail about comments is a digest: a burst of held comments is one
message per moderator, sent once by a round STAFF_DIGEST_SECONDS after the first, listing
what still waits; a held comment costs no second write and no job of its own to be told;
nothing goes before commit; each comment is told once; a failed send is retried like any
other delivery."""

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

from kabar.discussion import staff, tasks
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
    """Run the queued jobs that are not deferred (announcements, sends), and what they queue
    after commit that is not deferred either; the digest's round waits for its time."""

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


def rounds(queue):
    return [r for r in queue.results if r.task.func is tasks.staff_digest_round.func]


@pytest.fixture
def run_round(deferred_queue, run_jobs, django_capture_on_commit_callbacks):
    """The digest's round, once its time has come (as the worker runs it), then the sends it
    queued; returns the digests it queued."""

    def run():
        waiting = rounds(deferred_queue)
        for result in waiting:
            deferred_queue.results.remove(result)
        before = set(EmailDelivery.objects.values_list("pk", flat=True))
        for result in waiting:
            with django_capture_on_commit_callbacks(execute=True):
                result.task.call(*result.args, **result.kwargs)
        queued = list(digests().exclude(pk__in=before))
        run_jobs()
        return queued

    return run


def test_a_burst_of_held_comments_is_one_digest_per_moderator_sent_once(
    article,
    moderators,
    deferred_queue,
    run_jobs,
    run_round,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(5)]
    assert {c.status for c in burst} == {CommentStatus.PENDING}
    # Each waits for the held digest, written with the comment itself.
    assert set(Comment.objects.values_list("staff_notice", flat=True)) == {HELD}
    # One round for the whole burst, due STAFF_DIGEST_SECONDS after the first comment.
    [round_] = rounds(deferred_queue)
    delay = (round_.task.run_after - burst[0].created_at).total_seconds()
    assert delay == pytest.approx(120, abs=1)
    run_jobs()  # the commenters' confirmation mails
    assert not digests().exists() and staff_mail(mailoutbox) == []

    rows = run_round()
    assert [row.recipient for row in rows] == MODERATORS
    ids = [c.pk for c in burst]
    # Comment ids only: the addresses are read when the digest is built, for staff alone.
    assert all(row.data == {"comments": ids} for row in rows)
    assert not Comment.objects.exclude(staff_notice="").exists()
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
    # Told once: a second round finds nothing to tell.
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.staff_digest_round.call() == 0
    assert len(staff_mail(mailoutbox)) == 1


def test_a_comment_moderated_before_the_digest_goes_is_left_out(
    article, moderators, run_jobs, run_round, mailoutbox, django_capture_on_commit_callbacks
):
    kept, approved, trashed = (
        newcomer(article, n, django_capture_on_commit_callbacks) for n in range(3)
    )
    run_jobs()
    comments_set_status([approved.pk], CommentStatus.APPROVED)
    comments_set_status([trashed.pk], CommentStatus.TRASH)
    run_jobs()
    run_round()
    [mail] = staff_mail(mailoutbox)
    assert kept.body in mail.body
    assert approved.body not in mail.body and trashed.body not in mail.body
    # A digest of one reads as the notice of one comment always did.
    assert mail.subject == f"[Kabar] Mohon moderasi: “{article.title}”"
    assert mail.body.startswith(f"Komentar baru pada “{article.title}” menunggu persetujuan")
    row = digests().get(recipient=MODERATORS[0])
    assert row.subject == mail.subject


def test_a_digest_whose_comments_were_all_moderated_is_not_sent(
    article, moderators, run_jobs, run_round, mailoutbox, django_capture_on_commit_callbacks
):
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(2)]
    run_jobs()
    comments_set_status([c.pk for c in burst], CommentStatus.SPAM)
    run_round()
    assert [m for m in mailoutbox if m.to[0] in MODERATORS] == []
    assert {r.status for r in digests()} == {DeliveryStatus.FAILED}
    assert all(r.last_error.startswith("Not sent:") for r in digests())


def test_held_comments_after_the_first_cost_no_job_at_all(
    article, moderators, deferred_queue, run_round, django_capture_on_commit_callbacks
):
    first = regular(article, 0, django_capture_on_commit_callbacks)
    assert first.status == CommentStatus.PENDING
    # It mails its author nothing: the round it wakes is the only job.
    assert deferred_queue.results == rounds(deferred_queue) != []
    queued = list(deferred_queue.results)
    later = [regular(article, n, django_capture_on_commit_callbacks) for n in (1, 2)]
    assert deferred_queue.results == queued
    expected = [first.pk, *(c.pk for c in later)]
    assert [row.data["comments"] for row in run_round()] == [expected, expected]
    assert all("3 komentar menunggu moderasi" in row.subject for row in digests())


def test_a_round_queued_by_another_process_is_found_not_queued_again(
    article, moderators, deferred_queue, run_round, django_capture_on_commit_callbacks
):
    first = newcomer(article, 0, django_capture_on_commit_callbacks)
    # Another web process, which knows of no round: it asks the queue and finds the first's.
    staff.STAFF_ROUND.forget()
    second = regular(article, 1, django_capture_on_commit_callbacks)
    [round_] = rounds(deferred_queue)
    assert staff.STAFF_ROUND._known_at == round_.task.run_after
    assert [row.data["comments"] for row in run_round()] == [[first.pk, second.pk]] * 2


def test_a_comment_stored_after_the_round_waits_for_the_next(
    article,
    moderators,
    deferred_queue,
    run_jobs,
    run_round,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    first = newcomer(article, 0, django_capture_on_commit_callbacks)
    run_jobs()
    assert [row.data["comments"] for row in run_round()] == [[first.pk]] * 2
    # The round this process knew of has run (its time is past): the next comment wakes
    # another, STAFF_DIGEST_SECONDS after itself.
    staff.STAFF_ROUND._known_at = timezone.now() - timedelta(seconds=1)
    late = regular(article, 1, django_capture_on_commit_callbacks)
    [round_] = rounds(deferred_queue)
    assert (round_.task.run_after - late.created_at).total_seconds() == pytest.approx(120, abs=1)
    assert [row.data["comments"] for row in run_round()] == [[late.pk]] * 2
    mails = [m for m in mailoutbox if m.to[0] == MODERATORS[0]]
    assert len(mails) == 2
    assert first.body in mails[0].body and late.body not in mails[0].body
    assert late.body in mails[1].body and first.body not in mails[1].body


def test_nothing_is_queued_or_sent_before_the_comment_commits(
    article,
    moderators,
    deferred_queue,
    run_jobs,
    run_round,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        first = builders.submit(article, body="Belum tersimpan.", email="baru@example.org")
    assert not EmailDelivery.objects.exists() and deferred_queue.results == []
    for callback in callbacks:
        callback()
    assert len(rounds(deferred_queue)) == 1
    run_jobs()
    assert [row.data["comments"] for row in run_round()] == [[first.pk]] * 2
    assert len(staff_mail(mailoutbox)) == 1


def test_inline_tasks_tell_the_staff_at_once(
    article, moderators, settings, mailoutbox, django_capture_on_commit_callbacks
):
    """A queue that cannot defer (tasks run inline): each held comment's round runs as it
    is stored."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "kabar": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    }
    comment = newcomer(article, 0, django_capture_on_commit_callbacks)
    [mail] = staff_mail(mailoutbox)
    assert comment.body in mail.body
    assert Comment.objects.get(pk=comment.pk).staff_notice == ""


def test_a_dead_mail_server_leaves_the_digest_queued_for_retry(
    article,
    moderators,
    settings,
    deferred_queue,
    run_jobs,
    run_round,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(2)]
    run_jobs()
    settings.EMAIL_BACKEND = DOWN_MAIL_SERVER
    rows = run_round()
    for row in EmailDelivery.objects.filter(pk__in=[r.pk for r in rows]):
        assert (row.status, row.attempts) == (DeliveryStatus.QUEUED, 1)
        assert row.last_error.startswith("SMTPException: 451")
        assert row.next_attempt_at is not None
    retries = {r.args[0] for r in deferred_queue.results if r.task.run_after is not None}
    assert retries == {row.pk for row in rows}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for retry in [r for r in deferred_queue.results if r.args and r.args[0] in retries]:
        deferred_queue.results.remove(retry)
        retry.task.call(*retry.args, **retry.kwargs)
    [mail] = staff_mail(mailoutbox)
    assert all(c.body in mail.body for c in burst)
    assert EmailDelivery.objects.get(pk=rows[0].pk).status == DeliveryStatus.SENT


def test_a_long_burst_lists_the_first_comments_and_counts_the_rest(
    article,
    moderators,
    run_jobs,
    run_round,
    mailoutbox,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    monkeypatch.setattr(staff, "DIGEST_MAX_LISTED", 2)
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(4)]
    run_jobs()
    row = run_round()[0]
    assert row.data == {"comments": [burst[0].pk, burst[1].pk], "more": 2}
    [mail] = staff_mail(mailoutbox)
    assert burst[1].body in mail.body and burst[2].body not in mail.body
    assert "Dan 2 lagi sesudahnya." in mail.body
    assert mail.subject == "[Kabar] 4 komentar menunggu moderasi"


def test_a_moderators_own_held_comment_is_left_out_of_their_digest(
    article, moderators, run_jobs, run_round, mailoutbox, django_capture_on_commit_callbacks
):
    own = newcomer(article, 0, django_capture_on_commit_callbacks)
    Comment.objects.filter(pk=own.pk).update(author_email=MODERATORS[0])
    other = newcomer(article, 1, django_capture_on_commit_callbacks)
    run_jobs()
    run_round()
    [mine] = staff_mail(mailoutbox, MODERATORS[0])
    [theirs] = staff_mail(mailoutbox, MODERATORS[1])
    assert own.body not in mine.body and other.body in mine.body
    assert own.body in theirs.body and other.body in theirs.body


def test_every_new_comment_is_told_in_a_digest_too(
    article,
    moderators,
    home,
    run_jobs,
    run_round,
    mailoutbox,
    django_capture_on_commit_callbacks,
):
    stored = DiscussionSettings.for_site(home.get_site())
    stored.notify_staff_on_held, stored.notify_staff_on_new = False, True
    stored.save()
    burst = [newcomer(article, n, django_capture_on_commit_callbacks) for n in range(3)]
    run_jobs()
    run_round()
    assert not digests(HELD).exists()
    assert [r.data["comments"] for r in digests(DeliveryKind.STAFF_NEW)] == [
        [c.pk for c in burst]
    ] * 2
    [mail] = staff_mail(mailoutbox)
    assert mail.subject == "[Kabar] 3 komentar baru"
    assert all(c.body in mail.body for c in burst)


def test_no_notice_when_the_site_asks_for_none(
    article, moderators, home, deferred_queue, django_capture_on_commit_callbacks
):
    stored = DiscussionSettings.for_site(home.get_site())
    stored.notify_staff_on_held = stored.notify_staff_on_new = False
    stored.save()
    comment = regular(article, 0, django_capture_on_commit_callbacks)
    assert Comment.objects.get(pk=comment.pk).staff_notice == ""
    assert deferred_queue.results == []


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
    assert spam.staff_notice == ""
    assert deferred_queue.results == []


def test_the_delivery_log_shows_the_digest_with_its_count(
    article,
    moderators,
    client,
    settings,
    run_jobs,
    run_round,
    django_user_model,
    django_capture_on_commit_callbacks,
):
    settings.EMAIL_BACKEND = DOWN_MAIL_SERVER  # still queued when the log is read
    for n in range(3):
        newcomer(article, n, django_capture_on_commit_callbacks)
    run_jobs()
    run_round()
    client.force_login(django_user_model.objects.create_superuser("boss", "", "x"))
    html = client.get("/admin/email-deliveries/", {"kind": HELD}).content.decode()
    assert html.count("[Kabar] 3 komentar menunggu moderasi") == len(MODERATORS)


def test_a_wake_that_fails_leaves_the_comment_for_the_start_up_sweep(
    article,
    moderators,
    deferred_queue,
    run_round,
    monkeypatch,
    django_capture_on_commit_callbacks,
    caplog,
):
    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(staff.STAFF_ROUND, "due_by", broken)
    comment = regular(article, 0, django_capture_on_commit_callbacks)
    assert Comment.objects.get(pk=comment.pk).staff_notice == HELD
    assert "could not be queued" in caplog.text
    assert rounds(deferred_queue) == []
    monkeypatch.undo()
    staff.staff_round_sweep()
    [round_] = rounds(deferred_queue)
    assert (round_.task.run_after - comment.created_at).total_seconds() == pytest.approx(120, abs=1)
    assert [row.data["comments"] for row in run_round()] == [[comment.pk]] * 2


def test_a_held_post_adds_no_task_row_and_no_write_however_long_the_burst(
    article,
    moderators,
    settings,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    """Through the real view and the production queue (a database table)."""
    settings.TASKS = QUEUED_TASKS
    regular_post = ("Pembaca Tetap", "tetap@example.org")
    Commenter.objects.create(email=regular_post[1], name="Tetap", verified_at=timezone.now())
    with django_capture_on_commit_callbacks(execute=True):
        first = accepted(post(article, regular_post))
    rows = DBTaskResult.objects.count()
    assert rows == 1  # the round
    with (
        CaptureQueriesContext(connection) as second,
        django_capture_on_commit_callbacks(execute=True),
    ):
        accepted(post(article, regular_post))
    bound = len(second.captured_queries)  # read now: the next request resets the log
    writes = [
        q["sql"] for q in second.captured_queries if q["sql"].startswith(("INSERT", "UPDATE"))
    ]
    assert len(writes) == 1 and "discussion_comment" in writes[0]
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
    assert Comment.objects.filter(staff_notice=HELD, pk__gte=first.pk).count() == 13


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wagtail_initial_data")
def test_two_rounds_at_the_same_moment_tell_each_comment_once(moderators, deferred_queue):
    """Two workers run a round at once: the second waits for the first's lock on the
    waiting comments, then finds them told, instead of telling them again. (The queue
    defers, so the round the comments wake waits instead of running inline.)"""
    article = builders.make_article(builders.make_section(builders.make_home()))
    waiting = [
        builders.submit(article, body=f"Serentak {n}.", email=f"s{n}@example.org") for n in (1, 2)
    ]
    assert all(c.staff_notice == HELD for c in waiting)
    first_holds_lock, second_started = threading.Event(), threading.Event()
    real_recipients = staff.staff_recipients

    def slow_recipients():
        # Runs inside the first round's transaction, with the comments locked.
        if threading.current_thread().name == "first":
            first_holds_lock.set()
            second_started.wait(5)
            time.sleep(0.5)  # the second round is now waiting on the lock
        return real_recipients()

    errors, told = [], {}

    def run_round():
        try:
            told[threading.current_thread().name] = staff.staff_digests_send()
        except Exception as exc:  # reported below, in the test's own thread
            errors.append(exc)
        finally:
            connection.close()

    staff.staff_recipients = slow_recipients
    try:
        first = threading.Thread(target=run_round, name="first")
        second = threading.Thread(target=run_round, name="second")
        first.start()
        assert first_holds_lock.wait(5)
        second.start()
        second_started.set()
        first.join(10)
        second.join(10)
    finally:
        staff.staff_recipients = real_recipients
    assert errors == []
    assert len(told["first"]) == len(MODERATORS) and told["second"] == []
    assert [row.data["comments"] for row in digests()] == [[c.pk for c in waiting]] * 2
