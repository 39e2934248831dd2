"""WordPress import speed and memory: two generated exports, one ten times the other, each
imported into a fresh database in a process of its own; peak RSS must not grow with the file.

    python -m bench.import_wordpress                  # 1,000/10,000 and 10,000/100,000
    python -m bench.import_wordpress --quick          # 200/2,000 and 2,000/20,000
    python -m bench.import_wordpress --database postgres://postgres@127.0.0.1:5432/postgres

Each import runs `import_wordpress()` as `kabar import-wordpress` does, under production
settings (SQLite in WAL mode, synchronous=NORMAL) in a child process that first sets Django
up and makes the home page, then reads its own RSS (the baseline), imports, and reports its
high-water mark (VmHWM); the parent checks it against os.wait4()'s ru_maxrss for that child.
The counts the importer reports are checked against what the generator wrote.
"""

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

from bench import harness, wxr_generate

# Peak RSS of the large run may exceed the small run's by at most this much. What may grow
# with the file is small and bounded by design (a dict entry per post for pages' parents, a
# set of changed page ids, the report's list of notes): a few MB at 10,000 posts, against a
# baseline process of about 120 MB. The rest of the allowance absorbs SQLite's page cache
# and Python's allocator keeping freed arenas, which settle at different levels run to run.
# 25 % of ~125 MB is ~30 MB: a leak of 3 KB per post or 350 bytes per comment (a page
# object, a parsed body or a query log kept per item) across the large run's 9,000 extra
# posts and 90,000 extra comments exceeds it.
GROWTH_BOUND = 0.25
FULL = (10000, 100000)
QUICK = (2000, 20000)
PINGBACK = "<wp:comment_type><![CDATA[pingback]]></wp:comment_type>"


def log(message):
    print(f"[import-bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# The child: one import, measured from inside ------------------------------------------------


def status_kb(key):
    for line in Path("/proc/self/status").read_text().splitlines():
        name, _, value = line.partition(":")
        if name == key:
            return int(value.split()[0])
    return 0


def child(path, out, trace=False):
    """Set up, note the baseline RSS, import `path`, write what happened to `out` (JSON).
    With `trace`, tracemalloc (slow) names where memory held after the 50th item grew."""
    import tracemalloc

    import django

    django.setup()
    from bench.setup_site import make_tree
    from kabar.ingest.wordpress.importer import import_wordpress

    make_tree()
    baseline_rss, baseline_hwm = status_kb("VmRSS"), status_kb("VmHWM")
    curve, snapshots = [], []

    def progress(items):
        # RSS along the second pass: settling means flat, a steady climb a leak.
        if items % 50 == 0:
            curve.append((items, status_kb("VmRSS")))
        if trace and items == 50:
            snapshots.append(tracemalloc.take_snapshot())

    if trace:
        tracemalloc.start(8)
    started = time.perf_counter()
    report = import_wordpress(str(path), show_bar=False, progress=progress)
    seconds = time.perf_counter() - started
    result = {
        "seconds": seconds,
        "baseline_rss_kb": baseline_rss,
        "baseline_hwm_kb": baseline_hwm,
        "peak_kb": status_kb("VmHWM"),
        "end_rss_kb": status_kb("VmRSS"),
        "rss_curve": curve,
        "items_read": report.items_read,
        "problems": len(report.problems),
        "report": report.as_dict(),
    }
    if snapshots:
        diff = tracemalloc.take_snapshot().compare_to(snapshots[0], "traceback")
        result["growth"] = [
            {
                "kb": stat.size_diff / 1024,
                "count": stat.count_diff,
                "where": stat.traceback.format(),
            }
            for stat in diff[:15]
        ]
    Path(out).write_text(json.dumps(result))


# The parent: exports, fresh databases, children, the table ---------------------------------


def count_pingbacks(path):
    """Pingbacks in the file: the importer leaves them out (Kabar has none), by design."""
    with open(path, encoding="utf-8") as fh:
        return sum(line.count(PINGBACK) for line in fh)


def make_export(workdir, posts, comments):
    path = Path(workdir) / f"wxr-{posts}-{comments}.xml"
    written = wxr_generate.generate(path, posts, comments)
    return {
        "posts": posts,
        "comments": written,
        "pingbacks": count_pingbacks(path),
        "path": path,
        "mb": path.stat().st_size / 1e6,
    }


class Databases:
    """Fresh, migrated databases on demand: migrated once, then copied (a SQLite file, or a
    PostgreSQL template database), so every import starts from the same empty schema."""

    def __init__(self, admin_url=None):
        self.admin_url = admin_url
        self.prefix = f"kabar_wpbench_{uuid.uuid4().hex[:8]}"
        self.template = harness.Site.create(
            "wp-template",
            database_url=self._create(f"{self.prefix}_template") if admin_url else None,
        )
        started = time.perf_counter()
        self.template.manage("migrate", "--noinput", "-v0")
        self.migrate_seconds = time.perf_counter() - started
        self.count = 0

    def _create(self, name, template=None):
        import psycopg

        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            suffix = f' TEMPLATE "{template}"' if template else ""
            conn.execute(f'CREATE DATABASE "{name}"{suffix}')
        harness.on_exit(lambda: harness.pg_drop_database(name, self.admin_url))
        return f"{self.admin_url.rsplit('/', 1)[0]}/{name}"

    def fresh(self, tag):
        self.count += 1
        if self.admin_url:
            url = self._create(f"{self.prefix}_{self.count}", template=f"{self.prefix}_template")
            return harness.Site.create(tag, database_url=url)
        site = harness.Site.create(tag)
        shutil.copyfile(self.template.sqlite_path, site.sqlite_path)
        return site


def import_in_child(site, export, timeout):
    """Run one import in its own process; the child's result plus its ru_maxrss."""
    out = site.data_dir / "result.json"
    log_path = site.data_dir / "import.log"
    argv = [sys.executable, "-m", "bench.import_wordpress", "--child", export["path"], out]
    with open(log_path, "wb") as log_file:
        proc = subprocess.Popen(
            [str(a) for a in argv],
            env=site.env,  # production pragmas, not the set-up ones
            cwd=harness.ROOT,
            stdout=log_file,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )
    deadline = time.monotonic() + timeout
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            proc.returncode = os.waitstatus_to_exitcode(status)
            break
        if time.monotonic() > deadline:
            proc.kill()
            proc.wait()
            raise RuntimeError(f"the import of {export['path'].name} took over {timeout} s")
        time.sleep(0.2)
    if proc.returncode or not out.exists():
        raise RuntimeError(
            f"the import of {export['path'].name} failed ({proc.returncode}):\n"
            f"{harness.tail(log_path, 40)}"
        )
    result = json.loads(out.read_text())
    result["ru_maxrss_kb"] = usage.ru_maxrss  # Linux: kilobytes
    return result


def expected_counts(export):
    """What the importer must report for a generated export: every post created, every
    comment created except the pingbacks, which are skipped; nothing failed."""
    return {
        "post_created": export["posts"],
        "comment_created": export["comments"] - export["pingbacks"],
        "comment_skipped": export["pingbacks"],
        "failed": 0,
    }


def reported_counts(result):
    counts = result["report"]["counts"]
    return {
        "post_created": counts["post"]["created"],
        "comment_created": counts["comment"]["created"],
        "comment_skipped": counts["comment"]["skipped"],
        "failed": sum(c["failed"] for c in counts.values()),
    }


def row_of(export, result):
    items = export["posts"] + export["comments"]
    return {
        "posts": export["posts"],
        "comments": export["comments"],
        "file_mb": export["mb"],
        "seconds": result["seconds"],
        "items_per_s": items / result["seconds"] if result["seconds"] else 0.0,
        "baseline_mb": result["baseline_rss_kb"] / 1024,
        "peak_mb": max(result["peak_kb"], result["ru_maxrss_kb"]) / 1024,
        "expected": expected_counts(export),
        "reported": reported_counts(result),
        "items_read": result["items_read"],
    }


def verdict(rows, bound=GROWTH_BOUND):
    """(peak ratio large/small, [what failed]) for rows in order small, large."""
    problems = []
    for row in rows:
        if row["reported"] != row["expected"]:
            problems.append(
                f"{row['posts']} posts: the importer reported {row['reported']}, "
                f"the export holds {row['expected']}"
            )
        if row["items_read"] < row["posts"]:
            problems.append(f"{row['posts']} posts: only {row['items_read']} items read")
    small, large = rows[0], rows[-1]
    ratio = large["peak_mb"] / small["peak_mb"] if small["peak_mb"] else float("inf")
    if ratio > 1 + bound:
        problems.append(
            f"peak RSS grew with the file: {large['peak_mb']:.0f} MB at {large['posts']} posts "
            f"against {small['peak_mb']:.0f} MB at {small['posts']} ({ratio:.2f}x, "
            f"allowed {1 + bound:.2f}x)"
        )
    return ratio, problems


def table(rows, ratio, database):
    head = (
        f"{'posts':>7} {'comments':>9} {'file MB':>8} {'seconds':>8} {'items/s':>8} "
        f"{'baseline MB':>12} {'peak RSS MB':>12} {'growth MB':>10}"
    )
    lines = [f"WordPress import into a fresh {database} database, one process per import", head]
    for r in rows:
        lines.append(
            f"{r['posts']:>7,} {r['comments']:>9,} {r['file_mb']:>8.1f} {r['seconds']:>8.1f} "
            f"{r['items_per_s']:>8.1f} {r['baseline_mb']:>12.1f} {r['peak_mb']:>12.1f} "
            f"{r['peak_mb'] - r['baseline_mb']:>10.1f}"
        )
    lines.append(
        f"peak RSS {rows[-1]['posts']:,} posts / {rows[0]['posts']:,} posts: {ratio:.2f}x "
        "(flat is close to 1.00)"
    )
    return "\n".join(lines)


def run(sizes, *, admin_url=None, workdir=None, timeout=7200):
    """Generate, import and measure each (posts, comments) in `sizes`; the table rows."""
    workdir = Path(workdir or tempfile.mkdtemp(prefix="kabar-wpbench-"))
    harness.on_exit(lambda: shutil.rmtree(workdir, ignore_errors=True))
    exports = []
    for posts, comments in sizes:
        export = make_export(workdir, posts, comments)
        log(
            f"export: {posts} posts, {export['comments']} comments "
            f"({export['pingbacks']} pingbacks), {export['mb']:.1f} MB"
        )
        exports.append(export)
    databases = Databases(admin_url)
    log(f"schema migrated once in {databases.migrate_seconds:.0f} s; copied for each import")
    rows = []
    for export in exports:
        site = databases.fresh(f"wp-{export['posts']}")
        log(f"importing {export['posts']} posts / {export['comments']} comments ...")
        result = import_in_child(site, export, timeout)
        rows.append(row_of(export, result))
        log(f"done in {result['seconds']:.1f} s")
    return rows


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posts", type=int, help=f"posts in the large export ({FULL[0]})")
    parser.add_argument("--comments", type=int, help=f"its comments ({FULL[1]})")
    parser.add_argument("--quick", action="store_true", help=f"large export {QUICK[0]}/{QUICK[1]}")
    parser.add_argument(
        "--small", type=int, default=10, help="the small export is the large one divided by this"
    )
    parser.add_argument("--database", help="a PostgreSQL admin URL; fresh databases made there")
    parser.add_argument("--bound", type=float, default=GROWTH_BOUND, help="allowed peak growth")
    parser.add_argument("--json", help="also write the rows to this file")
    parser.add_argument("--child", nargs=2, metavar=("EXPORT", "RESULT"), help=argparse.SUPPRESS)
    parser.add_argument("--trace", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(*args.child, trace=args.trace)
        return 0
    posts, comments = QUICK if args.quick else FULL
    posts, comments = args.posts or posts, args.comments if args.comments is not None else comments
    sizes = [(max(1, posts // args.small), comments // args.small), (posts, comments)]
    harness.install_cleanup()
    rows = run(sizes, admin_url=args.database)
    ratio, problems = verdict(rows, args.bound)
    print(table(rows, ratio, "PostgreSQL" if args.database else "SQLite"))
    if args.json:
        Path(args.json).write_text(json.dumps({"rows": rows, "ratio": ratio}, indent=2))
    for problem in problems:
        print(f"FAIL: {problem}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
