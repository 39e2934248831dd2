import pytest
from django.test import RequestFactory, override_settings

from kabar.core.clientip import client_ip, client_key, parse_address

factory = RequestFactory()


def request(remote="198.51.100.7", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return factory.post("/comments/post/", **meta)


def test_without_trusted_proxies_the_connecting_address_is_the_client():
    assert client_ip(request("198.51.100.7", forwarded="203.0.113.50")) == "198.51.100.7"


@override_settings(KABAR_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_forwarded_for_from_an_untrusted_address_is_ignored():
    assert client_ip(request("198.51.100.7", forwarded="203.0.113.50")) == "198.51.100.7"


@override_settings(KABAR_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_trusted_proxy_forwarded_for_is_believed():
    assert client_ip(request("10.1.2.3", forwarded="203.0.113.50")) == "203.0.113.50"


@override_settings(KABAR_TRUSTED_PROXIES=["10.0.0.0/8", "192.168.0.0/16"])
def test_rightmost_untrusted_address_wins_over_what_the_client_prepended():
    # The client sent "X-Forwarded-For: 1.2.3.4"; our two proxies appended what they saw.
    forwarded = "1.2.3.4, 203.0.113.50, 192.168.1.9"
    assert client_ip(request("10.0.0.2", forwarded=forwarded)) == "203.0.113.50"


@override_settings(KABAR_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_trusted_proxy_without_header_is_the_client():
    assert client_ip(request("10.0.0.2")) == "10.0.0.2"


@override_settings(KABAR_TRUSTED_PROXIES=["10.0.0.0/8"])
def test_only_trusted_hops_gives_the_leftmost_of_them():
    assert client_ip(request("10.0.0.2", forwarded="10.9.9.9, 10.0.0.5")) == "10.9.9.9"


@override_settings(KABAR_TRUSTED_PROXIES=["10.0.0.0/8"])
@pytest.mark.parametrize("garbage", ["unknown", "<script>", "999.1.1.1", "a" * 5000, ",,,"])
def test_garbage_in_the_header_stops_at_the_last_readable_hop(garbage):
    assert client_ip(request("10.0.0.2", forwarded=garbage)) == "10.0.0.2"
    assert client_ip(request("10.0.0.2", forwarded=f"{garbage}, 203.0.113.5")) == "203.0.113.5"


@override_settings(KABAR_TRUSTED_PROXIES=["2001:db8:ffff::/48"])
def test_ipv6_proxies_and_bracketed_addresses_with_ports():
    forwarded = "[2001:db8:1::7]:443"
    assert client_ip(request("2001:db8:ffff::1", forwarded=forwarded)) == "2001:db8:1::7"


def test_no_remote_address_gives_none():
    assert client_ip(request("")) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("203.0.113.9", "203.0.113.9"),
        (" 203.0.113.9:51234 ", "203.0.113.9"),
        ('"203.0.113.9"', "203.0.113.9"),
        ("::ffff:203.0.113.9", "203.0.113.9"),
        ("[2001:db8::1]", "2001:db8::1"),
        ("fe80::1%eth0", "fe80::1"),
        ("not an address", None),
        ("", None),
    ],
)
def test_parse_address(raw, expected):
    parsed = parse_address(raw)
    assert (str(parsed) if parsed else None) == expected


def test_rate_limit_key_is_the_ipv6_slash_64():
    assert client_key("2001:db8:1:2:aaaa::1") == client_key("2001:db8:1:2:bbbb::9")
    assert client_key("2001:db8:1:2::1") != client_key("2001:db8:1:3::1")
    assert client_key("203.0.113.9") == "203.0.113.9"
    assert client_key(None) == ""
