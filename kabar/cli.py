"""The `kabar` command: a thin layer over manage.py for the everyday tasks."""

import argparse
import contextlib
import hashlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

# None of these reads the settings when imported: each command chooses its settings
# module first (_django), then calls them.
import django
from django.apps import apps
from django.conf import settings
from django.contrib.staticfiles.finders import get_finders
from django.core.management import CommandError, call_command, execute_from_command_line
from django.db import connections

from kabar.core.dbguard import DATABASE_DOWN
from kabar.core.siteurl import served_address


def _django(settings_module):
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", settings_module)

    django.setup()


def cmd_demo(args):
    """Set the demo site up (idempotent) and serve it as production is served (granian)."""
    # Absolute links (canonical, sitemap, feeds) are written on the address it is served at;
    # the server's own processes read it from the environment too (settings/dev.py).
    os.environ["KABAR_SITE_URL"] = served_address(args.addr).url
    _django("kabar.settings.demo")

    call_command("demo")
    _collect_static_when_changed()
    if args.no_serve:
        return
    print(f"Kabar demo: http://{args.addr}/  (admin: http://{args.addr}/admin/)")
    # The server takes this process's place: Ctrl-C and other signals reach granian itself.
    argv = _demo_server_argv(args)
    os.execv(argv[0], argv)  # noqa: S606


def _collect_static_when_changed():
    """collectstatic, unless the static files are the ones collected last time: it hashes
    and compresses every file again (about a minute on a small machine)."""
    digest = hashlib.sha256(repr(settings.STORAGES["staticfiles"]).encode())
    ignore = apps.get_app_config("staticfiles").ignore_patterns
    found = []
    for finder in get_finders():
        for path, storage in finder.list(ignore):
            stat = os.stat(storage.path(path))
            found.append(f"{path}\0{stat.st_size}\0{stat.st_mtime_ns}\n")
    digest.update("".join(sorted(found)).encode())
    stamp = Path(settings.STATIC_ROOT) / ".kabar-collected"
    if stamp.exists() and stamp.read_text() == digest.hexdigest():
        return
    call_command("collectstatic", interactive=False, verbosity=0)
    stamp.write_text(digest.hexdigest())


def _demo_server_argv(args):
    """granian as `kabar serve` runs it, with one worker: the demo's caches live in the
    process's memory, and a purge made in one worker would not reach another. With
    --reload, a change to Kabar's code or templates restarts it."""
    server = argparse.Namespace(
        bind=args.addr, server="granian", workers=1, threads=4, access_log=False
    )
    argv = _server_argv(server)
    if args.reload:
        argv[-1:-1] = ["--reload", "--reload-paths", os.path.dirname(os.path.abspath(__file__))]
    return argv


# `kabar serve` runs granian, chosen by measurement on this 2-core machine (wrk, 16
# connections, 2 workers, 127.0.0.1, other work running). A bare WSGI app: granian 42,000
# req/s, gunicorn (sync) 5,000; a one-middleware Django app: granian 7,700, gunicorn 5,600.
# Kabar's cached article, back to back: granian 3,000-7,700 req/s, gunicorn 1,400-1,450;
# uncached with comments: 8-12 against 9-13 (the page's own rendering is the limit there).
# Gunicorn's sync workers close every connection and parse HTTP in Python; granian keeps
# connections alive and parses in Rust, which lets page-cache hits run near nginx's speed.
SERVERS = ("granian", "gunicorn")


def _server_argv(args):
    host, _, port = args.bind.rpartition(":")
    if args.server == "gunicorn":
        argv = [
            sys.executable, "-m", "gunicorn", "kabar.wsgi:application",
            "--bind", args.bind, "--workers", str(args.workers), "--threads", str(args.threads),
        ]  # fmt: skip
        return [*argv, "--access-logfile", "-"] if args.access_log else argv
    argv = [
        sys.executable, "-m", "granian", "--interface", "wsgi", "--no-ws",
        "--host", host.strip("[]") or "127.0.0.1", "--port", port,
        "--workers", str(args.workers), "--blocking-threads", str(args.threads),
        "--respawn-failed-workers", "--log-level", "warning",
    ]  # fmt: skip
    if args.access_log:
        argv.append("--access-log")
    return [*argv, "kabar.wsgi:application"]


def default_workers():
    """Web workers `kabar serve` starts unless told: one per core, at least two."""
    return max(2, os.cpu_count() or 1)


def default_threads(database):
    """Threads per web worker: one on SQLite, where a second would only wait for the one
    write lock (measured: no gain for comment posts, more lock waits); two on a database
    server, where a worker otherwise idles through every round trip (comment posts on
    PostgreSQL: about a quarter more per second, bench/README.md)."""
    return 1 if database["ENGINE"].endswith("sqlite3") else 2


def _needs_task_worker():
    """A database-backed task queue needs a `kabar worker` process; an inline one does not."""

    return any(
        not backend["BACKEND"].endswith(("ImmediateBackend", "DummyBackend"))
        for backend in getattr(settings, "TASKS", {}).values()
    )


def cmd_serve(args):
    """Serve Kabar in production: collect static files, then N granian (or gunicorn)
    workers plus one background task worker, all stopped together."""

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabar.settings.production")
    _django(os.environ["DJANGO_SETTINGS_MODULE"])

    # The default Site's address is the one published (KABAR_SITE_URL): canonical links,
    # sitemaps, feeds and mails are built from it.
    call_command("site_address")
    # A new install's front: Kabar's home page in place of Wagtail's placeholder.
    from kabar.news.homepage import home_page_ensured  # noqa: PLC0415 - needs the settings

    home_page_ensured()
    if args.threads is None:
        args.threads = default_threads(settings.DATABASES["default"])
    if not args.no_collectstatic:
        call_command("collectstatic", interactive=False, verbosity=0)
    env = dict(os.environ)
    argvs = [_server_argv(args)]
    if _needs_task_worker() and not args.no_worker:
        # One worker process for the whole server instead of a thread in every web worker.
        env["KABAR_TASK_WORKER"] = "external"
        argvs.append([sys.executable, "-m", "kabar.cli", "worker"])
    stopping = []
    children = []

    def stop(signum, _frame):
        stopping.append(signum)
        if len(stopping) > 1:  # asked twice (a second Ctrl-C): no more waiting
            for child in children:
                _signal(-child.pid, signal.SIGKILL)

    # A closed terminal (SIGHUP) or Ctrl-\ (SIGQUIT) reaches only this process now that the
    # children lead their own process groups: they stop the server as SIGTERM does.
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP, signal.SIGQUIT):
        signal.signal(signum, stop)
    # Each child leads its own process group, so that stopping reaches the web workers the
    # server forked as well as the server itself.
    for argv in argvs:
        children.append(subprocess.Popen(argv, env=env, process_group=0))  # noqa: S603
    # Whichever child ends first ends the server: a half-running server is worse than none.
    while not stopping and not any(map(_has_exited, children)):
        time.sleep(0.5)
    ended = next((child for child in children if _has_exited(child)), None)
    # SIGTERM is repeated to the web server only: the task worker takes a second one as
    # "abandon the running task", which would fail a mail being sent.
    stop_process_groups(children, again=children[:1])
    if stopping:
        sys.exit(0)  # asked to stop, and stopped
    # A child ended by itself: the server failed (a signal's death as the shell shows it).
    code = ended.returncode
    which = "the web server" if ended is children[0] else "the task worker (kabar worker)"
    how = f"killed by signal {-code}" if code < 0 else f"exit code {code}"
    print(
        f"kabar serve: {which} ended by itself ({how}); everything was stopped. "
        "Its own messages above say why.",
        file=sys.stderr,
        flush=True,
    )
    sys.exit(code if code > 0 else 128 - code if code < 0 else 1)


def stop_process_groups(children, grace=20.0, every=2.0, again=None):
    """Stop children that lead their own process groups, and whatever they forked: SIGTERM
    to each child, then, to those of `again` (default: all) still running, SIGTERM to the
    whole group every `every` seconds; SIGKILL to every group after `grace` seconds.

    Why again: a granian process can miss a SIGTERM. Its main thread waits on a lock, and a
    signal the kernel hands to one of its other threads never wakes it (seen here in about
    one stop in four, the worker then waiting for ever). Each SIGTERM asks granian for the
    same graceful stop, so in-flight requests still finish."""

    again = children if again is None else again
    deadline = time.monotonic() + grace
    targets = [child.pid for child in children]
    while time.monotonic() < deadline:
        for pid in targets:
            _signal(pid, signal.SIGTERM)
        pause_until = min(deadline, time.monotonic() + every)
        while not (ended := all(map(_has_exited, children))) and time.monotonic() < pause_until:
            time.sleep(0.05)
        if ended:
            break
        targets = [-child.pid for child in again if not _has_exited(child)]
    for child in children:
        # The child has not been reaped yet, so its process group id cannot have been
        # given to anyone else: what is left in the group is ours to kill.
        _signal(-child.pid, signal.SIGKILL)
        child.wait()


def _has_exited(child):
    """Whether `child` has ended, without reaping it (it stays a zombie until wait())."""
    if child.returncode is not None:
        return True
    try:
        found = os.waitid(os.P_PID, child.pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    except ChildProcessError:
        return True
    return found is not None


def _signal(pid, signum):
    """Send `signum` to a process, or to a process group when `pid` is negative."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, signum)


def cmd_worker(args):
    """Send queued mail and run other background tasks (for KABAR_TASK_WORKER=external)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabar.settings.production")
    _django(os.environ["DJANGO_SETTINGS_MODULE"])
    from kabar.discussion.staff import staff_round_sweep  # noqa: PLC0415 - needs the settings
    from kabar.discussion.tasks import deliveries_sweep  # noqa: PLC0415 - needs the settings
    from kabar.news.tasks import publishing_sweep  # noqa: PLC0415 - needs the settings chosen

    while True:
        try:
            # What fell due while no worker ran (a scheduled article, an expiry) is done
            # before anything else, and the publishing schedule's chain is started; so is
            # the round of any staff digest that waits, and the mail no task would send.
            publishing_sweep()
            staff_round_sweep()
            deliveries_sweep()
            call_command("db_worker", "--backend", "kabar", "--queue-name", "*", "--no-reload")
            return
        except DATABASE_DOWN as exc:
            # The database restarted or failed over: wait for it instead of exiting, which
            # would make `kabar serve` stop the whole server.
            print(f"kabar worker: database unavailable ({exc}); retrying", file=sys.stderr)
            connections.close_all()
            time.sleep(2)


def cmd_spam_eval(args):
    """Cross-validate the spam checks on a labelled CSV (text,label[,name,email,url]), or
    train on one (--train) and judge another (--test) as posted comments are judged."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabar.settings.dev")
    _django(os.environ["DJANGO_SETTINGS_MODULE"])

    call_command(
        "spam_eval",
        *([args.file] if args.file else []),
        folds=args.folds,
        show_mistakes=args.show_mistakes,
        train=args.train,
        test=args.test,
    )


def _settings_from_environment():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "kabar.settings.dev")
    _django(os.environ["DJANGO_SETTINGS_MODULE"])


def cmd_import_wordpress(args):
    """Bring a WordPress site in from its export (WXR): posts, pages, comments, old links."""
    _settings_from_environment()
    options = {"dry_run": args.dry_run, "learn": args.learn}
    if args.uploads:
        options["uploads"] = args.uploads
    call_command("import_wordpress", args.file, **options)


def cmd_import_comments(args):
    """Bring comments in from Disqus (XML export), Isso (its database) or Remark42 (a
    backup), onto the threads of their pages' addresses."""
    _settings_from_environment()
    options = {"site": args.site or "", "dry_run": args.dry_run, "learn": args.learn}
    call_command("import_comments", args.system, args.file, **options)


def cmd_export_comments(args):
    """Export a registered site's threads and comments (JSON, or Disqus-style XML)."""
    _settings_from_environment()
    options = {"format": args.format, **({"output": args.output} if args.output else {})}
    call_command("export_comments", args.site, **options)


def cmd_ingest(args):
    """Take new wire items in from a feed (RSS, Atom, ninjs) or a folder, as draft articles;
    with no location, check every active wire source that is due."""
    _settings_from_environment()
    options = {
        name: getattr(args, name) for name in ("source", "section", "credit") if getattr(args, name)
    }
    call_command("ingest", *([args.location] if args.location else []), **options)


def cmd_manage(args):
    _django("kabar.settings.dev")

    execute_from_command_line(["kabar manage", *args.rest])


def main(argv=None):
    parser = argparse.ArgumentParser(prog="kabar", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True)

    demo = sub.add_parser("demo", help=cmd_demo.__doc__)
    demo.add_argument("--addr", default="127.0.0.1:8000")
    demo.add_argument("--no-serve", action="store_true", help="set up only, do not serve")
    demo.add_argument("--reload", action="store_true", help="restart when the code changes")
    demo.set_defaults(func=cmd_demo)

    serve = sub.add_parser("serve", help=cmd_serve.__doc__)
    serve.add_argument("--bind", default="127.0.0.1:8000")
    serve.add_argument("--workers", type=int, default=default_workers())
    serve.add_argument(
        "--threads", type=int, help="threads per worker (default: 1 on SQLite, 2 otherwise)"
    )
    serve.add_argument("--server", choices=SERVERS, default="granian")
    serve.add_argument("--access-log", action="store_true")
    serve.add_argument("--no-collectstatic", action="store_true")
    serve.add_argument("--no-worker", action="store_true", help="run `kabar worker` yourself")
    serve.set_defaults(func=cmd_serve)

    worker = sub.add_parser("worker", help=cmd_worker.__doc__)
    worker.set_defaults(func=cmd_worker)

    spam_eval = sub.add_parser("spam-eval", help=cmd_spam_eval.__doc__)
    spam_eval.add_argument("file", nargs="?", help="CSV with columns text,label (ham|spam)")
    spam_eval.add_argument("--train", metavar="A.csv", help="learn from this file only")
    spam_eval.add_argument("--test", metavar="B.csv", help="judge this file, never learned")
    spam_eval.add_argument("--folds", type=int, default=5)
    spam_eval.add_argument("--show-mistakes", type=int, default=0, metavar="N")
    spam_eval.set_defaults(func=cmd_spam_eval)

    wordpress = sub.add_parser("import-wordpress", help=cmd_import_wordpress.__doc__)
    wordpress.add_argument("file", help="the export file WordPress wrote (Tools > Export)")
    wordpress.add_argument("--uploads", help="the site's wp-content/uploads folder")
    wordpress.add_argument("--dry-run", action="store_true", help="say what would change")
    wordpress.add_argument("--learn", action="store_true", help="teach the spam filter")
    wordpress.set_defaults(func=cmd_import_wordpress)

    comments_in = sub.add_parser("import-comments", help=cmd_import_comments.__doc__)
    comments_in.add_argument("system", choices=("disqus", "isso", "remark42"))
    comments_in.add_argument("file", help="the export, database or backup file")
    comments_in.add_argument("--site", help="the registered site's key, or an origin")
    comments_in.add_argument("--dry-run", action="store_true", help="say what would change")
    comments_in.add_argument("--learn", action="store_true", help="teach the spam filter")
    comments_in.set_defaults(func=cmd_import_comments)

    comments_out = sub.add_parser("export-comments", help=cmd_export_comments.__doc__)
    comments_out.add_argument("site", help="the registered site's key")
    comments_out.add_argument("--format", choices=("json", "disqus"), default="json")
    comments_out.add_argument("--output", help="a file to write (default: standard output)")
    comments_out.set_defaults(func=cmd_export_comments)

    ingest = sub.add_parser("ingest", help=cmd_ingest.__doc__)
    ingest.add_argument("location", nargs="?", help="feed address or folder")
    ingest.add_argument("--source", help="the wire source's name")
    ingest.add_argument("--section", help="for a new location: the section's slug")
    ingest.add_argument("--credit", help="for a new location: the agency's credit, e.g. Reuters")
    ingest.set_defaults(func=cmd_ingest)

    manage = sub.add_parser("manage", help="run any manage.py command")
    manage.add_argument("rest", nargs=argparse.REMAINDER)
    manage.set_defaults(func=cmd_manage)

    args = parser.parse_args(argv)
    try:
        args.func(args)
    except CommandError as exc:
        # What the operator got wrong (a missing file, a file that is not an export): said
        # in one line, as manage.py says it, never as a traceback.
        sys.exit(f"kabar {args.command}: {exc}")


if __name__ == "__main__":
    main()
