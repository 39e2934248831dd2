"""The submission path (kabar/discussion/submission.py) keeps what it read of a page only
while the page is unchanged: with the page cache on, each process remembers the pages
comments were posted to, and every change to one is seen by the next post."""

import pytest
from django.test import Client

from kabar.discussion import targets
from kabar.discussion.models import Comment, CommentStatus
from kabar.discussion.services import discussion_premoderate
from kabar.discussion.targets import DiscussionState
from kabar.news.models import ArticlePage
from tests.discussion.test_views import post

pytestmark = pytest.mark.django_db


@pytest.fixture
def remembered(page_cache, article):
    """The article as the submission path remembers it after a first post."""
    assert post(Client(), article, body="Yang pertama.").status_code == 302
    return article


def test_a_page_posted_to_again_is_not_read_again(remembered, django_assert_num_queries):
    with django_assert_num_queries(0):
        first = targets.live_target(remembered.pk)
    assert first.pk == remembered.pk and first.comments_open


def test_each_post_gets_its_own_copy_of_the_page(remembered):
    one = targets.live_target(remembered.pk)
    one.discussion = DiscussionState.CLOSED
    one.section.comments_premoderate = True
    other = targets.live_target(remembered.pk)
    assert other.discussion == DiscussionState.OPEN
    assert not other.section.comments_premoderate


def test_closing_and_publishing_the_article_refuses_the_next_post(
    remembered, django_capture_on_commit_callbacks
):
    page = ArticlePage.objects.get(pk=remembered.pk)
    page.discussion = DiscussionState.CLOSED
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    response = post(Client(), remembered, body="Setelah ditutup.")
    assert response.status_code == 403
    assert not Comment.objects.filter(body="Setelah ditutup.").exists()


def test_unpublishing_the_article_refuses_the_next_post(
    remembered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ArticlePage.objects.get(pk=remembered.pk).unpublish()
    assert post(Client(), remembered, body="Setelah diturunkan.").status_code == 404


def test_a_switch_to_premoderation_holds_the_next_comment(
    remembered, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert discussion_premoderate(targets.live_target(remembered.pk), reason="uji")
    post(Client(), remembered, body="Sesudah ditahan.")
    held = Comment.objects.get(body="Sesudah ditahan.")
    assert held.status == CommentStatus.PENDING
    assert any(r["rule"] == "premoderation" for r in held.reasons)
