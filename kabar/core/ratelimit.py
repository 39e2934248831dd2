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


def _window_start(limit, now):
    """The start of the fixed window `now` falls in; None for an interval (count 1)."""
    return None if limit.count == 1 else int(now // limit.seconds) * limit.seconds


def _refused(wait, key=""):
    return Decision(False, retry_after=max(1, math.ceil(wait)), key=key)


def _limited(limit, identity):
    return bool(identity) and limit.count >= 1 and limit.seconds >= 1


def hit(limit, identity, *, now=None):
    """Count one event for `identity`; says whether it is within the limit. An empty
    identity (no address known) is never limited."""
    if not _limited(limit, identity):
        return Decision(True)
    now = time.time() if now is None else now
    window_start = _window_start(limit, now)
    key = _key(limit, identity, window_start)
    if window_start is None:
        if cache.add(key, now, timeout=limit.seconds):
            return Decision(True, key=key)
        last = cache.get(key)
        wait = limit.seconds - (now - last) if isinstance(last, int | float) else limit.seconds
        return _refused(wait, key)
    # +1 s so the counter cannot expire between add and incr at the window's end.
    cache.add(key, 0, timeout=limit.seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:  # evicted between add and incr: this event starts the window again
        cache.add(key, 1, timeout=limit.seconds + 1)
        count = 1
    if count <= limit.count:
        return Decision(True, key=key)
    return _refused(window_start + limit.seconds - now, key)


def check(limit, identity, *, now=None):
    """Whether `identity` may still act under `limit`, counting nothing: for limits on
    failures (a wrong password), checked before an attempt and hit only when it fails."""
    if not _limited(limit, identity):
        return Decision(True)
    now = time.time() if now is None else now
    window_start = _window_start(limit, now)
    found = cache.get(_key(limit, identity, window_start))
    if window_start is None:
        if not isinstance(found, int | float):
            return Decision(True)
        return _refused(limit.seconds - (now - found))
    if (found or 0) < limit.count:
        return Decision(True)
    return _refused(window_start + limit.seconds - now)


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
    cache.delete(_key(limit, identity, _window_start(limit, now)))


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
