"""What one accepted comment post costs in queries, after-commit work included, so that
the submission path cannot silently grow back: a trusted commenter's comment (published,
counters kept, pages purged) and a new commenter's (held, burst guard asked). And what
is left for the task queue: a job only where someone is to be mailed."""

from typing import NamedTuple

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from kabar.discussion.models import Comment, Commenter, CommentStatus, Subscription
from kabar.discussion.own import TRUSTED_COOKIE
from kabar.discussion.services import comment_reply_as_staff, comments_set_status
from kabar.discussion.tasks import announce_comment
from kabar.discussion.trust import confirmation_token
from tests import builders

pytestmark = pytest.mark.django_db
POST_URL = reverse("discussion:post")


class Reader(NamedTuple):
    name: str
    email: str
    # Their browser's cookies: the trusted-browser proof, once they confirmed in it.
    cookies: dict | None = None


TRUSTED = Reader("Pembaca Tetap", "tetap@example.org")
# Production's queue (a database table), not the inline one the other tests use: what a
# post costs includes queueing its notification job, not running it.
QUEUED_TASKS = {
    "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
    "kabar": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
}
# Counted under pytest-django's test transaction, where comment_submit's transaction is a
# savepoint (two statements) instead of BEGIN / COMMIT. One of them reads the article's
# view restrictions and one the discussion settings: with the page cache on (production)
# each process keeps both in memory, here they are read every time.
TRUSTED_POST_QUERIES = 13
NEW_POST_QUERIES = 13


@pytest.fixture
def queued(settings):
    settings.TASKS = QUEUED_TASKS


@pytest.fixture
def trusted(article, django_capture_on_commit_callbacks):
    """A commenter who confirmed their address (in the browser they post from) and has an
    approved comment."""
    with django_capture_on_commit_callbacks(execute=True):
        earlier = builders.submit(
            article, body="Komentar pertama.", name=TRUSTED.name, email=TRUSTED.email
        )
        comments_set_status([earlier.pk], CommentStatus.APPROVED)
    commenter = Commenter.objects.get(email=TRUSTED.email)
    browser = Client()
    browser.post(reverse("discussion:confirm", args=[confirmation_token(commenter)]))
    return Reader(
        TRUSTED.name, TRUSTED.email, {TRUSTED_COOKIE: browser.cookies[TRUSTED_COOKIE].value}
    )


_bodies = iter(range(10**6))


def post(article, who, **fields):
    data = {
        "page": article.pk,
        "body": f"Pendapat saya nomor {next(_bodies)} tentang berita ini.",
        "author_name": who[0],
        "author_email": who[1],
        "form_token": builders.form_token(article),
        **fields,
    }
    client = Client()
    for name, value in (getattr(who, "cookies", None) or {}).items():
        client.cookies[name] = value
    return client.post(POST_URL, data, HTTP_ORIGIN="http://testserver")


def accepted(response):
    assert response.status_code == 302
    assert "#comment-" in response["Location"]
    return Comment.objects.get(pk=int(response["Location"].rsplit("#comment-", 1)[1]))


def measured(article, who, capture, assert_max_queries, bound):
    with assert_max_queries(bound) as counted, capture(execute=True):
        response = post(article, who)
    return accepted(response), len(counted.captured_queries)


def test_a_trusted_commenters_post_is_published_in_a_bounded_number_of_queries(
    article, trusted, queued, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        assert accepted(post(article, trusted)).status == CommentStatus.APPROVED
    comment, _count = measured(
        article,
        trusted,
        django_capture_on_commit_callbacks,
        django_assert_max_num_queries,
        TRUSTED_POST_QUERIES,
    )
    assert comment.status == CommentStatus.APPROVED


def test_a_new_commenters_post_is_held_in_a_bounded_number_of_queries(
    article, queued, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        accepted(post(article, Reader("Pembaca Lain", "lain@example.org")))  # the site's first
    newcomer = Reader("Pembaca Baru", "baru@example.org")
    comment, _count = measured(
        article,
        newcomer,
        django_capture_on_commit_callbacks,
        django_assert_max_num_queries,
        NEW_POST_QUERIES + 4,  # the first comment also creates the commenter
    )
    assert comment.status == CommentStatus.PENDING
    comment, _count = measured(
        article,
        newcomer,
        django_capture_on_commit_callbacks,
        django_assert_max_num_queries,
        NEW_POST_QUERIES,
    )
    assert comment.status == CommentStatus.PENDING


def test_the_cost_does_not_grow_with_the_article_s_comments(
    article, trusted, queued, django_capture_on_commit_callbacks, django_assert_max_num_queries
):
    def trusted_post(bound=TRUSTED_POST_QUERIES):
        return measured(
            article,
            trusted,
            django_capture_on_commit_callbacks,
            django_assert_max_num_queries,
            bound,
        )[1]

    before = trusted_post()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(30):
            builders.submit(article, body=f"Komentar lain {n}.", email=f"lain{n}@example.org")
            accepted(post(article, trusted))
    trusted_post(bound=before)


def announcements():
    return list(
        DBTaskResult.objects.filter(task_path__endswith=".announce_comment").values_list(
            "args_kwargs", flat=True
        )
    )


def follower(email, **changes):
    fields = {"confirmed_at": timezone.now(), **changes}
    reader = Commenter.objects.create(email=email, name="Pengikut", verified_at=timezone.now())
    return Subscription.objects.create(commenter=reader, **fields)


def published(article, who, capture, **fields):
    with capture(execute=True):
        comment = accepted(post(article, who, **fields))
    assert comment.status == CommentStatus.APPROVED
    return comment


def test_a_published_comment_that_is_news_to_no_follower_queues_no_job(
    article, trusted, queued, django_capture_on_commit_callbacks
):
    """A job would only find that nobody is to be mailed: no follower of the article but
    the author, who needs no confirmation, and followers who never confirmed or left."""
    follower("belum@example.org", page=article, confirmed_at=None)
    follower("pergi@example.org", page=article, unsubscribed_at=timezone.now())
    follower("lain@example.org", page=builders.make_article(article.get_parent()))
    Subscription.objects.create(
        commenter=Commenter.objects.get(email=TRUSTED.email),
        page=article,
        confirmed_at=timezone.now(),
    )
    published(article, trusted, django_capture_on_commit_callbacks)
    assert announcements() == []


def test_a_published_comment_with_a_follower_queues_its_announcement(
    article, trusted, queued, django_capture_on_commit_callbacks
):
    follower("pengikut@example.org", page=article)
    comment = published(article, trusted, django_capture_on_commit_callbacks)
    assert announcements() == [{"args": [comment.pk, "stored"], "kwargs": {}}]
    announce_comment.call(comment.pk, "stored")
    assert list(comment.deliveries.values_list("recipient", flat=True)) == ["pengikut@example.org"]


def test_a_published_comment_whose_author_asks_for_follow_ups_queues_its_announcement(
    article, trusted, queued, django_capture_on_commit_callbacks
):
    """No follower yet, but the author ticked "notify me": the job records their wish and
    mails them the link that confirms it."""
    comment = published(article, trusted, django_capture_on_commit_callbacks, notify_replies="on")
    assert comment.notify_replies
    assert announcements() == [{"args": [comment.pk, "stored"], "kwargs": {}}]
    announce_comment.call(comment.pk, "stored")
    assert list(comment.deliveries.values_list("recipient", flat=True)) == [TRUSTED.email]


def test_a_desk_reply_that_is_news_to_no_follower_queues_no_job(
    article, queued, django_capture_on_commit_callbacks, django_user_model
):
    """The newsroom's own reply asks its writer to confirm nothing, and nobody follows the
    article: no job, and nothing noted about the writer's address, whose next comment from
    the public form (not confirmed) still asks them to confirm it."""
    parent = builders.submit(
        article, body="Kapan jembatan itu dibuka?", email="tanya@example.org", approve=True
    )
    DBTaskResult.objects.all().delete()
    moderator = django_user_model.objects.create_superuser(
        username="redaktur", email="redaksi@example.org", password="x"
    )
    with django_capture_on_commit_callbacks(execute=True):
        reply, approved_now = comment_reply_as_staff(parent, body="Pekan depan.", by=moderator)
    assert reply.status == CommentStatus.APPROVED and reply.by_staff and not approved_now
    assert announcements() == []
    with django_capture_on_commit_callbacks(execute=True):
        held = builders.submit(article, body="Saya dari redaksi juga.", email=moderator.email)
    assert held.status == CommentStatus.PENDING
    assert announcements() == [{"args": [held.pk, "stored"], "kwargs": {}}]
