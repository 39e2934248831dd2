"""Property: over combinations of moderation settings and commenter histories, a comment
that should not be public never appears in any public output — the article page as a
stranger sees it, its permalink, the comment feeds, the comment counts on the article and
its section, and the mail Kabar sends.

What "should not be public" means is worked out here from the inputs alone (the oracle),
not read back from the code under test."""

import itertools
import re
import time
import uuid

import pytest
from django.core import mail
from django.core.cache import caches
from django.db import transaction
from django.test import Client, TestCase
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from wagtail.models import Site

from kabar.discussion.models import Comment, CommentStatus, DiscussionSettings
from kabar.discussion.own import address_proof
from kabar.discussion.policy import Rules
from kabar.discussion.services import (
    CommentAuthor,
    SubmitContext,
    comment_report,
    comment_submit,
    comments_set_status,
)
from kabar.discussion.trust import Confirmation, commenter_confirm, commenter_for
from tests import builders

pytestmark = pytest.mark.django_db(transaction=False)

WORDS = ["kasino", "pinjol", "judol", "viagra"]
_seq = itertools.count(1)


class Rollback(Exception):
    """Raised at the end of each example so its data is rolled back."""


@st.composite
def scenarios(draw):
    return {
        "premoderate_all": draw(st.booleans()),
        "trust_after_approved": draw(st.integers(0, 3)),
        "links_to_hold": draw(st.integers(0, 3)),
        "moderation_words": draw(st.sets(st.sampled_from(WORDS), max_size=2)),
        "disallowed_words": draw(st.sets(st.sampled_from(WORDS), max_size=2)),
        # The history of the address the comment is written from.
        "verified": draw(st.booleans()),
        "approved_before": draw(st.integers(0, 3)),
        "spam_marked": draw(st.booleans()),
        # Sent from a browser the address was confirmed in, or typed in any other.
        "from_confirmed_browser": draw(st.booleans()),
        # The comment itself.
        "links": draw(st.integers(0, 3)),
        "words": draw(st.sets(st.sampled_from(WORDS), max_size=2)),
        "is_reply": draw(st.booleans()),
        # What a moderator or readers do to it afterwards.
        "afterwards": draw(st.sampled_from(["nothing", "spam", "trash", "reported"])),
    }


def should_start_hidden(s):
    """The oracle: held, spam or trash as stored, whatever the code says."""
    trusted = (
        s["verified"]
        and s["from_confirmed_browser"]
        and not s["spam_marked"]
        and s["approved_before"] >= s["trust_after_approved"]
    )
    return (
        s["premoderate_all"]
        or not trusted
        or (s["links_to_hold"] and s["links"] >= s["links_to_hold"])
        or bool(s["words"] & s["moderation_words"])
        or bool(s["words"] & s["disallowed_words"])
    )


def protected_from_reports(s):
    """The oracle: readers' reports never hold a trusted commenter's comment (confirmed
    address, enough approved comments, trust not taken away by a spam mark), whichever
    browser it came from."""
    return (
        s["verified"] and not s["spam_marked"] and s["approved_before"] >= s["trust_after_approved"]
    )


def step(fn, *args, **kwargs):
    """One write, committed as a request would be: its after-commit effects (trust
    counters, notifications, audit, purges) run before the next step."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return fn(*args, **kwargs)


def author(name, email, n, proofs=frozenset()):
    return CommentAuthor(
        name=name, email=email, ip_address=f"198.51.100.{n % 250 + 1}", proofs=proofs
    )


def write(article, who, body, *, parent=None, notify=False, proofs=frozenset()):
    n = next(_seq)
    return step(
        comment_submit,
        page=article,
        author=author(*who, n, proofs),
        body=body,
        parent=parent,
        context=SubmitContext(notify_replies=notify),
    )


def verify(who):
    commenter = commenter_for(CommentAuthor(name=who[0], email=who[1]), Rules())
    step(commenter_confirm, Confirmation(commenter=commenter, issued_at=time.time() + 1))


def build(s, marker):
    """The world of one example, built through the services readers and moderators use."""
    home = builders.make_home()
    section = builders.make_section(home, "Kabar Internasional")
    stored = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    stored.premoderate_all = s["premoderate_all"]
    stored.trust_after_approved = s["trust_after_approved"]
    stored.links_to_hold = s["links_to_hold"]
    stored.moderation_words = "\n".join(sorted(s["moderation_words"]))
    stored.disallowed_words = "\n".join(sorted(s["disallowed_words"]))
    stored.reports_to_hold = 1
    stored.save()
    article = builders.make_article(section, "Artikel yang diuji")
    elsewhere = builders.make_article(section, "Artikel riwayat")

    tag = next(_seq)
    writer = (f"Penulis {tag}", f"penulis{tag}@example.org")
    follower = (f"Pengikut {tag}", f"pengikut{tag}@example.org")

    # The writer's history, on another article.
    if s["verified"]:
        write(elsewhere, writer, f"Perkenalan {tag}.")
        verify(writer)
    for n in range(s["approved_before"]):
        earlier = write(elsewhere, writer, f"Komentar lama {tag}-{n}.")
        step(comments_set_status, [earlier.pk], CommentStatus.APPROVED)
    if s["spam_marked"]:
        bad = write(elsewhere, writer, f"Komentar yang ditandai spam {tag}.")
        step(comments_set_status, [bad.pk], CommentStatus.SPAM)

    # A published comment by a confirmed subscriber, which the comment may answer.
    parent = write(article, follower, f"Komentar induk {tag}.", notify=True)
    verify(follower)
    step(comments_set_status, [parent.pk], CommentStatus.APPROVED)

    links = " ".join(f"https://contoh{n}.example.com/halaman" for n in range(s["links"]))
    words = " ".join(sorted(s["words"]))
    body = f"Pendapat saya {marker} {words} {links}".strip()
    mail.outbox.clear()
    # The proof that browser carries (own.trusted_proofs), when the address was confirmed there.
    proofs = frozenset({address_proof(writer[1])}) if s["from_confirmed_browser"] else frozenset()
    comment = write(article, writer, body, parent=parent if s["is_reply"] else None, proofs=proofs)
    was_public = comment.status == CommentStatus.APPROVED

    if s["afterwards"] in ("spam", "trash"):
        step(comments_set_status, [comment.pk], s["afterwards"])
    elif s["afterwards"] == "reported":
        step(
            comment_report,
            Comment.objects.get(pk=comment.pk),
            "abuse",
            f"pelapor-{tag}",
            commenter=builders.trusted_commenter(),
        )
    comment.refresh_from_db()
    return article, section, comment, writer[1], was_public


def stranger_get(url):
    for alias in caches:
        caches[alias].clear()
    return Client().get(url)


def shown_count(html, url=None):
    """The "N comments" figure on an article (its header) or a section front (its card)."""
    pattern = (
        r'class="comment-count" href="#comments">(\d+) '
        if url is None
        else (rf'class="comment-count" href="{re.escape(url)}#comments">(\d+) ')
    )
    found = re.search(pattern, html)
    return int(found.group(1)) if found else 0


def public_outputs(article, section):
    page = stranger_get(article.url).content.decode()
    feeds = [
        stranger_get(url).content.decode()
        for url in (
            reverse("discussion:feed"),
            reverse("discussion:feed_atom"),
            reverse("discussion:article_feed", args=[article.pk]),
            reverse("discussion:article_feed_atom", args=[article.pk]),
        )
    ]
    front = stranger_get(section.url).content.decode()
    return page, feeds, front


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(s=scenarios())
def test_a_comment_that_should_not_be_public_appears_nowhere(db, s):
    marker = f"penanda{uuid.uuid4().hex[:12]}"
    try:
        with transaction.atomic():
            for alias in caches:
                caches[alias].clear()
            check(s, marker)
            raise Rollback
    except Rollback:
        pass


def check(s, marker):
    article, section, comment, writer_email, was_public = build(s, marker)
    starts_hidden = should_start_hidden(s)
    assert not (starts_hidden and was_public), (s, comment.reasons)
    hidden = (
        starts_hidden
        or s["afterwards"] in ("spam", "trash")
        or (s["afterwards"] == "reported" and not protected_from_reports(s))
    )

    # The code agrees with the oracle wherever the oracle is sure.
    if starts_hidden:
        stored_status = comment.status if s["afterwards"] == "nothing" else None
        assert stored_status in (None, CommentStatus.PENDING, CommentStatus.SPAM, "trash")
    if not starts_hidden and s["afterwards"] == "nothing":
        # Only the learned score may hold a comment the rules let through.
        assert comment.status == CommentStatus.APPROVED or any(
            r["rule"] == "learned_score" for r in comment.reasons
        ), (s, comment.status, comment.reasons)
    public = comment.status == CommentStatus.APPROVED
    assert not (hidden and public), (s, comment.status, comment.reasons)

    page, feeds, front = public_outputs(article, section)
    permalink = stranger_get(reverse("discussion:permalink", args=[comment.pk]))
    if public:
        assert marker in page
        assert all(marker in feed for feed in feeds[:3])
        assert permalink.status_code == 302
    else:
        assert marker not in page, s
        assert f'id="comment-{comment.pk}"' not in page
        assert all(marker not in feed for feed in feeds), s
        assert permalink.status_code == 404

    # Counts: the article and its section card count what a stranger can read.
    visible = Comment.objects.filter(page=article, status=CommentStatus.APPROVED).count()
    assert visible == 1 + int(public)
    assert shown_count(page) == visible
    assert shown_count(front, article.url) == visible

    # Mail: a comment that was never public is in no message to anyone but its writer
    # (whose confirmation mail may remind them of what they wrote).
    if not was_public:
        for message in mail.outbox:
            if message.to == [writer_email]:
                continue
            content = [message.subject, message.body] + [
                alternative[0] for alternative in getattr(message, "alternatives", [])
            ]
            assert all(marker not in str(part) for part in content), (s, message.to)
    # Nor is any commenter's email address in a public page or feed.
    for output in (page, front, *feeds):
        assert "@example.org" not in output
