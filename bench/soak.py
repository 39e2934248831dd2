"""A soak (`make soak`): `kabar serve` with production settings under a steady mix of reads
and comment posts at a fixed rate, for ten minutes; the resident memory (RSS) of every
process of the server is sampled from /proc, and after a warm-up it must stay flat.

    .venv/bin/python -m bench.soak [--minutes 10] [--reads-per-s 20] [--posts-per-s 1]

The reads are what a site meets all day: cached fronts, articles, feeds and the sitemap;
articles rendered afresh (a private cookie); addresses with tracking or comment-page query
strings; and missing pages, as scanners ask for them. Every post is a reader's: fetch the
article, read the form's fields, post with the page as Origin, half under the name and
address of commenters with approved comments (from the browser they confirmed it in, so
published at once), half as new ones (held for moderation).

Exits non-zero when any process's RSS after the warm-up rose more than --tolerance (10 %)
above its level when the warm-up ended, a process of the server went away or was replaced,
or any answer was a 5xx.
"""

import argparse
import asyncio
import collections
import json
import os
import random
import re
import secrets
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode, urlsplit

from bench import harness
from bench.front import bypass_headers
from bench.post_load import (
    ACK_RE,
    Connection,
    InDoubt,
    NotSent,
    browser_cookies,
    comment_text,
    form_filler,
    parse_form,
    run_coroutine,
)

HREF_RE = re.compile(rb'href="(/[^"#?]*)"')


def log(message):
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


@dataclass
class Tally:
    """What the load did: answers by kind and status, and requests not started in time."""

    answers: collections.Counter = field(default_factory=collections.Counter)
    latency: collections.defaultdict = field(default_factory=lambda: collections.defaultdict(list))
    failed: collections.Counter = field(default_factory=collections.Counter)
    late: int = 0
    server_errors: list = field(default_factory=list)
    run_id: str = ""

    def record(self, kind, status, seconds, path):
        self.answers[(kind, status)] += 1
        self.latency[kind].append(seconds * 1000)
        if status >= 500 and len(self.server_errors) < 10:
            self.server_errors.append(f"{status} {path}")

    def count(self, kind=None, statuses=None):
        return sum(
            n
            for (k, status), n in self.answers.items()
            if (kind is None or k == kind) and (statuses is None or status in statuses)
        )


class Pool:
    """Kept-alive connections to the server, one per request in flight."""

    def __init__(self, port):
        self.port = port
        self.idle = []

    def take(self):
        return self.idle.pop() if self.idle else Connection(harness.HOST, self.port, timeout=30)

    def give(self, conn):
        self.idle.append(conn)

    async def close(self):
        for conn in self.idle:
            await conn.close()


def read_paths(port, info):
    """The addresses readers ask for: the site's fronts and feeds, and every page the home
    page links to."""
    _status, _headers, home = harness.http_get(port, info["home_url"])
    linked = sorted({m.decode() for m in HREF_RE.findall(home) if not m.startswith(b"/static/")})
    fixed = [
        info["home_url"],
        info["section_url"],
        info["article_url"],
        "/feed/",
        "/feed/atom/",
        "/comments/feed/",
        f"/comments/feed/article/{info['article_id']}/",
        "/sitemap.xml",
    ]
    return list(dict.fromkeys(fixed + [p for p in linked if not p.startswith("/admin")]))


def a_read(rng, paths, article):
    """(path, headers) of one read from the day's mix."""
    roll = rng.random()
    if roll < 0.10:
        return f"/soak-{secrets.token_hex(6)}/", {}  # a missing page, a new address each time
    if roll < 0.20:
        return article, bypass_headers()  # rendered afresh
    if roll < 0.30:
        query = rng.choice([{"utm_source": secrets.token_hex(3)}, {"cpage": rng.randint(1, 3)}])
        return f"{rng.choice(paths)}?{urlencode(query)}", {}
    return rng.choice(paths), {}


async def read(pool, tally, path, headers):
    conn = pool.take()
    start = time.monotonic()
    try:
        response = await conn.request("GET", path, headers)
    except (NotSent, InDoubt) as exc:
        tally.failed[f"read {type(exc).__name__}"] += 1
        await conn.close()
    else:
        tally.record("read", response.status, time.monotonic() - start, path)
    pool.give(conn)


async def post(pool, tally, article, identity, marker, rng):
    """One reader's comment: the article, then the form posted back filled in."""
    conn = pool.take()
    origin = f"http://{harness.HOST}:{pool.port}"
    try:
        page = await conn.request("GET", article)
        form = parse_form(page.body) if page.status == 200 else None
        if form is None:
            tally.record("form", page.status, 0, article)
            return
        action, fields = form
        body = form_filler(fields, *identity)(comment_text(rng, marker))
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": origin,
            "Referer": origin + article,
        }
        post_path = urlsplit(action).path or action
        cookies = browser_cookies({}, identity, post_path)
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        start = time.monotonic()
        response = await conn.request("POST", post_path, headers, body)
        accepted = response.status in (302, 303) and ACK_RE.search(response.header("location"))
        tally.record("post", response.status, time.monotonic() - start, action)
        if not accepted:
            tally.failed[f"post refused {response.status}"] += 1
    except (NotSent, InDoubt) as exc:
        tally.failed[f"post {type(exc).__name__}"] += 1
        await conn.close()
    finally:
        pool.give(conn)


async def paced(rate, deadline, start_one, tally, limit=32):
    """Start `start_one()` `rate` times a second until `deadline`, whatever the answers'
    pace (an open loop, as readers arrive); one left out when `limit` are in flight."""
    loop = asyncio.get_running_loop()
    running = set()
    next_at = loop.time()
    while next_at < deadline:
        await asyncio.sleep(max(0.0, next_at - loop.time()))
        next_at += 1.0 / rate
        if len(running) >= limit:
            tally.late += 1
            continue
        task = asyncio.create_task(start_one())
        running.add(task)
        task.add_done_callback(running.discard)
    await asyncio.gather(*running)


def sample(server):
    """{pid: (role, RSS in MB)} of every process of the server now."""
    return {row["pid"]: (row["role"], row["rss_mb"]) for row in server.memory()}


async def soak(server, info, args, samples, tally):
    loop = asyncio.get_running_loop()
    deadline = loop.time() + args.minutes * 60
    rng = random.Random(args.seed)
    paths = read_paths(server.port, info)
    log(f"{len(paths)} addresses to read; {args.reads_per_s}/s reads, {args.posts_per_s}/s posts")
    pool = Pool(server.port)
    run_id = tally.run_id = secrets.token_hex(3)
    # KnownCommenters (Site.prepare), with their browsers' cookies.
    known = list(info.get("known_commenters") or [])
    posted = iter(range(10**9))

    def one_read():
        path, headers = a_read(rng, paths, info["article_url"])
        return read(pool, tally, path, headers)

    def one_post():
        n = next(posted)
        identity = (
            known[n % len(known)]
            if known and n % 2 == 0
            else (f"Pembaca Soak {run_id} {n}", f"soak.{run_id}.{n}@example.net")
        )
        return post(pool, tally, info["article_url"], identity, f"{run_id}-0-{n}", rng)

    async def sampler():
        started = loop.time()
        while loop.time() < deadline:
            samples.append((loop.time() - started, sample(server)))
            await asyncio.sleep(args.sample_seconds)
        samples.append((loop.time() - started, sample(server)))

    try:
        await asyncio.gather(
            sampler(),
            paced(args.reads_per_s, deadline, one_read, tally),
            paced(args.posts_per_s, deadline, one_post, tally),
        )
    finally:
        await pool.close()


def stored_posts(site, run_id, known):
    """What the database holds of the run's comments: {(who, status): n}, `who` "known"
    or "new", and {rule: n} of the rules that held a known commenter's comment."""
    emails = {email for _name, email in known}
    rows = site.query(
        "SELECT author_email, status, reasons FROM discussion_comment WHERE body LIKE ?",
        (f"%[kb:{run_id}-%",),
    )
    by_kind, held_by = collections.Counter(), collections.Counter()
    for email, status, reasons in rows:
        who = "known" if email in emails else "new"
        by_kind[(who, status)] += 1
        if who == "known" and status != "approved":
            for entry in json.loads(reasons or "[]"):
                if entry.get("effect") == "hold":
                    held_by[entry.get("rule")] += 1
    return by_kind, held_by


def verdict(samples, warmup, tolerance):
    """Per process: its RSS when the warm-up ended, its lowest and highest after, at the end,
    and its rise above the first figure."""
    after = [(t, by_pid) for t, by_pid in samples if t >= warmup]
    if not after:
        raise SystemExit("no sample after the warm-up: run longer than the warm-up")
    first, last = after[0][1], after[-1][1]
    rows = []
    for pid, (role, start) in sorted(first.items(), key=lambda item: item[1][0]):
        series = [by_pid[pid][1] for _t, by_pid in after if pid in by_pid]
        rise = (max(series) - start) / start if start else 0.0
        rows.append(
            {
                "pid": pid,
                "role": role,
                "start_mb": start,
                "min_mb": min(series),
                "max_mb": max(series),
                "end_mb": last[pid][1] if pid in last else None,
                "rise": rise,
                "flat": rise <= tolerance and pid in last,
            }
        )
    totals = [sum(rss for _role, rss in by_pid.values()) for _t, by_pid in after]
    rows.append(
        {
            "pid": "",
            "role": "all",
            "start_mb": totals[0],
            "min_mb": min(totals),
            "max_mb": max(totals),
            "end_mb": totals[-1],
            "rise": (max(totals) - totals[0]) / totals[0],
            "flat": (max(totals) - totals[0]) / totals[0] <= tolerance,
        }
    )
    replaced = sorted(set(last) - set(first))
    return rows, replaced


def report(rows, replaced, tally, args, warmup, stored=None):
    lines = [
        f"Soak: {args.minutes:g} min, {args.reads_per_s:g} reads/s and {args.posts_per_s:g} "
        f"posts/s; RSS sampled every {args.sample_seconds:g} s, warm-up {warmup:.0f} s",
        "",
        f"{'process':<12} {'pid':>7} {'after warm-up':>14} {'min':>8} {'max':>8} "
        f"{'end':>8} {'rise':>7}",
    ]
    for row in rows:
        end = f"{row['end_mb']:.1f}" if row["end_mb"] is not None else "gone"
        lines.append(
            f"{row['role']:<12} {row['pid']!s:>7} {row['start_mb']:>11.1f} MB "
            f"{row['min_mb']:>8.1f} {row['max_mb']:>8.1f} {end:>8} {row['rise']:>+7.1%}"
        )
    if replaced:
        lines.append(f"new processes after the warm-up (a worker replaced?): {replaced}")
    reads, posts = tally.count("read"), tally.count("post")
    accepted = tally.count("post", {302, 303})
    lines += [
        "",
        f"reads: {reads} ({_by_status(tally, 'read')}), p50 {_p(tally, 'read', 50)} ms, "
        f"p99 {_p(tally, 'read', 99)} ms",
        f"posts: {posts}, {accepted} accepted ({_by_status(tally, 'post')}), "
        f"p50 {_p(tally, 'post', 50)} ms",
        f"5xx answers: {tally.count(statuses=range(500, 600))}"
        + (f" (e.g. {'; '.join(tally.server_errors)})" if tally.server_errors else ""),
        f"not started in time (server behind): {tally.late}; failures: {dict(tally.failed)}",
    ]
    if stored is not None:
        by_kind, held_by = stored
        for who in ("known", "new"):
            counts = sorted((status, n) for (w, status), n in by_kind.items() if w == who)
            lines.append(
                f"stored from {who} commenters: {sum(n for _s, n in counts)} "
                f"({', '.join(f'{status}: {n}' for status, n in counts) or 'none'})"
            )
        if held_by:
            lines.append(f"known commenters' comments held by: {dict(held_by.most_common())}")
    return "\n".join(lines)


def _by_status(tally, kind):
    counts = sorted((status, n) for (k, status), n in tally.answers.items() if k == kind)
    return ", ".join(f"{status}: {n}" for status, n in counts)


def _p(tally, kind, pct):
    values = sorted(tally.latency[kind])
    if len(values) < 2:
        return "-"
    return f"{statistics.quantiles(values, n=100, method='inclusive')[pct - 1]:.0f}"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--minutes", type=float, default=10.0)
    parser.add_argument(
        "--warmup-minutes", type=float, help="default: 2, or a fifth of a shorter soak"
    )
    parser.add_argument("--reads-per-s", type=float, default=20.0)
    parser.add_argument("--posts-per-s", type=float, default=1.0)
    parser.add_argument("--sample-seconds", type=float, default=5.0)
    parser.add_argument("--tolerance", type=float, default=0.10, help="allowed RSS rise")
    parser.add_argument("--workers", type=int, default=None, help="default: kabar serve's")
    parser.add_argument("--seed", type=int, default=12)
    parser.add_argument("--json", help="also write the samples and the verdict to this file")
    args = parser.parse_args(argv)
    warmup = 60 * (
        args.warmup_minutes if args.warmup_minutes is not None else min(2.0, args.minutes / 5)
    )
    harness.install_cleanup()
    load = os.getloadavg()[0]
    if load > 1.0:
        log(f"load average {load:.1f}: other work is using the CPU")

    site = harness.Site.create("soak")
    log("preparing a site (migrations, demo content, an article with 50 comments)")
    info = site.prepare()
    server = harness.Server(site, workers=args.workers).start()
    log(f"kabar serve on port {server.port}: {len(server.processes())} processes")
    samples, tally, stored = [], Tally(), None
    try:
        run_coroutine(lambda: soak(server, info, args, samples, tally))
        stored = stored_posts(site, tally.run_id, info.get("known_commenters") or [])
    finally:
        server.stop()
        harness.cleanup_all()
    rows, replaced = verdict(samples, warmup, args.tolerance)
    print(report(rows, replaced, tally, args, warmup, stored))
    flat = all(row["flat"] for row in rows) and not replaced
    errors = tally.count(statuses=range(500, 600))
    print(
        f"\nVerdict: RSS {'flat' if flat else 'NOT flat'} within {args.tolerance:.0%} after "
        f"the warm-up; {errors} server errors."
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps({"samples": samples, "rows": rows}, indent=2, default=str)
        )
    sys.exit(0 if flat and not errors else 1)


if __name__ == "__main__":
    main()
