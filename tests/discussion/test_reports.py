"""Readers reporting a comment: the form, one report per reader, holding after N reports."""

import pytest
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from wagtail.models import Site

from kabar.discussion.models import Comment, CommentStatus, DiscussionSettings, Report
from kabar.discussion.services import comment_report
from kabar.discussion.views.reports import REPORT_LIMIT
from tests import builders

pytestmark = pytest.mark.django_db
EMAIL = "rahasia.pelapor@example.org"


@pytest.fixture(autouse=True)
def fresh_limits():
    # Rate-limit counters live in the cache, which outlives each test's database.
    for alias in caches:
        caches[alias].clear()


def report_url(comment):
    return reverse("discussion:report", args=[comment.pk])


def reader(address="198.51.100.1"):
    client = Client(REMOTE_ADDR=address)
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def published(article):
    return builders.submit(
        article, body="Komentar yang bisa dilaporkan.", name="Dewi", email=EMAIL, approve=True
    )


def set_reports_to_hold(n):
    stored = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    stored.reports_to_hold = n
    stored.save()


# The link and the form.


def test_every_published_comment_has_a_report_link(client, article, published):
    html = client.get(article.url).content.decode()
    assert f'href="{report_url(published)}"' in html


def test_held_comment_shown_to_its_author_has_no_report_link(client, article):
    client.post(
        reverse("discussion:post"),
        {
            "page": article.pk,
            "body": "Masih ditahan.",
            "author_name": "A",
            "author_email": EMAIL,
            "form_token": builders.form_token(article),
        },
    )
    comment = Comment.objects.get(body="Masih ditahan.")
    html = client.get(article.url).content.decode()
    assert f'id="comment-{comment.pk}"' in html
    assert report_url(comment) not in html


def test_report_page_shows_the_comment_and_a_reason_select(published):
    response = reader().get(report_url(published))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Komentar yang bisa dilaporkan." in html
    assert '<select name="reason"' in html
    assert 'value="abuse"' in html
    assert 'name="note"' in html
    assert "csrfmiddlewaretoken" in html
    assert EMAIL not in html
    assert "no-store" in response["Cache-Control"] or "max-age=0" in response["Cache-Control"]


def test_report_page_escapes_the_comment(article):
    comment = builders.submit(article, body="<script>alert(1)</script>", approve=True)
    html = reader().get(report_url(comment)).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.SPAM])
def test_hidden_comments_cannot_be_reported(article, status):
    comment = builders.submit(article)
    Comment.objects.filter(pk=comment.pk).update(status=status)
    assert reader().get(report_url(comment)).status_code == 404
    assert reader().post(report_url(comment), {"reason": "spam"}).status_code == 404
    assert Report.objects.count() == 0


def test_unknown_comment_is_404():
    assert reader().get(reverse("discussion:report", args=[999999])).status_code == 404


def test_reply_under_a_hidden_comment_cannot_be_reported(article):
    parent = builders.submit(article, approve=True)
    reply = builders.submit(article, body="Balasan.", email="b@example.org", parent=parent)
    Comment.objects.filter(pk=reply.pk).update(status=CommentStatus.APPROVED)
    Comment.objects.filter(pk=parent.pk).update(status=CommentStatus.SPAM)
    assert reader().get(report_url(reply)).status_code == 404


# Sending a report.


def test_report_is_stored_with_reason_and_a_hash_of_the_reader(published):
    response = reader().post(report_url(published), {"reason": "abuse", "note": "Menghina."})
    assert response.status_code == 200
    assert "Your report has been sent to the moderators." in response.content.decode()
    report = Report.objects.get()
    assert report.comment_id == published.pk
    assert report.reason == "abuse: Menghina."
    assert len(report.reporter_hash) == 64
    assert "198.51.100.1" not in report.reporter_hash
    published.refresh_from_db()
    assert published.report_count == 1
    assert published.status == CommentStatus.APPROVED


def test_one_report_per_reader(published):
    client = reader()
    client.post(report_url(published), {"reason": "spam"})
    again = client.post(report_url(published), {"reason": "abuse"})
    assert again.status_code == 200
    assert "You have already reported this comment." in again.content.decode()
    assert Report.objects.count() == 1
    assert Comment.objects.get(pk=published.pk).report_count == 1


def test_a_forged_forwarded_header_does_not_make_a_new_reader(published):
    reader().post(report_url(published), {"reason": "spam"})
    forged = Client(REMOTE_ADDR="198.51.100.1", HTTP_X_FORWARDED_FOR="203.0.113.77")
    forged.post(report_url(published), {"reason": "spam"})
    assert Report.objects.count() == 1


def test_reports_from_different_readers_add_up_and_hold_the_comment(article, published):
    set_reports_to_hold(3)
    for n in range(2):
        reader(f"198.51.100.{n + 1}").post(report_url(published), {"reason": "spam"})
    assert Comment.objects.get(pk=published.pk).status == CommentStatus.APPROVED
    reader("198.51.100.3").post(report_url(published), {"reason": "abuse"})
    held = Comment.objects.get(pk=published.pk)
    assert held.status == CommentStatus.REPORTED
    assert held.report_count == 3
    html = Client().get(article.url).content.decode()
    assert "Komentar yang bisa dilaporkan." not in html


def test_reaching_the_threshold_announces_the_change(published, django_capture_on_commit_callbacks):
    from kabar.discussion import signals

    seen = []

    def receiver(sender, comments, previous, by=None, action=None, **kwargs):
        seen.append(([c.pk for c in comments], previous, by, action))

    signals.comments_moderated.connect(receiver)
    try:
        set_reports_to_hold(1)
        with django_capture_on_commit_callbacks(execute=True):
            assert comment_report(published, "spam", "seorang-pembaca") is True
    finally:
        signals.comments_moderated.disconnect(receiver)
    assert seen == [([published.pk], {published.pk: "approved"}, None, "report")]


def test_reports_on_a_comment_already_held_do_not_change_it(published):
    set_reports_to_hold(1)
    comment_report(published, "spam", "satu")
    Comment.objects.filter(pk=published.pk).update(status=CommentStatus.TRASH)
    comment = Comment.objects.get(pk=published.pk)
    comment_report(comment, "spam", "dua")
    assert Comment.objects.get(pk=published.pk).status == CommentStatus.TRASH


def test_a_moderator_approving_a_reported_comment_publishes_it_again(article, published):
    from kabar.discussion.services import comments_set_status

    set_reports_to_hold(1)
    reader().post(report_url(published), {"reason": "spam"})
    assert Comment.objects.get(pk=published.pk).status == CommentStatus.REPORTED
    comments_set_status([published.pk], CommentStatus.APPROVED)
    assert "Komentar yang bisa dilaporkan." in Client().get(article.url).content.decode()


# Bad input.


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"reason": ""},
        {"reason": "nonsense"},
        {"reason": "other"},
        {"reason": "other", "note": " "},
    ],
)
def test_invalid_report_comes_back_with_the_form(published, data):
    response = reader().post(report_url(published), data)
    assert response.status_code == 400
    assert 'id="reportform"' in response.content.decode()
    assert Report.objects.count() == 0


def test_overlong_note_is_refused_not_cut(published):
    response = reader().post(report_url(published), {"reason": "abuse", "note": "x" * 5000})
    assert response.status_code == 400
    assert Report.objects.count() == 0


def test_report_without_csrf_token_is_refused(published):
    client = Client(enforce_csrf_checks=True)
    response = client.post(report_url(published), {"reason": "spam"})
    assert response.status_code == 403
    assert Report.objects.count() == 0


def test_other_methods_are_refused(published):
    assert reader().put(report_url(published)).status_code == 405


def test_a_flood_of_reports_from_one_reader_is_limited(article, settings):
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "RATE_LIMITS": True}
    comments = [
        builders.submit(article, body=f"Komentar {n}.", email=f"p{n}@example.org", approve=True)
        for n in range(REPORT_LIMIT.count + 1)
    ]
    client = reader()
    statuses = [client.post(report_url(c), {"reason": "spam"}).status_code for c in comments]
    assert statuses[:-1] == [200] * REPORT_LIMIT.count
    assert statuses[-1] == 429
    assert Report.objects.count() == REPORT_LIMIT.count
