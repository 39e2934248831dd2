"""The burst guard: a crowd of new commenters switches an article to pre-moderation and
the staff are told."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Site

from kabar.discussion.models import (
    Comment,
    CommentStatus,
    DeliveryKind,
    DeliveryStatus,
    DiscussionSettings,
    EmailDelivery,
)
from kabar.discussion.services import discussion_premoderate
from kabar.discussion.targets import DiscussionState
from kabar.news.models import ArticlePage
from tests import builders
from tests.mail import DOWN_MAIL_SERVER

pytestmark = pytest.mark.django_db
STAFF = "redaksi@example.org"


@pytest.fixture(autouse=True)
def burst_of_three(home):
    stored = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    stored.burst_comments = 3
    stored.burst_minutes = 10
    stored.notify_staff_on_held = False
    stored.save()


@pytest.fixture
def staff(django_user_model):
    django_user_model.objects.create_superuser("redaksi", STAFF, "rahasia-123")
    django_user_model.objects.create_user("pembaca", "pembaca@example.org", "x")


def newcomers(article, count, capture, start=0):
    with capture(execute=True):
        return [
            builders.submit(
                article,
                body=f"Komentar orang baru nomor {n}.",
                name=f"Orang Baru {n}",
                email=f"baru{n}@example.org",
            )
            for n in range(start, start + count)
        ]


def burst_mails(mailoutbox):
    """The burst guard's messages: they link to the article's settings in the admin."""
    return [m for m in mailoutbox if "/admin/pages/" in m.body and "/edit/" in m.body]


def live(article):
    return ArticlePage.objects.get(pk=article.pk)


def test_more_new_commenters_than_allowed_switch_the_article_and_tell_the_staff(
    article, staff, mailoutbox, django_capture_on_commit_callbacks
):
    newcomers(article, 3, django_capture_on_commit_callbacks)
    assert live(article).discussion == DiscussionState.OPEN
    newcomers(article, 1, django_capture_on_commit_callbacks, start=3)
    assert live(article).discussion == DiscussionState.PREMODERATED

    [mail] = burst_mails(mailoutbox)
    assert mail.to == [STAFF]
    assert article.title in mail.subject
    assert f"/admin/pages/{article.pk}/edit/" in mail.body
    assert "4" in mail.body and "10" in mail.body


def test_after_the_switch_every_comment_is_held_with_that_reason(
    article, staff, django_capture_on_commit_callbacks
):
    newcomers(article, 4, django_capture_on_commit_callbacks)
    later = builders.submit(live(article), body="Sesudahnya.", email="kemudian@example.org")
    assert later.status == CommentStatus.PENDING
    assert {"rule": "premoderation", "effect": "hold", "detail": "every comment is held here"} in (
        later.reasons
    )


def test_the_switch_and_the_mail_happen_once(
    article, staff, mailoutbox, django_capture_on_commit_callbacks
):
    newcomers(article, 8, django_capture_on_commit_callbacks)
    assert len(burst_mails(mailoutbox)) == 1


def test_at_the_limit_nothing_happens(
    article, staff, mailoutbox, django_capture_on_commit_callbacks
):
    newcomers(article, 3, django_capture_on_commit_callbacks)
    assert live(article).discussion == DiscussionState.OPEN
    assert burst_mails(mailoutbox) == []


def test_commenters_with_approved_history_do_not_count(
    article, section, staff, django_capture_on_commit_callbacks
):
    elsewhere = builders.make_article(section, "Artikel lain")
    regulars = [
        builders.submit(
            elsewhere, body=f"Dulu {n}.", name=f"Tetap {n}", email=f"tetap{n}@example.org"
        )
        for n in range(5)
    ]
    Comment.objects.filter(pk__in=[c.pk for c in regulars]).update(status=CommentStatus.APPROVED)
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            builders.submit(
                article, body=f"Lagi {n}.", name=f"Tetap {n}", email=f"tetap{n}@example.org"
            )
    assert live(article).discussion == DiscussionState.OPEN


def test_comments_before_the_window_do_not_count(
    article, staff, django_capture_on_commit_callbacks
):
    old = newcomers(article, 3, django_capture_on_commit_callbacks)
    Comment.objects.filter(pk__in=[c.pk for c in old]).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    newcomers(article, 3, django_capture_on_commit_callbacks, start=3)
    assert live(article).discussion == DiscussionState.OPEN


def test_closed_or_premoderated_articles_are_left_alone(
    section, staff, mailoutbox, django_capture_on_commit_callbacks
):
    closed = builders.make_article(section, "Ditutup", discussion=DiscussionState.PREMODERATED)
    newcomers(closed, 5, django_capture_on_commit_callbacks)
    assert live(closed).discussion == DiscussionState.PREMODERATED
    assert burst_mails(mailoutbox) == []


def test_staff_are_told_only_after_the_switch_is_committed(
    article, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert discussion_premoderate(article, reason="uji")
    assert live(article).discussion == DiscussionState.PREMODERATED
    assert burst_mails(mailoutbox) == []
    assert not EmailDelivery.objects.exists()
    # The commit's callbacks queue the mail, which the queue sends after that commit.
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    [mail] = burst_mails(mailoutbox)
    assert "uji" in mail.body
    assert not discussion_premoderate(article, reason="lagi")


def test_an_editor_publishing_the_draft_later_keeps_it_premoderated(
    article, django_capture_on_commit_callbacks
):
    newcomers(article, 4, django_capture_on_commit_callbacks)
    draft = live(article).get_latest_revision_as_object()
    assert draft.discussion == DiscussionState.PREMODERATED
    draft.save_revision().publish()
    assert live(article).discussion == DiscussionState.PREMODERATED


def test_no_staff_with_email_means_no_mail_and_no_error(
    article, mailoutbox, django_capture_on_commit_callbacks
):
    newcomers(article, 4, django_capture_on_commit_callbacks)
    assert live(article).discussion == DiscussionState.PREMODERATED
    assert burst_mails(mailoutbox) == []


# The staff alert: a delivery in the log, sent by the queue, never in the reader's request.


def run_queued_now(backend):
    """Run the tasks waiting now, not those they queue in turn (a retry)."""
    waiting, backend.results[:] = list(backend.results), []
    for result in waiting:
        result.task.call(*result.args, **result.kwargs)


def post_as_newcomer(client, article, capture, n=99):
    with capture(execute=True):
        return client.post(
            reverse("discussion:post"),
            {
                "page": article.pk,
                "body": f"Komentar orang baru nomor {n}.",
                "author_name": f"Orang Baru {n}",
                "author_email": f"baru{n}@example.org",
                "form_token": builders.form_token(article),
            },
        )


def alerts():
    return EmailDelivery.objects.filter(kind=DeliveryKind.STAFF_PREMODERATED)


def test_the_staff_alert_is_a_delivery_in_the_log_sent_by_the_queue(
    article, staff, mailoutbox, django_capture_on_commit_callbacks
):
    newcomers(article, 4, django_capture_on_commit_callbacks)
    [delivery] = alerts()
    assert (delivery.recipient, delivery.comment) == (STAFF, None)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert delivery.data["page"] == article.pk
    [mail] = burst_mails(mailoutbox)
    assert mail.subject == delivery.subject
    assert mail.extra_headers["Auto-Submitted"] == "auto-generated"


def test_the_readers_request_only_queues_the_staff_alert(
    article, staff, client, mailoutbox, deferred_queue, django_capture_on_commit_callbacks
):
    newcomers(article, 3, django_capture_on_commit_callbacks)
    run_queued_now(deferred_queue)
    response = post_as_newcomer(client, article, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert live(article).discussion == DiscussionState.PREMODERATED
    assert burst_mails(mailoutbox) == []
    [delivery] = alerts()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 0)
    run_queued_now(deferred_queue)
    [mail] = burst_mails(mailoutbox)
    assert mail.to == [STAFF]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_a_dead_mail_server_leaves_the_alert_queued_for_retry_and_the_reader_answered(
    article, staff, client, settings, deferred_queue, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = DOWN_MAIL_SERVER
    newcomers(article, 3, django_capture_on_commit_callbacks)
    response = post_as_newcomer(client, article, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert Comment.objects.filter(author_email="baru99@example.org").exists()
    run_queued_now(deferred_queue)
    [delivery] = alerts()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    assert delivery.last_error.startswith("SMTPException: 451")
    assert delivery.next_attempt_at is not None
    [retry] = [r for r in deferred_queue.results if r.args == [delivery.pk]]
    assert retry.task.run_after == delivery.next_attempt_at
