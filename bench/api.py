"""`make bench-api`: Kabar's JSON API (/api/v1/) under load beside Isso's, in one run.

A throwaway site with a registered other site and the thread of one of its pages, 50
approved comments in threads up to three deep (bench/setup_site.py), served by `kabar
serve` with production settings (bench/harness.py). Measured, each on 127.0.0.1, bounded
in time:

- the thread's list GET (`GET /api/v1/threads?url=…`, as the widget asks for it) with wrk,
  from the page cache (cached) and rendered for each request (uncached: the request carries
  a `Kabar-Own` header, which makes the cache step aside; its value proves no comment, so
  the answer is the anonymous one);
- comment POSTs (`POST /api/v1/comments`), 8 posters as bench/run.py's, each fetching the
  form token from the list GET, as the widget does;
- beside them, Kabar idle meanwhile, Isso (bench/isso_peer.py: from PyPI, gunicorn,
  started afresh for each database) on a thread of the same 50 comments: `GET /?uri=` with
  the same wrk right before Kabar's GETs, and `POST /new` with the same posters right
  before Kabar's POSTs.

Only correct answers count: a GET whose status is 200 and whose body holds the thread's
first, middle and last comment (a wrk Lua script counts them), a POST answered as stored
and found once in the database under the id it was answered with. Each Kabar row is
printed with its ratio to the Isso row of the same kind measured right before it (the
machine is shared, so only ratios of runs seconds apart mean much). Repeated on PostgreSQL when
127.0.0.1:5432 answers.

    .venv/bin/python -m bench.api [--duration 10] [--no-postgres] [--no-isso] [--quick]
"""

import argparse
import asyncio
import collections
import contextlib
import json
import math
import os
import random
import re
import secrets
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

from bench import harness, isso_peer, post_load
from bench.front import CACHE_HEADER
from bench.run import fmt_ms, fmt_times
from bench.setup_site import EXTERNAL_THREAD_PATH, EXTERNAL_THREAD_TITLE

COMMENTS = 50
# The registered site's origin: sent as the Origin header, as the widget's page would send
# it; nothing is served there (no request ever leaves 127.0.0.1).
THREAD_ORIGIN = "http://blog-uji-beban.test"
API = "/api/v1/"
COMMENTS_PATH = f"{API}comments?lang=id"
# A request carrying this header is the reader's own (it may see their held comments), so
# the page cache steps aside; this value is no valid proof, so the answer is the anonymous
# one, rendered for this request.
UNCACHED = {"Kabar-Own": "bench-uncached"}
GOALS = {"list_get_vs_isso": 10.0, "posts_vs_isso": 2.0}
GET_CACHED, GET_UNCACHED, POST = "cached", "uncached", "post"


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# The list GET -------------------------------------------------------------------------------


def threads_path(thread, lang="id"):
    """The list GET the widget sends for the thread (its url, site, title and lang)."""
    query = urlencode(
        [
            ("url", thread["url"]),
            ("site", thread["site"]),
            ("title", EXTERNAL_THREAD_TITLE),
            ("lang", lang),
        ]
    )
    return f"{API}threads?{query}"


def needles(count=COMMENTS):
    """What a complete answer holds: the text of the thread's first, middle and last seeded
    comment (both seeds number theirs "(Catatan ke-N.)")."""
    return [f"(Catatan ke-{n}.)" for n in sorted({1, (count + 1) // 2, count})]


CHECK_SCRIPT = """\
-- Written by bench/api.py: counts the answers that are correct (status 200, the body
-- holding every needle) and those that are not; printed once wrk is done.
local needles = {%s}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok = 0
  bad = 0
end

function response(status, headers, body)
  if status ~= 200 then
    bad = bad + 1
    return
  end
  for _, needle in ipairs(needles) do
    if not string.find(body, needle, 1, true) then
      bad = bad + 1
      return
    end
  end
  ok = ok + 1
end

function done(summary, latency, requests)
  local good, wrong = 0, 0
  for _, thread in ipairs(threads) do
    good = good + thread:get("ok")
    wrong = wrong + thread:get("bad")
  end
  io.write(string.format("checked: %%d correct, %%d wrong\\n", good, wrong))
end
"""
CHECKED_RE = re.compile(r"^checked: (\d+) correct, (\d+) wrong$", re.M)


def check_script(path, strings):
    """Write wrk's Lua script counting answers that hold all of `strings` to `path`."""
    literals = ", ".join(json.dumps(s, ensure_ascii=True) for s in strings)
    Path(path).write_text(CHECK_SCRIPT % literals)
    return path


def measure_get(label, url, *, headers, strings, script_dir, args):
    """Warm up, then one bounded wrk run whose answers are checked; the row. Its rate is the
    correct answers per second; `errors` counts the wrong ones and socket errors."""
    script = check_script(Path(script_dir) / "check.lua", strings)
    options = {"connections": args.connections, "headers": headers, "script": script}
    if args.warmup:
        harness.wrk(url, duration=args.warmup, **options)
    result = harness.wrk(url, duration=args.duration, **options)
    match = CHECKED_RE.search(result["raw"])
    if match is None:
        raise RuntimeError(f"wrk's check printed nothing:\n{result['raw']}")
    correct, wrong = int(match.group(1)), int(match.group(2))
    seconds = result["requests"] / result["rps"] if result["rps"] else float("nan")
    row = {
        "label": label,
        "rps": correct / seconds if result["requests"] else 0.0,
        "p50": result["p50"],
        "p99": result["p99"],
        "errors": wrong + result["socket_errors"],
        "requests": result["requests"],
        "checked": {"correct": correct, "wrong": wrong},
    }
    log(
        f"{label}: {row['rps']:,.0f} correct answers/s ({correct:,} correct, {wrong:,} "
        f"wrong, {result['socket_errors']} socket errors), p50 {row['p50']:.2f} ms, "
        f"p99 {row['p99']:.2f} ms"
    )
    return row


def count_comments(comments, key="replies", status="approved"):
    """How many comments a nested list holds (each with its replies under `key`), of
    `status` when the comments say theirs (Isso's do not)."""
    return sum(
        (c.get("status", status) == status) + count_comments(c.get(key) or [], key, status)
        for c in comments
    )


def expect_thread(port, path, headers, what):
    """The thread's answer, checked whole once: 200, JSON, all 50 comments. The headers."""
    status, response_headers, body = harness.http_get(port, path, headers)
    if status != 200:
        raise RuntimeError(f"{what} {path} answered {status}: {body[:300]!r}")
    data = json.loads(body)
    found = count_comments(data.get("comments") or data.get("replies") or [])
    if found != COMMENTS or not all(s.encode() in body for s in needles()):
        raise RuntimeError(f"{what}: {found} approved comments in the answer, not {COMMENTS}")
    return response_headers


# The posters --------------------------------------------------------------------------------


@dataclass
class ApiStats(post_load.Stats):
    statuses: collections.Counter = field(default_factory=collections.Counter)  # answered


def comment_payload(thread, form, text, name, email):
    """The JSON the widget posts (api-shapes: POST /api/v1/comments), the honeypot empty."""
    return {
        "url": thread["url"],
        "site": thread["site"],
        "title": EXTERNAL_THREAD_TITLE,
        "parent": None,
        "body": text,
        "author_name": name,
        "author_email": email,
        "author_url": "",
        "notify_replies": False,
        "form_token": form["token"],
        form["honeypot"]: "",
    }


def parse_created(response):
    """(id, status) from the API's answer to a POST when it stored the comment, else None."""
    if response.status != 201:
        return None
    try:
        comment = json.loads(response.body)["comment"]
        if comment["status"] not in ("approved", "pending"):
            return None
        return int(comment["id"]), comment["status"]
    except (ValueError, KeyError, TypeError):
        return None


def problem_excerpt(response):
    """A refusal in a line: the problem's detail and field messages."""
    try:
        data = json.loads(response.body)
        text = " ".join(
            [data.get("detail") or data.get("title") or ""]
            + [
                f"{name}: {' '.join(messages)}"
                for name, messages in (data.get("errors") or {}).items()
            ]
        )
    except (ValueError, AttributeError):
        text = response.body.decode("utf-8", "replace")
    retry = response.header("retry-after")
    return " ".join(text.split())[:300] + (f" (Retry-After: {retry})" if retry else "")


async def fetch_form(conn, cfg, stats):
    """The form part of the thread's list GET ({token, honeypot}), or None (counted)."""
    try:
        response = await conn.request("GET", cfg.path, {"Origin": THREAD_ORIGIN})
    except (post_load.NotSent, post_load.InDoubt) as exc:
        stats.form_errors[type(exc).__name__] += 1
        return None
    try:
        form = json.loads(response.body)["form"] if response.status == 200 else None
        return {"token": form["token"], "honeypot": form["honeypot"]}
    except (ValueError, KeyError, TypeError):
        stats.form_errors[f"GET {response.status}"] += 1
        return None


async def poster(index, cfg, stats, identity, thread):
    """One reader of the other site posting through the widget's calls until
    `stats.deadline`: the form token from the list GET (reused for cfg.refetch_after s,
    fetched again after any refusal), then the JSON POST, from the site's origin, with no
    cookie (the widget sends none); a known commenter sends the proof of their confirmed
    address in the Kabar-Trust header, as the widget does once the reader came back from
    the confirmation link (the same signed value as Kabar's kabar_trusted cookie)."""
    loop = asyncio.get_running_loop()
    rng = random.Random(f"{stats.run_id}-{index}")
    conn = post_load.Connection(cfg.host, cfg.port, timeout=cfg.timeout)
    headers = {
        "Content-Type": "application/json",
        "Origin": THREAD_ORIGIN,
        "User-Agent": "kabar-bench/1",
    }
    name, email = identity
    cookie = getattr(identity, "cookie", None)
    if cookie:
        headers["Kabar-Trust"] = cookie["value"].strip('"')
    form, form_at, seq = None, 0.0, 0
    try:
        while loop.time() < stats.deadline:
            if form is None or loop.time() - form_at > cfg.refetch_after:
                form = await fetch_form(conn, cfg, stats)
                if form is None:
                    await asyncio.sleep(cfg.backoff)
                    continue
                form_at = loop.time()
            marker = f"{stats.run_id}-{index}-{seq}"
            seq += 1
            text = post_load.comment_text(rng, marker)
            body = json.dumps(comment_payload(thread, form, text, name, email)).encode()
            start = loop.time()
            response = await post_load.send_counted(
                conn, stats, cfg, COMMENTS_PATH, headers, body, marker
            )
            if response is None:
                continue
            created = parse_created(response)
            if created is not None:
                comment_id, status = created
                stats.acked[marker] = comment_id
                stats.statuses[status] += 1
                stats.ack_times.append((loop.time(), marker))
                stats.ack_latency.append((loop.time() - start) * 1000)
            else:
                stats.refused[response.status] += 1
                stats.refusal_samples.setdefault(response.status, problem_excerpt(response))
                form = None
                if response.status >= 500:
                    await asyncio.sleep(cfg.backoff)
    finally:
        await conn.close()


async def run_posters(cfg, thread, stats=None):
    stats = stats or ApiStats(run_id=secrets.token_hex(3))
    loop = asyncio.get_running_loop()
    stats.started = loop.time()
    stats.deadline = stats.started + cfg.duration
    people = post_load.identities(cfg, stats.run_id)
    await asyncio.gather(*(poster(i, cfg, stats, people[i], thread) for i in range(cfg.posters)))
    stats.ended = loop.time()
    return stats


def correct_posts(check):
    """POSTs answered as stored and found once in the database under the answered id."""
    return check["accepted"] - check["wrong_id"]


def post_row(label, server, site, args):
    thread = site.info["thread"]
    cfg = post_load.Config(
        port=server.port,
        path=threads_path(thread),
        posters=args.posters,
        duration=args.post_duration,
        known_commenters=site.info.get("known_commenters") or [],
    )
    stats = post_load.run_coroutine(lambda: run_posters(cfg, thread))
    summary = stats.summary()
    rows = site.query(
        "SELECT id, status, body FROM discussion_comment WHERE body LIKE ?",
        (f"%[kb:{stats.run_id}-%",),
    )
    check = isso_peer.reconcile(stats.acked, rows)
    correct = correct_posts(check)
    elapsed = max(stats.ended - stats.started, 1e-9)
    errors = sum(summary["refused"].values()) + summary["in_doubt"]
    errors += len(check["lost"]) + check["wrong_id"]
    log(
        f"{label}: {correct / elapsed:,.0f} correct POSTs/s ({summary['acknowledged']} "
        f"answered {dict(stats.statuses)}, {correct} stored as answered {check['modes']}; "
        f"lost {len(check['lost'])}, wrong id {check['wrong_id']}, duplicates "
        f"{check['duplicates']}, refused {summary['refused']}, in doubt "
        f"{summary['in_doubt']}, form fetches failed {summary['form_errors']})"
    )
    for status, sample in summary["refusal_samples"].items():
        log(f"  refused {status}: {sample}")
    return {
        "label": label,
        "rps": correct / elapsed,
        "p50": summary["p50_ms"],
        "p99": summary["p99_ms"],
        "errors": errors,
        "requests": summary["sent"],
        "detail": {
            "summary": summary,
            "answered": dict(stats.statuses),
            "reconciled": {**check, "lost": len(check["lost"])},
        },
    }


# The rows --------------------------------------------------------------------------------


def kabar_rows(site, engine, args, workdir):
    """Kabar's three rows on one database (list GET cached, uncached, then the POSTs), and,
    unless --no-isso, Isso's two measured beside them: Isso's GET right before Kabar's, its
    POSTs right before Kabar's, Kabar idle meanwhile. On a shared machine the load from
    elsewhere then weighs on each pair alike (bench/run.py pairs its rows the same way)."""
    log(f"{engine}: preparing the site (migrate, a registered site, a thread of {COMMENTS})")
    info = site.prepare(demo=False, comments=COMMENTS, thread_origin=THREAD_ORIGIN)
    thread = info["thread"]
    if thread["approved_comments"] != COMMENTS:
        raise RuntimeError(f"the thread has {thread['approved_comments']} approved comments")
    server = harness.Server(site, workers=args.workers).start()
    log(f"{engine}: kabar serve on port {server.port}, thread {thread['url']}")
    prefix = "" if engine == "SQLite" else f"{engine}: "
    path = threads_path(thread)
    url = server.url(path)
    origin = {"Origin": THREAD_ORIGIN}
    rows, isso = [], []
    try:
        states = [
            expect_thread(server.port, path, origin, "list GET").get(CACHE_HEADER, "-")
            for _ in range(2)
        ]
        uncached = {**origin, **UNCACHED}
        bypass = expect_thread(server.port, path, uncached, "list GET, uncached")
        state = bypass.get(CACHE_HEADER, "-")
        log(f"{engine}: page cache says {' then '.join(states)}; with Kabar-Own: {state}")
        with contextlib.ExitStack() as stack:
            peer = None if args.no_isso else isso_peer_for(args, info, workdir, stack)
            label = f"{prefix}API list GET, {COMMENTS} comments, cached"
            if states[-1] != "hit":
                label += f" (X-Kabar-Cache: {states[-1]})"
            row = measure_get(
                label, url, headers=origin, strings=needles(), script_dir=workdir, args=args
            )
            rows.append({**row, "kind": GET_CACHED, "engine": engine})
            label = f"{prefix}API list GET, {COMMENTS} comments, uncached"
            if state == "hit":
                label += " (X-Kabar-Cache: hit)"
            row = measure_get(
                label, url, headers=uncached, strings=needles(), script_dir=workdir, args=args
            )
            rows.append({**row, "kind": GET_UNCACHED, "engine": engine})
            isso_posts = isso_peer.post_or_none(peer, args.post_duration) if peer else None
            label = f"{prefix}API comment POSTs, {args.posters} posters"
            rows.append({**post_row(label, server, site, args), "kind": POST, "engine": engine})
            if isso_posts is not None:
                isso = isso_rows(peer, isso_posts, args)
    finally:
        server.stop()
    for row in isso:
        row["pair"] = engine
    # Each Isso row above the Kabar rows it is paired with.
    return [*isso[:1], *rows[:2], *isso[1:], *rows[2:]]


def isso_peer_for(args, info, workdir, stack):
    """Isso started (in `stack`) on a thread seeded like Kabar's, its list GET measured by
    now (the Peer's `before`); None, the reason logged, when it could not be run."""

    def list_gets(server, uri):
        path = isso_peer.list_path(uri)
        expect_thread(server.port, path, {"Origin": server.origin}, "Isso GET")
        label = f"Isso GET /?uri=, {COMMENTS} comments"
        url = f"{server.origin}{path}"
        return measure_get(
            label,
            url,
            headers={"Origin": server.origin},
            strings=needles(),
            script_dir=workdir,
            args=args,
        )

    return isso_peer.start_or_none(
        stack,
        posters=args.posters,
        uri=EXTERNAL_THREAD_PATH,
        commenters=info.get("known_commenters") or isso_peer.KNOWN_COMMENTERS,
        before_posts=list_gets,
    )


def isso_rows(peer, posts, args):
    """Isso's list GET and POST rows from its Peer and its posters' run; [] (the reason
    logged) if the run could not be read."""
    post = isso_peer.row_or_none(peer, [posts])
    if post is None:
        return []
    peer_name = f"PyPI {post['version']}, gunicorn {isso_peer.WORKERS} workers"
    # As for Kabar's row: an answer naming another poster's comment is not a correct one
    # (bench/run.py counts it, the comment being stored).
    check = post["detail"]["reconciled"]
    post["rps"] = correct_posts(check) / post["detail"]["summary"]["seconds"]
    post["errors"] += check["wrong_id"]
    get = post["before_posts"]
    get.update(label=f"{get['label']} ({peer_name})", kind="get", isso=True, engine="Isso")
    post.update(
        label=f"Isso POST /new ({peer_name}, guard off), {args.posters} posters",
        kind=POST,
        engine="Isso",
    )
    return [get, post]


def isso_peers(rows):
    """The Isso row each Kabar row is divided by, the one of its kind measured beside its
    database's rows (its "pair"): a function of the Kabar row, None when there is none.
    The kind is "get" for both list GETs."""
    peers = {(row["pair"], row["kind"]): row for row in rows if row.get("isso")}
    return lambda row: peers.get((row["engine"], peer_kind(row)))


def peer_kind(row):
    return POST if row["kind"] == POST else "get"


def add_ratios(rows):
    """Each Kabar row's rate ÷ the Isso row of its kind measured beside it (list GETs to
    Isso's GET, POSTs to its POST), as `vs_isso`."""
    peer_of = isso_peers(rows)
    for row in rows:
        if row.get("isso"):
            continue
        peer = peer_of(row)
        if peer is not None:
            row["vs_isso"] = row["rps"] / peer["rps"] if peer["rps"] else float("nan")
    return rows


def table(rows, args):
    lines = [
        f"| 127.0.0.1: wrk -c{args.connections} (GETs), {args.posters} posters (POSTs) "
        "| req/s | p50 | p99 | vs Isso |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in rows:
        errors = f" ({row['errors']:,} wrong or failed)" if row.get("errors") else ""
        ratio = "1×" if row.get("isso") else fmt_times(row.get("vs_isso"))
        lines.append(
            f"| {row['label']}{errors} | {row['rps']:,.0f} | {fmt_ms(row['p50'])} | "
            f"{fmt_ms(row['p99'])} | {ratio} |"
        )
    return "\n".join(lines)


def goals(rows):
    """The goal lines: per database, each list GET ≥ 10× Isso's, the POSTs ≥ 2× Isso's."""
    lines = []
    peer_of = isso_peers(rows)
    for row in rows:
        if "vs_isso" not in row:
            continue
        goal = GOALS["posts_vs_isso"] if row["kind"] == POST else GOALS["list_get_vs_isso"]
        peer = peer_of(row)
        ratio = row["vs_isso"]
        met = not math.isnan(ratio) and ratio >= goal
        what = "comment POSTs" if row["kind"] == POST else f"list GET, {row['kind']}"
        lines.append(
            f"- [{'x' if met else ' '}] {row['engine']}: {what} ≥ {goal:g}× Isso's "
            f"({peer['rps']:,.0f}/s): {fmt_times(ratio)} ({row['rps']:,.0f}/s)"
        )
    return "\n".join(lines)


def notes(rows):
    """What the table cannot say: what each POST row stored, and how."""
    out = []
    for row in rows:
        if row["kind"] != POST:
            continue
        check = row["detail"]["reconciled"]
        modes = ", ".join(f"{n:,} {k}" for k, n in sorted(check["modes"].items())) or "none"
        refused = row["detail"]["summary"]["refused"]
        out.append(
            f"{row['label']}: stored {modes}; {check['lost']} lost, {check['duplicates']} "
            f"stored twice, {check['wrong_id']} answered with another comment's id"
            + (f", refused {refused}" if refused else "")
            + "."
        )
    return "\n".join(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per GET row")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--posters", type=int, default=8)
    parser.add_argument("--post-duration", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=None, help="default: kabar serve's")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--no-isso", action="store_true", help="leave out Isso's rows")
    parser.add_argument("--quick", action="store_true", help="3 s runs: a smoke test")
    parser.add_argument("--json", help="also write the rows to this file")
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.post_duration = 3, 1, 4.0
    harness.install_cleanup()
    if not harness.wrk_available():
        sys.exit("wrk is not installed: run `make bench-api`, which installs it")
    workdir = Path(tempfile.mkdtemp(prefix="kabar-bench-api-"))
    harness.on_exit(lambda: shutil.rmtree(workdir, ignore_errors=True))
    started = time.monotonic()
    load = os.getloadavg()[0]
    if load > 1.0:
        log(f"load average {load:.1f}: other work is using the CPU, figures will be low")
    if not args.no_isso:
        try:
            isso_peer.ensure_venv()
        except Exception as exc:
            log(f"Isso could not be installed, no Isso rows: {exc}")
            args.no_isso = True
    rows = []
    try:
        site = harness.Site.create("api-sqlite")
        rows += kabar_rows(site, "SQLite", args, workdir)
        if not args.no_postgres:
            if harness.pg_reachable():
                name = f"kabar_bench_api_{os.getpid()}"
                url = harness.pg_create_database(name)
                pg_site = harness.Site.create("api-postgres", database_url=url)
                rows += kabar_rows(pg_site, "PostgreSQL", args, workdir)
                harness.pg_drop_database(name)
            else:
                log("PostgreSQL at 127.0.0.1:5432 does not answer: SQLite only")
    finally:
        harness.cleanup_all()
    add_ratios(rows)
    print()
    print(table(rows, args))
    print()
    print(notes(rows))
    print()
    print("Goals (issue 9), against Isso in this run:")
    print(goals(rows) or "- no Isso rows: no ratio")
    print(
        f"\n({time.monotonic() - started:.0f} s; {os.cpu_count()} cores, load average "
        f"{load:.1f} at the start; wrk -t2 -c{args.connections} -d{args.duration}s after "
        f"{args.warmup} s warm-up; {args.posters} posters for {args.post_duration:.0f} s)"
    )
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows}, indent=2, default=str))


if __name__ == "__main__":
    main()
