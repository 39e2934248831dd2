"""`make bench`: Kabar under load against nginx serving the same page as a static file.

Starts Kabar with production settings (`kabar serve`) on a throwaway SQLite site with the
demo content and an article with 50 approved comments; saves that article's HTML for
nginx to serve as the reference; runs wrk (16 connections, bounded) against the reference,
Kabar's cached article, the uncached article, the section front and the example nginx
configuration in front of Kabar; then the same 8 concurrent comment posters against Isso
(bench/isso_peer.py: from PyPI, gunicorn, its own SQLite database, started afresh) and right
after against Kabar, whose ratio is to that Isso run. Repeats on PostgreSQL when
127.0.0.1:5432 answers. Prints one table. Everything on 127.0.0.1, every
process stopped at the end, whatever happens.

    .venv/bin/python -m bench.run [--duration 10] [--no-postgres] [--quick] [--no-isso]
    .venv/bin/python -m bench.run --posts-only --no-postgres   # Kabar's and Isso's POSTs only
"""

import argparse
import collections
import contextlib
import json
import math
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from bench import harness, isso_peer
from bench.front import bypass_headers, cache_state, front_server_block
from bench.post_load import Config as PostConfig
from bench.post_load import marker_patterns
from bench.post_load import merged as post_merged
from bench.post_load import run as post_run

GOALS = {
    "cached_vs_nginx": 0.50,
    "front_vs_nginx": 0.90,
    "uncached_rps": 300,
    "posts_per_s": 600,
    "peak_mb": 150,
}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def profile(server, args, name, seconds):
    """With --profile DIR: py-spy records every web worker and the task worker for
    `seconds`, in the background, into DIR/<name>-<pid>.svg (flame graphs, open them in a
    browser), or with
    --profile-format raw into DIR/<name>-<pid>.txt (collapsed stacks, one per line, for
    flamegraph.pl, speedscope or grep)."""
    pyspy = shutil.which("py-spy", path=str(harness.BIN)) or shutil.which("py-spy")
    if not args.profile or server is None or not pyspy:
        return []
    out = Path(args.profile)
    out.mkdir(parents=True, exist_ok=True)
    procs = []
    for row in server.memory():
        if row["role"] in ("worker", "task worker"):
            suffix = "svg" if args.profile_format == "flamegraph" else "txt"
            target = out / f"{name.replace(' ', '-').replace(',', '')}-{row['pid']}.{suffix}"
            argv = [pyspy, "record", "--pid", row["pid"], "--duration", int(seconds)]
            argv += ["--format", args.profile_format]
            argv += ["--rate", 100, "--nonblocking", "--output", target]
            procs.append(harness.spawn(argv, log=out / "py-spy.log"))
    return procs


def measure(label, url, args, headers=None, server=None):
    """Warm up, then one bounded wrk run; the row for the table."""
    harness.wrk(url, connections=args.connections, duration=args.warmup, headers=headers)
    profilers = profile(server, args, label, args.duration)
    result = harness.wrk(url, connections=args.connections, duration=args.duration, headers=headers)
    for proc in profilers:
        proc.wait(timeout=60)
    bad = result["non2xx"] + result["socket_errors"]
    log(
        f"{label}: {result['rps']:,.0f} req/s, p50 {result['p50']:.2f} ms, "
        f"p99 {result['p99']:.2f} ms" + (f", {bad} errors" if bad else "")
    )
    return {
        "label": label,
        "rps": result["rps"],
        "p50": result["p50"],
        "p99": result["p99"],
        "errors": bad,
        "requests": result["requests"],
    }


# What every browser sends. The reference then serves the same compressed bytes Kabar sends
# (nginx's gzip_static with the saved copy), so both rows compare like with like.
GZIP = {"Accept-Encoding": "gzip"}
GZIP_LABEL = "cached article, gzip (as browsers ask)"


def expect_ok(port, path, headers=None, what="page"):
    status, response_headers, body = harness.http_get(port, path, headers)
    if status != 200:
        raise RuntimeError(f"{what} {path} answered {status}: {body[:300]!r}")
    return response_headers, body


def post_rows(label, server, site, args):
    """The comment-POST row for one Kabar server, and, unless --no-isso, Isso's row measured
    right before it, as each wrk row is paired with a run of the nginx reference: the load
    the shared machine carries from elsewhere then weighs on both alike, and Kabar's ratio
    is to that Isso row (`isso_rps`), never to another database's. Isso starts fresh for
    each pair, its thread seeded as Kabar's is; should it fail, Kabar's row stands alone.
    With --post-slices N the two alternate in N slices each (Isso, Kabar, Isso, …),
    --post-duration in all for each, the disk's writeback settled between slices.
    Measured (bench/README.md): slices made the PostgreSQL ratio lower, not steadier, and
    the posters' synchronised form fetches at each slice's start raised the workers' peak
    memory, so one slice is the default."""
    known = site.info.get("known_commenters") or []
    isso, isso_parts, parts = None, [], []
    with contextlib.ExitStack() as stack:
        peer = None
        if not args.no_isso:
            peer = isso_peer.start_or_none(
                stack,
                posters=args.posters,
                uri=site.info["article_url"],
                commenters=known or isso_peer.KNOWN_COMMENTERS,
                moderation=args.isso_moderation == "kabar",
            )
        slices = max(1, args.post_slices) if peer else 1
        cfg = PostConfig(
            port=server.port,
            path=site.info["article_url"],
            posters=args.posters,
            duration=args.post_duration / slices,
            known_commenters=known,
        )
        for n in range(slices):
            if peer:
                part = isso_peer.post_or_none(peer, cfg.duration)
                if part is None:
                    peer = None  # Kabar's runs carry on without Isso
                else:
                    isso_parts.append(part)
                    if slices > 1:
                        settle()
            name = f"{label}, slice {n + 1}" if slices > 1 else label
            profilers = profile(server, args, name, cfg.duration)
            parts.append(post_run(cfg))
            for proc in profilers:
                proc.wait(timeout=60)
            if slices > 1 and n + 1 < slices:
                settle()
            if peer and slices > 1:
                isso_rate, rate = (
                    p.summary()["acknowledged_per_s"] for p in (isso_parts[-1], parts[-1])
                )
                log(f"{name} of {slices}: Isso {isso_rate:,.0f}/s, Kabar {rate:,.0f}/s")
        if peer:
            isso = isso_peer.row_or_none(peer, isso_parts)
    row = kabar_post_row(label, site, post_merged(parts))
    if isso is None:
        return [row]
    row["isso_rps"] = isso["rps"]
    return [isso, row]


def settle():
    """Between two slices: what the last one left for the disk is written out before the
    next starts (os.sync), so that its writeback does not slow the next one's commits."""
    os.sync()


def kabar_post_row(label, site, stats):
    summary = stats.summary()
    statuses = collections.Counter()
    for pattern in marker_patterns(stats.run_id):
        sql = "SELECT status, COUNT(*) FROM discussion_comment WHERE body LIKE ? GROUP BY status"
        statuses.update(dict(site.query(sql, (pattern,))))
    statuses = dict(statuses)
    stored = sum(statuses.values())
    errors = sum(summary["refused"].values()) + summary["in_doubt"]
    log(
        f"{label}: {summary['acknowledged_per_s']:,.0f} accepted/s "
        f"({summary['acknowledged']} acknowledged, {stored} stored {statuses}, "
        f"refused {summary['refused']}, in doubt {summary['in_doubt']})"
    )
    for status, sample in summary["refusal_samples"].items():
        log(f"  refused {status}: {sample}")
    return {
        "label": label,
        "rps": summary["acknowledged_per_s"],
        "p50": summary["p50_ms"],
        "p99": summary["p99_ms"],
        "errors": errors,
        "requests": summary["sent"],
        "detail": {"summary": summary, "stored": stored, "statuses": statuses},
    }


def bench_site(site, kind, args, workdir, refs):
    """All rows for one database. Each wrk row is measured right after a run of the nginx
    reference, and its ratio is to that run: on a shared machine, background load then
    weighs on both alike. The reference runs are collected in `refs`."""
    rows = []
    log(f"{kind}: preparing the site (migrate, demo content, article with 50 comments)")
    info = site.prepare(demo=True, comments=50)
    server = harness.Server(site, workers=args.workers).start()
    log(f"{kind}: kabar serve on port {server.port} ({server.argv[1:]})")
    article, section = info["article_url"], info["section_url"]
    _headers, html = expect_ok(server.port, article, what="article")
    gz_headers, gz_html = expect_ok(server.port, article, GZIP, what="article, gzip")
    if gz_headers.get("content-encoding") != "gzip":
        raise RuntimeError(f"article asked for with gzip came back as {gz_headers}")
    expect_ok(server.port, section, what="section front")
    uncached = bypass_headers()
    for path in (article, section):
        cache_state(server.port, path)  # fill the cache
    log(
        f"{kind}: page cache says article {cache_state(server.port, article)}, "
        f"section {cache_state(server.port, section)}, "
        f"article with the bypass cookie {cache_state(server.port, article, uncached)}"
    )
    nginx = harness.Nginx(workdir / site.tag, workers=args.nginx_workers)
    try:
        nginx.save_page(article, html, gzip_body=gz_html)
        if not refs:  # the example configuration in front: once, on the first database
            front_port = harness.free_port()
            config = front_server_block(server.port, front_port, nginx.dir, site.data_dir)
            if config:
                nginx.front(config, front_port)
        nginx.start()
        log(f"nginx: reference on port {nginx.static_port}, front on {nginx.front_port}")
        if nginx.front_port:
            states = [
                harness.http_get(nginx.front_port, article)[1].get("x-cache-status", "-")
                for _ in range(3)
            ]
            log(f"nginx in front: X-Cache-Status of three GETs: {', '.join(states)}")
        ref_url = f"http://{harness.HOST}:{nginx.static_port}{article}"

        def paired(label, url, headers=None, **kwargs):
            ref_label = "nginx static file (reference)"
            ref = measure(ref_label, ref_url, args, headers=headers)
            if headers is None:
                refs.append(ref)
            row = measure(label, url, args, headers=headers, **kwargs)
            row["ref_rps"] = ref["rps"]
            if headers is not None:
                row["ref"] = {k: ref[k] for k in ("rps", "p50", "p99", "errors")}
            return row

        prefix = "" if kind == "SQLite" else f"{kind}: "
        rows.append(paired(f"{prefix}cached article", server.url(article)))
        gzip_row = paired(f"{prefix}{GZIP_LABEL}", server.url(article), headers=GZIP)
        label = f"{prefix}nginx static file, gzip_static (reference for the next row)"
        rows.append({**gzip_row, "label": label, "rps": gzip_row["ref_rps"], **gzip_row["ref"]})
        rows.append(gzip_row)
        rows.append(
            paired(
                f"{prefix}uncached article, 50 comments",
                server.url(article),
                headers=uncached,
                server=server,
            )
        )
        rows.append(paired(f"{prefix}section front", server.url(section)))
        if nginx.front_port:
            rows.append(
                paired(
                    "cached article, nginx (deploy/nginx/kabar.conf) in front",
                    f"http://{harness.HOST}:{nginx.front_port}{article}",
                )
            )
        posts = post_rows(f"{prefix}comment POSTs, {args.posters} posters", server, site, args)
        for post in posts:
            post["ref_rps"] = refs[-1]["rps"]
        rows += posts
        memory = server.memory()
    finally:
        server.stop()
        nginx.stop()
    return rows, memory


def bench_posts_only(site, kind, args):
    """Only the comment-POST row for one database (--posts-only): no nginx, no wrk."""
    log(f"{kind}: preparing the site (migrate, demo content, article with 50 comments)")
    info = site.prepare(demo=True, comments=50)
    server = harness.Server(site, workers=args.workers).start()
    log(f"{kind}: kabar serve on port {server.port} ({server.argv[1:]})")
    try:
        expect_ok(server.port, info["article_url"], what="article")
        prefix = "" if kind == "SQLite" else f"{kind}: "
        rows = post_rows(f"{prefix}comment POSTs, {args.posters} posters", server, site, args)
        memory = server.memory()
    finally:
        server.stop()
    return rows, memory


def is_kabar_posts(row):
    return "comment POSTs" in row["label"] and not row.get("isso")


def add_isso_ratios(rows):
    """Kabar's accepted POSTs/s ÷ Isso's, on every Kabar comment-POST row measured beside an
    Isso run (`isso_rps`): `vs_isso`."""
    for row in rows:
        if is_kabar_posts(row) and "isso_rps" in row:
            peer = row["isso_rps"]
            row["vs_isso"] = row["rps"] / peer if peer else float("nan")
    return rows


def fmt_times(value):
    """A ratio as `0.34×`: two decimals below 10, one above."""
    if value is None or math.isnan(value) or math.isinf(value):
        return "–"
    return f"{value:.2f}×" if value < 10 else f"{value:.1f}×"


def reference_row(refs):
    """The reference as one row: the median of its runs, with their spread."""
    middle = sorted(refs, key=lambda r: r["rps"])[len(refs) // 2]
    low, high = min(r["rps"] for r in refs), max(r["rps"] for r in refs)
    return {
        **middle,
        "label": f"nginx static file (reference; median of {len(refs)} runs, "
        f"{low:,.0f}–{high:,.0f})",
        "ref_rps": middle["rps"],
    }


def fmt_ms(value):
    if value is None or math.isnan(value):
        return "–"
    return f"{value:.1f} ms" if value >= 10 else f"{value:.2f} ms"


def web_workers(memory):
    return [m for m in memory if m["role"] == "worker"] or memory


def memory_lines(memory_by_kind):
    lines = []
    for kind, memory in memory_by_kind.items():
        workers = web_workers(memory)
        peaks = ", ".join(f"{m['peak_mb']:.0f}" for m in workers)
        others = "; ".join(f"{m['role']} {m['peak_mb']:.0f} MB" for m in memory if m not in workers)
        lines.append(
            f"Peak memory (VmHWM) per web worker, {kind}: {peaks} MB"
            + (f" (other processes of `kabar serve`: {others})" if others else "")
        )
    return lines


def table(rows, refs, memory_by_kind):
    lines = [
        "| wrk -c16, 127.0.0.1 | req/s | p50 | p99 | vs nginx |",
        "|---|---:|---:|---:|---:|",
    ]
    for row in [reference_row(refs), *rows] if refs else rows:
        ratio = f"{row['rps'] / row['ref_rps']:.1%}" if row.get("ref_rps") else "–"
        errors = f" ({row['errors']} errors)" if row.get("errors") else ""
        vs_isso = f" ({fmt_times(row['vs_isso'])} Isso)" if "vs_isso" in row else ""
        lines.append(
            f"| {row['label']}{vs_isso}{errors} | {row['rps']:,.0f} | {fmt_ms(row['p50'])} | "
            f"{fmt_ms(row['p99'])} | {ratio} |"
        )
    return "\n".join([*lines, "", *memory_lines(memory_by_kind)])


def goals(rows, memory_by_kind):
    by = {row["label"]: row for row in rows}
    checks = []

    def ratio_check(row, goal, name):
        if row is not None:
            ratio = row["rps"] / row["ref_rps"]
            checks.append((f"{name} ≥ {goal:.0%} of nginx", ratio >= goal, f"{ratio:.1%}"))

    ratio_check(by.get("cached article"), GOALS["cached_vs_nginx"], "cached article")
    ratio_check(by.get(GZIP_LABEL), GOALS["cached_vs_nginx"], GZIP_LABEL)
    front = next((r for label, r in by.items() if "in front" in label), None)
    ratio_check(front, GOALS["front_vs_nginx"], "nginx in front")
    uncached = by.get("uncached article, 50 comments")
    if uncached is not None:
        checks.append(
            (
                f"uncached article, 50 comments ≥ {GOALS['uncached_rps']} req/s",
                uncached["rps"] >= GOALS["uncached_rps"],
                f"{uncached['rps']:,.0f} req/s",
            )
        )
    posts = next((r for label, r in by.items() if label.startswith("comment POSTs")), None)
    if posts:
        checks.append(
            (
                f"≥ {GOALS['posts_per_s']} accepted comment POSTs/s on SQLite",
                posts["rps"] >= GOALS["posts_per_s"],
                f"{posts['rps']:,.0f}/s",
            )
        )
    for kind, memory in memory_by_kind.items():
        peak = max(m["peak_mb"] for m in web_workers(memory))
        checks.append(
            (
                f"peak memory ≤ {GOALS['peak_mb']} MB per worker ({kind})",
                peak <= GOALS["peak_mb"],
                f"{peak:.0f} MB",
            )
        )
    lines = [f"- [{'x' if ok else ' '}] {name}: {value}" for name, ok, value in checks]
    ratios = ", ".join(
        f"{r['label'].split(': ')[0] if ': ' in r['label'] else 'SQLite'} "
        f"{fmt_times(r['vs_isso'])} (Isso {r['isso_rps']:,.0f}/s)"
        for r in rows
        if "vs_isso" in r
    )
    if ratios:
        lines.append(
            "- accepted comment POSTs/s, Kabar ÷ Isso (each against the Isso run measured "
            f"beside it) in this run: {ratios}"
        )
    return "\n".join(lines)


def isso_notes(rows):
    """What the table cannot say about the Isso row: what it published and held, and any
    answer that named another poster's comment."""
    notes = []
    for row in rows:
        if not row.get("isso"):
            continue
        detail = row["detail"]
        check = detail["reconciled"]
        memory = [m for m in detail["memory"] if m["role"] == "worker"] or detail["memory"]
        peaks = ", ".join(f"{m['peak_mb']:.0f}" for m in memory)
        modes = ", ".join(f"{n:,} {k}" for k, n in sorted(check["modes"].items()))
        moderation = (
            "as Kabar's (approve-if-email-previously-approved)" if detail["moderation"] else "off"
        )
        notes.append(
            f"Isso {row['version']}: {check['accepted']:,} accepted and stored ({modes}), "
            f"moderation {moderation}; {check['lost']} lost, {check['duplicates']} stored "
            f"twice; peak memory (VmHWM) per gunicorn worker {peaks} MB."
        )
        if check["wrong_id"]:
            notes.append(
                f"Isso answered {check['wrong_id']} of them with the id (and mode) of another "
                "poster's comment, stored a moment before by the other worker: it reads "
                "`MAX(id)` after its INSERT, under a lock each gunicorn worker holds alone. "
                "Counted as accepted (the comment itself is stored)."
            )
    return "\n".join(notes)


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds per wrk run")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of warm-up per target")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--posters", type=int, default=8)
    parser.add_argument("--post-duration", type=float, default=15.0)
    parser.add_argument(
        "--post-slices",
        type=int,
        default=1,
        help="alternate Kabar's and Isso's comment POSTs in this many slices each "
        "(default: Isso's run, then Kabar's, each for --post-duration)",
    )
    parser.add_argument("--workers", type=int, default=None, help="default: kabar serve's")
    parser.add_argument("--nginx-workers", default="auto")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument(
        "--redis", action="store_true", help="also SQLite with a private Redis (REDIS_URL)"
    )
    parser.add_argument("--quick", action="store_true", help="3 s runs: a smoke test")
    parser.add_argument("--no-isso", action="store_true", help="leave out the Isso row")
    parser.add_argument(
        "--isso-moderation",
        choices=("kabar", "off"),
        default="kabar",
        help="Isso like Kabar's defaults (approved commenters published, others held), or off",
    )
    parser.add_argument(
        "--posts-only",
        action="store_true",
        help="only the comment-POST rows (Kabar, Isso): no nginx, no wrk",
    )
    parser.add_argument("--json", help="also write the results to this file")
    parser.add_argument("--profile", metavar="DIR", help="py-spy flame graphs of the workers")
    parser.add_argument(
        "--profile-format",
        choices=["flamegraph", "raw"],
        default="flamegraph",
        help="with --profile: SVG flame graphs, or collapsed stacks as text",
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.duration, args.warmup, args.post_duration = 3, 1, 4.0
    return args


def main(argv=None):
    args = parse_args(argv)
    harness.install_cleanup()
    for tool in () if args.posts_only else ("wrk", "nginx"):
        if (
            tool == "wrk"
            and not harness.wrk_available()
            or tool == "nginx"
            and not harness.nginx_binary()
        ):
            sys.exit(f"{tool} is not installed: run `make bench`, which installs it")
    workdir = Path(tempfile.mkdtemp(prefix="kabar-bench-"))
    workdir.chmod(0o755)
    harness.on_exit(lambda: shutil.rmtree(workdir, ignore_errors=True))
    started = time.monotonic()
    load = os.getloadavg()[0]
    if load > 1.0:
        log(f"load average {load:.1f}: other work is using the CPU, figures will be low")
    if not args.no_isso:
        # Installed (the first time: from PyPI, about a minute) before anything is measured.
        try:
            isso_peer.ensure_venv()
        except Exception as exc:
            log(f"Isso could not be installed, no Isso row: {exc}")
            args.no_isso = True

    def one_site(site, kind):
        if args.posts_only:
            return bench_posts_only(site, kind, args)
        return bench_site(site, kind, args, workdir, refs)

    rows, refs, memory_by_kind = [], [], {}
    try:
        site = harness.Site.create("sqlite")
        sqlite_rows, memory_by_kind["SQLite"] = one_site(site, "SQLite")
        rows += sqlite_rows
        if not args.no_postgres:
            if harness.pg_reachable():
                name = f"kabar_bench_{os.getpid()}"
                url = harness.pg_create_database(name)
                pg_site = harness.Site.create("postgres", database_url=url)
                pg_rows, memory_by_kind["PostgreSQL"] = one_site(pg_site, "PostgreSQL")
                rows += pg_rows
                harness.pg_drop_database(name)
            else:
                log("PostgreSQL at 127.0.0.1:5432 does not answer: SQLite only")
        if args.redis:
            redis = harness.PrivateRedis(workdir / "redis").start()
            redis_site = harness.Site.create("redis", redis_url=redis.url)
            kind = "SQLite + Redis"
            redis_rows, memory_by_kind[kind] = one_site(redis_site, kind)
            rows += redis_rows
    finally:
        harness.cleanup_all()
    add_isso_ratios(rows)
    print()
    print(table(rows, refs, memory_by_kind))
    notes = isso_notes(rows)
    if notes:
        print(notes)
    print()
    print("Goals (issue 4):")
    print(goals(rows, memory_by_kind))
    print(
        f"\n({time.monotonic() - started:.0f} s; {os.cpu_count()} cores, load average "
        f"{load:.1f} at the start; wrk -t2 -c{args.connections} -d{args.duration}s after "
        f"{args.warmup} s warm-up; {args.posters} posters for {args.post_duration:.0f} s)"
    )
    if args.json:
        Path(args.json).write_text(
            json.dumps(
                {"rows": rows, "references": refs, "memory": memory_by_kind}, indent=2, default=str
            )
        )


if __name__ == "__main__":
    main()
