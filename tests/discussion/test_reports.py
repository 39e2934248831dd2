"""Readers reporting a comment: the form, one report per reader, and holding it after N
reports from readers with a history."""

import json
from urllib.parse import quote

import pytest
from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction, Site

from kabar.discussion.models import Comment, Commenter, CommentStatus, DiscussionSettings, Report
from kabar.discussion.own import COMMENTER_COOKIE
from kabar.discussion.services import comment_report, comments_set_status
from kabar.discussion.trust import confirmation_token
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


@pytest.mark.parametrize(
    "restriction_type", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN]
)
def test_a_comment_on_a_restricted_article_cannot_be_seen_or_reported(
    article, published, restriction_type
):
    PageViewRestriction.objects.create(
        page=article, restriction_type=restriction_type, password="rahasia"
    )
    for response in (
        reader().get(report_url(published)),
        reader().post(report_url(published), {"reason": "spam"}),
    ):
        assert response.status_code == 404
        assert "Komentar yang bisa dilaporkan." not in response.content.decode()
        assert article.title not in response.content.decode()
    assert Report.objects.count() == 0


def test_a_restriction_on_the_section_covers_its_articles_comments(section, published):
    PageViewRestriction.objects.create(
        page=section, restriction_type=PageViewRestriction.PASSWORD, password="rahasia"
    )
    assert reader().get(report_url(published)).status_code == 404


def test_a_reader_past_the_password_may_report(article, published):
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="rahasia"
    )
    client = reader()
    client.post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, article.pk]),
        {"password": "rahasia", "return_url": article.url},
    )
    assert client.get(report_url(published)).status_code == 200
    assert client.post(report_url(published), {"reason": "spam"}).status_code == 200
    assert Report.objects.count() == 1


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


@pytest.mark.parametrize(
    "remembered",
    [
        "[" * 100_000,  # nested deeper than Python's JSON reader recurses (any version)
        quote('{"email":' * 100_000),
        quote(json.dumps({"email": "\ud800@example.org"})),  # a lone surrogate
        quote(json.dumps({"email": "pelapor\u0000@example.org"})),
        quote(json.dumps(["not", "details"])),
    ],
)
def test_a_forged_remembered_details_cookie_makes_an_ordinary_reader(published, remembered):
    """The details the form remembers are a cookie any browser can write: whatever it holds,
    the report is taken as from the reader's address, not refused with an error."""
    client = reader()
    client.cookies[COMMENTER_COOKIE] = remembered
    response = client.post(report_url(published), {"reason": "spam"})
    assert response.status_code == 200
    assert "Your report has been sent to the moderators." in response.content.decode()
    report = Report.objects.get()
    assert report.comment_id == published.pk
    # The same reader as without the cookie: a second report from that address is one.
    client.cookies.pop(COMMENTER_COOKIE)
    again = client.post(report_url(published), {"reason": "abuse"})
    assert "You have already reported this comment." in again.content.decode()


# Who may hide a comment.


def trusted_reader(article, n, address=None):
    """A reader with a history: their address confirmed in this browser (the link mailed to
    them) and an approved comment; the browser remembers their details."""
    email = f"pembaca{n}@example.org"
    builders.submit(article, body=f"Komentar lama {n}.", name=f"Pembaca {n}", email=email)
    commenter = Commenter.objects.get(email=email)
    comments_set_status(commenter.comments.values_list("pk", flat=True), CommentStatus.APPROVED)
    client = reader(address or f"2001:db8:{n}::1")
    client.post(reverse("discussion:confirm", args=[confirmation_token(commenter)]))
    remember(client, email)
    return client


def remember(client, email):
    # What the comment form's "remember me" leaves in the browser (views/comments.py).
    details = {"name": "Pembaca", "email": email, "url": ""}
    client.cookies[COMMENTER_COOKIE] = quote(json.dumps(details))


def status_of(comment):
    return Comment.objects.get(pk=comment.pk).status


def test_reports_from_readers_without_a_history_queue_for_a_moderator(article, published):
    set_reports_to_hold(3)
    for n in range(5):  # five IPv6 subscribers, each with a /64 of their own
        response = reader(f"2001:db8:{n + 1}::1").post(report_url(published), {"reason": "spam"})
        assert response.status_code == 200
    assert status_of(published) == CommentStatus.APPROVED
    assert Comment.objects.get(pk=published.pk).report_count == 5
    assert Report.objects.filter(comment=published, trusted=False).count() == 5
    assert "Komentar yang bisa dilaporkan." in Client().get(article.url).content.decode()


def test_reports_from_readers_with_a_history_hide_the_comment(article, published):
    set_reports_to_hold(3)
    for n in range(2):
        trusted_reader(article, n).post(report_url(published), {"reason": "abuse"})
    assert status_of(published) == CommentStatus.APPROVED
    trusted_reader(article, 2).post(report_url(published), {"reason": "abuse"})
    assert status_of(published) == CommentStatus.REPORTED
    assert Report.objects.filter(comment=published, trusted=True).count() == 3
    assert "Komentar yang bisa dilaporkan." not in Client().get(article.url).content.decode()


def test_a_trusted_address_typed_in_without_its_browser_proof_counts_for_nothing(
    article, published
):
    set_reports_to_hold(1)
    trusted_reader(article, 0)
    impostor = reader("2001:db8:99::1")
    remember(impostor, "pembaca0@example.org")
    impostor.post(report_url(published), {"reason": "abuse"})
    assert status_of(published) == CommentStatus.APPROVED
    assert Report.objects.get().trusted is False


def test_a_confirmed_reader_without_an_approved_comment_has_no_history(article, published):
    set_reports_to_hold(1)
    client = trusted_reader(article, 0)
    Comment.objects.filter(author_email="pembaca0@example.org").update(status=CommentStatus.TRASH)
    client.post(report_url(published), {"reason": "abuse"})
    assert status_of(published) == CommentStatus.APPROVED


def test_a_reader_with_a_history_reports_once_wherever_they_are(article, published):
    set_reports_to_hold(2)
    client = trusted_reader(article, 0)
    client.post(report_url(published), {"reason": "abuse"})
    again = client.post(report_url(published), {"reason": "spam"}, REMOTE_ADDR="192.0.2.50")
    assert "You have already reported this comment." in again.content.decode()
    assert Report.objects.count() == 1
    assert status_of(published) == CommentStatus.APPROVED


def test_a_trusted_commenters_comment_is_never_hidden_by_reports(article):
    set_reports_to_hold(1)
    trusted_reader(article, 9)  # confirmed, with an approved comment: a trusted commenter
    regular = Comment.objects.get(author_email="pembaca9@example.org")
    for n in range(3):
        trusted_reader(article, n).post(report_url(regular), {"reason": "abuse"})
    assert status_of(regular) == CommentStatus.APPROVED
    assert Comment.objects.get(pk=regular.pk).report_count == 3


def test_a_staff_comment_is_never_hidden_by_reports(article):
    set_reports_to_hold(1)
    editor = get_user_model().objects.create_user("redaktur", is_staff=True)
    staff_comment = builders.submit(
        article, body="Dari redaksi.", email="r@example.org", user=editor
    )
    assert staff_comment.status == CommentStatus.APPROVED
    trusted_reader(article, 0).post(report_url(staff_comment), {"reason": "abuse"})
    assert status_of(staff_comment) == CommentStatus.APPROVED


def test_a_signed_in_staff_member_has_a_history(article, published):
    set_reports_to_hold(1)
    client = reader()
    client.force_login(get_user_model().objects.create_user("redaktur", is_staff=True))
    client.post(report_url(published), {"reason": "abuse"})
    assert status_of(published) == CommentStatus.REPORTED


def test_only_reports_since_a_moderator_looked_count(article, published):
    set_reports_to_hold(2)
    for n in range(2):
        trusted_reader(article, n).post(report_url(published), {"reason": "abuse"})
    assert status_of(published) == CommentStatus.REPORTED
    comments_set_status([published.pk], CommentStatus.APPROVED)
    trusted_reader(article, 2).post(report_url(published), {"reason": "abuse"})
    assert status_of(published) == CommentStatus.APPROVED
    trusted_reader(article, 3).post(report_url(published), {"reason": "abuse"})
    assert status_of(published) == CommentStatus.REPORTED


def test_reaching_the_threshold_announces_the_change(published, django_capture_on_commit_callbacks):
    from kabar.discussion import signals

    seen = []

    def receiver(sender, comments, previous, by=None, action=None, **kwargs):
        seen.append(([c.pk for c in comments], previous, by, action))

    signals.comments_moderated.connect(receiver)
    try:
        set_reports_to_hold(1)
        vouching = Commenter.objects.create(email="tetap@example.org", manually_trusted=True)
        with django_capture_on_commit_callbacks(execute=True):
            assert comment_report(published, "spam", "seorang", commenter=vouching) is True
    finally:
        signals.comments_moderated.disconnect(receiver)
    assert seen == [([published.pk], {published.pk: "approved"}, None, "report")]


def test_reports_on_a_comment_already_held_do_not_change_it(published):
    set_reports_to_hold(1)
    vouching = Commenter.objects.create(email="tetap@example.org", manually_trusted=True)
    comment_report(published, "spam", "satu", commenter=vouching)
    Comment.objects.filter(pk=published.pk).update(status=CommentStatus.TRASH)
    comment = Comment.objects.get(pk=published.pk)
    comment_report(comment, "spam", "dua", commenter=vouching)
    assert Comment.objects.get(pk=published.pk).status == CommentStatus.TRASH


def test_a_moderator_approving_a_reported_comment_publishes_it_again(article, published):
    set_reports_to_hold(1)
    trusted_reader(article, 0).post(report_url(published), {"reason": "spam"})
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
