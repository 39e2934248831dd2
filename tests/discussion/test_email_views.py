"""The pages behind the links in Kabar's mail: confirmation (GET shows, POST confirms),
unsubscribe (GET page with a button, RFC 8058 one-click POST), and bad links answered with
a clear page and no change."""

import re
import time
from unittest import mock

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from kabar.discussion.models import Comment, Commenter, CommentStatus, Subscription
from kabar.discussion.subscriptions import unsubscribe_token
from kabar.discussion.trust import CONFIRM_SALT, confirmation_token
from tests import builders

pytestmark = pytest.mark.django_db
EMAIL = "rahasia.pembaca@example.org"
POST_URL = reverse("discussion:post")
CONFIRM_LINK = re.compile(r"https?://[^/\s]+(/comments/confirm/\S+/)")


@pytest.fixture
def english(client):
    client.cookies["django_language"] = "en"
    return client


@pytest.fixture
def one_click():
    """A mail client's one-click POST: no cookies, no CSRF token."""
    return Client(enforce_csrf_checks=True)


def pending_subscription(article, email=EMAIL):
    commenter = Commenter.objects.create(email=email, name="Dewi")
    subscription = Subscription.objects.create(page=article, commenter=commenter)
    return commenter, subscription


def active_subscription(article, email=EMAIL):
    commenter = Commenter.objects.create(email=email, name="Dewi", verified_at=timezone.now())
    return Subscription.objects.create(
        page=article, commenter=commenter, confirmed_at=timezone.now()
    )


# The comment form.


def test_form_offers_follow_up_notifications(english, article):
    html = english.get(article.url).content.decode()
    assert 'name="notify_replies"' in html
    assert "Notify me of follow-up comments by email." in html


def test_ticking_the_box_leads_to_a_confirmed_subscription(
    client, article, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            POST_URL,
            {
                "page": article.pk,
                "body": "Kabari saya kalau ada balasan.",
                "author_name": "Dewi",
                "author_email": EMAIL,
                "notify_replies": "on",
                "form_token": builders.form_token(article),
            },
        )
    assert response.status_code == 302
    assert Comment.objects.get().notify_replies
    subscription = Subscription.objects.get(commenter__email=EMAIL)
    assert subscription.confirmed_at is None
    [mail] = [m for m in mailoutbox if m.to == [EMAIL]]
    path = CONFIRM_LINK.search(mail.body).group(1)
    assert client.post(path).status_code == 200
    subscription.refresh_from_db()
    assert subscription.confirmed_at is not None
    assert Commenter.objects.get(email=EMAIL).verified_at is not None


def test_unticked_box_subscribes_nobody(client, article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            POST_URL,
            {
                "page": article.pk,
                "body": "Tanpa langganan.",
                "author_name": "Dewi",
                "author_email": EMAIL,
                "form_token": builders.form_token(article),
            },
        )
    assert Comment.objects.exists()
    assert not Subscription.objects.exists()


# Confirmation.


def test_opening_the_confirmation_link_only_shows_a_button(english, article):
    commenter, subscription = pending_subscription(article)
    response = english.get(reverse("discussion:confirm", args=[confirmation_token(commenter)]))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="confirm-button"' in html and 'method="post"' in html
    assert article.title in html
    assert EMAIL not in html
    assert "no-cache" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")
    commenter.refresh_from_db()
    subscription.refresh_from_db()
    assert commenter.verified_at is None and subscription.confirmed_at is None


def test_pressing_confirm_verifies_the_address_and_the_subscription(one_click, article):
    commenter, subscription = pending_subscription(article)
    response = one_click.post(reverse("discussion:confirm", args=[confirmation_token(commenter)]))
    assert response.status_code == 200
    assert 'id="confirm-page"' in response.content.decode()
    commenter.refresh_from_db()
    subscription.refresh_from_db()
    assert commenter.verified_at is not None and subscription.confirmed_at is not None


def test_a_confirmation_posted_from_another_site_is_refused(client, article):
    """A page elsewhere posting the link of an address its author confirmed would make the
    reader's browser speak for that address (its trusted-browser cookie); the button on
    our own page names our origin, which the page's Referrer-Policy lets it send."""
    commenter, subscription = pending_subscription(article)
    url = reverse("discussion:confirm", args=[confirmation_token(commenter)])
    assert client.get(url)["Referrer-Policy"] == "same-origin"
    for origin in ("https://penipu.example", "null"):
        refused = client.post(url, HTTP_ORIGIN=origin)
        assert refused.status_code == 403 and "kabar_trusted" not in refused.cookies
    commenter.refresh_from_db()
    assert commenter.verified_at is None
    done = client.post(url, HTTP_ORIGIN="http://testserver")
    assert done.status_code == 200 and "kabar_trusted" in done.cookies
    commenter.refresh_from_db()
    assert commenter.verified_at is not None


def test_confirming_twice_is_harmless(client, article):
    commenter, _subscription = pending_subscription(article)
    url = reverse("discussion:confirm", args=[confirmation_token(commenter)])
    client.post(url)
    first = Commenter.objects.get(pk=commenter.pk).verified_at
    assert client.post(url).status_code == 200
    assert Commenter.objects.get(pk=commenter.pk).verified_at == first


def tampered(token):
    head, _sep, signature = token.rpartition(":")
    flipped = ("A" if signature[0] != "A" else "B") + signature[1:]
    return f"{head}:{flipped}"


@pytest.mark.parametrize("method", ["get", "post"])
def test_tampered_confirmation_link_changes_nothing(english, article, method):
    commenter, subscription = pending_subscription(article)
    url = reverse("discussion:confirm", args=[tampered(confirmation_token(commenter))])
    response = getattr(english, method)(url)
    assert response.status_code == 400
    assert "This link is not valid" in response.content.decode()
    commenter.refresh_from_db()
    subscription.refresh_from_db()
    assert commenter.verified_at is None and subscription.confirmed_at is None


def test_a_link_naming_another_commenter_is_refused(client, article):
    # Anyone can read a token's payload; without the site's key nobody can sign another.
    pending_subscription(article)
    other = Commenter.objects.create(email="lain@example.org", name="Lain")
    payload = {"c": other.pk, "t": int(time.time())}
    for forged in (
        signing.dumps(payload, salt=CONFIRM_SALT, key="a-key-that-is-not-the-sites-key"),
        signing.dumps(payload, salt="another.salt"),
    ):
        response = client.post(reverse("discussion:confirm", args=[forged]))
        assert response.status_code == 400
    assert Commenter.objects.get(pk=other.pk).verified_at is None


def test_expired_confirmation_link_says_so_and_changes_nothing(english, article, settings):
    commenter, subscription = pending_subscription(article)
    eight_days_ago = time.time() - 8 * 24 * 3600
    with mock.patch("django.core.signing.time.time", return_value=eight_days_ago):
        token = confirmation_token(commenter)
    response = english.post(reverse("discussion:confirm", args=[token]))
    assert response.status_code == 410
    assert "This link has expired" in response.content.decode()
    commenter.refresh_from_db()
    subscription.refresh_from_db()
    assert commenter.verified_at is None and subscription.confirmed_at is None


@pytest.mark.parametrize(
    "token",
    ["x", "abc:def", "..:..", "e30:1abc:xyz", "%E2%80%AE", "ä" * 50, "a" * 3000],
)
def test_garbage_tokens_get_a_clear_page_never_a_500(client, token):
    for name in ("discussion:confirm", "discussion:unsubscribe"):
        url = reverse(name, args=[token])
        assert client.get(url).status_code == 400
        assert client.post(url).status_code == 400


def test_unsubscribe_token_is_not_a_confirmation_token(client, article):
    # Each link does one thing: the salts keep one kind from passing as another.
    subscription = active_subscription(article)
    response = client.post(reverse("discussion:confirm", args=[unsubscribe_token(subscription)]))
    assert response.status_code == 400


# Unsubscribe.


def test_unsubscribe_page_asks_before_doing_anything(english, article):
    subscription = active_subscription(article)
    response = english.get(
        reverse("discussion:unsubscribe", args=[unsubscribe_token(subscription)])
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'id="unsubscribe-button"' in html and 'method="post"' in html
    assert article.title in html
    assert EMAIL not in html
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None


def test_one_click_unsubscribe_post_needs_no_csrf_token(one_click, article):
    subscription = active_subscription(article)
    response = one_click.post(
        reverse("discussion:unsubscribe", args=[unsubscribe_token(subscription)]),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_unsubscribe_from_all_stops_every_subscription(one_click, article, section):
    subscription = active_subscription(article)
    other = builders.make_article(section, "Berita lain")
    second = Subscription.objects.create(
        page=other, commenter=subscription.commenter, confirmed_at=timezone.now()
    )
    url = reverse("discussion:unsubscribe", args=[unsubscribe_token(subscription)])
    assert one_click.post(url, {"scope": "all"}).status_code == 200
    assert (
        Subscription.objects.filter(
            pk__in=[subscription.pk, second.pk], unsubscribed_at=None
        ).count()
        == 0
    )


def test_unsubscribing_one_article_keeps_the_others(one_click, article, section):
    subscription = active_subscription(article)
    other = builders.make_article(section, "Berita lain")
    second = Subscription.objects.create(
        page=other, commenter=subscription.commenter, confirmed_at=timezone.now()
    )
    one_click.post(reverse("discussion:unsubscribe", args=[unsubscribe_token(subscription)]))
    second.refresh_from_db()
    assert second.unsubscribed_at is None


def test_tampered_unsubscribe_link_changes_nothing(client, article):
    subscription = active_subscription(article)
    response = client.post(
        reverse("discussion:unsubscribe", args=[tampered(unsubscribe_token(subscription))])
    )
    assert response.status_code == 400
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None


def test_unsubscribe_link_of_a_subscription_since_deleted_is_refused(client, article):
    subscription = active_subscription(article)
    token = unsubscribe_token(subscription)
    subscription.delete()
    response = client.post(reverse("discussion:unsubscribe", args=[token]))
    assert response.status_code == 400


def test_unsubscribe_link_mailed_before_the_signing_module_still_works(one_click, article):
    # Links already in mailboxes were signed by django.core.signing with this salt.
    subscription = active_subscription(article)
    token = signing.dumps({"s": subscription.pk}, salt="kabar.discussion.unsubscribe")
    response = one_click.post(reverse("discussion:unsubscribe", args=[token]))
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None


def test_unsubscribe_link_from_a_real_mail_stops_further_mail(
    client, article, mailoutbox, django_capture_on_commit_callbacks
):
    active_subscription(article)
    with django_capture_on_commit_callbacks(execute=True):
        builders.submit(article, body="Balasan pertama.", email="a@example.net", approve=True)
    [mail] = [m for m in mailoutbox if m.to == [EMAIL]]
    link = mail.extra_headers["List-Unsubscribe"].strip("<>")
    path = "/" + link.split("/", 3)[3]
    assert (
        Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"}).status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        builders.submit(article, body="Balasan kedua.", email="b@example.net", approve=True)
    assert len([m for m in mailoutbox if m.to == [EMAIL]]) == 1
    assert Comment.objects.filter(status=CommentStatus.APPROVED).count() == 2
