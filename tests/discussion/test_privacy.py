"""Export and erasure of a commenter's data, confirmed by a mailed link; IP addresses kept
as a keyed hash and forgotten after the retention period."""

import hashlib
import json
import re
import time
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core import mail, signing
from django.core.cache import cache
from django.core.management import call_command
from django.forms.models import model_to_dict
from django.test import Client, TestCase
from django.urls import reverse
from django.utils import timezone, translation

from kabar.core import memo
from kabar.core.hashing import keyed_hash
from kabar.discussion import privacy
from kabar.discussion.models import (
    Comment,
    Commenter,
    CommentStatus,
    DeliveryKind,
    DeliveryStatus,
    DiscussionSettings,
    EmailDelivery,
    Subscription,
)
from kabar.discussion.services import comments_set_status
from tests import builders
from tests.mail import DOWN_MAIL_SERVER

pytestmark = pytest.mark.django_db
EMAIL = "Dewi.Pembaca@Example.org"
PRIVACY_URL = reverse("discussion:privacy")


@pytest.fixture(autouse=True)
def fresh_cache():
    # The request throttle and the hourly retention live in the cache.
    cache.clear()
    yield
    cache.clear()


def discussion_settings(**values):
    from wagtail.models import Site

    stored = DiscussionSettings.for_site(Site.objects.get(is_default_site=True))
    for name, value in values.items():
        setattr(stored, name, value)
    stored.save()


@pytest.fixture
def dewi(article):
    """A commenter with two comments (one a reply to somebody), a subscription and a mail."""
    other = builders.submit(article, body="Komentar orang lain.", name="Budi", approve=True)
    first = builders.submit(
        article,
        body="Komentar pertama Dewi.",
        name="Dewi Lestari",
        email=EMAIL,
        url="https://dewi.example",
        user_agent="Mozilla/5.0 Dewi",
        approve=True,
    )
    builders.submit(
        article,
        body="Balasan Dewi untuk Budi.",
        name="Dewi Lestari",
        email=EMAIL,
        parent=other,
        approve=True,
    )
    commenter = Commenter.objects.get(email=EMAIL.lower())
    Subscription.objects.create(page=article, commenter=commenter, confirmed_at=timezone.now())
    EmailDelivery.objects.create(
        kind="reply",
        recipient=EMAIL.lower(),
        subject="Balasan baru",
        comment=other,
        status=DeliveryStatus.SENT,
    )
    return first.commenter


@pytest.fixture
def ask(django_capture_on_commit_callbacks):
    """Post the request form; returns the response and the mail it sent (after commit)."""

    def ask(client, email, action):
        with_mail = len(mail.outbox)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(PRIVACY_URL, {"email": email, "action": action})
        return response, mail.outbox[with_mail:]

    return ask


def without_csrf(response):
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())


def link_in(message):
    return re.search(r"https?://\S+/comments/privacy/\S+/", message.body).group(0)


def path_of(url):
    return re.sub(r"^https?://[^/]+", "", url)


# The request page.


def test_request_page_is_a_private_form(client, article):
    response = client.get(PRIVACY_URL)
    assert response.status_code == 200
    assert 'name="email"' in response.content.decode()
    assert "no-store" in response["Cache-Control"]


def test_article_links_to_the_privacy_page(client, article):
    assert f'href="{PRIVACY_URL}"' in client.get(article.url).content.decode()


def test_same_answer_for_known_and_unknown_addresses(dewi, client, ask):
    known, known_mail = ask(client, EMAIL, "export")
    unknown, unknown_mail = ask(client, "tidak.dikenal@example.org", "export")
    assert known.status_code == unknown.status_code == 200
    assert without_csrf(known) == without_csrf(unknown)
    assert len(known_mail) == 1 and unknown_mail == []
    assert known_mail[0].to == [EMAIL.lower()]


def test_mailed_link_carries_no_email_address(dewi, client, ask):
    _response, [message] = ask(client, EMAIL, "erase")
    link = link_in(message)
    assert "dewi" not in link.lower()
    assert "example" not in link.lower()


def test_repeated_requests_are_throttled_without_saying_so(dewi, client, ask):
    first, first_mail = ask(client, EMAIL, "export")
    second, second_mail = ask(client, EMAIL, "erase")
    assert len(first_mail) == 1 and second_mail == []
    assert without_csrf(first) == without_csrf(second)


def test_one_client_asking_again_and_again_is_slowed_down(dewi, client, ask, settings):
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "RATE_LIMITS": True}
    client.cookies["django_language"] = "en"
    for i in range(10):
        assert ask(client, f"orang{i}@example.org", "export")[0].status_code == 200
    response, sent = ask(client, EMAIL, "export")
    assert response.status_code == 429
    assert "many requests" in response.content.decode()
    assert sent == []


def test_invalid_address_comes_back_with_a_message_and_the_input(client, article, ask):
    client.cookies["django_language"] = "en"
    response, sent = ask(client, "bukan-alamat", "export")
    assert response.status_code == 400
    assert "Please enter a valid email address." in response.content.decode()
    assert 'value="bukan-alamat"' in response.content.decode()
    assert sent == []


def test_unknown_action_is_a_form_error(dewi, client, ask):
    response, sent = ask(client, EMAIL, "delete-everything")
    assert response.status_code == 400
    assert sent == []


# Export.


def test_export_link_downloads_the_persons_data_only(dewi, client, article, ask):
    _response, [message] = ask(client, EMAIL, "export")
    reader = Client()
    assert reader.get(path_of(link_in(message))).status_code == 200  # asks first
    response = reader.post(path_of(link_in(message)))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    assert "no-store" in response["Cache-Control"]
    data = json.loads(response.content)

    assert data["email"] == EMAIL.lower()
    assert data["commenter"]["name"] == "Dewi Lestari"
    texts = [c["text"] for c in data["comments"]]
    assert texts == ["Komentar pertama Dewi.", "Balasan Dewi untuk Budi."]
    first = data["comments"][0]
    assert first["article"]["title"] == article.title
    assert first["article"]["url"].endswith(article.url)
    assert first["status"] == CommentStatus.APPROVED
    assert first["name"] == "Dewi Lestari"
    assert first["website"] == "https://dewi.example"
    assert first["ip_address"] == "203.0.113.9"
    assert first["user_agent"] == "Mozilla/5.0 Dewi"
    assert first["submitted"]
    assert [s["article"]["title"] for s in data["subscriptions"]] == [article.title]
    # The mail that carried this very link is kept under the address too.
    assert [(d["kind"], d["subject"]) for d in data["email_deliveries"]][0] == (
        "reply",
        "Balasan baru",
    )
    assert [d["kind"] for d in data["email_deliveries"]][1:] == ["privacy_export"]

    raw = response.content.decode()
    assert "Komentar orang lain." not in raw
    assert "Budi" not in raw.replace("untuk Budi", "")
    assert "budi@example.org" not in raw


def test_export_link_cannot_be_used_to_erase(dewi, client, ask):
    _response, [message] = ask(client, EMAIL, "export")
    response = Client().post(path_of(link_in(message)))
    assert response["Content-Type"].startswith("application/json")
    assert Commenter.objects.get(pk=dewi.pk).email == EMAIL.lower()


# Erasure.


def test_erase_asks_once_more_then_anonymises(dewi, client, article, ask):
    _response, [message] = ask(client, EMAIL, "erase")
    path = path_of(link_in(message))
    reader = Client()
    confirm = reader.get(path)
    assert confirm.status_code == 200
    assert 'id="privacy-erase-form"' in confirm.content.decode()
    assert Comment.objects.filter(author_name="Dewi Lestari").count() == 2  # nothing yet

    done = reader.post(path)
    assert done.status_code == 200
    with translation.override(settings.LANGUAGE_CODE):  # stored in the site's language
        anonymous = translation.gettext("Anonymous")
    erased = list(Comment.objects.filter(commenter=dewi).order_by("pk"))
    assert len(erased) == 2
    for comment in erased:
        assert comment.author_name == anonymous
        assert comment.author_email == f"erased-{dewi.pk}@anonymous.invalid"
        assert comment.author_url == ""
        assert comment.ip_address is None and comment.ip_hash == ""
        assert comment.user_agent == ""
        assert comment.status == CommentStatus.APPROVED
    assert [c.body for c in erased] == ["Komentar pertama Dewi.", "Balasan Dewi untuk Budi."]
    dewi.refresh_from_db()
    assert dewi.email == f"erased-{dewi.pk}@anonymous.invalid"
    assert dewi.name == anonymous and dewi.verified_at is None
    assert not Subscription.objects.filter(commenter=dewi).exists()
    assert not EmailDelivery.objects.filter(recipient__iexact=EMAIL).exists()
    assert not Comment.objects.filter(author_email__iexact=EMAIL).exists()

    html = Client().get(article.url).content.decode()
    assert "Dewi Lestari" not in html and "dewi.example" not in html
    assert "Komentar pertama Dewi." in html and anonymous in html
    assert "Komentar orang lain." in html  # somebody else's comment untouched
    assert Comment.objects.get(body="Komentar orang lain.").author_name == "Budi"


def test_erase_also_renames_the_comment_in_the_moderation_log(
    dewi, client, ask, django_capture_on_commit_callbacks
):
    from wagtail.models import ModelLogEntry

    comment = Comment.objects.get(body="Komentar pertama Dewi.")
    with django_capture_on_commit_callbacks(execute=True):
        comments_set_status([comment.pk], CommentStatus.PENDING)  # logged by the audit trail
    assert ModelLogEntry.objects.filter(label__contains="Dewi Lestari").exists()
    _response, [message] = ask(client, EMAIL, "erase")
    Client().post(path_of(link_in(message)))
    assert ModelLogEntry.objects.filter(object_id=str(comment.pk)).exists()
    assert not ModelLogEntry.objects.filter(label__contains="Dewi Lestari").exists()


def test_erase_removes_the_texts_when_the_setting_says_so(dewi, client, article, ask):
    discussion_settings(erase_keeps_text=False)
    builders.submit(
        article,
        body="Balasan untuk Dewi.",
        name="Budi",
        parent=Comment.objects.get(body="Komentar pertama Dewi."),
        approve=True,
    )
    _response, [message] = ask(client, EMAIL, "erase")
    Client().post(path_of(link_in(message)))
    for comment in Comment.objects.filter(commenter=dewi):
        assert "Dewi" not in comment.body
        assert comment.status == CommentStatus.TRASH and comment.removed_at is not None
    html = Client().get(article.url).content.decode()
    assert "Komentar pertama Dewi." not in html and "Balasan Dewi untuk Budi." not in html
    assert "Balasan untuk Dewi." in html  # the reply stays, under a placeholder
    assert "comment--removed" in html


def test_erase_needs_the_csrf_token(dewi, client, ask):
    _response, [message] = ask(client, EMAIL, "erase")
    response = Client(enforce_csrf_checks=True).post(path_of(link_in(message)))
    assert response.status_code == 403
    assert Commenter.objects.get(pk=dewi.pk).email == EMAIL.lower()


def test_erase_link_works_once(dewi, client, ask):
    _response, [message] = ask(client, EMAIL, "erase")
    path = path_of(link_in(message))
    Client().post(path)
    again = Client().post(path)
    assert again.status_code == 400


# Bad links.


@pytest.mark.parametrize(
    "tamper",
    [lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"), lambda t: "x" + t, lambda t: "-"],
)
def test_tampered_link_shows_a_clear_page_and_changes_nothing(dewi, client, tamper):
    client.cookies["django_language"] = "en"
    token = privacy.privacy_link_make(dewi, "erase")
    path = reverse("discussion:privacy_link", args=[tamper(token)])
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 400
        assert "This link is not valid" in response.content.decode()
    assert Commenter.objects.get(pk=dewi.pk).email == EMAIL.lower()


def test_expired_link_shows_a_clear_page_and_changes_nothing(dewi, client, monkeypatch):
    client.cookies["django_language"] = "en"
    two_days_ago = time.time() - 2 * 24 * 3600
    with monkeypatch.context() as patched:
        patched.setattr(time, "time", lambda: two_days_ago)
        token = privacy.privacy_link_make(dewi, "erase")
    path = reverse("discussion:privacy_link", args=[token])
    response = client.post(path)
    assert response.status_code == 400
    assert "This link has expired" in response.content.decode()
    assert Commenter.objects.get(pk=dewi.pk).email == EMAIL.lower()


def test_link_for_one_commenter_does_not_name_another(dewi, client, article):
    builders.submit(article, body="Halo.", name="Sari", email="sari@example.org")
    sari = Commenter.objects.get(email="sari@example.org")
    token = privacy.privacy_link_make(dewi, "export")
    payload, stamp, signature = token.split(":")
    data = signing.loads(token, salt=privacy.LINK_SALT)
    forged_payload = signing.b64_encode(
        json.dumps({**data, "c": sari.pk}, separators=(",", ":")).encode()
    ).decode()
    # Altered id under the old signature; and even a validly signed token naming Sari
    # but carrying Dewi's address tag.
    altered = f"{forged_payload}:{stamp}:{signature}"
    mixed = signing.dumps({**data, "c": sari.pk}, salt=privacy.LINK_SALT)
    for bad in (altered, mixed):
        assert client.get(reverse("discussion:privacy_link", args=[bad])).status_code == 400


# IP addresses.


def test_ip_is_stored_with_a_keyed_hash(article):
    comment = builders.submit(article)
    assert comment.ip_hash == keyed_hash("203.0.113.9", "ip")
    assert comment.ip_hash != hashlib.sha256(b"203.0.113.9").hexdigest()


def make_old(comment, days):
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - timedelta(days=days))


def test_forget_ips_clears_old_comments_only(article):
    old = builders.submit(article, body="Lama.", user_agent="UA lama")
    new = builders.submit(article, body="Baru.", name="Sari", user_agent="UA baru")
    make_old(old, 31)
    call_command("forget_ips", stdout=open("/dev/null", "w"))  # noqa: SIM115
    old.refresh_from_db()
    new.refresh_from_db()
    assert (old.ip_address, old.ip_hash, old.user_agent) == (None, "", "")
    assert new.ip_address == "203.0.113.9" and new.ip_hash and new.user_agent == "UA baru"


def test_forget_ips_follows_the_setting_and_the_option(article):
    discussion_settings(ip_retention_days=7)
    comment = builders.submit(article)
    make_old(comment, 10)
    call_command("forget_ips", days=14, stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Comment.objects.get(pk=comment.pk).ip_address == "203.0.113.9"
    call_command("forget_ips", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert Comment.objects.get(pk=comment.pk).ip_address is None


def test_retention_runs_by_itself_at_most_hourly(article, django_capture_on_commit_callbacks):
    first_old = builders.submit(article, body="Lama sekali.")
    make_old(first_old, 40)
    with django_capture_on_commit_callbacks(execute=True):
        builders.submit(article, body="Memicu.", name="Sari", email="sari@example.org")
    assert Comment.objects.get(pk=first_old.pk).ip_address is None

    second_old = builders.submit(article, body="Lama juga.", name="Umar", email="u@example.org")
    make_old(second_old, 40)
    with django_capture_on_commit_callbacks(execute=True):
        builders.submit(article, body="Memicu lagi.", name="Tia", email="tia@example.org")
    assert Comment.objects.get(pk=second_old.pk).ip_address == "203.0.113.9"  # within the hour


def test_each_process_asks_the_cache_about_the_retention_once_a_minute(
    article, django_capture_on_commit_callbacks, monkeypatch
):
    """The shared cache is asked whether the hourly retention is due once a minute per
    process, not on every comment posted."""
    asked = []
    add = cache.add

    def counted_add(key, *args, **kwargs):
        if key == privacy.FORGET_IPS_CACHE_KEY:
            asked.append(key)
        return add(key, *args, **kwargs)

    monkeypatch.setattr(cache, "add", counted_add)
    for n in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            builders.submit(article, body=f"Komentar ke-{n}.", email=f"p{n}@example.org")
    assert len(asked) == 1
    later = time.monotonic() + 61
    monkeypatch.setattr(memo, "time", SimpleNamespace(monotonic=lambda: later))
    with django_capture_on_commit_callbacks(execute=True):
        builders.submit(article, body="Semenit kemudian.", email="semenit@example.org")
    assert len(asked) == 2


# The mail: a delivery in the log, sent by the queue after commit.


def run_next(backend):
    """Run the queue's oldest task, and what it sets off after its commit."""
    result = backend.results.pop(0)
    with TestCase.captureOnCommitCallbacks(execute=True):
        result.task.call(*result.args, **result.kwargs)


def run_queued(backend):
    while backend.results:
        run_next(backend)


def test_privacy_mail_is_a_delivery_in_the_log_sent_by_the_queue(dewi, client, ask):
    _response, [message] = ask(client, EMAIL, "export")
    delivery = EmailDelivery.objects.get(kind=DeliveryKind.PRIVACY_EXPORT)
    assert delivery.recipient == EMAIL.lower() and delivery.comment is None
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 1)
    assert delivery.subject == message.subject
    assert message.extra_headers["Auto-Submitted"] == "auto-generated"
    # The link is signed when the message is sent and kept nowhere.
    token = link_in(message).rstrip("/").rsplit("/", 1)[1]
    assert token not in str(model_to_dict(delivery))


def test_privacy_mail_waits_for_the_commit(
    dewi, client, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        response = client.post(PRIVACY_URL, {"email": EMAIL, "action": "erase"})
    assert response.status_code == 200
    assert mailoutbox == []
    delivery = EmailDelivery.objects.get(kind=DeliveryKind.PRIVACY_ERASE)
    assert delivery.status == DeliveryStatus.QUEUED
    with django_capture_on_commit_callbacks(execute=True):
        for callback in callbacks:
            callback()
    [message] = mailoutbox
    assert message.to == [EMAIL.lower()]
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT


def test_privacy_mail_is_only_queued_in_the_readers_request(dewi, client, ask, deferred_queue):
    response, sent = ask(client, EMAIL, "export")
    assert response.status_code == 200 and sent == []
    # The address is looked up by the queue too, so the request does the same work for
    # any address (tests/discussion/test_privacy_links.py).
    assert not EmailDelivery.objects.filter(kind=DeliveryKind.PRIVACY_EXPORT).exists()
    run_next(deferred_queue)
    assert EmailDelivery.objects.get(kind=DeliveryKind.PRIVACY_EXPORT).attempts == 0
    run_queued(deferred_queue)
    [message] = mail.outbox
    assert message.to == [EMAIL.lower()]
    assert Client().get(path_of(link_in(message))).status_code == 200


def test_a_dead_mail_server_fails_the_delivery_not_the_request(dewi, client, ask, settings):
    settings.EMAIL_BACKEND = DOWN_MAIL_SERVER
    response, sent = ask(client, EMAIL, "export")
    assert response.status_code == 200 and sent == []
    delivery = EmailDelivery.objects.get(kind=DeliveryKind.PRIVACY_EXPORT)
    assert delivery.status == DeliveryStatus.FAILED
    assert delivery.attempts == settings.KABAR_MAIL["MAX_ATTEMPTS"]
    assert delivery.last_error.startswith("SMTPException: 451")


def test_a_failed_privacy_mail_waits_in_the_queue_for_its_retry(
    dewi, client, ask, settings, deferred_queue
):
    settings.EMAIL_BACKEND = DOWN_MAIL_SERVER
    ask(client, EMAIL, "export")
    run_next(deferred_queue)  # the request: looks the address up, queues the mail
    [first] = deferred_queue.results
    deferred_queue.results.clear()
    first.task.call(*first.args, **first.kwargs)
    delivery = EmailDelivery.objects.get(kind=DeliveryKind.PRIVACY_EXPORT)
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.QUEUED, 1)
    [retry] = deferred_queue.results
    assert delivery.next_attempt_at is not None
    assert retry.task.run_after == delivery.next_attempt_at


def test_a_privacy_mail_still_queued_when_the_data_is_erased_is_not_sent(
    dewi, client, ask, deferred_queue
):
    ask(client, EMAIL, "export")
    run_next(deferred_queue)  # the request: looks the address up, queues the mail
    privacy.personal_data_erase(dewi)
    run_queued(deferred_queue)
    assert mail.outbox == []
    delivery = EmailDelivery.objects.get(kind=DeliveryKind.PRIVACY_EXPORT)
    assert delivery.status == DeliveryStatus.FAILED
    assert "erased" in delivery.last_error


def test_privacy_mail_is_written_in_the_language_it_was_asked_in(dewi, client, ask):
    _response, [message] = ask(client, EMAIL, "export")
    assert "Seseorang, kemungkinan Anda" in message.body
    cache.clear()
    client.cookies["django_language"] = "en"
    _response, [message] = ask(client, EMAIL, "export")
    assert "Somebody, probably you, asked Kabar for a copy" in message.body
    assert message.subject == "Confirm: export your comment data"


def test_the_address_shows_in_the_delivery_log_to_staff_only(dewi, client, ask, django_user_model):
    response, _sent = ask(client, EMAIL, "export")
    assert EMAIL.lower() not in response.content.decode().lower()
    log = reverse("discussion_deliveries:index")
    assert EMAIL.lower() not in Client().get(log).content.decode().lower()
    staff = Client()
    staff.force_login(django_user_model.objects.create_superuser("redaksi", "r@kabar.test", "x"))
    assert EMAIL.lower() in staff.get(log).content.decode()
