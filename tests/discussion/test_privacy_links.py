"""Privacy requests and their links (issue 12, finding 12): an export link gives one
download; a request does the same work whether or not Kabar knows the address."""

import json
import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client, TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kabar.discussion.models import Commenter, DeliveryKind, EmailDelivery
from tests import builders

pytestmark = pytest.mark.django_db
PRIVACY_URL = reverse("discussion:privacy")
EMAIL = "dewi.pembaca@example.org"


@pytest.fixture(autouse=True)
def fresh_cache():
    # The one-mail-per-address interval lives in the cache.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def dewi(article):
    builders.submit(article, body="Komentar Dewi.", name="Dewi", email=EMAIL, approve=True)
    return Commenter.objects.get(email=EMAIL)


def ask(email, action="export"):
    with TestCase.captureOnCommitCallbacks(execute=True):
        response = Client().post(PRIVACY_URL, {"email": email, "action": action})
    assert response.status_code == 200
    return response


def export_link(email=EMAIL):
    sent = len(mail.outbox)
    ask(email)
    [message] = mail.outbox[sent:]
    url = re.search(r"https?://\S+/comments/privacy/\S+/", message.body).group(0)
    return re.sub(r"^https?://[^/]+", "", url)


def test_opening_the_export_link_asks_first_and_downloads_nothing(dewi):
    # Mail scanners open links by themselves: that must not use the link up.
    path = export_link()
    for _scan in range(2):
        page = Client().get(path)
        assert page.status_code == 200
        assert page["Content-Type"].startswith("text/html")
        assert 'id="privacy-export-form"' in page.content.decode()
    assert json.loads(Client().post(path).content)["email"] == EMAIL


def test_an_export_link_gives_one_download(dewi):
    path = export_link()
    first = Client().post(path)
    assert first.status_code == 200
    assert json.loads(first.content)["email"] == EMAIL
    reader = Client()
    reader.cookies["django_language"] = "en"
    for again in (reader.post(path), reader.get(path)):
        assert again.status_code == 400
        assert "used already" in again.content.decode()
        assert EMAIL not in again.content.decode()


def test_a_new_request_gives_a_new_link(dewi):
    used = export_link()
    Client().post(used)
    cache.clear()  # past the one-mail-per-address interval
    fresh = export_link()
    assert fresh != used
    assert Client().post(fresh).status_code == 200


def test_the_export_needs_the_csrf_token(dewi):
    path = export_link()
    assert Client(enforce_csrf_checks=True).post(path).status_code == 403
    assert Client().post(path).status_code == 200


def test_a_request_does_the_same_work_for_a_known_and_an_unknown_address(dewi, deferred_queue):
    def work(email):
        with (
            CaptureQueriesContext(connection) as queries,
            TestCase.captureOnCommitCallbacks() as after_commit,
        ):
            ask(email)
        queued = [result.task.module_path for result in deferred_queue.results]
        deferred_queue.clear()
        statements = [q["sql"].replace(email, "EMAIL") for q in queries.captured_queries]
        return statements, len(after_commit), queued

    known = work(EMAIL)
    assert known == work("tidak.dikenal@example.org")
    assert known[2] == ["kabar.discussion.privacy.privacy_request_task"]


def test_the_queue_mails_only_a_known_address(dewi):
    ask(EMAIL)
    ask("tidak.dikenal@example.org")
    assert [m.to for m in mail.outbox] == [[EMAIL]]
    assert not EmailDelivery.objects.filter(recipient="tidak.dikenal@example.org").exists()
    assert EmailDelivery.objects.get(kind=DeliveryKind.PRIVACY_EXPORT).recipient == EMAIL


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("wagtail_initial_data")
def test_the_queue_keeps_no_address_a_request_named_once_it_is_answered(settings, mailoutbox):
    """The database queue keeps a finished task's row for days (prune_task_results): a
    privacy request's row held the address typed, an erased one or one Kabar never
    had, in its arguments."""
    from django_tasks_db.models import DBTaskResult  # noqa: PLC0415

    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "kabar": {"BACKEND": "django_tasks_db.DatabaseBackend"},
    }
    article = builders.make_article(builders.make_section(builders.make_home()))
    builders.submit(article, body="Komentar Dewi.", name="Dewi", email=EMAIL, approve=True)
    DBTaskResult.objects.all().delete()
    unknown = "tidak.dikenal@example.org"
    ask(EMAIL, "erase")
    ask(unknown)
    held = [str(row.args_kwargs) for row in DBTaskResult.objects.all()]
    assert any(EMAIL in args for args in held) and any(unknown in args for args in held)

    builders.work_database_queue()

    assert [m.to for m in mailoutbox] == [[EMAIL]]
    rows = list(DBTaskResult.objects.filter(task_path__endswith="privacy_request_task"))
    assert len(rows) == 2 and {row.status for row in rows} == {"SUCCESSFUL"}
    assert sorted(row.return_value for row in rows) == [False, True]
    kept = " ".join(str(row.args_kwargs) for row in DBTaskResult.objects.all())
    assert EMAIL not in kept and unknown not in kept
