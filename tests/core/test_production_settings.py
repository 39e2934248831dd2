"""Production settings read from the environment, `check --deploy`, `kabar serve`, and
SQLite under concurrent comment posting — each in fresh processes, as in production."""

import json
import os
import secrets
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from tests.processes import running

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
SETTINGS_MODULE = "kabar_prodtest_settings"


def clean_env(**extra):
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("DJANGO_", "KABAR_", "PYTEST_", "CLOUDFLARE_", "EMAIL_"))
        and k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ALLOWED_HOSTS"}
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "kabar.settings.production",
            "SECRET_KEY": secrets.token_urlsafe(50),
            "ALLOWED_HOSTS": "kabar.example,www.kabar.example",
            "PYTHONPATH": str(ROOT),
        }
    )
    env.update(extra)
    return env


READ_SETTINGS = textwrap.dedent(
    """
    import json, django
    django.setup()
    from django.conf import settings as s
    print(json.dumps({
        "db": s.DATABASES["default"],
        "caches": {k: v["BACKEND"] for k, v in s.CACHES.items()},
        "cache_locations": {k: str(v.get("LOCATION")) for k, v in s.CACHES.items()},
        "hosts": s.ALLOWED_HOSTS,
        "proxies": s.KABAR_TRUSTED_PROXIES,
        "email": [s.EMAIL_BACKEND, getattr(s, "EMAIL_HOST", None), getattr(s, "EMAIL_PORT", None)],
        "frontend": {k: v["BACKEND"] for k, v in s.WAGTAILFRONTENDCACHE.items()},
        "hsts": s.SECURE_HSTS_SECONDS,
        "ssl_redirect": s.SECURE_SSL_REDIRECT,
        "language_cookie": [s.LANGUAGE_COOKIE_SECURE, s.LANGUAGE_COOKIE_SAMESITE],
        "static": s.STORAGES["staticfiles"]["BACKEND"],
        "shared_max_age": s.KABAR_PAGE_CACHE["SHARED_MAX_AGE"],
    }, default=str))
    """
)


def in_production_process(tmp_path, script, **env):
    """The last line `script` prints under production settings in a fresh process (and
    its stderr); None for the line if the process failed."""
    result = subprocess.run(  # noqa: S603
        [sys.executable, "-c", script],
        env=clean_env(KABAR_DATA_DIR=str(tmp_path), **env),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    if result.returncode:
        return None, result.stderr
    return result.stdout.strip().splitlines()[-1], result.stderr


def read_settings(tmp_path, **env):
    line, stderr = in_production_process(tmp_path, READ_SETTINGS, **env)
    return (json.loads(line) if line is not None else None), stderr


def test_defaults_are_sqlite_and_shared_file_caches(tmp_path):
    found, err = read_settings(tmp_path)
    assert found, err
    assert found["db"]["ENGINE"] == "django.db.backends.sqlite3"
    assert found["db"]["OPTIONS"]["transaction_mode"] == "IMMEDIATE"
    assert found["caches"] == {
        "default": "kabar.core.filecache.FileCache",
        "pages": "kabar.core.filecache.FileCache",
    }
    assert all(str(tmp_path) in loc for loc in found["cache_locations"].values())
    assert found["hosts"] == ["kabar.example", "www.kabar.example"]
    assert found["hsts"] == 31536000 and found["ssl_redirect"] is True
    # Over HTTPS the language cookie is Secure too, as the session's and the CSRF one are.
    assert found["language_cookie"] == [True, "Lax"]
    assert found["static"] == "whitenoise.storage.CompressedManifestStaticFilesStorage"
    assert found["frontend"] == {}
    assert found["proxies"] == []


def test_environment_switches_integrations_on(tmp_path):
    found, err = read_settings(
        tmp_path,
        DATABASE_URL="postgres://kabar:rahasia@db.internal:5432/kabar",
        REDIS_URL="redis://cache.internal:6379/2",
        KABAR_TRUSTED_PROXIES="10.0.0.0/8, 2001:db8::/32",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="2525",
        KABAR_PURGE_URL="http://varnish.internal:6081",
        CLOUDFLARE_BEARER_TOKEN="token",
        CLOUDFLARE_ZONE_ID="zone",
        KABAR_HTTPS="false",
        KABAR_SHARED_MAX_AGE="300",
    )
    assert found, err
    db = found["db"]
    # Django's backend with a health check that needs no round trip (test_postgres_options).
    assert db["ENGINE"] == "kabar.core.postgresql"
    assert (db["HOST"], db["PORT"], db["NAME"], db["USER"]) == (
        "db.internal",
        5432,
        "kabar",
        "kabar",
    )
    assert db["CONN_HEALTH_CHECKS"] is True
    # Bound by the server, and prepared once run often (tests/core/test_postgres_options.py).
    assert db["OPTIONS"] == {"server_side_binding": True, "prepare_threshold": 5}
    assert set(found["caches"].values()) == {"kabar.core.rediscache.ResilientRedisCache"}
    assert found["proxies"] == ["10.0.0.0/8", "2001:db8::/32"]
    assert found["email"] == [
        "django.core.mail.backends.smtp.EmailBackend",
        "smtp.example.org",
        2525,
    ]
    assert sorted(found["frontend"].values()) == [
        "wagtail.contrib.frontend_cache.backends.CloudflareBackend",
        "wagtail.contrib.frontend_cache.backends.HTTPBackend",
    ]
    assert found["hsts"] == 0 and found["ssl_redirect"] is False
    assert found["shared_max_age"] == 300


def test_prepared_statements_can_be_turned_off_for_a_pooler(tmp_path):
    found, err = read_settings(
        tmp_path,
        DATABASE_URL="postgres://kabar@pgbouncer.internal:6432/kabar?sslmode=require",
        KABAR_DB_PREPARED="false",
    )
    assert found, err
    # Still bound by the server; nothing prepared; the URL's own options kept.
    assert found["db"]["OPTIONS"] == {
        "server_side_binding": True,
        "prepare_threshold": None,
        "sslmode": "require",
    }


@pytest.mark.parametrize(
    "key",
    ["", "short", "django-insecure-" + "x" * 60, "a" * 60],
    ids=["missing", "short", "django-insecure", "one-character"],
)
def test_unsafe_secret_key_is_refused(tmp_path, key):
    found, err = read_settings(tmp_path, SECRET_KEY=key)
    assert found is None
    assert "SECRET_KEY must be set" in err


def test_missing_allowed_hosts_is_refused(tmp_path):
    found, err = read_settings(tmp_path, ALLOWED_HOSTS="")
    assert found is None
    assert "ALLOWED_HOSTS" in err


def test_check_deploy_is_clean(tmp_path):
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=clean_env(KABAR_DATA_DIR=str(tmp_path)),
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


# A real production site on SQLite: migrated once for the tests below.

SITE_SETTINGS = """
from kabar.settings.production import *  # noqa: F403
from kabar.settings.production import KABAR_COMMENTS

# Every poster here comes from 127.0.0.1: the flood limits would refuse them all.
KABAR_COMMENTS = {**KABAR_COMMENTS, "RATE_LIMITS": False}
"""

MAKE_ARTICLE = """
import json, django
django.setup()
from tests import builders
home = builders.make_home()
section = builders.make_section(home, "Kabar Internasional", slug="kabar-internasional")
article = builders.make_article(section, "Artikel untuk diuji", slug="artikel-uji")
print(json.dumps({"id": article.pk, "url": article.url}))
"""

POSTER = """
import json, os, sys, time, django
django.setup()
from django.db import OperationalError
from django.test import Client
from tests import builders
from kabar.news.models import ArticlePage

article = ArticlePage.objects.get(pk=int(sys.argv[1]))
me, count, start_at = sys.argv[2], int(sys.argv[3]), float(sys.argv[4])
client = Client(HTTP_ORIGIN="http://testserver", raise_request_exception=True)
statuses, errors = {}, []
token = builders.form_token(article)
while time.time() < start_at:
    time.sleep(0.005)
for n in range(count):
    try:
        response = client.post("/comments/post/", {
            "page": article.pk, "body": f"Komentar {n} dari penulis {me}, nomor unik {me}-{n}.",
            "author_name": f"Penulis {me}", "author_email": f"p{me}-{n}@example.org",
            "author_url": "", "form_token": token,
        }, REMOTE_ADDR=f"198.51.100.{me}")
        statuses[response.status_code] = statuses.get(response.status_code, 0) + 1
    except OperationalError as exc:
        errors.append(str(exc))
print(json.dumps({"statuses": statuses, "errors": errors}))
"""


@pytest.fixture(scope="module")
def prod_site(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("prod-site")
    (data_dir / f"{SETTINGS_MODULE}.py").write_text(SITE_SETTINGS)
    env = clean_env(
        KABAR_DATA_DIR=str(data_dir),
        DJANGO_SETTINGS_MODULE=SETTINGS_MODULE,
        PYTHONPATH=os.pathsep.join([str(data_dir), str(ROOT)]),
        ALLOWED_HOSTS="127.0.0.1,localhost,testserver",
        KABAR_HTTPS="false",
    )

    def run(*argv, timeout=300):
        result = subprocess.run(  # noqa: S603
            [str(a) for a in argv], env=env, cwd=ROOT, capture_output=True, text=True,
            timeout=timeout,
        )  # fmt: skip
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        return result.stdout

    run(sys.executable, "manage.py", "migrate", "--noinput", "-v0")
    article = json.loads(run(sys.executable, "-c", MAKE_ARTICLE).strip().splitlines()[-1])
    return {"dir": data_dir, "env": env, "article": article, "run": run}


@pytest.mark.sqlite  # about SQLite and the default server
def test_sqlite_takes_concurrent_comments_without_database_is_locked(prod_site):
    """WAL, immediate transactions and a busy timeout: six processes posting at once all
    get their comments stored, none is told the database is locked."""
    posters, each = 6, 25
    start_at = time.time() + 3
    procs = [
        subprocess.Popen(  # noqa: S603
            [
                sys.executable,
                "-c",
                POSTER,
                str(prod_site["article"]["id"]),
                str(n),
                str(each),
                str(start_at),
            ],
            env=prod_site["env"],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )  # fmt: skip
        for n in range(1, posters + 1)
    ]
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err[-3000:]
        assert "database is locked" not in err
        results.append(json.loads(out.strip().splitlines()[-1]))
    assert [r["errors"] for r in results] == [[]] * posters
    assert all(r["statuses"] == {"302": each} for r in results), results
    import sqlite3

    with sqlite3.connect(prod_site["dir"] / "kabar.sqlite3") as conn:
        stored = conn.execute("SELECT COUNT(*) FROM discussion_comment").fetchone()[0]
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert stored == posters * each


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url, **headers):
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - 127.0.0.1 only
    with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310
        return response.status, dict(response.headers), response.read()


def _children(pid):
    found = set()
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        for child in map(int, text):
            found |= {child} | _children(child)
    return found


def _cmdline(pid):
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except FileNotFoundError:
        return ""


def _first_answer(proc, url):
    """(status, headers, body) of the first answer `kabar serve` gives to `url`."""
    deadline = time.time() + 120
    while True:
        assert proc.poll() is None, proc.stdout and proc.stdout.read().decode()[-3000:]
        try:
            return _get(url)
        except OSError:
            assert time.time() < deadline, "kabar serve did not answer in 120 s"
            time.sleep(0.3)


@pytest.mark.sqlite  # about SQLite and the default server
def test_kabar_serve_runs_workers_task_worker_cache_and_static_files(prod_site):
    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    proc = subprocess.Popen(  # noqa: S603
        [str(BIN / "kabar"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "2"],
        env=prod_site["env"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
        start_new_session=True,
    )  # fmt: skip
    try:
        status, _headers, html = _first_answer(proc, base + "/")
        assert status == 200
        article = base + prod_site["article"]["url"]
        first = _get(article)
        second = _get(article, **{"Accept-Encoding": "gzip"})
        assert first[1]["x-kabar-cache"] in ("miss", "hit")
        assert second[1]["x-kabar-cache"] == "hit"
        assert second[1]["content-encoding"] == "gzip"
        assert "granian" in second[1].get("server", "")

        # Static files: hashed names, compressed copies, cached for a year.
        css = html.decode().split('rel="stylesheet" href="', 1)[1].split('"', 1)[0]
        assert css.startswith("/static/css/kabar.") and css.count(".") == 2, css
        status, headers, _body = _get(base + css, **{"Accept-Encoding": "gzip"})
        assert status == 200
        assert "immutable" in headers["cache-control"]
        assert "max-age=315360000" in headers["cache-control"]
        assert headers.get("content-encoding") == "gzip"

        commands = [_cmdline(pid) for pid in _children(proc.pid)]
        assert sum("granian" in c for c in commands) >= 3, commands  # supervisor + 2 workers
        assert any("kabar.cli worker" in c for c in commands), commands
    finally:
        children = _children(proc.pid) if proc.poll() is None else set()
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            for pid in children | {proc.pid}:
                os.kill(pid, signal.SIGKILL)
            raise
    assert proc.returncode == 0  # asked to stop, and stopped
    time.sleep(0.5)
    left = {pid: _cmdline(pid) for pid in children if running(pid)}
    assert not left, f"left running: {left}"


@pytest.mark.sqlite  # about SQLite and the default server
def test_kabar_serve_on_a_new_install_shows_kabar_s_front(tmp_path):
    """Installed, migrated, served: the first page is Kabar's front, not Wagtail's
    "Welcome to your new Wagtail site!" placeholder."""
    env = clean_env(KABAR_DATA_DIR=str(tmp_path), ALLOWED_HOSTS="127.0.0.1", KABAR_HTTPS="false")
    subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
        env=env, cwd=ROOT, check=True, timeout=300,
    )  # fmt: skip
    port = _free_port()
    proc = subprocess.Popen(  # noqa: S603
        [str(BIN / "kabar"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--no-worker"],
        env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        start_new_session=True,
    )  # fmt: skip
    try:
        status, _headers, html = _first_answer(proc, f"http://127.0.0.1:{port}/")
    finally:
        children = _children(proc.pid) if proc.poll() is None else set()
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    assert status == 200
    assert b"Welcome to your new Wagtail site" not in html
    assert b'<h1 class="visually-hidden">Kabar</h1>' in html  # the HomePage's template
    assert not {pid for pid in children if running(pid)}


@pytest.mark.sqlite  # about SQLite and the default server
def test_kabar_serve_stops_everything_and_fails_when_a_child_dies(prod_site, tmp_path):
    """A half-running server is worse than none: the task worker killed, `kabar serve`
    stops the web server too, says why and exits with a failure, for systemd to restart
    it."""
    port = _free_port()
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(  # noqa: S603
        [str(BIN / "kabar"), "serve", "--bind", f"127.0.0.1:{port}", "--workers", "1",
         "--no-collectstatic"],
        env=prod_site["env"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=log,
        start_new_session=True,
    )  # fmt: skip
    try:
        _first_answer(proc, f"http://127.0.0.1:{port}/")
        children = _children(proc.pid)
        worker = [pid for pid in children if "kabar.cli worker" in _cmdline(pid)]
        assert len(worker) == 1, [_cmdline(pid) for pid in children]
        os.kill(worker[0], signal.SIGKILL)
        assert proc.wait(timeout=40) == 128 + signal.SIGKILL
        said = (tmp_path / "serve.log").read_text()
        assert "the task worker (kabar worker) ended by itself (killed by signal 9)" in said
    finally:
        log.close()
        if proc.poll() is None:
            for pid in _children(proc.pid) | {proc.pid}:
                os.kill(pid, signal.SIGKILL)
    time.sleep(0.5)
    left = {pid: _cmdline(pid) for pid in children if running(pid)}
    assert not left, f"left running: {left}"


@pytest.mark.sqlite  # about SQLite and the default server
def test_the_sqlite_files_are_not_readable_by_other_users(prod_site):
    # Made by `migrate` under the usual umask (022), which would leave them 0644: every
    # commenter's email and address readable by any local user.
    files = sorted(prod_site["dir"].glob("kabar.sqlite3*"))
    assert [f.name for f in files][:1] == ["kabar.sqlite3"]
    for file in files:
        assert file.stat().st_mode & 0o007 == 0, (file.name, oct(file.stat().st_mode))


@pytest.mark.sqlite  # about SQLite and the default server
def test_backup_and_restore_drill_of_the_sqlite_site(prod_site, tmp_path):
    """The SQLite counterpart of tests/core/test_backup.py (PostgreSQL): a backup of the
    running site's file, restored into a scratch copy whose counts match, and a damaged
    backup that the drill rejects."""
    run = prod_site["run"]
    said = run(sys.executable, "manage.py", "backup", "--output", str(tmp_path))
    target = Path(said.split("Backup written to ", 1)[1].split(" (", 1)[0])
    manifest = json.loads((target / "manifest.json").read_text())
    assert manifest["engine"] == "sqlite"
    assert manifest["counts"]["news_articlepage"] == 1
    assert manifest["counts"]["discussion_comment"] >= 0
    drill = run(sys.executable, "manage.py", "restore_drill", str(target))
    assert "Restore drill OK" in drill
    dump = target / "database.sqlite3"
    dump.write_bytes(dump.read_bytes()[: dump.stat().st_size // 3])
    result = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "restore_drill", str(target)],
        env=prod_site["env"], cwd=ROOT, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode != 0
    assert "FAILED" in result.stderr


def test_the_wsgi_module_freezes_what_it_loaded_for_the_cyclic_collector(tmp_path):
    # The apps' import-time objects are moved out of the collector's sight, so a full
    # collection no longer walks them in the middle of a reader's request.
    script = "import gc, kabar.wsgi; print(gc.get_freeze_count(), len(gc.get_objects()))"
    line, err = in_production_process(tmp_path, script, KABAR_TASK_WORKER="external")
    assert line, err
    frozen, tracked = map(int, line.split())
    assert frozen > 50_000
    assert tracked < frozen / 10


def test_a_web_worker_is_ready_for_its_first_reader_before_one_arrives(tmp_path):
    # The URL configuration and the regular expressions of Django's email and web-address
    # validators (about 25 ms to compile) are made when the worker loads, not on the first
    # page or comment a reader sends it, and frozen with the rest.
    script = textwrap.dedent(
        """
        import json
        from django.core.validators import EmailValidator, URLValidator
        from django.urls import get_resolver
        from django.utils.functional import empty
        lazy = [EmailValidator.user_regex, EmailValidator.domain_regex, URLValidator.regex]
        before = [pattern._wrapped is not empty for pattern in lazy]
        import kabar.wsgi
        after = [pattern._wrapped is not empty for pattern in lazy]
        print(json.dumps([before, after, "url_patterns" in get_resolver().__dict__]))
        """
    )
    line, stderr = in_production_process(tmp_path, script, KABAR_TASK_WORKER="external")
    assert line is not None, stderr
    assert json.loads(line) == [[False, False, False], [True, True, True], True]


def test_a_web_worker_leaves_the_feed_parser_to_the_wire_ingest(tmp_path):
    """feedparser is about 10 MB of memory in each process that imports it; serving pages
    never parses a feed, so a web worker (the WSGI application, its URLs resolved) does not
    load it. The wire ingest still does, when it reads a feed."""
    script = textwrap.dedent(
        """
        import json, sys
        import kabar.wsgi
        from django.urls import get_resolver
        get_resolver().url_patterns
        from kabar.ingest import wire
        before = "feedparser" in sys.modules
        wire.parse_feed(b'<rss version="2.0"><channel><title>t</title></channel></rss>')
        print(json.dumps([before, "feedparser" in sys.modules]))
        """
    )
    line, stderr = in_production_process(tmp_path, script, KABAR_TASK_WORKER="external")
    assert line is not None, stderr
    assert json.loads(line) == [False, True]


SEND_A_MAIL = textwrap.dedent(
    """
    import django, logging
    django.setup()
    from django.core.mail import send_mail
    send_mail("Konfirmasi komentar", "Tautan: https://kabar.example/comments/confirm/abc/",
              "Kabar <redaksi@kabar.example>", ["pembaca.rahasia@example.org"])
    print("sent")
    """
)


def test_without_a_mail_server_mail_is_kept_in_private_files_not_printed(tmp_path):
    # Base settings' console backend printed every message (addresses, working links) into
    # the server's log when production had no EMAIL_HOST.
    line, err = in_production_process(tmp_path, SEND_A_MAIL)
    assert line == "sent", err
    outbox = tmp_path / "mail-not-sent"
    assert (outbox.stat().st_mode & 0o777) == 0o700
    [kept] = list(outbox.iterdir())
    assert "pembaca.rahasia@example.org" in kept.read_text()
    assert "EMAIL_HOST is not set" in err
    assert "pembaca.rahasia@example.org" not in err and "comments/confirm" not in err


def test_the_shipped_systemd_unit_is_valid_for_systemd(tmp_path):
    unit = (ROOT / "deploy" / "systemd" / "kabar.service").read_text()
    assert "ExecStart=/srv/kabar/.venv/bin/kabar serve " in unit
    assert "KillMode=mixed" in unit and "Restart=always" in unit
    # systemd's own check, with the paths of this checkout for the example's.
    local = tmp_path / "kabar.service"
    local.write_text(unit.replace("/srv/kabar/.venv/bin/kabar", str(BIN / "kabar")))
    result = subprocess.run(  # noqa: S603
        ["systemd-analyze", "verify", str(local)],  # noqa: S607
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "kabar.service" not in result.stderr, result.stderr
