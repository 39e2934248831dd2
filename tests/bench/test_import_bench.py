"""bench/import_wordpress.py: the counts it checks, its memory verdict, and its table."""

import json

from bench import import_wordpress


def row(posts, peak_mb, *, reported=None):
    expected = {"post_created": posts, "comment_created": 9 * posts, "comment_skipped": posts,
                "failed": 0}  # fmt: skip
    return {
        "posts": posts,
        "comments": 10 * posts,
        "file_mb": posts / 100,
        "seconds": 10.0,
        "items_per_s": 11 * posts / 10.0,
        "baseline_mb": 120.0,
        "peak_mb": peak_mb,
        "expected": expected,
        "reported": reported or dict(expected),
        "items_read": posts,
    }


def test_a_peak_within_the_bound_passes():
    ratio, problems = import_wordpress.verdict([row(100, 130.0), row(1000, 160.0)], 0.25)
    assert problems == [] and round(ratio, 2) == 1.23


def test_a_peak_that_grows_with_the_file_fails():
    ratio, problems = import_wordpress.verdict([row(100, 130.0), row(1000, 170.0)], 0.25)
    assert round(ratio, 2) == 1.31
    assert len(problems) == 1 and "peak RSS grew with the file" in problems[0]


def test_a_failed_item_or_a_missing_comment_fails():
    failed = row(100, 130.0, reported={**row(100, 0)["expected"], "failed": 1})
    missing = row(1000, 130.0, reported={**row(1000, 0)["expected"], "comment_created": 8999})
    _ratio, problems = import_wordpress.verdict([failed, missing])
    assert len(problems) == 2
    assert "'failed': 1" in problems[0] and "'comment_created': 8999" in problems[1]


def test_two_tiny_exports_are_imported_and_tabled(tmp_path, capsys):
    out = tmp_path / "rows.json"
    # --bound 1.0: at this size the run shows the machinery, not memory behaviour.
    code = import_wordpress.main(
        ["--posts", "30", "--comments", "150", "--small", "3", "--bound", "1.0", "--json", str(out)]
    )
    printed = capsys.readouterr().out
    rows = json.loads(out.read_text())["rows"]
    assert code == 0, printed
    assert [(r["posts"], r["comments"]) for r in rows] == [(10, 50), (30, 150)]
    for r in rows:
        assert r["reported"] == r["expected"]
        assert r["expected"]["post_created"] == r["posts"]
        assert r["expected"]["comment_created"] + r["expected"]["comment_skipped"] == r["comments"]
        assert r["peak_mb"] >= r["baseline_mb"] > 50
    assert "posts  comments  file MB  seconds  items/s" in printed
    assert "peak RSS 30 posts / 10 posts:" in printed
