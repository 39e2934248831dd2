"""The soak's verdict (bench/soak.py): what counts as memory staying flat after warm-up."""

from bench import soak


def samples(*series, replaced_at=None):
    """One sample every 5 s: {pid: (role, RSS MB)} from per-process RSS series; from
    `replaced_at` on, the last process runs under a new pid."""
    rows = []
    for n, values in enumerate(zip(*series, strict=True)):
        by_pid = {100 + i: ("worker", rss) for i, rss in enumerate(values)}
        if replaced_at is not None and n >= replaced_at:
            by_pid[999] = by_pid.pop(100 + len(series) - 1)
        rows.append((5.0 * n, by_pid))
    return rows


def test_memory_that_settles_after_the_warm_up_is_flat():
    growing_then_flat = [100, 130, 150, 152, 151, 153, 152]
    rows, replaced = soak.verdict(samples(growing_then_flat, [80] * 7), 10, 0.10)
    assert all(row["flat"] for row in rows) and not replaced
    assert rows[0]["start_mb"] == 150 and rows[0]["max_mb"] == 153


def test_a_process_that_keeps_growing_after_the_warm_up_is_not_flat():
    leaking = [100, 100, 100, 104, 108, 112, 116]
    rows, _replaced = soak.verdict(samples(leaking, [80] * 7), 10, 0.10)
    by_pid = {row["pid"]: row for row in rows}
    assert not by_pid[100]["flat"] and round(by_pid[100]["rise"], 2) == 0.16
    assert by_pid[101]["flat"]


def test_a_worker_replaced_after_the_warm_up_is_reported():
    rows, replaced = soak.verdict(samples([100] * 7, [80] * 7, replaced_at=4), 10, 0.10)
    assert replaced == [999]
    assert not {row["pid"]: row for row in rows}[101]["flat"]  # gone before the end
