"""Follow-up mail, staff alerts and the mail queue: sent only once a comment is approved,
only to confirmed subscribers other than its author, never twice; RFC 8058 headers; staff
told of held comments; failed sends retried with backoff and logged."""

import re
import smtplib
from datetime import timedelta

import pytest
from django.contrib.auth.models import Permission
from django.core.cache import cache
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone
from django_tasks import task_backends

from kabar.discussion import notifications, staff
from kabar.discussion.delivery import backoff_delay
from kabar.discussion.models import (
    Comment,
    Commenter,
    CommentStatus,
    DeliveryKind,
    DeliveryStatus,
    DiscussionSettings,
    EmailDelivery,
    Subscription,
)
from kabar.discussion.privacy import FORGET_IPS_CACHE_KEY, forget_ips_task
from kabar.discussion.services import (
    CommentAuthor,
    SubmitContext,
    comment_submit,
    comments_set_status,
)
from kabar.discussion.tasks import (
    deliveries_sweep,
    delivery_schedule,
    send_delivery,
    start_worker_thread,
)
from tests import builders

pytestmark = pytest.mark.django_db
FOLLOWER = "pengikut@example.org"
REPLIER = "pembalas@example.net"
INLINE = "django_tasks.backends.immediate.ImmediateBackend"


class FailingBackend(BaseEmailBackend):
    """A mail server that is down: every send raises, as smtplib does."""

    def send_messages(self, email_messages):
        raise smtplib.SMTPException("451 4.3.0 Mail server temporarily rejected message")


class FailOnceBackend(BaseEmailBackend):
    failures = []

    def send_messages(self, email_messages):
        if not FailOnceBackend.failures:
            FailOnceBackend.failures.append(1)
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        from django.core import mail

        mail.outbox.extend(email_messages)
        return len(email_messages)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(write, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return write(*args, **kwargs)

    return run


@pytest.fixture
def deferred_queue(settings):
    """The "kabar" backend as a queue that keeps tasks (with their run_after) until a test
    runs them, like the database queue does for its worker."""
    settings.TASKS = {
        "default": {"BACKEND": INLINE},
        "kabar": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"},
    }
    backend = task_backends["kabar"]
    yield backend
    backend.clear()


def run_queued(backend):
    """Run the tasks waiting in the dummy queue, oldest first; returns what ran."""
    ran = []
    while backend.results:
        result = backend.results.pop(0)
        result.task.call(*result.args, **result.kwargs)
        ran.append(result)
    return ran


def submit_following(article, email, body="Tolong kabari saya."):
    """A comment with "Notify me of follow-up comments by email" ticked."""
    return comment_submit(
        page=article,
        author=CommentAuthor(name="Pembaca", email=email, ip_address="203.0.113.7"),
        body=body,
        context=SubmitContext(notify_replies=True),
    )


def follower(article, email=FOLLOWER, name="Pengikut"):
    """A confirmed address with a confirmed subscription to `article`."""
    commenter = Commenter.objects.create(email=email, name=name, verified_at=timezone.now())
    Subscription.objects.create(page=article, commenter=commenter, confirmed_at=timezone.now())
    return commenter


def mails_to(mailoutbox, email):
    return [m for m in mailoutbox if m.to == [email]]


def test_follow_up_is_mailed_only_once_the_comment_is_approved(article, run, mailoutbox):
    follower(article)
    reply = run(builders.submit, article, body="Balasan saya.", email=REPLIER)
    assert reply.status == CommentStatus.PENDING
    assert mails_to(mailoutbox, FOLLOWER) == []
    run(comments_set_status, [reply.pk], CommentStatus.APPROVED)
    [mail] = mails_to(mailoutbox, FOLLOWER)
    assert "Balasan saya." in mail.body
    assert f"#comment-{reply.pk}" in mail.body
    assert EmailDelivery.objects.get(recipient=FOLLOWER).status == DeliveryStatus.SENT


def test_reply_to_a_followers_comment_says_so(article, run, mailoutbox):
    commenter = follower(article)
    parent = run(builders.submit, article, body="Pendapat saya.", email=FOLLOWER, approve=True)
    assert parent.commenter == commenter
    run(builders.submit, article, parent=parent, name="Sari", email=REPLIER, approve=True)
    [mail] = [m for m in mails_to(mailoutbox, FOLLOWER) if "Sari" in m.subject]
    assert mail.subject.startswith("Sari ")


def test_an_unconfirmed_subscription_gets_nothing(article, run, mailoutbox):
    commenter = Commenter.objects.create(email=FOLLOWER, name="P", verified_at=timezone.now())
    Subscription.objects.create(page=article, commenter=commenter)
    run(builders.submit, article, email=REPLIER, approve=True)
    assert mails_to(mailoutbox, FOLLOWER) == []


def test_an_unverified_address_gets_nothing_even_with_a_confirmed_flag(article, run, mailoutbox):
    commenter = Commenter.objects.create(email=FOLLOWER, name="P")
    Subscription.objects.create(page=article, commenter=commenter, confirmed_at=timezone.now())
    run(builders.submit, article, email=REPLIER, approve=True)
    assert mails_to(mailoutbox, FOLLOWER) == []


def test_ticking_the_box_subscribes_unconfirmed_and_mails_the_link(article, run, mailoutbox):
    comment = run(submit_following, article, FOLLOWER)
    subscription = Subscription.objects.get(commenter__email=FOLLOWER)
    assert subscription.page_id == article.pk and subscription.confirmed_at is None
    [mail] = mails_to(mailoutbox, FOLLOWER)
    assert "/comments/confirm/" in mail.body and article.title in mail.body
    run(builders.submit, article, body="Balasan.", email=REPLIER, approve=True)
    assert len(mails_to(mailoutbox, FOLLOWER)) == 1  # still only the confirmation
    assert comment.notify_replies


def test_a_confirmed_address_still_confirms_a_new_subscription_by_mail(article, run, mailoutbox):
    Commenter.objects.create(email=FOLLOWER, name="P", verified_at=timezone.now())
    run(submit_following, article, FOLLOWER)
    [mail] = mails_to(mailoutbox, FOLLOWER)
    assert "/comments/confirm/" in mail.body
    assert Subscription.objects.get(commenter__email=FOLLOWER).confirmed_at is None


def test_the_comments_own_author_is_not_mailed(article, run, mailoutbox):
    commenter = follower(article)
    commenter_comment = run(builders.submit, article, email=FOLLOWER.upper(), approve=True)
    assert commenter_comment.commenter == commenter
    assert [m for m in mails_to(mailoutbox, FOLLOWER) if "/unsubscribe/" in m.body] == []


def test_the_same_comment_is_never_mailed_twice(article, run, mailoutbox):
    follower(article)
    reply = run(builders.submit, article, email=REPLIER, approve=True)
    run(comments_set_status, [reply.pk], CommentStatus.TRASH)
    run(comments_set_status, [reply.pk], CommentStatus.APPROVED)
    notifications.comment_announce(reply.pk, "approved")
    assert len(mails_to(mailoutbox, FOLLOWER)) == 1
    assert EmailDelivery.objects.filter(recipient=FOLLOWER).count() == 1


def test_mail_carries_one_click_unsubscribe_headers_and_link(article, run, mailoutbox):
    follower(article)
    run(builders.submit, article, email=REPLIER, approve=True)
    [mail] = mails_to(mailoutbox, FOLLOWER)
    header = mail.extra_headers["List-Unsubscribe"]
    match = re.fullmatch(r"<(https?://[^>]+/comments/unsubscribe/[^>]+/)>", header)
    assert match, header
    assert mail.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert match.group(1) in mail.body
    assert FOLLOWER not in header
    message = mail.message()
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["Auto-Submitted"] == "auto-generated"


def test_an_unsubscribed_reader_is_not_mailed(article, run, mailoutbox):
    commenter = follower(article)
    Subscription.objects.filter(commenter=commenter).update(unsubscribed_at=timezone.now())
    run(builders.submit, article, email=REPLIER, approve=True)
    assert mails_to(mailoutbox, FOLLOWER) == []


def test_a_comment_withdrawn_before_its_mail_is_sent_is_not_mailed(
    article, run, mailoutbox, deferred_queue
):
    follower(article)
    reply = builders.submit(article, body="Segera ditarik.", email=REPLIER)
    Comment.objects.filter(pk=reply.pk).update(status=CommentStatus.APPROVED)
    approved = Comment.objects.select_related("page", "parent").get(pk=reply.pk)
    run(notifications.followers_notify, approved)
    delivery = EmailDelivery.objects.get(recipient=FOLLOWER)
    assert delivery.status == DeliveryStatus.QUEUED
    # A moderator trashes it before the worker gets to the mail.
    Comment.objects.filter(pk=reply.pk).update(status=CommentStatus.TRASH)
    run_queued(deferred_queue)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED
    assert "no longer public" in delivery.last_error
    assert mails_to(mailoutbox, FOLLOWER) == []


def test_spam_sets_off_no_mail_at_all(article, mailoutbox, django_user_model):
    moderator_with_email(django_user_model)
    comment = submit_following(article, REPLIER)
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.SPAM)
    notifications.comment_announce(comment.pk, "stored")
    assert mailoutbox == []
    assert not EmailDelivery.objects.exists()
    assert not Subscription.objects.exists()


# Staff.


def moderator_with_email(django_user_model, username="moderator", email="mod@kabar.test"):
    user = django_user_model.objects.create_user(username, email=email)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="discussion", codename="change_comment")
    )
    return user


def test_staff_who_may_moderate_are_told_of_held_comments(
    article, run, mailoutbox, django_user_model
):
    moderator_with_email(django_user_model)
    django_user_model.objects.create_superuser("boss", email="boss@kabar.test")
    django_user_model.objects.create_user("reader", email="reader@kabar.test", is_staff=True)
    sleeper = moderator_with_email(django_user_model, "gone", "gone@kabar.test")
    sleeper.is_active = False
    sleeper.save()
    moderator_with_email(django_user_model, "nomail", "")
    comment = run(builders.submit, article, email=REPLIER)
    staff_mail = [m for m in mailoutbox if m.to != [REPLIER]]
    assert sorted(m.to[0] for m in staff_mail) == ["boss@kabar.test", "mod@kabar.test"]
    assert all(comment.body in m.body for m in staff_mail)
    assert set(EmailDelivery.objects.exclude(recipient=REPLIER).values_list("kind", flat=True)) == {
        DeliveryKind.STAFF_HELD
    }


def test_staff_are_not_told_of_held_comments_when_the_setting_is_off(
    article, run, mailoutbox, django_user_model, home
):
    moderator_with_email(django_user_model)
    settings = DiscussionSettings.for_site(home.get_site())
    settings.notify_staff_on_held = False
    settings.save()
    run(builders.submit, article, email=REPLIER)
    assert mails_to(mailoutbox, "mod@kabar.test") == []


def test_staff_told_of_every_new_comment_when_asked(
    article, run, mailoutbox, django_user_model, home
):
    moderator_with_email(django_user_model)
    settings = DiscussionSettings.for_site(home.get_site())
    settings.notify_staff_on_new = True
    settings.save()
    editor = django_user_model.objects.create_user("ed", is_staff=True)
    run(
        comment_submit,
        page=article,
        author=CommentAuthor(name="Redaksi", email="redaksi@kabar.test", user=editor),
        body="Catatan redaksi.",
    )
    [mail] = mails_to(mailoutbox, "mod@kabar.test")
    assert EmailDelivery.objects.get(recipient="mod@kabar.test").kind == "staff_new"
    assert "Catatan redaksi." in mail.body


# The queue: retries, backoff, the failed state.


def test_failed_sends_are_retried_with_exponential_backoff_then_marked_failed(
    article, settings, deferred_queue, django_user_model
):
    settings.EMAIL_BACKEND = "tests.discussion.test_notifications.FailingBackend"
    settings.KABAR_MAIL = {**settings.KABAR_MAIL, "MAX_ATTEMPTS": 4, "BACKOFF_SECONDS": 60}
    moderator_with_email(django_user_model)
    builders.submit(article, email=REPLIER)
    staff.staff_digests_send()  # the digest's round, come due
    delivery = EmailDelivery.objects.get(recipient="mod@kabar.test")
    # on_commit inside the test transaction: schedule the first send by hand.
    delivery_schedule(delivery.pk)
    waits = []
    for _attempt in range(10):
        queued = [r for r in deferred_queue.results if r.task.func is send_delivery.func]
        deferred_queue.results[:] = [r for r in deferred_queue.results if r not in queued]
        if not queued:
            break
        for result in queued:
            if result.task.run_after is not None:
                delivery.refresh_from_db()
                waits.append(
                    round((result.task.run_after - delivery.last_attempt_at).total_seconds())
                )
            result.task.call(*result.args, **result.kwargs)
    delivery.refresh_from_db()
    assert waits == [60, 120, 240]
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == 4
    assert delivery.last_error.startswith("SMTPException: 451")
    assert delivery.sent_at is None and delivery.next_attempt_at is None


def approved_reply_to_follow(article):
    """A reply approved, announced: its follow-up mail to FOLLOWER queued (the delivery)."""
    follower(article)
    reply = builders.submit(article, email=REPLIER)
    Comment.objects.filter(pk=reply.pk).update(status=CommentStatus.APPROVED)
    notifications.comment_announce(reply.pk, "approved")
    return EmailDelivery.objects.get(recipient=FOLLOWER), reply


def test_a_retry_that_gets_through_is_marked_sent(article, settings, deferred_queue, mailoutbox):
    settings.EMAIL_BACKEND = "tests.discussion.test_notifications.FailOnceBackend"
    FailOnceBackend.failures.clear()
    delivery, reply = approved_reply_to_follow(article)
    delivery_schedule(delivery.pk)
    first = deferred_queue.results.pop(0)
    first.task.call(*first.args, **first.kwargs)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.QUEUED
    assert delivery.next_attempt_at is not None
    assert "SMTPServerDisconnected" in delivery.last_error
    [retry] = deferred_queue.results
    assert retry.task.run_after == delivery.next_attempt_at
    run_queued(deferred_queue)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)
    assert delivery.sent_at is not None
    assert len(mails_to(mailoutbox, FOLLOWER)) == 1


def test_a_send_cut_off_by_a_killed_worker_is_sent_by_the_next_worker(
    article, deferred_queue, mailoutbox
):
    # A worker killed mid-send leaves its delivery claimed (an attempt counted, no next try
    # planned) and its task gone; a job lost with the queue leaves one never tried. The
    # next worker's start-up sweep sends both, and leaves a try still under way alone.
    cut_off, reply = approved_reply_to_follow(article)
    long_ago = timezone.now() - timedelta(minutes=30)
    EmailDelivery.objects.filter(pk=cut_off.pk).update(
        attempts=1, last_attempt_at=long_ago, created_at=long_ago
    )
    under_way = EmailDelivery.objects.create(
        kind="reply", recipient="lain@example.org", subject="Balasan", comment=reply,
        attempts=1, last_attempt_at=timezone.now(), created_at=long_ago,
    )  # fmt: skip
    deferred_queue.results.clear()

    assert deliveries_sweep() == 1
    run_queued(deferred_queue)

    cut_off.refresh_from_db()
    assert (cut_off.status, cut_off.attempts) == (DeliveryStatus.SENT, 2)
    assert len(mails_to(mailoutbox, FOLLOWER)) == 1
    under_way.refresh_from_db()
    assert under_way.status == DeliveryStatus.QUEUED and under_way.attempts == 1
    assert deliveries_sweep() == 0


def test_a_try_under_way_is_not_claimed_again_by_a_second_job(article, mailoutbox):
    # Another worker claimed it a minute ago and is talking to the mail server.
    delivery, reply = approved_reply_to_follow(article)
    a_minute_ago = timezone.now() - timedelta(minutes=1)
    EmailDelivery.objects.filter(pk=delivery.pk).update(attempts=1, last_attempt_at=a_minute_ago)
    assert send_delivery.call(delivery.pk) is None
    assert deliveries_sweep() == 0
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert not mails_to(mailoutbox, FOLLOWER)


def test_a_message_cut_off_at_every_try_is_given_up(article, settings, mailoutbox):
    delivery, reply = approved_reply_to_follow(article)
    long_ago = timezone.now() - timedelta(hours=2)
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        attempts=settings.KABAR_MAIL["MAX_ATTEMPTS"], last_attempt_at=long_ago
    )
    assert send_delivery.call(delivery.pk) == DeliveryStatus.FAILED
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.FAILED and "cut off" in delivery.last_error
    assert not mails_to(mailoutbox, FOLLOWER)


def test_the_hourly_retention_sends_mail_cut_off_since_the_worker_started(
    article, deferred_queue, mailoutbox
):
    # A worker restarted right after the cut: its start-up sweep left the try (then a
    # minute old) alone; the retention round, later, sends it.
    delivery, reply = approved_reply_to_follow(article)
    cut_at = timezone.now() - timedelta(minutes=1)
    EmailDelivery.objects.filter(pk=delivery.pk).update(attempts=1, last_attempt_at=cut_at)
    deferred_queue.results.clear()
    assert deliveries_sweep() == 0
    EmailDelivery.objects.filter(pk=delivery.pk).update(
        last_attempt_at=timezone.now() - timedelta(minutes=30)
    )
    forget_ips_task.call()
    run_queued(deferred_queue)
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(mails_to(mailoutbox, FOLLOWER)) == 1


def test_a_dead_mail_server_never_breaks_the_readers_request(article, run, settings):
    settings.EMAIL_BACKEND = "tests.discussion.test_notifications.FailingBackend"
    comment = run(builders.submit, article, email=REPLIER)
    assert Comment.objects.filter(pk=comment.pk).exists()
    delivery = EmailDelivery.objects.get(recipient=REPLIER, kind="confirm")
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == settings.KABAR_MAIL["MAX_ATTEMPTS"]


def test_backoff_doubles_and_is_capped(settings):
    settings.KABAR_MAIL = {
        **settings.KABAR_MAIL,
        "BACKOFF_SECONDS": 60,
        "BACKOFF_MAX_SECONDS": 300,
    }
    assert [backoff_delay(n) for n in range(1, 6)] == [60, 120, 240, 300, 300]


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wagtail_initial_data")
def test_database_queue_is_worked_by_the_worker_and_honours_run_after(settings, mailoutbox):
    """The embedded default's real path: tasks stored by django-tasks-db, run by its worker."""
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": INLINE},
        "kabar": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    # The hourly IP retention has run already: the only task queued below is the announce.
    cache.set(FORGET_IPS_CACHE_KEY, 1, 3600)
    home = builders.make_home()
    article = builders.make_article(builders.make_section(home))
    commenter = Commenter.objects.create(email=FOLLOWER, name="P", verified_at=timezone.now())
    Subscription.objects.create(page=article, commenter=commenter, confirmed_at=timezone.now())
    # Commits: the announcement and the staff digest's round are queued, not run.
    reply = builders.submit(article, email=REPLIER)
    assert DBTaskResult.objects.count() == 2
    comments_set_status([reply.pk], CommentStatus.APPROVED)
    later = EmailDelivery.objects.create(
        kind="staff_held", recipient="later@kabar.test", subject="x", comment=reply
    )
    delivery_schedule(later.pk, run_after=timezone.now() + timedelta(hours=1))

    work = builders.work_database_queue

    work()
    assert [m.to for m in mailoutbox if m.to == [FOLLOWER]] == [[FOLLOWER]]
    assert EmailDelivery.objects.get(recipient=FOLLOWER).status == DeliveryStatus.SENT
    # The deferred ones (the delivery, the digest's round) wait for their time.
    later.refresh_from_db()
    assert later.status == DeliveryStatus.QUEUED and later.attempts == 0
    assert DBTaskResult.objects.ready().count() == 0


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wagtail_initial_data")
def test_the_sweep_leaves_a_delivery_whose_job_still_waits_in_the_queue(settings):
    from django_tasks_db.models import DBTaskResult

    settings.TASKS = {
        "default": {"BACKEND": INLINE},
        "kabar": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    long_ago = timezone.now() - timedelta(minutes=30)
    waiting, lost = (
        EmailDelivery.objects.create(
            kind="staff_held", recipient=f"{name}@kabar.test", subject="x", created_at=long_ago
        )
        for name in ("menunggu", "hilang")
    )
    delivery_schedule(waiting.pk)  # its job still in the queue (a worker down a while)
    assert deliveries_sweep() == 1
    jobs = DBTaskResult.objects.filter(task_path=send_delivery.module_path)
    assert jobs.filter(args_kwargs__args__0=waiting.pk).count() == 1
    assert jobs.filter(args_kwargs__args__0=lost.pk).count() == 1


def test_no_worker_thread_when_tasks_run_inline():
    assert start_worker_thread() is None


# The delivery log in the admin.

LOG_URL = "/admin/email-deliveries/"


def admin_with(django_user_model, username, *codenames):
    from wagtail.users.models import UserProfile

    user = django_user_model.objects.create_user(username, password="x", email="")
    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    for codename in codenames:
        user.user_permissions.add(
            Permission.objects.get(content_type__app_label="discussion", codename=codename)
        )
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"
    profile.save()
    return user


def logged_deliveries(article):
    comment = builders.submit(article, body="Untuk log.", email=REPLIER)
    sent = EmailDelivery.objects.create(
        kind="reply",
        recipient="terkirim@example.org",
        subject="Sent one",
        comment=comment,
        status=DeliveryStatus.SENT,
        attempts=1,
        sent_at=timezone.now(),
    )
    failed = EmailDelivery.objects.create(
        kind="staff_held",
        recipient="gagal@example.org",
        subject="Failed one",
        comment=comment,
        status=DeliveryStatus.FAILED,
        attempts=5,
        last_error="SMTPException: 451 4.3.0 try again later",
    )
    return sent, failed


def test_delivery_log_shows_status_attempts_and_error(client, article, django_user_model):
    logged_deliveries(article)
    client.force_login(admin_with(django_user_model, "mod", "change_comment"))
    html = client.get(LOG_URL).content.decode()
    for text in ("Sent one", "Failed one", "gagal@example.org", "SMTPException: 451", "Failed"):
        assert text in html


def test_delivery_log_filters_by_status(client, article, django_user_model):
    logged_deliveries(article)
    client.force_login(admin_with(django_user_model, "mod", "view_comment"))
    html = client.get(LOG_URL, {"status": "failed"}).content.decode()
    assert "Failed one" in html and "Sent one" not in html


def test_delivery_log_is_closed_to_editors_without_comment_permissions(
    client, article, django_user_model
):
    logged_deliveries(article)
    client.force_login(admin_with(django_user_model, "writer"))
    response = client.get(LOG_URL)
    assert response.status_code in (302, 403)
    assert b"gagal@example.org" not in response.content


def test_delivery_log_is_read_only(client, article, django_user_model):
    from django.urls import NoReverseMatch, reverse

    _sent, failed = logged_deliveries(article)
    client.force_login(admin_with(django_user_model, "mod", "change_comment"))
    for name in ("add", "edit", "delete", "copy"):
        with pytest.raises(NoReverseMatch):
            reverse(f"discussion_deliveries:{name}", args=[] if name == "add" else [failed.pk])
    inspect = client.get(reverse("discussion_deliveries:inspect", args=[failed.pk]))
    assert inspect.status_code == 200
    assert "try again later" in inspect.content.decode()
    assert client.post(reverse("discussion_deliveries:inspect", args=[failed.pk])).status_code in (
        403,
        405,
    )
    failed.refresh_from_db()
    assert failed.status == DeliveryStatus.FAILED


def test_delivery_log_listing_has_a_bounded_query_count(
    client, article, django_user_model, django_assert_max_num_queries
):
    comment = builders.submit(article, body="Banyak surat.", email=REPLIER)
    EmailDelivery.objects.bulk_create(
        EmailDelivery(kind="reply", recipient=f"r{i}@example.org", subject=f"s{i}", comment=comment)
        for i in range(40)
    )
    client.force_login(admin_with(django_user_model, "mod", "change_comment"))
    client.get(LOG_URL)
    with django_assert_max_num_queries(15):
        assert client.get(LOG_URL).status_code == 200


def test_delivery_log_is_in_the_reports_menu_for_moderators_only(client, django_user_model, home):
    client.force_login(admin_with(django_user_model, "mod", "change_comment"))
    assert LOG_URL in client.get("/admin/").content.decode()
    client.force_login(admin_with(django_user_model, "writer"))
    assert LOG_URL not in client.get("/admin/").content.decode()


def test_hourly_retention_prunes_old_finished_task_rows(settings):
    from django_tasks_db.models import DBTaskResult

    from kabar.discussion.privacy import forget_ips_task

    settings.TASKS = {
        "default": {"BACKEND": INLINE},
        "kabar": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    now = timezone.now()

    def row(status, finished_days_ago=None, backend="kabar"):
        finished = now - timedelta(days=finished_days_ago) if finished_days_ago else None
        return DBTaskResult.objects.create(
            status=status, args_kwargs={"args": [], "kwargs": {}}, task_path="x.y",
            backend_name=backend, run_after=now, finished_at=finished,
        )  # fmt: skip

    old_done = row("SUCCESSFUL", 30)
    old_failed = row("FAILED", 15)
    recent_done = row("SUCCESSFUL", 2)
    waiting = row("READY")
    running = row("RUNNING")
    other_backend = row("SUCCESSFUL", 30, backend="elsewhere")
    forget_ips_task.call()
    left = set(DBTaskResult.objects.values_list("pk", flat=True))
    assert old_done.pk not in left and old_failed.pk not in left
    assert {recent_done.pk, waiting.pk, running.pk, other_backend.pk} <= left
