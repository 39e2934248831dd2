"""The submission path (kabar/discussion/submission.py) keeps what it read of a page only
while the page is unchanged: with the page cache on, each process remembers the pages
comments were posted to, and every change to one is seen by the next post."""

import copy

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


def test_the_page_is_copied_as_copy_copy_copies_a_model(remembered):
    kept = targets.live_target(remembered.pk)
    ours, theirs = targets._model_copy(kept), copy.copy(kept)
    assert type(ours) is type(theirs)
    # All but the version stamp the pickling round leaves on a copy.copy.
    attributes = {k: v for k, v in theirs.__dict__.items() if k != "_django_version"}
    assert ours.__dict__.keys() == attributes.keys()
    for name, value in attributes.items():
        if name != "_state":
            assert ours.__dict__[name] is value
    assert ours._state.__dict__ == theirs._state.__dict__
    assert ours._state is not kept._state
    assert ours._state.fields_cache is not kept._state.fields_cache
    assert ours.section is kept.section


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


def test_a_kept_page_knows_its_address_without_asking_the_cache(remembered, monkeypatch):
    """The redirect after a post names the page's address as kept with the page, not
    worked out again from the site root paths in the shared cache."""

    def no_lookup(*args, **kwargs):
        raise AssertionError("site root paths looked up again")

    address = remembered.url
    kept = targets.live_target(remembered.pk)
    monkeypatch.setattr("wagtail.models.Site.get_site_root_paths", no_lookup)
    assert targets.page_url(kept) == address
    response = post(Client(), remembered, body="Alamatnya sudah diingat.")
    assert response.status_code == 302
    assert response["Location"].startswith(address + "#comment-")


@pytest.mark.parametrize("renamed", ["article", "section"])
def test_a_new_address_is_the_next_post_s(remembered, renamed, django_capture_on_commit_callbacks):
    """A new slug for the article, or for its section (every article's address below it),
    is in the redirect of the next post."""
    article = ArticlePage.objects.get(pk=remembered.pk)
    page = article if renamed == "article" else article.get_parent().specific
    page.slug = f"{page.slug}-baru"
    with django_capture_on_commit_callbacks(execute=True):
        page.save_revision().publish()
    moved = ArticlePage.objects.get(pk=remembered.pk)
    assert moved.url != remembered.url
    response = post(Client(), moved, body="Sesudah pindah alamat.")
    assert response.status_code == 302
    assert response["Location"].startswith(moved.url + "#comment-")
    assert targets.page_url(targets.live_target(remembered.pk)) == moved.url
