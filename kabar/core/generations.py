"""Generations: named values in the shared cache that say "what was kept under me is still
fresh". Nothing kept is ever deleted to purge it: whatever was stored records the
generations it was worked out under and is used only while they are unchanged, so one
write (renew) makes any number of entries stale at once — a section front with fifty
`?page=` variants, every process's memo of the site, a comment thread's rendered pages.

A generation is made when first read. One a reader can name (a path: anyone can ask for
any path) is made provisional, living PROVISIONAL_SECONDS, and made to last (keep) only when
something worked out under it is kept: a probe of a path that does not exist leaves nothing
that lasts. It is made at the read, not at the keep, so that a purge landing in between
always wins: were it made only when kept, a copy rendered before a purge whose value was
then evicted would be taken as fresh.

One store for all of them: the page cache's (KABAR_PAGE_CACHE["ALIAS"]). With the file
cache (one host) each process keeps the values it read in memory behind a stamp file that
every renewal touches: one stat() per request instead of a file read per value.
"""

import hashlib
import logging
import os
import secrets
import threading

from django.conf import settings
from django.core.cache import caches
from django.core.cache.backends.filebased import FileBasedCache
from django.core.signals import setting_changed
from django.dispatch import receiver

logger = logging.getLogger("kabar.cache")

# Renewed by any change that shows on every page (a section, the site, its settings).
GEN_ALL = "gen:all"
# Renewed by any change that shows on the lists (feeds, sitemaps, author and tag pages).
GEN_LISTS = "gen:lists"
# How long a provisional generation lives unless keep() makes it last: longer than the
# slowest render between a page cache lookup and its store.
PROVISIONAL_SECONDS = 60


def path_generation_key(path):
    return "gen:p:" + hashlib.sha1(path.encode(), usedforsecurity=False).hexdigest()


def generation_key(kind, ident):
    """The generation of one thing of a kind, e.g. ("thread", 42)."""
    return f"gen:{kind}:{ident}"


def new_generation():
    return secrets.token_hex(8)


class GenerationMemo:
    """Generation values this process has read, kept while a stamp file is unchanged.

    A renewal writes the new values to the shared cache first and touches the stamp after
    (touch_stamp); a request stats the stamp before it reads. So a request that sees the
    stamp unchanged was not preceded by any completed renewal, and values read under an old
    stamp are never kept under a new one. Only for caches on one host's file system (or a
    stamp file every server shares): a renewal elsewhere would not touch it.
    """

    MAX_KEYS = 50_000
    MAX_STAMP_BYTES = 65_536

    def __init__(self, path):
        self.path = path
        self.stamp = None
        self.values = {}
        self.lock = threading.Lock()

    def _stamp(self):
        try:
            st = os.stat(self.path)
        except OSError:
            return None
        return (st.st_ino, st.st_mtime_ns, st.st_size)

    def touch(self):
        """Change the stamp: one byte more (its size alone tells a change, even where the
        file system keeps whole seconds only), a fresh file now and then."""
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        try:
            size = os.stat(self.path).st_size
        except FileNotFoundError:
            size = 0
        if size >= self.MAX_STAMP_BYTES:
            fresh = f"{self.path}.{os.getpid()}.{threading.get_ident()}"
            with open(fresh, "wb"):
                pass
            os.replace(fresh, self.path)
        with open(self.path, "ab") as stamp:
            stamp.write(b".")

    def get(self, cache, keys, provisional=()):
        stamp = self._stamp()
        if stamp is None:
            self.touch()  # the first request after a new cache directory
            stamp = self._stamp()
        with self.lock:
            if stamp is None or stamp != self.stamp:
                self.values = {}
                self.stamp = stamp
            known = {k: self.values[k] for k in keys if k in self.values}
        if len(known) == len(keys):
            return known
        fetched = _from_cache(cache, [k for k in keys if k not in known], provisional)
        if stamp is not None:
            with self.lock:
                if self.stamp == stamp:
                    if len(self.values) > self.MAX_KEYS:
                        self.values = {}
                    self.values.update(fetched)
        return {**known, **fetched}

    def forget(self, keys):
        """Read `keys` from the cache again next time (a value held here was replaced
        there without a renewal: a provisional one expired and was made anew)."""
        with self.lock:
            for key in keys:
                self.values.pop(key, None)


class _Store:
    def __init__(self):
        conf = settings.KABAR_PAGE_CACHE
        self.cache = caches[conf.get("ALIAS", "default")]
        stamp = conf.get("STAMP_FILE")
        if stamp is None and isinstance(self.cache, FileBasedCache):
            stamp = os.path.join(self.cache._dir, "purge.stamp")
        self.memo = GenerationMemo(stamp) if stamp else None


_store = None


def store():
    global _store
    if _store is None:
        _store = _Store()
    return _store


@receiver(setting_changed)
def _reset_store(**kwargs):
    global _store
    _store = None


def _from_cache(cache, keys, provisional=()):
    values = cache.get_many(keys)
    missing = [k for k in keys if k not in values]
    if missing:
        # A generation that was never set, or was evicted, starts anew: entries recorded
        # under the value it had cannot come back to life.
        for key in missing:
            lifetime = PROVISIONAL_SECONDS if key in provisional else None
            cache.add(key, new_generation(), timeout=lifetime)
        values.update(cache.get_many(missing))
        for key in missing:
            values.setdefault(key, "unset-" + new_generation())
    return values


def read(keys, *, provisional=()):
    """{key: value} for the generations `keys`; a key never set gets its first value, which
    for those also in `provisional` lives only until keep() or PROVISIONAL_SECONDS."""
    found = store()
    if found.memo is not None:
        return found.memo.get(found.cache, keys, provisional)
    return _from_cache(found.cache, keys, provisional)


def read_safely(keys, *, provisional=()):
    """read(keys), or None when the store cannot be read (a cache that is down slows the
    site; it must not take it down)."""
    try:
        return read(keys, provisional=provisional)
    except Exception:
        logger.exception("generations unreadable")
        return None


def keep(values):
    """Make the generations {key: value} last, as something worked out under these values is
    kept. False, changing nothing, when one of them holds another value or none (a purge
    renewed it, or it was provisional and expired): what was worked out under it is stale."""
    found = store()
    current = found.cache.get_many(list(values))
    replaced = [key for key, value in values.items() if current.get(key) != value]
    if replaced:
        if found.memo is not None:
            found.memo.forget(replaced)
        return False
    for key in values:
        # The expiry only, never the value: a purge landing meanwhile keeps its own.
        found.cache.touch(key, None)
    return True


def touch_stamp():
    """Tell every process of this host that generations changed (after they were written)."""
    memo = store().memo
    if memo is not None:
        memo.touch()


def renew(keys):
    """Give each generation a new value: everything kept under the old one is stale. If the
    store refuses the write, the keys are removed instead (each starts anew when next read)."""
    keys = list(dict.fromkeys(keys))
    if not keys:
        return
    cache = store().cache
    try:
        cache.set_many({key: new_generation() for key in keys}, timeout=None)
    except Exception:
        logger.exception("generations not renewed: %s", keys)
        try:
            cache.delete_many(keys)
        except Exception:
            logger.exception("generations not removed either: %s", keys)
            return
    try:
        touch_stamp()
    except Exception:
        logger.exception("generation stamp not touched")
