import shutil
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.cache import cache, caches
from django.test import override_settings

from kabar.core import ratelimit
from kabar.core.ratelimit import Limit

FLOOD = Limit("test-flood", 1, 15)
BURST = Limit("test-burst", 5, 600)


@pytest.fixture(autouse=True)
def clean_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def clock(monkeypatch):
    """time.time() under the test's control, for the limiter and the cache's expiry."""
    now = [1_700_000_000.0]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_interval_allows_one_then_refuses_until_it_has_passed(clock):
    assert ratelimit.hit(FLOOD, "203.0.113.9").allowed
    refused = ratelimit.hit(FLOOD, "203.0.113.9")
    assert not refused.allowed
    assert refused.retry_after == 15
    clock[0] += 10
    assert ratelimit.hit(FLOOD, "203.0.113.9").retry_after == 5
    clock[0] += 5.5
    assert ratelimit.hit(FLOOD, "203.0.113.9").allowed


def test_window_allows_its_count_then_refuses_until_the_next_window(clock):
    clock[0] = 600 * 3_000_000  # the start of a window
    assert all(ratelimit.hit(BURST, "203.0.113.9").allowed for _ in range(5))
    refused = ratelimit.hit(BURST, "203.0.113.9")
    assert not refused.allowed
    assert refused.retry_after == 600
    clock[0] += 600
    assert ratelimit.hit(BURST, "203.0.113.9").allowed


def test_identities_are_counted_apart():
    assert ratelimit.hit(FLOOD, "203.0.113.9").allowed
    assert ratelimit.hit(FLOOD, "203.0.113.10").allowed
    assert ratelimit.hit(Limit("other", 1, 15), "203.0.113.9").allowed


def test_undo_gives_the_event_back():
    decision = ratelimit.hit(FLOOD, "203.0.113.9")
    ratelimit.undo(FLOOD, decision)
    assert ratelimit.hit(FLOOD, "203.0.113.9").allowed

    taken = [ratelimit.hit(BURST, "x") for _ in range(5)]
    assert not ratelimit.hit(BURST, "x").allowed
    ratelimit.undo(BURST, taken[-1])
    # The refused attempt counted too; giving one back leaves the window full.
    assert not ratelimit.hit(BURST, "x").allowed


def test_check_counts_nothing_and_forget_clears(clock):
    clock[0] = 600 * 3_000_000
    assert all(ratelimit.check(BURST, "203.0.113.9").allowed for _ in range(10))
    for _ in range(5):
        ratelimit.hit(BURST, "203.0.113.9")
    refused = ratelimit.check(BURST, "203.0.113.9")
    assert not refused.allowed and refused.retry_after == 600
    assert ratelimit.first_refusal([(FLOOD, "203.0.113.9"), (BURST, "203.0.113.9")]) == refused
    ratelimit.forget(BURST, "203.0.113.9")
    assert ratelimit.first_refusal([(BURST, "203.0.113.9")]) is None

    ratelimit.hit(FLOOD, "203.0.113.9")
    clock[0] += 5
    assert ratelimit.check(FLOOD, "203.0.113.9").retry_after == 10
    ratelimit.forget(FLOOD, "203.0.113.9")
    assert ratelimit.check(FLOOD, "203.0.113.9").allowed


def test_unknown_identity_is_not_limited():
    assert all(ratelimit.hit(FLOOD, "").allowed for _ in range(3))


def test_cache_holds_no_address_or_email():
    ratelimit.hit(FLOOD, "203.0.113.9")
    ratelimit.hit(BURST, "rahasia@example.org")
    stored = " ".join(str(k) for k in cache._cache) + " ".join(
        str(v) for v in cache._cache.values()
    )
    assert "203.0.113.9" not in stored
    assert "rahasia" not in stored


def test_switch_in_settings(settings):
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "RATE_LIMITS": False}
    assert not ratelimit.enabled()
    settings.KABAR_COMMENTS = {**settings.KABAR_COMMENTS, "RATE_LIMITS": True}
    assert ratelimit.enabled()


def _race(limit, identity, attempts=40):
    with ThreadPoolExecutor(max_workers=8) as pool:
        return sum(pool.map(lambda _: ratelimit.hit(limit, identity).allowed, range(attempts)))


def test_concurrent_hits_never_exceed_the_limit(clock):
    assert _race(BURST, "racer") == 5
    assert _race(FLOOD, "racer") == 1


@pytest.fixture(scope="module")
def redis_url():
    server = shutil.which("redis-server")
    if server is None:
        pytest.fail("redis-server is missing: `make test` installs it (scripts/services-up).")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(  # noqa: S603 - a fixed local binary
        [server, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.1).close()
                break
            except OSError:
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_limits_hold_across_processes_through_redis(redis_url, clock):
    backend = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": redis_url}
    with override_settings(CACHES={"default": backend}):
        shared = caches["default"]
        shared.clear()
        assert _race(BURST, "via-redis") == 5
        assert _race(FLOOD, "via-redis") == 1
        refused = ratelimit.hit(FLOOD, "via-redis")
        assert not refused.allowed and 1 <= refused.retry_after <= 15
        shared.close()


def test_the_suites_limiter_clock_starts_every_window_with_the_test():
    # conftest's clock: a test sending hits until one is refused cannot see a window end
    # between two of them by chance (CI once did, with a minute's window).
    elapsed = ratelimit.time.time() % (24 * 60 * 60)
    assert 1 <= elapsed < 60
    # At the real pace: a window lasts as long as it says.
    real, shifted = time.monotonic(), ratelimit.time.time()
    time.sleep(0.2)
    assert 0.15 < ratelimit.time.time() - shifted < (time.monotonic() - real) + 0.05
