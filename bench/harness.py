"""The parts every benchmark shares: a throwaway site, a Kabar server, nginx, PostgreSQL
and wrk, all on 127.0.0.1, every process cleaned up on exit, Ctrl-C or failure."""

import atexit
import contextlib
import functools
import http.client
import json
import os
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from bench.post_load import known_commenters
from kabar.cli import default_workers

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
SETTINGS_MODULE = "kabar_bench_settings"
# A server that has not answered by then is reported as failed, never waited on forever.
START_TIMEOUT = 90

# The settings a benchmark site runs with: production settings exactly, plus the switches
# a benchmark needs. During set-up only (KABAR_BENCH_SETUP=1) SQLite skips fsync, which
# halves the time migrations take; the server itself runs with the production pragmas.
SETTINGS_TEMPLATE = '''\
"""Production settings for a throwaway benchmark site (written by bench/harness.py)."""
import os

from kabar.settings.production import *  # noqa: F403
from kabar.settings.production import DATABASES, KABAR_COMMENTS

KABAR_COMMENTS = {{**KABAR_COMMENTS, "RATE_LIMITS": {rate_limits}}}
if os.environ.get("KABAR_BENCH_SETUP") and DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    _options = dict(DATABASES["default"].get("OPTIONS", {{}}))
    _options["init_command"] = _options.get("init_command", "").replace(
        "synchronous=NORMAL", "synchronous=OFF"
    )
    DATABASES = {{"default": {{**DATABASES["default"], "OPTIONS": _options}}}}
{extra}
'''


# Processes ---------------------------------------------------------------------------------

_children: list[subprocess.Popen] = []
_cleanups: list = []
_installed = False


def _terminate(signum, frame):
    raise SystemExit(128 + signum)


def install_cleanup(signals=True):
    """Kill every process we spawned, and all it started, when we exit, however we exit: at
    interpreter exit always, and (for the command-line tools) on SIGTERM and SIGHUP as on
    Ctrl-C."""
    global _installed
    if not _installed:
        _installed = True
        atexit.register(cleanup_all)
    if signals:
        for sig in (signal.SIGTERM, signal.SIGHUP):
            signal.signal(sig, _terminate)


def spawn(argv, *, env=None, log=None, cwd=None):
    """Start a process in its own session, so it and all its children can be killed."""
    install_cleanup(signals=False)
    out = open(log, "ab") if log else subprocess.DEVNULL  # noqa: SIM115 - kept for the child
    proc = subprocess.Popen(  # noqa: S603 - our own argv
        [str(a) for a in argv],
        env=env,
        cwd=cwd or ROOT,
        stdout=out,
        stderr=subprocess.STDOUT,
        stdin=subprocess.DEVNULL,
        start_new_session=True,
    )
    if log:
        out.close()
    _children.append(proc)
    return proc


def session_pids(sid):
    """Every live process in the session `sid` (a process started by spawn() and all it
    started, whatever process groups they lead), as {pid: (ppid, name)}."""
    found = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(entry.path, "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2 :].split()
        state, ppid, session = fields[0], int(fields[1]), int(fields[3])
        if session == sid and state != "Z":
            found[int(entry.name)] = (ppid, name)
    return found


def kill_session(sid, sig=signal.SIGKILL, wait=10.0):
    """Send `sig` to every process of the session until none is left (or `wait` s)."""
    deadline = time.monotonic() + wait
    while (pids := session_pids(sid)) and time.monotonic() < deadline:
        for pid in pids:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, sig)
        time.sleep(0.02)


def kill_group(proc, sig=signal.SIGTERM, wait=10.0):
    """Send `sig` to a process spawn() started and wait for it and all it started to end;
    SIGKILL whatever is still there after `wait` s."""
    if proc is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(proc.pid, sig)
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        if proc.poll() is not None and not session_pids(proc.pid):
            break
        time.sleep(0.05)
    kill_session(proc.pid)
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=5)
    if proc in _children:
        _children.remove(proc)


def cleanup_all():
    for proc in list(reversed(_children)):
        kill_group(proc, signal.SIGTERM, wait=5)
    while _cleanups:
        fn = _cleanups.pop()
        with contextlib.suppress(Exception):
            fn()


def on_exit(fn):
    """Run `fn` at exit, after the processes are gone."""
    install_cleanup(signals=False)
    _cleanups.append(fn)
    return fn


def free_port():
    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return sock.getsockname()[1]


def port_open(port, host=HOST, timeout=0.5):
    with contextlib.suppress(OSError), socket.create_connection((host, port), timeout=timeout):
        return True
    return False


def http_get(port, path="/", headers=None, timeout=10.0):
    """(status, headers as a dict of lower-case names, body bytes) of one GET."""
    conn = http.client.HTTPConnection(HOST, port, timeout=timeout)
    try:
        conn.request("GET", path, headers={"Host": f"{HOST}:{port}", **(headers or {})})
        response = conn.getresponse()
        body = response.read()
        return (
            response.status,
            {k.lower(): v for k, v in response.getheaders()},
            body,
        )
    finally:
        conn.close()


def tail(path, lines=30):
    with contextlib.suppress(OSError):
        return "\n".join(Path(path).read_text(errors="replace").splitlines()[-lines:])
    return ""


# PostgreSQL -------------------------------------------------------------------------------

PG_ADMIN_URL = os.environ.get("KABAR_BENCH_PG_URL", f"postgresql://postgres@{HOST}:5432/postgres")


def pg_reachable(admin_url=PG_ADMIN_URL):
    try:
        import psycopg
    except ImportError:
        return False
    try:
        with psycopg.connect(admin_url, connect_timeout=2, autocommit=True) as conn:
            conn.execute("SELECT 1")
        return True
    except Exception:
        return False


def pg_create_database(name, admin_url=PG_ADMIN_URL):
    """Create database `name` on the server behind `admin_url`; its URL; dropped at exit."""
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    base = admin_url.rsplit("/", 1)[0]
    url = f"{base}/{name}"
    on_exit(lambda: pg_drop_database(name, admin_url))
    return url


def pg_drop_database(name, admin_url=PG_ADMIN_URL):
    import psycopg

    with contextlib.suppress(Exception), psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


class PrivatePostgres:
    """A throwaway PostgreSQL cluster of our own (initdb into a temporary directory), so
    the fault test can stop and start a database server without touching the machine's
    shared one, which other test runs may be using at that moment."""

    def __init__(self, workdir):
        self.bindir = self.find_bindir()
        self.workdir = Path(workdir)
        self.datadir = self.workdir / "pgdata"
        self.port = free_port()
        self.log = self.workdir / "postgres.log"
        self.run_as = None

    @staticmethod
    def find_bindir():
        candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), reverse=True)
        return candidates[0].parent if candidates else None

    @classmethod
    def available(cls):
        return cls.find_bindir() is not None

    def _cmd(self, *argv):
        argv = [str(a) for a in argv]
        if os.geteuid() == 0:
            # PostgreSQL refuses to run as root.
            return ["runuser", "-u", "postgres", "--", *argv]
        return argv

    def init(self):
        self.workdir.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:
            shutil.chown(self.workdir, "postgres", "postgres")
        subprocess.run(  # noqa: S603
            self._cmd(
                self.bindir / "initdb",
                "-D",
                self.datadir,
                "-U",
                "postgres",
                "--auth=trust",
                "--no-sync",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            ),
            check=True,
            capture_output=True,
            timeout=120,
        )
        conf = self.datadir / "postgresql.conf"
        with conf.open("a") as fh:
            fh.write(
                f"\nlisten_addresses = '{HOST}'\nport = {self.port}\n"
                f"unix_socket_directories = '{self.workdir}'\nfsync = on\n"
                "max_connections = 100\n"
            )
        on_exit(self.destroy)
        return self

    def start(self):
        subprocess.run(  # noqa: S603
            self._cmd(
                self.bindir / "pg_ctl",
                "-D",
                self.datadir,
                "-l",
                self.log,
                "-w",
                "-t",
                "60",
                "start",
            ),
            check=True,
            capture_output=True,
            timeout=90,
        )

    def stop(self, mode="fast"):
        subprocess.run(  # noqa: S603
            self._cmd(self.bindir / "pg_ctl", "-D", self.datadir, "-m", mode, "-w", "stop"),
            check=False,
            capture_output=True,
            timeout=90,
        )

    @property
    def admin_url(self):
        return f"postgresql://postgres@{HOST}:{self.port}/postgres"

    def destroy(self):
        if self.datadir.exists():
            self.stop("immediate")
        shutil.rmtree(self.workdir, ignore_errors=True)


class PrivateRedis:
    """A throwaway redis-server of our own on a free port, nothing written to disk."""

    def __init__(self, workdir):
        self.dir = Path(workdir)
        self.port = free_port()
        self.proc = None

    @staticmethod
    def binary():
        return shutil.which("redis-server") or (
            "/usr/bin/redis-server" if Path("/usr/bin/redis-server").exists() else None
        )

    def start(self, timeout=20):
        self.dir.mkdir(parents=True, exist_ok=True)
        argv = [self.binary(), "--port", self.port, "--bind", HOST, "--save", ""]
        argv += ["--appendonly", "no", "--dir", self.dir]
        self.proc = spawn(argv, log=self.dir / "redis.log")
        deadline = time.monotonic() + timeout
        while not port_open(self.port):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"redis-server did not start:\n{tail(self.dir / 'redis.log')}")
            time.sleep(0.05)
        return self

    @property
    def url(self):
        return f"redis://{HOST}:{self.port}/0"


# A throwaway site ------------------------------------------------------------------------


@dataclass
class Site:
    """A data directory, a settings module and (optionally) a PostgreSQL database."""

    tag: str
    data_dir: Path
    env: dict
    database_url: str | None = None
    info: dict = field(default_factory=dict)

    @classmethod
    def create(
        cls, tag, *, database_url=None, redis_url=None, rate_limits=False, extra_settings=""
    ):
        data_dir = Path(tempfile.mkdtemp(prefix=f"kabar-bench-{tag}-"))
        # nginx's workers (user nobody) read the saved page from here.
        data_dir.chmod(0o755)
        if not os.environ.get("KABAR_BENCH_KEEP"):  # set it to look at logs afterwards
            on_exit(lambda: shutil.rmtree(data_dir, ignore_errors=True))
        (data_dir / f"{SETTINGS_MODULE}.py").write_text(
            SETTINGS_TEMPLATE.format(rate_limits=bool(rate_limits), extra=extra_settings)
        )
        env = {
            k: v
            for k, v in os.environ.items()
            if k not in {"DJANGO_SETTINGS_MODULE", "DATABASE_URL", "REDIS_URL", "PYTHONPATH"}
            and not k.startswith(("KABAR_", "PYTEST_"))
        }
        env.update(
            {
                "PYTHONPATH": os.pathsep.join([str(data_dir), str(ROOT)]),
                "DJANGO_SETTINGS_MODULE": SETTINGS_MODULE,
                "KABAR_DATA_DIR": str(data_dir),
                "SECRET_KEY": secrets.token_urlsafe(50),
                "ALLOWED_HOSTS": f"{HOST},localhost",
                "KABAR_HTTPS": "false",
                "PYTHONDONTWRITEBYTECODE": "1",
            }
        )
        if database_url:
            env["DATABASE_URL"] = database_url
        if redis_url:
            env["REDIS_URL"] = redis_url
        return cls(tag=tag, data_dir=data_dir, env=env, database_url=database_url)

    @property
    def sqlite_path(self):
        return None if self.database_url else self.data_dir / "kabar.sqlite3"

    def run(self, *argv, setup=True, timeout=600):
        env = {**self.env, "KABAR_BENCH_SETUP": "1"} if setup else self.env
        result = subprocess.run(  # noqa: S603
            [str(a) for a in argv],
            env=env,
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if result.returncode:
            raise RuntimeError(
                f"{' '.join(map(str, argv))} failed ({result.returncode}):\n"
                f"{result.stdout[-3000:]}\n{result.stderr[-3000:]}"
            )
        return result.stdout

    def manage(self, *args, **kwargs):
        return self.run(sys.executable, ROOT / "manage.py", *args, **kwargs)

    def prepare(self, *, demo=True, comments=50, thread_origin=None):
        """Migrate, collect static files, load the demo and the benchmark article (and with
        `thread_origin` a registered site there with a page's thread: bench/setup_site)."""
        self.manage("migrate", "--noinput", "-v0")
        self.manage("collectstatic", "--noinput", "-v0")
        argv = [sys.executable, "-m", "bench.setup_site", "--comments", comments]
        if not demo:
            argv.append("--no-demo")
        if thread_origin:
            argv += ["--thread-origin", thread_origin]
        out = self.run(*argv)
        self.info = json.loads(out.strip().splitlines()[-1])
        self.analyze()
        # Every benchmark's posters then write as the known commenters from their own
        # browsers, with the cookie that proves it.
        self.info["known_commenters"] = known_commenters(self.info)
        return self.info

    def analyze(self):
        """On PostgreSQL, gather the planner's statistics of the site just loaded, as the
        autovacuum daemon of a server with the default settings does within a minute of a
        load. This machine's server runs with autovacuum off: without them the planner
        knows nothing of the tables, and for the count of the thread's comments ahead of a
        new one (selectors._roots_ahead) took the page's (page, body key) index, reading
        every comment of the page, 2.5 ms of the server's time per post by the end of a
        run. (A production server with autovacuum on gathers them itself.)"""
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                conn.execute("ANALYZE")

    # Reading the comments back, straight from the database.

    def query(self, sql, params=()):
        if self.database_url:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                return conn.execute(sql.replace("?", "%s"), params).fetchall()
        with sqlite3.connect(self.sqlite_path, timeout=30) as conn:
            return conn.execute(sql, params).fetchall()

    def integrity_check(self):
        """'ok' when the database passes its own integrity check, else what it said."""
        if self.database_url:
            return pg_amcheck(self.database_url)
        with sqlite3.connect(self.sqlite_path, timeout=30) as conn:
            rows = conn.execute("PRAGMA integrity_check").fetchall()
        return "ok" if rows == [("ok",)] else "; ".join(r[0] for r in rows[:5])


def pg_amcheck(database_url):
    """PostgreSQL's B-tree and heap checker (the amcheck extension) over the whole
    database; 'ok' or its complaint."""
    import psycopg

    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION IF NOT EXISTS amcheck")
        problems = conn.execute(
            """
            SELECT c.relname, p.msg FROM pg_class c
            JOIN pg_namespace n ON n.oid = c.relnamespace,
            LATERAL verify_heapam(c.oid) p
            WHERE c.relkind = 'r' AND n.nspname = 'public'
            """
        ).fetchall()
        indexes = conn.execute(
            """
            SELECT c.oid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
            JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE a.amname = 'btree' AND n.nspname = 'public' AND i.indisvalid
            """
        ).fetchall()
        for (oid,) in indexes:
            try:
                conn.execute("SELECT bt_index_check(%s, true)", [oid])
            except psycopg.Error as exc:
                problems.append((str(oid), str(exc).strip()))
    if problems:
        return "; ".join(f"{rel}: {msg}" for rel, msg in problems[:5])
    return "ok"


# The Kabar server -----------------------------------------------------------------------


# How long a started server is given for all its web workers to listen.
LISTEN_WAIT = 10


def listening_sockets(port):
    """How many TCP sockets on this machine listen on `port` (/proc/net/tcp, tcp6)."""
    count = 0
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                fields = line.split()
                local, state = fields[1], fields[3]
                if state == "0A" and int(local.rsplit(":", 1)[1], 16) == port:
                    count += 1
    return count


class Server:
    """`kabar serve` on 127.0.0.1 for one site; its process group is ours to kill."""

    def __init__(self, site, *, port=None, workers=None, name="kabar", extra_env=None):
        self.site = site
        self.port = port or free_port()
        self.workers = workers
        self.name = name
        self.extra_env = extra_env or {}
        self.proc = None
        self.log = site.data_dir / f"{name}-{self.port}.log"
        self.started_at = None

    @property
    def argv(self):
        argv = [BIN / "kabar", "serve", "--bind", f"{HOST}:{self.port}"]
        if "--no-collectstatic" in serve_help():
            # Site.prepare collected them; a restart after a crash should not wait for it.
            argv.append("--no-collectstatic")
        return argv + (["--workers", self.workers] if self.workers else [])

    def start(self, timeout=START_TIMEOUT):
        self.proc = spawn(self.argv, env={**self.site.env, **self.extra_env}, log=self.log)
        self.started_at = time.monotonic()
        self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(
                    f"kabar serve exited ({self.proc.returncode}):\n{tail(self.log)}"
                )
            with contextlib.suppress(OSError, http.client.HTTPException):
                status, _headers, _body = http_get(self.port, "/", timeout=5)
                if status < 500:
                    self.wait_listening(min(deadline, time.monotonic() + LISTEN_WAIT))
                    return time.monotonic() - self.started_at
            time.sleep(0.1)
        raise RuntimeError(f"kabar serve did not answer in {timeout} s:\n{tail(self.log)}")

    def wait_listening(self, deadline):
        """Wait until every web worker listens: granian's each listen on a socket of their
        own (SO_REUSEPORT), and the kernel spreads a new connection only over the sockets
        listening by then. A load that connected while one worker was still starting kept
        every connection on the others for the whole run (seen: the 8 posters all on one
        worker, the other idle, a third of the machine unused). A server whose workers
        share one socket (gunicorn) is waited for until `deadline`, then taken as it is."""
        workers = self.workers or default_workers()
        while listening_sockets(self.port) < workers and time.monotonic() < deadline:
            time.sleep(0.05)

    def url(self, path="/"):
        return f"http://{HOST}:{self.port}{path}"

    def processes(self):
        return session_pids(self.proc.pid) if self.proc else {}

    def memory(self):
        """Peak and current resident memory (MB) of every process of the server; see
        process_memory()."""
        return process_memory(self.processes())

    def kill9(self):
        """kill -9 the server: every process of it, at once, no chance to clean up."""
        pids = list(self.processes())
        kill_session(self.proc.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.proc.wait(timeout=10)
        if self.proc in _children:
            _children.remove(self.proc)
        return pids

    def stop(self):
        kill_group(self.proc, signal.SIGTERM, wait=15)


def process_memory(procs):
    """Peak and current resident memory (MB) of the processes `procs` ({pid: (ppid, name)},
    as session_pids() gives them). VmHWM is the high-water mark of a process's RSS over its
    whole life. A web worker is a process with no children of its own that is not a
    background task worker."""
    parents = {ppid for ppid, _name in procs.values()}
    rows = []
    for pid, (_ppid, name) in sorted(procs.items()):
        status = {}
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                key, _, value = line.partition(":")
                status[key] = value.strip()
        cmdline = ""
        with contextlib.suppress(OSError):
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        cmdline = cmdline.strip()
        if cmdline.endswith(" worker") or "db_worker" in cmdline:
            role = "task worker"
        elif pid in parents:
            role = "main"
        else:
            role = "worker"
        rows.append(
            {
                "pid": pid,
                "role": role,
                "name": name,
                "cmdline": cmdline[:120],
                "peak_mb": _kb(status.get("VmHWM")) / 1024,
                "rss_mb": _kb(status.get("VmRSS")) / 1024,
            }
        )
    return rows


@functools.cache
def serve_help():
    """`kabar serve --help`: which options this version of the command has."""
    result = subprocess.run(
        [BIN / "kabar", "serve", "--help"], capture_output=True, text=True, timeout=60
    )
    return result.stdout


def _kb(value):
    if not value:
        return 0.0
    return float(value.split()[0])


# nginx ------------------------------------------------------------------------------------

NGINX_TEMPLATE = Path(__file__).with_name("nginx.conf.template")


def nginx_binary():
    return shutil.which("nginx") or (
        "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None
    )


class Nginx:
    """nginx in the foreground with a configuration of our own, in a directory of ours."""

    def __init__(self, workdir, *, workers=2):
        self.dir = Path(workdir) / "nginx"
        self.www = self.dir / "www"
        self.workers = workers
        self.static_port = free_port()
        self.front_port = None
        self.proc = None
        self.front_config = ""

    def save_page(self, path, body, gzip_body=None):
        """Save `body` where nginx serves it at `path` (a directory-style URL), and
        `gzip_body` beside it for clients that accept gzip (gzip_static)."""
        target = self.www / path.strip("/") / "index.html"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)
        for parent in [self.dir, *target.relative_to(self.dir).parents]:
            (self.dir / parent).chmod(0o755)
        target.chmod(0o644)
        if gzip_body is not None:
            compressed = target.with_name("index.html.gz")
            compressed.write_bytes(gzip_body)
            compressed.chmod(0o644)

    def front(self, config, port):
        """Add the example configuration in front of Kabar, listening on `port`."""
        self.front_port = port
        self.front_config = config

    def render(self):
        text = NGINX_TEMPLATE.read_text()
        values = {
            "dir": str(self.dir),
            "workers": str(self.workers),
            "static_port": str(self.static_port),
            "www": str(self.www),
            "front": self.front_config,
        }
        return re.sub(r"\{\{(\w+)\}\}", lambda m: values[m.group(1)], text)

    def start(self, timeout=20):
        binary = nginx_binary()
        if not binary:
            raise RuntimeError("nginx is not installed (apt-get install nginx-light)")
        for sub in ("tmp", "logs", "cache"):
            (self.dir / sub).mkdir(parents=True, exist_ok=True)
            (self.dir / sub).chmod(0o777)
        conf = self.dir / "nginx.conf"
        conf.write_text(self.render())
        test = subprocess.run(  # noqa: S603
            [binary, "-t", "-q", "-p", str(self.dir), "-c", str(conf)],
            capture_output=True,
            text=True,
        )
        if test.returncode:
            raise RuntimeError(f"nginx configuration rejected:\n{test.stderr}\n{conf}")
        self.proc = spawn(
            [binary, "-p", self.dir, "-c", conf, "-g", "daemon off;"],
            log=self.dir / "logs" / "stdout.log",
        )
        deadline = time.monotonic() + timeout
        ports = [p for p in (self.static_port, self.front_port) if p]
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"nginx exited:\n{tail(self.dir / 'logs' / 'error.log')}")
            if all(port_open(p) for p in ports):
                return self
            time.sleep(0.05)
        raise RuntimeError("nginx did not start")

    def stop(self):
        kill_group(self.proc, signal.SIGQUIT, wait=5)


# wrk --------------------------------------------------------------------------------------

_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}


def _ms(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text.strip())
    return float(match.group(1)) * _UNITS[match.group(2)] if match else float("nan")


def wrk(url, *, connections=16, duration=10, threads=2, headers=None, timeout="5s", script=None):
    """Run wrk against `url`; req/s, p50/p99 latency (ms) and what went wrong. `script`: a
    Lua file for wrk (-s); what it prints is in the result's `raw`."""
    argv = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency"]
    argv += ["--timeout", timeout]
    if script:
        argv += ["-s", script]
    for name, value in (headers or {}).items():
        argv += ["-H", f"{name}: {value}"]
    argv.append(url)
    out = subprocess.run(  # noqa: S603
        argv, capture_output=True, text=True, timeout=duration + 60, check=True
    ).stdout
    result = {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "requests": int(re.search(r"(\d+) requests in", out).group(1)),
        "non2xx": 0,
        "socket_errors": 0,
        "raw": out,
    }
    for pct in ("50", "99"):
        match = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        result[f"p{pct}"] = _ms(match.group(1)) if match else float("nan")
    match = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if match:
        result["non2xx"] = int(match.group(1))
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if match:
        result["socket_errors"] = sum(int(g) for g in match.groups())
    return result


def wrk_available():
    return shutil.which("wrk") is not None
