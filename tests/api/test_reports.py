"""POST /api/v1/comments/{id}/report and POST /api/v1/subscriptions: a reader's report, once
per reader, and follow-up mail asked for without a comment, confirmed by the mailed link as
a comment's subscription is."""

import re

import pytest
from django.test import Client
from django.utils import timezone, translation

from kabar.core import ratelimit
from kabar.discussion import reports
from kabar.discussion.models import Commenter, Report, Subscription
from kabar.discussion.validation import EMAIL_INVALID
from tests import builders
from tests.api.conftest import POST_URL

pytestmark = pytest.mark.django_db
FOLLOWER = "pengikut@example.org"


def test_a_report_is_counted_once_per_reader(api, thread):
    comment = builders.submit(thread, approve=True)
    first = api.post(f"comments/{comment.pk}/report", {"reason": "spam"})
    assert first.status_code == 200
    assert first.json() == {"already_reported": False}
    again = api.post(f"comments/{comment.pk}/report", {"reason": "abuse"})
    assert again.json() == {"already_reported": True}
    assert Report.objects.get().reason == "spam"


def test_a_report_for_another_reason_needs_its_detail(api, thread):
    comment = builders.submit(thread, approve=True)
    refused = api.post(f"comments/{comment.pk}/report", {"reason": "other", "detail": " "})
    assert refused.status_code == 400
    with translation.override("id"):
        expected = str(translation.gettext("Please say what is wrong with the comment."))
    assert refused.json()["errors"] == {"detail": [expected]}
    answer = api.post(f"comments/{comment.pk}/report", {"reason": "other", "detail": "Menipu"})
    assert answer.status_code == 200
    assert Report.objects.get().reason == "other: Menipu"


def test_an_unknown_reason_is_refused(api, thread):
    comment = builders.submit(thread, approve=True)
    refused = api.post(f"comments/{comment.pk}/report", {"reason": "bosan"})
    assert refused.status_code == 400
    assert "reason" in refused.json()["errors"]
    assert not Report.objects.exists()


def test_a_held_comment_cannot_be_reported(api, thread):
    held = builders.submit(thread)
    assert api.post(f"comments/{held.pk}/report", {"reason": "spam"}).status_code == 404


def test_reports_are_rate_limited_as_the_forms_are(api, thread, limits_on, monkeypatch):
    monkeypatch.setattr(reports, "REPORT_LIMIT", ratelimit.Limit("report", 2, 60 * 60))
    comments = [builders.submit(thread, body=f"Nomor {n}", approve=True) for n in range(3)]
    statuses = [
        api.post(f"comments/{c.pk}/report", {"reason": "spam"}).status_code for c in comments
    ]
    assert statuses == [200, 200, 429]
    refused = api.post(f"comments/{comments[2].pk}/report", {"reason": "spam"})
    with translation.override("id"):
        assert refused.json()["detail"] == str(reports.TOO_MANY_REPORTS)
    assert int(refused["Retry-After"]) > 0
    assert Report.objects.count() == 2


def mails_to(outbox, address):
    return [m for m in outbox if address in m.to]


def test_a_subscription_is_confirmed_by_the_mailed_link(
    api, thread, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        answer = api.post(
            "subscriptions", {"url": POST_URL, "site": "blog-teman", "email": FOLLOWER}
        )
    assert answer.status_code == 202
    subscription = Subscription.objects.get(commenter__email=FOLLOWER)
    assert subscription.page_id == thread.pk and subscription.confirmed_at is None
    [mail] = mails_to(mailoutbox, FOLLOWER)
    assert "Banjir di Jakarta" in mail.body
    link = re.search(r"https?://\S+/comments/confirm/\S+/", mail.body).group(0)
    Client().post(link.split("localhost", 1)[-1])
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert Commenter.objects.get(email=FOLLOWER).verified_at is not None


def test_the_answer_is_the_same_for_a_subscription_in_force(
    api, thread, mailoutbox, django_capture_on_commit_callbacks
):
    request = {"url": POST_URL, "email": FOLLOWER}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post("subscriptions", request)
        Subscription.objects.update(confirmed_at=timezone.now())
        second = api.post("subscriptions", request)
    assert first.status_code == second.status_code == 202
    assert first.content == second.content
    assert len(mails_to(mailoutbox, FOLLOWER)) == 1


def test_a_bad_address_is_said_under_its_field(api, thread):
    refused = api.post("subscriptions", {"url": POST_URL, "email": "bukan-alamat"})
    assert refused.status_code == 400
    with translation.override("id"):
        assert refused.json()["errors"] == {"email": [str(EMAIL_INVALID)]}
    assert not Subscription.objects.exists()


def test_subscriptions_are_rate_limited_per_address(api, thread, limits_on):
    statuses = [
        api.post("subscriptions", {"url": POST_URL, "email": f"orang{n}@example.org"}).status_code
        for n in range(11)
    ]
    assert statuses == [202] * 10 + [429]
