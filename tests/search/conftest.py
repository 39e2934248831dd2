"""The search tests' articles, published with the index updated as after a real commit."""

import pytest

from tests import builders


def paragraph(words):
    return [("paragraph", f"<p>{words}</p>")]


@pytest.fixture
def publish(section, django_capture_on_commit_callbacks):
    """make_article with the index updated as after a real commit."""

    def make(title, body="Paragraf biasa tanpa kata kunci.", *, under=None, **fields):
        with django_capture_on_commit_callbacks(execute=True):
            return builders.make_article(
                under or section, title, body=paragraph(body), standfirst="", **fields
            )

    return make
