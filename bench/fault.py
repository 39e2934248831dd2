"""No comment lost, under load or crash (`make fault`; also part of `make bench`).

1. SQLite: 32 concurrent posters for 30 s against `kabar serve`; in the middle the whole
   server (every process of it) is killed with SIGKILL and started again; the posters keep
   posting throughout. Then every comment whose POST was acknowledged with a redirect to
   #comment-<id> must be in the database exactly once, under that id (each post carries a
   unique marker in its body), and the database must pass PRAGMA integrity_check.
2. PostgreSQL: the same load while the database server is stopped for a few seconds and
   started again. Readers polling the article meanwhile must get a clean 503 page with
   Retry-After (never a 500), Kabar must recover by itself, nothing acknowledged may be
   lost, and amcheck must find the tables and indexes intact. This uses a PostgreSQL
   cluster of its own (initdb in a temporary directory), never the machine's shared one.

    .venv/bin/python -m bench.fault [--posters 32] [--duration 30] [--only sqlite|postgres]

Exits non-zero when anything acknowledged was lost or duplicated, an integrity check
failed, or a reader saw a 500.
"""

import argparse
import asyncio
import collections
import json
import secrets
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import harness
from bench.front import bypass_headers
from bench.post_load import (
    MARKER_RE,
    Config,
    Connection,
    InDoubt,
    NotSent,
    Stats,
    run_async,
    run_coroutine,
)


def log(message):
    print(f"[fault {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def verify(site, stats):
    """Compare what the posters were told with what the database holds."""
    rows = site.query(
        "SELECT id, body FROM discussion_comment WHERE body LIKE ?", (f"%[kb:{stats.run_id}-%",)
    )
    stored_ids = collections.defaultdict(list)
    for comment_id, body in rows:
        for marker in MARKER_RE.findall(body):
            stored_ids[marker].append(comment_id)
    acked = stats.acked
    lost = sorted(m for m in acked if not stored_ids.get(m))
    duplicates = sum(len(ids) - 1 for ids in stored_ids.values() if len(ids) > 1)
    wrong_id = sorted(
        m for m, cid in acked.items() if stored_ids.get(m) and cid not in stored_ids[m]
    )
    in_doubt = set(stats.in_doubt)
    unacknowledged = [m for m in stored_ids if m not in acked]
    return {
        "acknowledged": len(acked),
        "stored": sum(1 for m in acked if stored_ids.get(m)),
        "duplicates": duplicates,
        "lost": len(lost),
        "lost_markers": lost[:10],
        "acknowledged_with_wrong_id": len(wrong_id),
        "one_id_told_twice": len(acked) - len(set(acked.values())),
        "in_doubt": len(in_doubt),
        "in_doubt_stored": sum(1 for m in in_doubt if stored_ids.get(m)),
        "stored_not_acknowledged": len(unacknowledged),
        "refused": dict(stats.refused),
        "not_sent": stats.not_sent,
        "integrity": site.integrity_check(),
    }


def acks_between(stats, start, end):
    return sum(1 for t, _m in stats.ack_times if start <= t < end)


async def _blocking(fn, *args):
    return await asyncio.get_running_loop().run_in_executor(None, fn, *args)


def _post_config(server, site, posters, duration):
    return Config(
        port=server.port,
        path=site.info["article_url"],
        posters=posters,
        duration=duration,
        known_commenters=site.info.get("known_commenters") or [],
    )


def sqlite_crash(posters=32, duration=30.0, kill_at=0.4, workers=None):
    """Kill -9 `kabar serve` mid-load on SQLite and restart it; the counts."""
    site = harness.Site.create("fault-sqlite")
    log("SQLite: preparing a site")
    site.prepare(demo=False, comments=5)
    server = harness.Server(site, workers=workers).start()
    log(f"SQLite: kabar serve on port {server.port}; {posters} posters for {duration:.0f} s")
    stats = Stats(run_id=secrets.token_hex(3))
    timeline = {}

    async def crash():
        loop = asyncio.get_running_loop()
        await asyncio.sleep(duration * kill_at)
        timeline["killed"] = loop.time()
        planned_end, stats.deadline = stats.deadline, float("inf")  # post on until restarted
        pids = await _blocking(server.kill9)
        log(f"SQLite: kill -9 of {len(pids)} server processes after {stats.sent} posts")
        await _blocking(server.start)
        timeline["restarted"] = loop.time()
        log(f"SQLite: restarted in {timeline['restarted'] - timeline['killed']:.1f} s")
        # However long the restart took, keep posting a while after it.
        stats.deadline = max(planned_end, loop.time() + duration * (1 - kill_at) / 2)

    try:
        run_coroutine(
            lambda: run_async(_post_config(server, site, posters, duration), stats, [crash()])
        )
    finally:
        server.stop()
    report = verify(site, stats)
    report["server_log"] = harness.tail(server.log, 60)
    report["seconds"] = round(stats.ended - stats.started, 1)
    report["restart_seconds"] = round(timeline["restarted"] - timeline["killed"], 1)
    report["acknowledged_before_kill"] = acks_between(stats, 0, timeline["killed"])
    report["acknowledged_after_restart"] = acks_between(stats, timeline["restarted"], 1e18)
    return report


async def reader(port, path, headers, seen, stats, interval=0.05):
    """Poll `path` while the posters post; record each answer: (time, status, clean)."""
    loop = asyncio.get_running_loop()
    conn = Connection(harness.HOST, port, timeout=10)
    await asyncio.sleep(0)  # run_async sets the deadline first
    try:
        while loop.time() < stats.deadline:
            try:
                response = await conn.request("GET", path, headers)
            except (NotSent, InDoubt):
                seen.append((loop.time(), "no answer", False))
            else:
                text = response.body.decode("utf-8", "replace")
                clean = response.status == 200 or (
                    response.status == 503
                    and response.header("retry-after") != ""
                    and 'data-error="database-unavailable"' in text
                    and "Traceback" not in text
                )
                seen.append((loop.time(), response.status, clean))
            await asyncio.sleep(interval)
    finally:
        await conn.close()


def postgres_restart(posters=32, duration=30.0, down_at=0.4, down_for=4.0, workers=None):
    """Stop PostgreSQL mid-load for `down_for` seconds, then start it; the counts."""
    if not harness.PrivatePostgres.available():
        raise RuntimeError("PostgreSQL server binaries (initdb, pg_ctl) are not installed")
    parent = Path(tempfile.mkdtemp(prefix="kabar-fault-pg-"))
    parent.chmod(0o755)  # the postgres user works in a directory inside it
    harness.on_exit(lambda: shutil.rmtree(parent, ignore_errors=True))
    workdir = parent / "cluster"
    cluster = harness.PrivatePostgres(workdir).init()
    cluster.start()
    url = harness.pg_create_database("kabar_fault", cluster.admin_url)
    site = harness.Site.create("fault-postgres", database_url=url)
    log(f"PostgreSQL: private cluster on port {cluster.port}; preparing a site")
    site.prepare(demo=False, comments=5)
    server = harness.Server(site, workers=workers).start()
    log(f"PostgreSQL: kabar serve on port {server.port}; {posters} posters for {duration:.0f} s")
    stats = Stats(run_id=secrets.token_hex(3))
    timeline = {}
    uncached_reads, cached_reads = [], []
    article = site.info["article_url"]

    async def outage():
        loop = asyncio.get_running_loop()
        await asyncio.sleep(duration * down_at)
        timeline["stopping"] = loop.time()
        planned_end, stats.deadline = stats.deadline, float("inf")  # post on until it is back
        await _blocking(cluster.stop, "fast")
        timeline["down"] = loop.time()
        log(f"PostgreSQL: stopped after {stats.sent} posts; down for {down_for:.0f} s")
        await asyncio.sleep(down_for)
        await _blocking(cluster.start)
        timeline["up"] = loop.time()
        log("PostgreSQL: started again")
        stats.deadline = max(planned_end, loop.time() + duration * (1 - down_at) / 2)

    def load():
        readers = [
            reader(server.port, article, bypass_headers(), uncached_reads, stats),
            reader(server.port, article, {}, cached_reads, stats),
        ]
        config = _post_config(server, site, posters, duration)
        return run_async(config, stats, [outage(), *readers])

    try:
        run_coroutine(load)
    finally:
        server.stop()
    report = verify(site, stats)
    report["server_log"] = harness.tail(server.log, 60)
    report["seconds"] = round(stats.ended - stats.started, 1)
    down_start, up = timeline["stopping"], timeline["up"]
    during = [r for r in uncached_reads if down_start <= r[0] < up]
    after = [r for r in uncached_reads if r[0] >= up]
    first_ok = next((t for t, status, _c in after if status == 200), None)
    statuses = collections.Counter(str(s) for _t, s, _c in uncached_reads)
    report.update(
        {
            "database_down_seconds": round(up - timeline["down"], 1),
            "reads_uncached": dict(statuses),
            "reads_during_outage": dict(collections.Counter(str(s) for _t, s, _c in during)),
            "reads_not_clean": sum(1 for _t, _s, clean in uncached_reads if not clean),
            "reads_500": statuses.get("500", 0),
            "cached_reads": dict(collections.Counter(str(s) for _t, s, _c in cached_reads)),
            "recovered_after_seconds": round(first_ok - up, 2) if first_ok else None,
            "acknowledged_before_outage": acks_between(stats, 0, down_start),
            "acknowledged_after_recovery": acks_between(stats, up, 1e18),
        }
    )
    cluster.destroy()
    return report


def failures(report, kind):
    problems = []
    if report["lost"]:
        problems.append(f"{kind}: {report['lost']} acknowledged comments lost")
    if report["duplicates"]:
        problems.append(f"{kind}: {report['duplicates']} duplicates")
    if report["acknowledged_with_wrong_id"] or report["one_id_told_twice"]:
        problems.append(f"{kind}: a reader was told a wrong or shared comment id")
    if report["integrity"] != "ok":
        problems.append(f"{kind}: integrity check: {report['integrity']}")
    if report.get("reads_500") or report.get("reads_not_clean"):
        problems.append(f"{kind}: readers saw {report.get('reads_not_clean')} unclean answers")
    if kind == "PostgreSQL" and report.get("recovered_after_seconds") is None:
        problems.append("PostgreSQL: Kabar did not recover after the database came back")
    after = report.get("acknowledged_after_restart", report.get("acknowledged_after_recovery"))
    if not after:
        problems.append(f"{kind}: nothing was acknowledged after the fault")
    return problems


def summary_table(reports):
    lines = [
        "| fault | acknowledged | stored | duplicates | lost | integrity | notes |",
        "|---|---:|---:|---:|---:|---|---|",
    ]
    for kind, report in reports.items():
        if kind == "SQLite":
            notes = (
                f"kill -9 of every server process; back in {report['restart_seconds']} s; "
                f"{report['acknowledged_after_restart']} acknowledged after the restart"
            )
        else:
            notes = (
                f"database down {report['database_down_seconds']} s; readers got "
                f"{report['reads_during_outage']} meanwhile, {report['reads_500']} × 500; "
                f"recovered {report['recovered_after_seconds']} s after it was back"
            )
        notes += (
            f"; {report['in_doubt']} sent without an answer "
            f"({report['in_doubt_stored']} of them stored)"
        )
        lines.append(
            f"| {kind} | {report['acknowledged']} | {report['stored']} | "
            f"{report['duplicates']} | {report['lost']} | {report['integrity']} | {notes} |"
        )
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posters", type=int, default=32)
    parser.add_argument("--duration", type=float, default=30.0)
    parser.add_argument("--only", choices=("sqlite", "postgres"))
    parser.add_argument("--json", help="also write the reports to this file")
    args = parser.parse_args(argv)
    harness.install_cleanup()
    reports = {}
    try:
        if args.only in (None, "sqlite"):
            reports["SQLite"] = sqlite_crash(args.posters, args.duration)
        if args.only in (None, "postgres"):
            if harness.PrivatePostgres.available():
                reports["PostgreSQL"] = postgres_restart(args.posters, args.duration)
            else:
                log("PostgreSQL server binaries not installed: SQLite only")
    finally:
        harness.cleanup_all()
    for kind, report in reports.items():
        shown = {k: v for k, v in report.items() if k != "server_log"}
        log(f"{kind}: {json.dumps(shown, default=str)}")
    print()
    print(summary_table(reports))
    problems = [p for kind, r in reports.items() for p in failures(r, kind)]
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(reports, fh, indent=2, default=str)
    if problems:
        for kind, report in reports.items():
            if failures(report, kind):
                print(f"\n--- the end of the {kind} server's log ---\n{report['server_log']}")
        print("\nFAILED:\n- " + "\n- ".join(problems))
        sys.exit(1)
    print("\nNo acknowledged comment lost or duplicated; integrity checks passed.")


if __name__ == "__main__":
    main()
