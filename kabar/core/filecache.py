"""Django's file cache, without a listing of the whole directory on every write.

FileBasedCache counts its files before each set(), add() and incr() to decide whether to
cull, and counting is listing the directory: with the page cache's thousands of entries
the listing, not the write, is most of what a purge or a rate-limit counter costs (on
this machine 1.7 ms a write at 1,000 files, 15 ms at 10,000). This one counts on a
process's first write and then on every CULL_EVERY-th, so a cache can run past
MAX_ENTRIES by at most CULL_EVERY writes per process before it is culled. It is still
files, shared by every process of the host: counters, entries and purges as before.
"""

import threading

from django.core.cache.backends.filebased import FileBasedCache

DEFAULT_CULL_EVERY = 100


class FileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._cull_every = max(1, int(options.get("CULL_EVERY", DEFAULT_CULL_EVERY)))
        self._writes = 0
        self._lock = threading.Lock()

    def _cull(self):
        with self._lock:
            due = self._writes % self._cull_every == 0
            self._writes += 1
        if due:
            super()._cull()
