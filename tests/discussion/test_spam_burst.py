"""The burst guard: a crowd of new commenters switches an article to pre-moderation and
the staff are told."""

from datetime import timedelta

import pytest
from django.utils import timezone
from wagtail.models import Site

from kabar.discussion.models import Comment, CommentStatus, DiscussionSettings
from kabar.discussion.services import article_switch_to_premoderation
from kabar.news.models import ArticlePage, Discussion
from tests import builders

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
    assert live(article).discussion == Discussion.OPEN
    newcomers(article, 1, django_capture_on_commit_callbacks, start=3)
    assert live(article).discussion == Discussion.PREMODERATED

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
    assert live(article).discussion == Discussion.OPEN
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
    assert live(article).discussion == Discussion.OPEN


def test_comments_before_the_window_do_not_count(
    article, staff, django_capture_on_commit_callbacks
):
    old = newcomers(article, 3, django_capture_on_commit_callbacks)
    Comment.objects.filter(pk__in=[c.pk for c in old]).update(
        created_at=timezone.now() - timedelta(minutes=11)
    )
    newcomers(article, 3, django_capture_on_commit_callbacks, start=3)
    assert live(article).discussion == Discussion.OPEN


def test_closed_or_premoderated_articles_are_left_alone(
    section, staff, mailoutbox, django_capture_on_commit_callbacks
):
    closed = builders.make_article(section, "Ditutup", discussion=Discussion.PREMODERATED)
    newcomers(closed, 5, django_capture_on_commit_callbacks)
    assert live(closed).discussion == Discussion.PREMODERATED
    assert burst_mails(mailoutbox) == []


def test_staff_are_told_only_after_the_switch_is_committed(
    article, staff, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        assert article_switch_to_premoderation(article, reason="uji")
    assert live(article).discussion == Discussion.PREMODERATED
    assert burst_mails(mailoutbox) == []
    for callback in callbacks:
        callback()
    [mail] = burst_mails(mailoutbox)
    assert "uji" in mail.body
    assert not article_switch_to_premoderation(article, reason="lagi")


def test_an_editor_publishing_the_draft_later_keeps_it_premoderated(
    article, django_capture_on_commit_callbacks
):
    newcomers(article, 4, django_capture_on_commit_callbacks)
    draft = live(article).get_latest_revision_as_object()
    assert draft.discussion == Discussion.PREMODERATED
    draft.save_revision().publish()
    assert live(article).discussion == Discussion.PREMODERATED


def test_no_staff_with_email_means_no_mail_and_no_error(
    article, mailoutbox, django_capture_on_commit_callbacks
):
    newcomers(article, 4, django_capture_on_commit_callbacks)
    assert live(article).discussion == Discussion.PREMODERATED
    assert burst_mails(mailoutbox) == []
