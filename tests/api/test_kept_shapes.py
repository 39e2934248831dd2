"""The answer merged from kept copies is the answer built from the database, for threads of
many shapes: replies at any depth, placeholders with and without replies, others' held
comments, the reader's own held and approved ones, small pages, both orders, every page
and one past the end."""

import random

import pytest

from kabar.discussion.models import CommentStatus, DiscussionSettings
from kabar.discussion.services import comment_remove_by_author
from tests import builders
from tests.api.test_kept import (
    NOBODY,
    built_whole,
    proof,
    shown,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("kept_threads")]


def a_thread_of_some_shape(thread, rnd):
    """Comments of every kind in a random tree; the reader's own (held, or approved and
    still theirs to edit) returned."""
    made, mine = [], []
    for n in range(rnd.randint(3, 14)):
        approved_ones = [c for c in made if c.status == CommentStatus.APPROVED]
        parent = rnd.choice([None, None, *approved_ones]) if approved_ones else None
        kind = rnd.random()
        if kind < 0.3:
            comment = builders.submit(
                thread, body=f"Milik saya {n}", email="saya@example.org", parent=parent
            )
            mine.append(comment)
        elif kind < 0.4:
            comment = builders.submit(thread, body=f"Ditahan, orang lain {n}", parent=parent)
        else:
            comment = builders.submit(thread, body=f"Komentar {n}", parent=parent, approve=True)
            if rnd.random() < 0.2:
                mine.append(comment)
        made.append(comment)
    for comment in made:
        if comment.status == CommentStatus.APPROVED and rnd.random() < 0.15:
            comment_remove_by_author(comment)
    return mine


@pytest.mark.parametrize("seed", range(8))
def test_a_merged_answer_is_the_answer_built_whole(api, thread, settings, home, seed):
    rnd = random.Random(seed)
    per_page = rnd.choice([1, 2, 3, 5])
    DiscussionSettings.objects.update_or_create(
        site=home.get_site(), defaults={"comments_per_page": per_page}
    )
    mine = a_thread_of_some_shape(thread, rnd)
    own = proof(*mine) if mine else NOBODY
    for order in ("oldest", "newest"):
        for page in range(1, 14 // per_page + 3):
            for reader in (own, NOBODY, None):
                asked = {"order": order, "page": str(page)}
                expected = built_whole(settings, api, reader, **asked)
                assert shown(api, reader, **asked) == expected, (seed, asked, reader)
