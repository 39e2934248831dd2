"""Throttles on guessing and mail floods: the admin sign-in, a protected page's password
form, and the admin password-reset mail."""

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.cache import cache
from django.test import Client
from django.urls import reverse
from wagtail.models import PageViewRestriction

pytestmark = pytest.mark.django_db

ATTACKER = "198.51.100.7"
ADMIN_DESK = "203.0.113.50"


@pytest.fixture(autouse=True)
def _empty_cache():
    cache.clear()
    yield
    cache.clear()


# Admin sign-in.


@pytest.fixture
def staff(db):
    return get_user_model().objects.create_superuser(
        "redaktur", "redaktur@example.org", "kata-sandi-yang-benar-42"
    )


@pytest.fixture
def throttle(settings):
    settings.KABAR_LOGIN_THROTTLE = {
        "FAILURES": 5,
        "USERNAME_FAILURES": 50,
        "ADDRESS_FAILURES": 20,
        "SECONDS": 900,
    }
    return settings.KABAR_LOGIN_THROTTLE


def login(client, username, password, address=ATTACKER):
    return client.post(
        "/admin/login/", {"username": username, "password": password}, REMOTE_ADDR=address
    )


def real_admin_signs_in(address=ADMIN_DESK):
    return login(Client(), "redaktur", "kata-sandi-yang-benar-42", address).status_code == 302


def test_correct_password_signs_in(home, staff):
    assert real_admin_signs_in()


def test_guessing_one_account_from_one_address_is_stopped_there(home, staff, throttle):
    client = Client()
    for _ in range(5):
        assert login(client, "redaktur", "salah").status_code == 200
    refused = login(client, "redaktur", "kata-sandi-yang-benar-42")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 900


def test_one_address_cannot_lock_the_real_admin_out(home, staff, throttle):
    for _ in range(5):
        login(Client(), "redaktur", "salah")
    assert login(Client(), "redaktur", "salah").status_code == 429
    assert real_admin_signs_in()


@pytest.mark.parametrize("variant", ["redaktur ", " redaktur", "Redaktur", "REDAKTUR"])
def test_a_variant_of_the_username_cannot_lock_the_real_admin_out(home, staff, throttle, variant):
    for _ in range(6):
        login(Client(), variant, "salah")
    assert real_admin_signs_in()


def test_a_trailing_space_is_the_same_account_as_sign_in_sees_it(home, staff, throttle):
    # The sign-in form strips the username, so "redaktur " is redaktur's account.
    for _ in range(5):
        login(Client(), "redaktur ", "salah")
    assert login(Client(), "redaktur", "kata-sandi-yang-benar-42").status_code == 429


def test_another_case_is_another_account(home, staff, throttle):
    # Usernames are case-sensitive: "Redaktur" does not sign redaktur in, nor lock them.
    for _ in range(5):
        login(Client(), "Redaktur", "salah")
    assert login(Client(), "Redaktur", "kata-sandi-yang-benar-42").status_code == 429
    assert real_admin_signs_in(ATTACKER)


def test_guessing_one_username_from_many_addresses_is_stopped(home, staff, throttle):
    throttle["USERNAME_FAILURES"] = 12
    for n in range(12):
        assert login(Client(), "redaktur", "salah", f"203.0.113.{n + 1}").status_code == 200
    assert login(Client(), "redaktur", "kata-sandi-yang-benar-42", "192.0.2.99").status_code == 429


def test_trying_many_usernames_from_one_address_is_stopped(home, staff, throttle):
    for n in range(20):
        assert login(Client(), f"tebakan{n}", "salah").status_code == 200
    assert login(Client(), "redaktur", "kata-sandi-yang-benar-42").status_code == 429
    assert real_admin_signs_in()


def test_signing_in_clears_the_accounts_failures_from_that_address(home, staff, throttle):
    for _ in range(4):
        login(Client(), "redaktur", "salah", ADMIN_DESK)
    assert real_admin_signs_in()
    for _ in range(4):
        assert login(Client(), "redaktur", "salah", ADMIN_DESK).status_code == 200


@pytest.mark.parametrize(
    ("asked", "sent_to"),
    [
        ("-1", "-1"),
        ("/admin/pages/", "/admin/pages/"),
        # Another site's address is no next address: the admin's home instead.
        ("https://evil.example/", "/admin/"),
        ("//evil.example/x", "/admin/"),
        ("javascript:alert(1)", "/admin/"),
    ],
)
def test_a_signed_in_editor_is_sent_on_to_the_next_address_as_given(home, staff, asked, sent_to):
    client = Client()
    client.force_login(staff)
    response = client.get("/admin/login/", {"next": asked})
    assert response.status_code == 302
    assert response["Location"] == sent_to


def test_throttle_keeps_no_username_or_address_in_the_cache(home, staff):
    login(Client(), "redaktur", "salah", "198.51.100.7")
    keys = list(cache._cache.keys())  # LocMemCache in tests
    assert keys
    assert not any("redaktur" in key or "198.51.100.7" in key for key in keys)


def test_no_default_credentials(home):
    # Nothing is created with a known password: the demo command makes a random one.
    assert not get_user_model().objects.exists()
    assert login(Client(), "admin", "admin").status_code == 200
    assert login(Client(), "redaksi", "redaksi").status_code == 200


# A protected page's password form.


@pytest.fixture
def protected(article):
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="rahasia-redaksi"
    )
    return article, restriction


def guess(protected, password, address=ATTACKER):
    article, restriction = protected
    return Client().post(
        reverse("wagtailcore_authenticate_with_password", args=[restriction.pk, article.pk]),
        {"password": password, "return_url": article.url},
        REMOTE_ADDR=address,
    )


def test_the_right_page_password_opens_the_page(protected):
    assert guess(protected, "rahasia-redaksi").status_code == 302


def test_guessing_a_page_password_from_one_address_is_stopped(protected, settings):
    settings.KABAR_PAGE_PASSWORD_THROTTLE = {"FAILURES": 10, "PAGE_FAILURES": 100, "SECONDS": 900}
    for n in range(10):
        assert guess(protected, f"tebakan-{n}").status_code == 200
    refused = guess(protected, "rahasia-redaksi")
    assert refused.status_code == 429
    assert 1 <= int(refused["Retry-After"]) <= 900
    assert "rahasia-redaksi" not in refused.content.decode()
    # A reader elsewhere who knows the password still gets in.
    assert guess(protected, "rahasia-redaksi", ADMIN_DESK).status_code == 302


def test_guessing_a_page_password_from_many_addresses_is_stopped(protected, settings):
    settings.KABAR_PAGE_PASSWORD_THROTTLE = {"FAILURES": 10, "PAGE_FAILURES": 30, "SECONDS": 900}
    for n in range(30):
        assert guess(protected, f"tebakan-{n}", f"203.0.113.{n + 1}").status_code == 200
    assert guess(protected, "rahasia-redaksi", "192.0.2.99").status_code == 429


def test_forty_quick_guesses_do_not_all_get_an_answer(protected):
    answers = [guess(protected, f"tebakan-{n}").status_code for n in range(40)]
    assert 429 in answers
    assert answers.count(200) < 40


# The admin password reset.


def ask_reset(email, address=ATTACKER):
    return Client().post(
        reverse("wagtailadmin_password_reset"), {"email": email}, REMOTE_ADDR=address
    )


def test_a_password_reset_mails_the_account(home, staff):
    response = ask_reset("redaktur@example.org")
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["redaktur@example.org"]


def test_an_account_gets_only_a_few_reset_mails_an_hour(home, staff, settings):
    settings.KABAR_PASSWORD_RESET_THROTTLE = {"MAILS": 3, "ADDRESS_MAILS": 10, "SECONDS": 3600}
    answers = [
        ask_reset(email, f"203.0.113.{n + 1}")
        for n, email in enumerate(
            ["redaktur@example.org", "Redaktur@Example.org ", "redaktur@example.org"] * 3
        )
    ]
    assert len(mail.outbox) == 3
    # The answer is the same whether a mail went out or not: it says nothing.
    assert {(a.status_code, a["Location"]) for a in answers} == {
        (302, reverse("wagtailadmin_password_reset_done"))
    }


def test_one_address_asking_for_many_resets_is_held_back_silently(home, staff, settings):
    settings.KABAR_PASSWORD_RESET_THROTTLE = {"MAILS": 3, "ADDRESS_MAILS": 4, "SECONDS": 3600}
    for n in range(4):
        ask_reset(f"orang{n}@example.org")
    answer = ask_reset("redaktur@example.org")
    assert (answer.status_code, answer["Location"]) == (
        302,
        reverse("wagtailadmin_password_reset_done"),
    )
    assert mail.outbox == []
    assert ask_reset("redaktur@example.org", ADMIN_DESK).status_code == 302
    assert len(mail.outbox) == 1


@pytest.mark.parametrize("ids", ["9" * 23 + "/1", "1/" + "9" * 23, "0/1"])
def test_a_page_password_for_an_id_out_of_range_is_not_found(protected, ids):
    url = f"/_util/authenticate_with_password/{ids}/"
    client = Client(raise_request_exception=False)
    assert client.get(url).status_code == 404
    assert client.post(url, {"password": "x", "return_url": "/"}).status_code == 404
