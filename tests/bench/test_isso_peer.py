"""Isso as the peer of the comment-POST row (bench/isso_peer.py, bench/run.py): its
configuration, what the posters send, how its answers are checked against its database, and
how the ratio is printed. No network, no server."""

import configparser
import json
import math
import sys
import threading
import time
import types

from bench import isso_peer, post_load, run


def read_config(**kwargs):
    parser = configparser.ConfigParser()
    parser.read_string(isso_peer.config_text(port=8123, dbpath="/srv/isso/comments.db", **kwargs))
    return parser


def test_the_configuration_turns_the_guard_off_and_binds_to_loopback():
    conf = read_config()
    assert conf.getboolean("guard", "enabled") is False
    assert conf.get("general", "dbpath") == "/srv/isso/comments.db"
    assert conf.get("general", "host") == "http://127.0.0.1:8123/"
    assert conf.get("server", "listen") == "http://127.0.0.1:8123"


def test_moderation_mirrors_kabars_default_or_is_off():
    like_kabar = read_config()
    assert like_kabar.getboolean("moderation", "enabled") is True
    assert like_kabar.getboolean("moderation", "approve-if-email-previously-approved") is True
    off = read_config(moderation=False)
    assert off.getboolean("moderation", "enabled") is False
    assert off.getboolean("moderation", "approve-if-email-previously-approved") is False


def test_the_row_is_named_after_the_installed_version():
    assert isso_peer.label("0.14.0", 8) == (
        "Isso (PyPI 0.14.0, gunicorn 2 workers, guard off): comment POSTs, 8 posters"
    )
    assert "moderation off" in isso_peer.label("0.14.0", 8, moderation=False)


def test_a_post_is_what_the_embed_sends():
    payload = isso_peer.comment_payload("teks [kb:r-1-0]", "Pembaca", "p@example.net")
    assert set(payload) == {
        "author",
        "email",
        "website",
        "text",
        "parent",
        "title",
        "notification",
    }
    headers = isso_peer.request_headers("http://127.0.0.1:9", "/a/b/")
    assert headers["Content-Type"] == "application/json"  # Isso refuses anything else (CSRF)
    assert headers["Origin"] == "http://127.0.0.1:9"
    assert isso_peer.new_path("/a/b/") == "/new?uri=/a/b/"


def response(status, body):
    return post_load.Response(status, [], json.dumps(body).encode())


def test_published_and_held_answers_count_anything_else_does_not():
    assert isso_peer.parse_created(response(201, {"id": 7, "mode": 1})) == (7, 1)
    assert isso_peer.parse_created(response(202, {"id": 8, "mode": 2})) == (8, 2)
    assert isso_peer.parse_created(response(403, {"id": 9, "mode": 1})) is None
    assert isso_peer.parse_created(post_load.Response(201, [], b"<html>")) is None


def test_only_comments_stored_once_count_as_accepted():
    acked = {"r-0-0": 10, "r-0-1": 11, "r-1-0": 12, "r-1-1": 13, "r-2-0": 14}
    rows = [
        (10, 1, "a [kb:r-0-0]."),
        (11, 2, "b [kb:r-0-1]."),
        (15, 2, "c [kb:r-1-0]."),  # stored, but Isso answered with another id
        (16, 1, "d [kb:r-2-0]."),  # stored twice
        (17, 1, "d [kb:r-2-0]."),
        (18, 2, "e [kb:r-3-0]."),  # stored without an answer
        # r-1-1 was answered but is not stored
    ]
    check = isso_peer.reconcile(acked, rows)
    assert check["accepted"] == 3  # r-0-0, r-0-1, r-1-0
    assert check["modes"] == {"published": 1, "held": 2}
    assert check["wrong_id"] == 1
    assert check["lost"] == ["r-1-1"]
    assert check["duplicates"] == 1
    assert check["unacknowledged"] == 1


def test_the_venv_is_reinstalled_when_the_pins_or_the_interpreter_change(tmp_path, monkeypatch):
    venv = tmp_path / "isso-venv"
    assert not isso_peer.venv_is_current(venv)
    (venv / "bin").mkdir(parents=True)
    (venv / "bin" / "gunicorn").write_text("")
    (venv / isso_peer.STAMP).write_text("\n".join(isso_peer.stamp_lines()) + "\n")
    assert isso_peer.venv_is_current(venv)
    assert not isso_peer.venv_is_current(venv, ("isso>=0.15,<0.16", "gunicorn>=22,<24"))
    # Made before, on another Python: Isso would not run on the interpreter Kabar runs on.
    (venv / isso_peer.STAMP).write_text("\n".join(isso_peer.REQUIREMENTS) + "\n")
    assert not isso_peer.venv_is_current(venv)
    (venv / isso_peer.STAMP).write_text("\n".join(isso_peer.stamp_lines()) + "\n")
    monkeypatch.setattr(isso_peer.sys, "_base_executable", str(tmp_path / "other-python"))
    assert not isso_peer.venv_is_current(venv)


def test_the_venv_lives_in_an_ignored_directory():
    assert isso_peer.VENV.relative_to(isso_peer.harness.ROOT).parts[0] == "var"
    ignored = (isso_peer.harness.ROOT / ".gitignore").read_text().splitlines()
    assert "var/" in ignored


def rows():
    """A table's rows: each Kabar POST row with the rate of the Isso run measured beside it
    (bench.run.post_rows puts it there), the SQLite one's shown as a row of its own."""
    return [
        {"label": "comment POSTs, 8 posters", "rps": 98.0, "p50": 72.6, "p99": 195.8}
        | {"isso_rps": 280.0},
        {
            "label": isso_peer.label("0.14.0", 8),
            "rps": 280.0,
            "p50": 28.0,
            "p99": 60.0,
            "isso": True,
        },
        {"label": "PostgreSQL: comment POSTs, 8 posters", "rps": 70.0, "p50": 80, "p99": 150}
        | {"isso_rps": 280.0},
        {"label": "PostgreSQL: section front", "rps": 27000.0, "p50": 0.5, "p99": 9},
    ]


def test_every_kabar_post_row_gets_its_ratio_to_isso():
    table = run.add_isso_ratios(rows())
    assert table[0]["vs_isso"] == 98 / 280
    assert table[2]["vs_isso"] == 70 / 280
    assert "vs_isso" not in table[1]  # Isso's own row
    assert "vs_isso" not in table[3]  # not a POST row


def test_a_post_row_measured_without_isso_gets_no_ratio_from_another_s_isso_run():
    table = rows()
    del table[2]["isso_rps"]  # Isso could not run beside PostgreSQL's row
    table = run.add_isso_ratios(table)
    assert table[0]["vs_isso"] == 98 / 280
    assert "vs_isso" not in table[2]
    assert "in this run: SQLite 0.35× (Isso 280/s)\n" in run.goals(table, {}) + "\n"


def test_ratios_print_as_times():
    assert run.fmt_times(98 / 280) == "0.35×"
    assert run.fmt_times(2.5) == "2.50×"
    assert run.fmt_times(12.345) == "12.3×"
    assert run.fmt_times(math.nan) == "–"
    assert run.fmt_times(None) == "–"


def test_the_table_shows_the_ratio_beside_kabars_post_rows_without_a_reference():
    text = run.table(run.add_isso_ratios(rows()), [], {})
    lines = text.splitlines()
    assert "| comment POSTs, 8 posters (0.35× Isso) | 98 | 72.6 ms | 195.8 ms | – |" in lines
    assert any(
        line.startswith("| Isso (PyPI 0.14.0, gunicorn 2 workers, guard off): comment POSTs")
        for line in lines
    )
    assert "| PostgreSQL: comment POSTs, 8 posters (0.25× Isso) | 70 |" in text


def test_the_goals_name_the_ratio_per_database():
    text = run.goals(run.add_isso_ratios(rows()), {})
    assert "in this run: SQLite 0.35× (Isso 280/s), PostgreSQL 0.25× (Isso 280/s)" in text


def test_a_post_row_measured_beside_isso_is_divided_by_that_isso_run():
    paired = rows()
    paired[0]["isso_rps"] = 196.0
    table = run.add_isso_ratios(paired)
    assert table[0]["vs_isso"] == 98 / 196
    assert table[2]["vs_isso"] == 70 / 280
    assert "SQLite 0.50× (Isso 196/s), PostgreSQL 0.25× (Isso 280/s)" in run.goals(table, {})


class FakeIsso:
    """isso_peer.Peer without a server: each slice answers `rate` posts a second; its
    posters fail from the `fail_at`-th run on."""

    def __init__(self, calls, rate, fail_at=None):
        self.calls, self.rate, self.fail_at = calls, rate, fail_at
        self.runs = 0

    def __call__(self, **kwargs):
        self.calls.append(("start", kwargs["uri"]))
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.calls.append(("stop",))

    def post(self, duration):
        self.runs += 1
        if self.fail_at is not None and self.runs >= self.fail_at:
            raise ConnectionRefusedError("Isso is gone")
        self.calls.append(("isso", duration))
        return slice_stats(f"i{len(self.calls)}", duration, self.rate)

    def row(self, parts):
        stats = post_load.merged(parts)
        return {"label": "Isso", "isso": True, "rps": len(stats.acked) / stats.ended}


def slice_stats(run_id, duration, rate):
    stats = post_load.Stats(run_id=run_id, started=100.0, ended=100.0 + duration)
    stats.acked = {f"{run_id}-0-{n}": n for n in range(int(duration * rate))}
    stats.ack_latency = [5.0] * len(stats.acked)
    stats.sent = len(stats.acked)
    return stats


class FakeSite:
    info = {"article_url": "/kabar-internasional/artikel/", "known_commenters": []}

    def __init__(self):
        self.asked = []

    def query(self, sql, params):
        self.asked.append(params[0])
        return [("pending", 10)]


def test_kabars_posts_alternate_with_isso_s_in_slices(monkeypatch):
    calls = []
    monkeypatch.setattr(run.isso_peer, "Peer", FakeIsso(calls, rate=300))

    def kabar(cfg):
        calls.append(("kabar", cfg.duration))
        return slice_stats(f"k{len(calls)}", cfg.duration, 600)

    monkeypatch.setattr(run, "post_run", kabar)
    monkeypatch.setattr(run, "settle", lambda: calls.append(("settle",)))
    args = run.parse_args(["--posts-only", "--post-duration", "15", "--post-slices", "3"])
    site, server = FakeSite(), types.SimpleNamespace(port=8000)
    isso, kabar_row = run.post_rows("comment POSTs, 8 posters", server, site, args)
    assert calls == [
        ("start", "/kabar-internasional/artikel/"),
        *[("isso", 5.0), ("settle",), ("kabar", 5.0), ("settle",)] * 2,
        *[("isso", 5.0), ("settle",), ("kabar", 5.0)],
        ("stop",),
    ]
    assert isso["rps"] == 300 and kabar_row["rps"] == 600
    assert kabar_row["isso_rps"] == 300
    assert run.add_isso_ratios([isso, kabar_row])[1]["vs_isso"] == 2.0
    # What was stored is counted over every slice's posts.
    assert len(site.asked) == 3 and kabar_row["detail"]["stored"] == 30


def run_pair(monkeypatch, peer, argv):
    calls = peer.calls

    def kabar(cfg):
        calls.append(("kabar", cfg.duration))
        return slice_stats(f"k{len(calls)}", cfg.duration, 600)

    monkeypatch.setattr(run.isso_peer, "Peer", peer)
    monkeypatch.setattr(run, "post_run", kabar)
    monkeypatch.setattr(run, "settle", lambda: calls.append(("settle",)))
    args = run.parse_args(["--posts-only", *argv])
    server = types.SimpleNamespace(port=8000)
    return run.post_rows("PostgreSQL: comment POSTs, 8 posters", server, FakeSite(), args)


def test_by_default_isso_runs_right_before_kabar_once(monkeypatch):
    peer = FakeIsso([], rate=350)
    isso, row = run_pair(monkeypatch, peer, [])
    assert peer.calls == [
        ("start", "/kabar-internasional/artikel/"),
        ("isso", 15.0),
        ("kabar", 15.0),
        ("stop",),
    ]
    assert row["isso_rps"] == isso["rps"] == 350


def test_isso_failing_midway_leaves_kabars_row_standing_alone(monkeypatch):
    peer = FakeIsso([], rate=350, fail_at=2)
    (row,) = run_pair(monkeypatch, peer, ["--post-slices", "3"])
    assert [c[0] for c in peer.calls] == ["start", "isso", "settle", "kabar", "settle"] + [
        "kabar",
        "settle",
        "kabar",
        "stop",
    ]
    assert row["rps"] == 600 and "isso_rps" not in row
    assert "vs_isso" not in run.add_isso_ratios([row])[0]


def test_without_isso_kabar_posts_in_one_run(monkeypatch):
    durations = []

    def kabar(cfg):
        durations.append(cfg.duration)
        return slice_stats("k", cfg.duration, 600)

    monkeypatch.setattr(run, "post_run", kabar)
    monkeypatch.setattr(run, "settle", lambda: None)
    args = run.parse_args(["--posts-only", "--no-isso"])
    (row,) = run.post_rows(
        "comment POSTs, 8 posters", types.SimpleNamespace(port=8000), FakeSite(), args
    )
    assert durations == [15.0] and "isso_rps" not in row


def isso_result(wrong_id):
    return {
        **rows()[1],
        "version": "0.14.0",
        "detail": {
            "reconciled": {
                "accepted": 4200,
                "lost": 0,
                "wrong_id": wrong_id,
                "duplicates": 0,
                "modes": {"held": 2100, "published": 2100},
            },
            "memory": [{"role": "main", "peak_mb": 38.6}, {"role": "worker", "peak_mb": 36.4}],
            "moderation": True,
        },
    }


def test_the_notes_say_what_isso_stored_and_which_answers_named_another_comment():
    notes = run.isso_notes([isso_result(wrong_id=0)])
    assert "4,200 accepted and stored (2,100 held, 2,100 published)" in notes
    assert "per gunicorn worker 36 MB" in notes  # the workers, not gunicorn's main process
    assert "another poster's comment" not in notes
    assert "5 of them with the id (and mode) of another" in run.isso_notes([isso_result(5)])


def test_gunicorn_forks_a_worker_only_once_isso_has_let_go_of_its_lock(monkeypatch):
    """With --preload, a worker forked while Isso's purge thread holds the app's lock would
    hang on its first POST: the pre_fork hook waits for the lock first."""

    class Isso:
        def __init__(self):
            self.lock = threading.Lock()

    fake = types.ModuleType("isso")
    fake.Isso = Isso
    monkeypatch.setitem(sys.modules, "isso", fake)
    app = Isso()
    app.lock.acquire()  # the purge thread, purging
    released = []

    def purge_ends():
        time.sleep(0.2)
        released.append(time.monotonic())
        app.lock.release()

    hooks = {}
    exec(isso_peer.GUNICORN_CONFIG, hooks)  # noqa: S102 - our own configuration text
    threading.Thread(target=purge_ends).start()
    hooks["pre_fork"](server=None, worker=None)
    assert released and time.monotonic() >= released[0]
    assert not app.lock.locked()


def test_isso_s_slices_merge_with_what_each_answered():
    first = isso_peer.IssoStats(run_id="aa", started=0.0, ended=5.0)
    first.modes.update({"published": 3, "held": 2})
    second = isso_peer.IssoStats(run_id="bb", started=9.0, ended=14.0)
    second.modes.update({"held": 4})
    whole = post_load.merged([first, second])
    assert isinstance(whole, isso_peer.IssoStats)
    assert whole.modes == {"published": 3, "held": 6}
