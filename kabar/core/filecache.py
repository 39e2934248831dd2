"""Django's file cache, without a listing of the whole directory on every write, and culled
by expiry rather than at random.

FileBasedCache counts its files before each set(), add() and incr() to decide whether to
cull, and counting is listing the directory: with the page cache's thousands of entries
the listing, not the write, is most of what a purge or a rate-limit counter costs (on
this machine 1.7 ms a write at 1,000 files, 15 ms at 10,000). This one counts on a
process's first write and then on every CULL_EVERY-th, so a cache can run past
MAX_ENTRIES by at most CULL_EVERY writes per process before it is culled. It is still
files, shared by every process of the host: counters, entries and purges as before.

When full, Django's cache deletes files at random, so a flood of short-lived files (a
scanner's probes of missing paths, each leaving a provisional generation) pushes pages out
as readily as it pushes out its own. Here each file's modification time is its expiry,
and a cull deletes the files that expire soonest: expired ones, then short-lived ones, and
those that never expire last; one stat() a file, no file opened.
"""

import os
import threading

from django.core.cache.backends.filebased import FileBasedCache

DEFAULT_CULL_EVERY = 100
# The modification time of a file that never expires: later than any expiry.
NEVER = float(2**33)


class FileCache(FileBasedCache):
    def __init__(self, dir, params):
        super().__init__(dir, params)
        options = params.get("OPTIONS", {})
        self._cull_every = max(1, int(options.get("CULL_EVERY", DEFAULT_CULL_EVERY)))
        self._writes = 0
        self._lock = threading.Lock()

    def _write_content(self, file, timeout, value):
        super()._write_content(file, timeout, value)
        file.flush()  # a write after utime() would set the time again
        expiry = self.get_backend_timeout(timeout)
        when = NEVER if expiry is None else expiry
        os.utime(file.fileno(), (when, when))

    def _cull(self):
        with self._lock:
            due = self._writes % self._cull_every == 0
            self._writes += 1
        if not due:
            return
        filelist = self._list_cache_files()
        if len(filelist) < self._max_entries:
            return
        if self._cull_frequency == 0:
            self.clear()
            return
        soonest = sorted(filelist, key=_expiry)[: len(filelist) // self._cull_frequency]
        for fname in soonest:
            self._delete(fname)


def _expiry(fname):
    try:
        return os.stat(fname).st_mtime
    except FileNotFoundError:
        return 0.0
