"""Isso (the comment server, from PyPI) as a peer in the comment-POST benchmark: the same 8
posters, the same comments, against Isso under gunicorn on a SQLite database of its own.

Isso is installed from PyPI into a virtualenv of its own (`var/bench/isso-venv`, ignored by
git), apart from Kabar's, the first time it is needed; the requirements are pinned below.

    .venv/bin/python -m bench.isso_peer [--posters 8] [--duration 15] [--moderation off]
    .venv/bin/python -m bench.isso_peer --install-only

Everything on 127.0.0.1 on a free port; gunicorn and all it started are stopped at exit,
and the temporary directory (configuration, database, log) is removed unless
KABAR_BENCH_KEEP is set.
"""

import argparse
import asyncio
import collections
import contextlib
import http.client
import json
import os
import random
import secrets
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

from bench import harness, post_load
from bench.setup_site import KNOWN_COMMENTERS, SENTENCES

# Pinned: the configuration below and the POST this client sends are Isso 0.14's (its
# `isso/isso.cfg`, `isso/views/comments.py`, the embed's `api.create`).
REQUIREMENTS = ("isso>=0.14,<0.15", "gunicorn>=22,<24")
VENV = harness.ROOT / "var" / "bench" / "isso-venv"
STAMP = ".kabar-bench-requirements"
WORKERS = 2  # as many as `kabar serve` starts on the 2-core machine the figures come from
# The thread the posters write to when no Kabar article is given: one thread shared by all
# posters, as Kabar's row posts to one article.
DEFAULT_URI = "/kabar-internasional/uji-beban-diskusi-pembaca/"
TITLE = "Warga bertahan di tepi sungai setelah banjir bandang"
# Kabar's benchmark article starts with 50 approved comments from ten known commenters.
SEED_COMMENTS = 50
# What Isso answers for a stored comment: 201 published, 202 held for moderation (the
# embed treats both as success).
ACCEPTED = {201: "published", 202: "held"}
MODES = {1: "published", 2: "held", 4: "deleted"}


def log(message):
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# The virtualenv ---------------------------------------------------------------------------


def stamp_lines(requirements=REQUIREMENTS):
    """What a current virtualenv was made with: the interpreter this process runs on (so
    that Isso always runs on the same Python as Kabar) and the requirements."""
    interpreter = os.path.realpath(getattr(sys, "_base_executable", sys.executable))
    return [f"python: {interpreter}", *requirements]


def venv_is_current(venv=VENV, requirements=REQUIREMENTS):
    """Whether `venv` holds gunicorn and was made on this interpreter for exactly these
    requirements."""
    venv = Path(venv)
    stamp = venv / STAMP
    return (
        (venv / "bin" / "gunicorn").exists()
        and stamp.exists()
        and stamp.read_text().splitlines() == stamp_lines(requirements)
    )


def ensure_venv(venv=VENV, requirements=REQUIREMENTS, timeout=900):
    """Install Isso and gunicorn from PyPI into `venv` unless it is already there for
    these requirements; the path of the virtualenv."""
    venv = Path(venv)
    if venv_is_current(venv, requirements):
        return venv
    log(f"installing {' '.join(requirements)} from PyPI into {venv}")
    venv.parent.mkdir(parents=True, exist_ok=True)
    steps = [
        [sys.executable, "-m", "venv", "--clear", venv],
        [venv / "bin" / "python", "-m", "pip", "install", "--quiet"]
        + ["--disable-pip-version-check", *requirements],
    ]
    for argv in steps:
        result = subprocess.run(
            [str(a) for a in argv], capture_output=True, text=True, timeout=timeout
        )
        if result.returncode:
            raise RuntimeError(
                f"{' '.join(map(str, argv))} failed ({result.returncode}):\n"
                f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
            )
    (venv / STAMP).write_text("\n".join(stamp_lines(requirements)) + "\n")
    return venv


def installed_version(venv=VENV, package="isso"):
    out = subprocess.run(
        [
            str(Path(venv) / "bin" / "python"),
            "-c",
            f"import importlib.metadata as m; print(m.version({package!r}))",
        ],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    ).stdout
    return out.strip()


# Configuration ------------------------------------------------------------------------------


def config_text(*, port, dbpath, moderation=True):
    """Isso's configuration for the run. Everything not set here is Isso's own default (its
    `isso/isso.cfg`: notifications to stdout, mistune markup, pbkdf2 hashes, ...).

    moderation=True is Kabar's default rule, in Isso's terms: a commenter with an approved
    comment is published at once (`approve-if-email-previously-approved`), anyone else is
    held for moderation. moderation=False publishes everything."""
    origin = f"http://{harness.HOST}:{port}"
    on = "true" if moderation else "false"
    return f"""\
# Isso for Kabar's comment-POST benchmark (written by bench/isso_peer.py).
[general]
dbpath = {dbpath}
# The site the comments belong to: the posters send it as Origin and Referer.
host = {origin}/
notify = stdout
gravatar = false

[moderation]
enabled = {on}
approve-if-email-previously-approved = {on}

[guard]
# Isso's rate limit (2 comments a minute per address, 3 top-level per thread) would stop
# the posters at once, as Kabar's flood limit would: both are off.
enabled = false

[server]
listen = {origin}
"""


# gunicorn's hook, for --preload: Isso's app, loaded once in gunicorn's main process, starts
# a thread there that holds the app's lock while it purges old held comments. A worker
# forked in that moment inherits the lock held by a thread it does not have, and its first
# POST (`with self.isso.lock`) hangs until gunicorn kills it 30 s later (seen in about one
# start in four). Waiting for the lock before each fork leaves Isso's own code as it is.
GUNICORN_CONFIG = """\
# gunicorn settings for Isso (written by bench/isso_peer.py).
import gc


def pre_fork(server, worker):
    import isso

    # type(), not isinstance(): isinstance() asks a lazy object for its __class__, which
    # can make it load (a session left in memory would query a database).
    for app in gc.get_objects():
        if issubclass(type(app), isso.Isso):
            with app.lock:
                pass
"""


def label(version, posters, moderation=True):
    extra = "" if moderation else ", moderation off"
    return (
        f"Isso (PyPI {version}, gunicorn {WORKERS} workers, guard off{extra}): "
        f"comment POSTs, {posters} posters"
    )


# The server -----------------------------------------------------------------------------------


class IssoServer:
    """gunicorn serving Isso (`isso.run`) with WORKERS sync workers and --preload, as Isso's
    deployment guide starts it (`gunicorn -w 4 --preload isso.run`). The app is loaded once,
    before gunicorn listens, so Isso's start-up check of `host` (a HEAD request to itself
    here) meets a closed port at once instead of waiting 5 s for an answer. Each worker
    still has a lock of its own: `isso.run` asks make_app for multiprocessing, but its
    default threading=True wins, so the lock is a threading.Lock per process."""

    def __init__(self, *, venv=VENV, workers=WORKERS, moderation=True, port=None):
        self.venv = Path(venv)
        self.workers = workers
        self.moderation = moderation
        self.port = port or harness.free_port()
        self.dir = Path(tempfile.mkdtemp(prefix="kabar-bench-isso-"))
        if not os.environ.get("KABAR_BENCH_KEEP"):
            harness.on_exit(lambda: shutil.rmtree(self.dir, ignore_errors=True))
        self.dbpath = self.dir / "comments.db"
        self.config = self.dir / "isso.cfg"
        self.gunicorn_config = self.dir / "gunicorn.conf.py"
        self.log = self.dir / "gunicorn.log"
        self.proc = None

    @property
    def origin(self):
        return f"http://{harness.HOST}:{self.port}"

    @property
    def argv(self):
        return [
            self.venv / "bin" / "gunicorn",
            "--bind",
            f"{harness.HOST}:{self.port}",
            "--workers",
            self.workers,
            "--preload",
            "--config",
            self.gunicorn_config,
            "isso.run",
        ]

    def env(self):
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"PYTHONPATH", "VIRTUAL_ENV", "DJANGO_SETTINGS_MODULE", "DATABASE_URL"}
            and not k.startswith(("KABAR_", "PYTEST_"))
        }
        env.update({"ISSO_SETTINGS": str(self.config), "PYTHONDONTWRITEBYTECODE": "1"})
        return env

    def start(self, timeout=harness.START_TIMEOUT):
        self.config.write_text(
            config_text(port=self.port, dbpath=self.dbpath, moderation=self.moderation)
        )
        self.gunicorn_config.write_text(GUNICORN_CONFIG)
        # In its own directory: nothing of Kabar's on gunicorn's sys.path.
        self.proc = harness.spawn(self.argv, env=self.env(), log=self.log, cwd=self.dir)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"Isso exited ({self.proc.returncode}):\n{self.tail()}")
            with contextlib.suppress(OSError, http.client.HTTPException):
                if harness.http_get(self.port, "/info", timeout=5)[0] == 200:
                    return self
            time.sleep(0.1)
        raise RuntimeError(f"Isso did not answer in {timeout} s:\n{self.tail()}")

    def tail(self):
        return harness.tail(self.log)

    def memory(self):
        return harness.process_memory(harness.session_pids(self.proc.pid)) if self.proc else []

    def stop(self):
        harness.kill_group(self.proc, signal.SIGTERM, wait=15)

    def query(self, sql, params=()):
        with contextlib.closing(sqlite3.connect(self.dbpath, timeout=30)) as conn:
            return conn.execute(sql, params).fetchall()


# What is sent ---------------------------------------------------------------------------------


def comment_payload(text, name, email, title=TITLE, parent=None):
    """The JSON body Isso's embed posts (`api.create`): author, email, website, text,
    parent, title, notification."""
    return {
        "author": name,
        "email": email,
        "website": None,
        "text": text,
        "parent": parent,
        "title": title,
        "notification": 0,
    }


def request_headers(origin, uri):
    return {
        "Content-Type": "application/json",
        "Origin": origin,
        "Referer": origin + uri,
        "User-Agent": "kabar-bench/1",
    }


def new_path(uri):
    return f"/new?uri={quote(uri, safe='/')}"


def list_path(uri):
    """Where the embed reads a thread's comments (`api.fetch`, no limits set)."""
    return f"/?uri={quote(uri, safe='/')}"


def parse_created(response):
    """(id, mode) from Isso's answer to a POST when it stored the comment, else None."""
    if response.status not in ACCEPTED:
        return None
    try:
        data = json.loads(response.body)
        return int(data["id"]), int(data["mode"])
    except (ValueError, KeyError, TypeError):
        return None


def seed(server, uri, commenters=KNOWN_COMMENTERS, count=SEED_COMMENTS, rng_seed=4):
    """The thread as Kabar's article starts: `count` approved comments from the known
    commenters, about half of them replies. Posted through Isso's API, then those held
    approved with the statement Isso's own moderation link runs (`Comments.activate`)."""
    rng = random.Random(rng_seed)
    ids = []
    conn = http.client.HTTPConnection(harness.HOST, server.port, timeout=30)
    try:
        for i in range(count):
            name, email = commenters[i % len(commenters)]
            text = " ".join(rng.sample(SENTENCES, rng.randint(2, 4))) + f" (Catatan ke-{i + 1}.)"
            parent = rng.choice(ids) if ids and rng.random() < 0.5 else None
            body = json.dumps(comment_payload(text, name, email, parent=parent)).encode()
            conn.request("POST", new_path(uri), body, request_headers(server.origin, uri))
            response = conn.getresponse()
            data = response.read()
            if response.status not in ACCEPTED:
                raise RuntimeError(f"Isso refused a seed comment ({response.status}): {data!r}")
            ids.append(json.loads(data)["id"])
            conn.close()  # gunicorn's sync workers close every connection
    finally:
        conn.close()
    marks = ",".join("?" * len(ids))
    with contextlib.closing(sqlite3.connect(server.dbpath, timeout=30)) as db:
        with db:  # committed
            db.execute(f"UPDATE comments SET mode=1 WHERE id IN ({marks}) AND mode=2", ids)
        sql = f"SELECT COUNT(*) FROM comments WHERE mode=1 AND id IN ({marks})"
        return db.execute(sql, ids).fetchone()[0]


# The load ---------------------------------------------------------------------------------


@dataclass
class IssoStats(post_load.Stats):
    modes: collections.Counter = field(default_factory=collections.Counter)  # answered


async def poster(index, cfg, stats, identity, uri, origin):
    """One reader posting comments to Isso until `stats.deadline`: the same comments as
    Kabar's posters (post_load.comment_text, one marker each), the JSON the embed sends.
    No form to fetch first: Isso needs no token."""
    loop = asyncio.get_running_loop()
    rng = random.Random(f"{stats.run_id}-{index}")
    conn = post_load.Connection(cfg.host, cfg.port, timeout=cfg.timeout)
    headers = request_headers(origin, uri)
    path = new_path(uri)
    name, email = identity
    seq = 0
    try:
        while loop.time() < stats.deadline:
            marker = f"{stats.run_id}-{index}-{seq}"
            seq += 1
            text = post_load.comment_text(rng, marker)
            body = json.dumps(comment_payload(text, name, email)).encode()
            start = loop.time()
            response = await post_load.send_counted(conn, stats, cfg, path, headers, body, marker)
            if response is None:
                continue
            created = parse_created(response)
            if created is not None:
                comment_id, mode = created
                stats.acked[marker] = comment_id
                stats.modes[MODES.get(mode, mode)] += 1
                stats.ack_times.append((loop.time(), marker))
                stats.ack_latency.append((loop.time() - start) * 1000)
            else:
                stats.refused[response.status] += 1
                if response.status not in stats.refusal_samples:
                    stats.refusal_samples[response.status] = post_load._excerpt(response)
                if response.status >= 500:
                    await asyncio.sleep(cfg.backoff)
    finally:
        await conn.close()


async def run_async(cfg, uri, origin, stats=None):
    stats = stats or IssoStats(run_id=secrets.token_hex(3))
    loop = asyncio.get_running_loop()
    stats.started = loop.time()
    stats.deadline = stats.started + cfg.duration
    people = post_load.identities(cfg, stats.run_id)
    await asyncio.gather(
        *(poster(i, cfg, stats, people[i], uri, origin) for i in range(cfg.posters))
    )
    stats.ended = loop.time()
    return stats


def reconcile(acked, rows):
    """What the database holds of what the posters were told. `acked`: marker -> the id
    Isso answered; `rows`: (id, mode, text) of the comments carrying a marker of the run.
    A POST counts as accepted when Isso answered 201 or 202 and its comment is stored, once.
    `wrong_id` counts those stored under another id than the one Isso answered with."""
    stored = collections.defaultdict(list)  # marker -> [(id, mode)]
    for comment_id, mode, text in rows:
        for marker in post_load.MARKER_RE.findall(text):
            stored[marker].append((comment_id, mode))
    accepted = [m for m in acked if len(stored.get(m, ())) == 1]
    modes = collections.Counter(MODES.get(stored[m][0][1], stored[m][0][1]) for m in accepted)
    return {
        "accepted": len(accepted),
        "lost": sorted(m for m in acked if m not in stored),
        "wrong_id": sum(1 for m in accepted if stored[m][0][0] != acked[m]),
        "duplicates": sum(1 for entries in stored.values() if len(entries) > 1),
        "unacknowledged": sum(1 for m in stored if m not in acked),
        "modes": dict(modes),
    }


def stored_rows(server, run_id):
    rows = []
    for pattern in post_load.marker_patterns(run_id):
        rows += server.query("SELECT id, mode, text FROM comments WHERE text LIKE ?", (pattern,))
    return rows


class Peer:
    """Isso started and its thread seeded, for the posters to be run against it once or in
    several slices (`post`), then its row (`row`); stopped on leaving the `with` block.
    `before_posts(server, uri)`, when given, runs on the seeded thread before any poster
    (bench/api.py reads it); what it returns is the row's `before_posts`."""

    def __init__(
        self,
        *,
        posters=8,
        uri=DEFAULT_URI,
        commenters=KNOWN_COMMENTERS,
        moderation=True,
        venv=VENV,
        before_posts=None,
    ):
        self.venv = ensure_venv(venv)
        self.version = installed_version(self.venv)
        self.name = label(self.version, posters, moderation)
        self.posters, self.uri, self.moderation = posters, uri, moderation
        self.commenters = list(commenters)
        self.before_posts = before_posts
        self.server = IssoServer(venv=self.venv, moderation=moderation)

    def __enter__(self):
        try:
            server = self.server.start()
            log(f"Isso {self.version}: gunicorn on port {server.port}, database {server.dbpath}")
            self.approved = seed(server, self.uri, self.commenters)
            self.before = self.before_posts(server, self.uri) if self.before_posts else None
        except BaseException:
            self.server.stop()
            raise
        return self

    def __exit__(self, *exc):
        self.server.stop()

    def post(self, duration):
        """One run of the posters for `duration` seconds: its IssoStats."""
        cfg = post_load.Config(
            port=self.server.port,
            path=self.uri,
            posters=self.posters,
            duration=duration,
            known_commenters=self.commenters,
        )
        return post_load.run_coroutine(lambda: run_async(cfg, self.uri, self.server.origin))

    def row(self, parts):
        """The row for bench/run.py's table from the runs `parts` (one or several slices).
        The rate counts only answered comments found, once, in Isso's database."""
        stats = post_load.merged(parts)
        memory = self.server.memory()
        summary = stats.summary()
        check = reconcile(stats.acked, stored_rows(self.server, stats.run_id))
        elapsed = max(stats.ended - stats.started, 1e-9)
        # As for Kabar's row: refusals and posts left without an answer, plus any answered
        # but not stored. An answer naming another comment's id is a note, not an error.
        errors = sum(summary["refused"].values()) + summary["in_doubt"] + len(check["lost"])
        workers = [m for m in memory if m["role"] == "worker"] or memory
        peaks = ", ".join(f"{m['peak_mb']:.0f}" for m in workers)
        log(
            f"{self.name}: {check['accepted'] / elapsed:,.0f} accepted/s "
            f"({summary['acknowledged']} answered {dict(stats.modes)}, {check['accepted']} of "
            f"them stored {check['modes']}; lost {len(check['lost'])}, wrong id "
            f"{check['wrong_id']}, duplicates {check['duplicates']}, refused "
            f"{summary['refused']}, in doubt {summary['in_doubt']}); thread seeded with "
            f"{self.approved} approved comments; peak memory per worker {peaks} MB"
        )
        for status, sample in summary["refusal_samples"].items():
            log(f"  Isso refused {status}: {sample}")
        return {
            "label": self.name,
            "rps": check["accepted"] / elapsed,
            "p50": summary["p50_ms"],
            "p99": summary["p99_ms"],
            "errors": errors,
            "requests": summary["sent"],
            "isso": True,
            "version": self.version,
            "before_posts": self.before,
            "detail": {
                "summary": summary,
                "answered": dict(stats.modes),
                "reconciled": {**check, "lost": len(check["lost"])},
                "seeded_approved": self.approved,
                "memory": memory,
                "moderation": self.moderation,
            },
        }


def start_or_none(stack, **peer):
    """A Peer (its arguments: `peer`) started in the ExitStack `stack`, or None, the reason
    logged, when Isso could not be installed or started: the Kabar rows beside it stand
    without it."""
    try:
        return stack.enter_context(Peer(**peer))
    except Exception as exc:
        log(f"Isso: not measured ({type(exc).__name__}: {exc})")
        return None


def post_or_none(peer, duration):
    """`peer.post(duration)`, or None, the reason logged, when Isso's posters failed: the
    Kabar rows beside it stand without it."""
    try:
        return peer.post(duration)
    except Exception as exc:
        log(f"Isso: no row, its posters failed ({type(exc).__name__}: {exc})")
        return None


def row_or_none(peer, parts):
    """`peer.row(parts)`, or None, the reason logged, when the run could not be read."""
    try:
        return peer.row(parts)
    except Exception as exc:
        log(f"Isso: no row, its run could not be read ({type(exc).__name__}: {exc})")
        return None


def measure(*, duration=15.0, **peer):
    """Install Isso if needed, start it, seed the thread, run the posters once for
    `duration` seconds, stop it; the row for the table. `peer`: Peer's arguments."""
    with Peer(**peer) as started:
        return started.row([started.post(duration)])


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--posters", type=int, default=8)
    parser.add_argument("--duration", type=float, default=15.0)
    parser.add_argument("--moderation", choices=("kabar", "off"), default="kabar")
    parser.add_argument("--install-only", action="store_true")
    args = parser.parse_args(argv)
    if args.install_only:
        venv = ensure_venv()
        print(f"Isso {installed_version(venv)} in {venv}")
        return
    harness.install_cleanup()
    try:
        row = measure(
            posters=args.posters, duration=args.duration, moderation=args.moderation == "kabar"
        )
    finally:
        harness.cleanup_all()
    print(json.dumps(row, indent=2, default=str))


if __name__ == "__main__":
    main()
