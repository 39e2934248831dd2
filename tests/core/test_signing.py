"""Signed links and cookies: a token reads back only for its own purpose, unaltered and in
time; anything else is LinkInvalid (LinkExpired when merely too old), or None for a cookie."""

import time

import pytest
from django.core import signing as django_signing
from django.http import HttpResponse
from django.test import RequestFactory
from django.utils import translation

from kabar.core import signing
from kabar.core.signing import LinkExpired, LinkInvalid

PURPOSE = "kabar.test.link"
OTHER_KEY = "a-key-that-is-not-the-sites-key-0123456789abcdef"


def made_ago(seconds, *args, **kwargs):
    then = time.time() - seconds
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(django_signing.time, "time", lambda: then)
        return signing.make(*args, **kwargs)


def test_a_token_reads_back_its_payload():
    payload = {"c": 7, "a": "export"}
    assert signing.read(signing.make(PURPOSE, payload), PURPOSE) == payload


def test_a_compressed_token_reads_back_too():
    payload = {"t": "kata " * 200}
    token = signing.make(PURPOSE, payload, compress=True)
    assert len(token) < len(signing.make(PURPOSE, payload))
    assert signing.read(token, PURPOSE) == payload


def test_a_token_made_for_one_purpose_is_refused_for_another():
    with pytest.raises(LinkInvalid):
        signing.read(signing.make(PURPOSE, {"c": 7}), "kabar.test.other")


def test_a_well_formed_token_with_a_wrong_signature_is_refused():
    forged = django_signing.dumps({"c": 8}, salt=PURPOSE, key=OTHER_KEY)
    with pytest.raises(LinkInvalid) as refused:
        signing.read(forged, PURPOSE)
    assert not isinstance(refused.value, LinkExpired)


def test_an_altered_payload_under_the_old_signature_is_refused():
    token = signing.make(PURPOSE, {"c": 7})
    _payload, stamp, signature = token.split(":")
    altered = django_signing.b64_encode(b'{"c":8}').decode()
    with pytest.raises(LinkInvalid):
        signing.read(f"{altered}:{stamp}:{signature}", PURPOSE)


def test_an_old_token_is_expired_which_is_also_invalid():
    token = made_ago(120, PURPOSE, {"c": 7})
    with pytest.raises(LinkExpired):
        signing.read(token, PURPOSE, max_age=60)
    assert issubclass(LinkExpired, LinkInvalid)
    assert signing.read(token, PURPOSE, max_age=300) == {"c": 7}


def test_without_max_age_a_token_never_expires():
    token = made_ago(10 * 365 * 24 * 3600, PURPOSE, {"s": 3})
    assert signing.read(token, PURPOSE) == {"s": 3}


@pytest.mark.parametrize("garbage", ["", "x", "abc:def", "e30:1abc:xyz", "ä" * 50, None, 42])
def test_garbage_is_invalid_never_an_error(garbage):
    with pytest.raises(LinkInvalid):
        signing.read(garbage, PURPOSE)


def test_tokens_signed_before_this_module_still_read():
    # Links already mailed were made by django.core.signing with the purpose as salt.
    mailed = django_signing.dumps({"c": 7, "t": 1}, salt=PURPOSE, compress=True)
    assert signing.read(mailed, PURPOSE) == {"c": 7, "t": 1}


def test_the_exceptions_say_what_went_wrong_in_the_readers_language():
    with translation.override("en"):
        assert "not valid" in str(LinkInvalid.message)
        assert "expired" in str(LinkExpired.message)
    with translation.override("id"):
        assert "tidak valid" in str(LinkInvalid.message)


# Cookies.


def request_with(cookies):
    request = RequestFactory().get("/")
    request.COOKIES.update(cookies)
    return request


def test_a_signed_cookie_reads_back_with_its_attributes():
    response = HttpResponse()
    signing.set_signed_cookie(
        response, "kabar_t", "12.34", PURPOSE, 600, httponly=True, samesite="Lax", secure=True
    )
    cookie = response.cookies["kabar_t"]
    assert cookie["max-age"] == 600 and cookie["httponly"] and cookie["secure"]
    assert cookie["samesite"] == "Lax"
    request = request_with({"kabar_t": cookie.value})
    assert signing.read_signed_cookie(request, "kabar_t", PURPOSE, 600) == "12.34"


def test_the_cookie_helpers_agree_with_djangos_own_signed_cookies():
    # The own-comments cookie set by request/response methods keeps working after the switch.
    response = HttpResponse()
    response.set_signed_cookie("kabar_t", "5.6", salt=PURPOSE, max_age=600)
    request = request_with({"kabar_t": response.cookies["kabar_t"].value})
    assert signing.read_signed_cookie(request, "kabar_t", PURPOSE, 600) == "5.6"
    mine = HttpResponse()
    signing.set_signed_cookie(mine, "kabar_t", "7.8", PURPOSE, 600)
    request = request_with({"kabar_t": mine.cookies["kabar_t"].value})
    assert request.get_signed_cookie("kabar_t", salt=PURPOSE, max_age=600) == "7.8"


def test_an_absent_cookie_is_none():
    assert signing.read_signed_cookie(request_with({}), "kabar_t", PURPOSE, 600) is None


def test_a_cookie_signed_with_another_key_is_none():
    forged = django_signing.TimestampSigner(key=OTHER_KEY, salt="kabar_t" + PURPOSE).sign("1.2")
    request = request_with({"kabar_t": forged})
    assert signing.read_signed_cookie(request, "kabar_t", PURPOSE, 600) is None


def test_a_cookie_signed_for_another_purpose_is_none():
    response = HttpResponse()
    signing.set_signed_cookie(response, "kabar_t", "1.2", "kabar.test.other", 600)
    request = request_with({"kabar_t": response.cookies["kabar_t"].value})
    assert signing.read_signed_cookie(request, "kabar_t", PURPOSE, 600) is None


def test_a_cookie_older_than_max_age_is_none():
    signer = django_signing.get_cookie_signer(salt="kabar_t" + PURPOSE)
    then = time.time() - 120
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(django_signing.time, "time", lambda: then)
        value = signer.sign("12.34")
    request = request_with({"kabar_t": value})
    assert signing.read_signed_cookie(request, "kabar_t", PURPOSE, 60) is None
    assert signing.read_signed_cookie(request, "kabar_t", PURPOSE, 300) == "12.34"


def test_a_proof_kept_by_a_script_is_the_cookie_s_value_and_reads_back_as_it():
    """The value a client keeps instead of the cookie (the JSON API's header) is signed and
    read as the cookie is: each reads the other's, and nothing else passes."""
    kept = signing.signed_cookie_value("kabar_t", "3.4", PURPOSE)
    request = request_with({"kabar_t": kept})
    assert signing.read_signed_cookie(request, "kabar_t", PURPOSE, 600) == "3.4"
    response = HttpResponse()
    signing.set_signed_cookie(response, "kabar_t", "5.6", PURPOSE, 600)
    as_cookie = response.cookies["kabar_t"].value
    assert signing.read_signed_cookie_value(as_cookie, "kabar_t", PURPOSE, 600) == "5.6"
    assert signing.read_signed_cookie_value(kept, "kabar_t", PURPOSE, 600) == "3.4"
    assert signing.read_signed_cookie_value(kept, "kabar_other", PURPOSE, 600) is None
    assert signing.read_signed_cookie_value(kept, "kabar_t", "kabar.test.other", 600) is None
    assert signing.read_signed_cookie_value(kept[:-1] + "x", "kabar_t", PURPOSE, 600) is None
    assert signing.read_signed_cookie_value("", "kabar_t", PURPOSE, 600) is None
