"""Django's Redis cache, answering as an empty cache while Redis cannot be reached.

The cache (pages, thread fragments, generations, rate-limit counters) makes the site fast;
it must not be what takes it down. With Django's own backend a Redis restart made every
page a 500 and every save in the admin fail, as each read and write raised. Here a read
finds nothing, a write keeps nothing, `add` says it stored (so a rate limit lets the reader
through rather than refusing everyone) and `incr` finds no counter, as in a cache that was
just emptied; the log says so at most every LOG_EVERY_SECONDS. What a purge renewed while
Redis was away is not recorded: pages kept before the outage may be served until their
own timeout once it is back.

Only the errors of an unreachable or stalled server are answered so (redis-py's
ConnectionError and TimeoutError); any other error is a bug and raises.
"""

import functools
import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger(__name__)

UNREACHABLE = (RedisConnectionError, RedisTimeoutError)
LOG_EVERY_SECONDS = 30
_last_logged = 0.0


def _log(exc):
    global _last_logged
    now = time.monotonic()
    if now - _last_logged >= LOG_EVERY_SECONDS:
        _last_logged = now
        logger.warning("Redis unreachable, the cache answers as an empty one: %s", exc)


def _empty(answer):
    """The method answering `answer(*args, **kwargs)` while Redis cannot be reached."""

    def wrap(method):
        @functools.wraps(method)
        def guarded(self, *args, **kwargs):
            try:
                return method(self, *args, **kwargs)
            except UNREACHABLE as exc:
                _log(exc)
                return answer(*args, **kwargs)

        return guarded

    return wrap


def _no_counter(key, *args, **kwargs):
    raise ValueError(f"Key '{key}' not found.")  # as Django's backends say it


class ResilientRedisCache(RedisCache):
    add = _empty(lambda *a, **k: True)(RedisCache.add)
    get = _empty(lambda key, default=None, version=None: default)(RedisCache.get)
    set = _empty(lambda *a, **k: None)(RedisCache.set)
    touch = _empty(lambda *a, **k: False)(RedisCache.touch)
    delete = _empty(lambda *a, **k: False)(RedisCache.delete)
    get_many = _empty(lambda *a, **k: {})(RedisCache.get_many)
    has_key = _empty(lambda *a, **k: False)(RedisCache.has_key)
    incr = _empty(_no_counter)(RedisCache.incr)
    set_many = _empty(lambda data, *a, **k: list(data))(RedisCache.set_many)
    delete_many = _empty(lambda *a, **k: None)(RedisCache.delete_many)
    clear = _empty(lambda *a, **k: False)(RedisCache.clear)
