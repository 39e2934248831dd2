"""The file cache that lists its directory only every CULL_EVERY writes."""

import os

import pytest

from kabar.core.filecache import FileCache


def make(tmp_path, **options):
    return FileCache(str(tmp_path), {"OPTIONS": options, "TIMEOUT": 300})


def files(tmp_path):
    return [name for name in os.listdir(tmp_path) if name.endswith(".djcache")]


def test_writes_list_the_directory_only_every_cull_every(tmp_path, monkeypatch):
    cache = make(tmp_path, MAX_ENTRIES=1000, CULL_EVERY=10)
    listings = []
    real = FileCache._list_cache_files
    monkeypatch.setattr(
        FileCache, "_list_cache_files", lambda self: listings.append(1) or real(self)
    )
    for n in range(100):
        cache.set(f"key-{n}", n)
    assert len(listings) == 10


def test_a_full_cache_is_still_culled(tmp_path):
    cache = make(tmp_path, MAX_ENTRIES=20, CULL_FREQUENCY=2, CULL_EVERY=5)
    for n in range(60):
        cache.set(f"key-{n}", n)
    # At most CULL_EVERY writes past a check that found it full.
    assert len(files(tmp_path)) <= 20 + 5


@pytest.mark.parametrize("operation", ["set", "add", "incr"])
def test_processes_sharing_the_directory_see_each_others_writes(tmp_path, operation):
    one, other = make(tmp_path), make(tmp_path)
    one.set("counter", 1)
    if operation == "set":
        other.set("counter", 5)
        assert one.get("counter") == 5
    elif operation == "add":
        assert not other.add("counter", 9)
        assert one.get("counter") == 1
    else:
        other.incr("counter")
        assert one.get("counter") == 2


def test_a_full_cache_culls_what_expires_soonest(tmp_path):
    """A flood of short-lived entries (a scanner's probes) pushes out its own kind, never
    an entry that lives longer or one that never expires."""
    cache = make(tmp_path, MAX_ENTRIES=20, CULL_FREQUENCY=2, CULL_EVERY=1)
    for n in range(5):
        cache.set(f"lasting-{n}", n, timeout=None)
        cache.set(f"page-{n}", n, timeout=3600)
    for n in range(100):
        cache.set(f"probe-{n}", n, timeout=60)
    assert len(files(tmp_path)) <= 20
    assert [cache.get(f"lasting-{n}") for n in range(5)] == list(range(5))
    assert [cache.get(f"page-{n}") for n in range(5)] == list(range(5))


def test_an_entry_made_to_last_is_culled_after_short_lived_ones(tmp_path):
    cache = make(tmp_path, MAX_ENTRIES=10, CULL_FREQUENCY=2, CULL_EVERY=1)
    cache.set("kept", "yes", timeout=60)
    assert cache.touch("kept", None)
    for n in range(50):
        cache.set(f"probe-{n}", n, timeout=60)
    assert cache.get("kept") == "yes"
