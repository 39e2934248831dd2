"""Rate limits counted in Django's cache, so several app processes share them through Redis.

Every step is one cache operation (add, incr), never read-then-write, so where the cache
makes those atomic (Redis: SET NX and INCR; local memory: under a lock) two requests
arriving together cannot both slip under a limit. Django's file cache implements add and
incr as read-then-write, so across processes it may let a simultaneous one or two through.
Identities (an IP, an email) are stored only as keyed hashes: the cache never holds a
reader's address.
"""

import contextlib
import math
import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from .hashing import keyed_hash


@dataclass(frozen=True)
class Limit:
    """At most `count` events per `seconds` for one identity. With count 1 it is an
    interval (WordPress's flood check): the next event is allowed `seconds` after the last
    one; otherwise a fixed window of `seconds`."""

    name: str
    count: int
    seconds: int


@dataclass(frozen=True)
class Decision:
    allowed: bool
    retry_after: int = 0
    key: str = ""


def enabled():
    """Benchmarks and load tests switch limits off with KABAR_COMMENTS["RATE_LIMITS"]."""
    return bool(settings.KABAR_COMMENTS.get("RATE_LIMITS", True))


def _key(limit, identity, window_start=None):
    digest = keyed_hash(identity, f"ratelimit.{limit.name}")[:32]
    suffix = "" if window_start is None else f":{window_start}"
    return f"kabar:rl:{limit.name}:{digest}{suffix}"


def hit(limit, identity, *, now=None):
    """Count one event for `identity`; says whether it is within the limit. An empty
    identity (no address known) is never limited."""
    if not identity or limit.count < 1 or limit.seconds < 1:
        return Decision(True)
    now = time.time() if now is None else now
    if limit.count == 1:
        key = _key(limit, identity)
        if cache.add(key, now, timeout=limit.seconds):
            return Decision(True, key=key)
        last = cache.get(key)
        wait = limit.seconds - (now - last) if isinstance(last, int | float) else limit.seconds
        return Decision(False, retry_after=max(1, math.ceil(wait)), key=key)
    window_start = int(now // limit.seconds) * limit.seconds
    key = _key(limit, identity, window_start)
    # +1 s so the counter cannot expire between add and incr at the window's end.
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: this event starts the window again
        cache.add(key, 1, timeout=limit.seconds + 1)
        count = 1
    if count <= limit.count:
        return Decision(True, key=key)
    return Decision(
        False, retry_after=max(1, math.ceil(window_start + limit.seconds - now)), key=key
    )


def check(limit, identity, *, now=None):
    """Whether `identity` may still act under `limit`, counting nothing: for limits on
    failures (a wrong password), checked before an attempt and hit only when it fails."""
    if not identity or limit.count < 1 or limit.seconds < 1:
        return Decision(True)
    now = time.time() if now is None else now
    if limit.count == 1:
        last = cache.get(_key(limit, identity))
        if not isinstance(last, int | float):
            return Decision(True)
        return Decision(False, retry_after=max(1, math.ceil(limit.seconds - (now - last))))
    window_start = int(now // limit.seconds) * limit.seconds
    count = cache.get(_key(limit, identity, window_start), 0)
    if count < limit.count:
        return Decision(True)
    return Decision(False, retry_after=max(1, math.ceil(window_start + limit.seconds - now)))


def first_refusal(counted, *, now=None):
    """The first refusing Decision among `counted` ((limit, identity) pairs), checked
    without counting; None when every limit still allows."""
    for limit, identity in counted:
        decision = check(limit, identity, now=now)
        if not decision.allowed:
            return decision
    return None


def forget(limit, identity, *, now=None):
    """Clear `identity`'s count under `limit` (a right password ends a run of wrong ones)."""
    now = time.time() if now is None else now
    window_start = None if limit.count == 1 else int(now // limit.seconds) * limit.seconds
    cache.delete(_key(limit, identity, window_start))


def undo(limit, decision):
    """Give back an allowed event that did not happen after all (the comment was refused
    for another reason), so a reader correcting a mistake is not made to wait."""
    if not decision.allowed or not decision.key:
        return
    if limit.count == 1:
        cache.delete(decision.key)
        return
    with contextlib.suppress(ValueError):  # already expired: nothing to give back
        cache.decr(decision.key)
