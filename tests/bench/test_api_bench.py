"""The API benchmark's parts (bench/api.py): its site's thread is a registered site's page
with 50 approved comments, a list GET counts only complete answers, and a POST counts only
when the comment is stored under the id it was answered with. Against the real API on
Django's live server, and wrk against a small server of the test's own; no timing is
asserted."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import SimpleNamespace

import pytest

from bench import api, harness, isso_peer, post_load, setup_site
from kabar.discussion import sites
from kabar.discussion.models import Comment, CommentStatus, ExternalSite, ExternalThread


def wrk_args(**fields):
    return SimpleNamespace(**{"connections": 2, "duration": 1, "warmup": 0, **fields})


def test_the_setup_makes_a_registered_sites_thread_of_50_approved_comments(home):
    key, url, thread, approved = setup_site.make_external_thread(api.THREAD_ORIGIN, 50)
    site = ExternalSite.objects.get(slug=key)
    assert site.origin == api.THREAD_ORIGIN
    assert url == api.THREAD_ORIGIN + setup_site.EXTERNAL_THREAD_PATH
    # The thread the widget's first visit makes, found again by its address.
    assert isinstance(thread, ExternalThread) and thread.get_parent().pk == site.pk
    assert sites.resolve(url, site_key=key).target.pk == thread.pk
    comments = Comment.objects.filter(page=thread)
    assert approved == comments.filter(status=CommentStatus.APPROVED).count() == 50
    replies = comments.filter(parent__isnull=False).count()
    assert 10 < replies < 40  # threaded a little
    assert max(comments.values_list("depth", flat=True)) <= 3
    # Run again (a kept site), nothing more is made.
    assert setup_site.make_external_thread(api.THREAD_ORIGIN, 50)[3] == 50
    assert ExternalThread.objects.count() == 1


def test_the_needles_are_the_first_middle_and_last_seeded_comment():
    assert api.needles(50) == ["(Catatan ke-1.)", "(Catatan ke-25.)", "(Catatan ke-50.)"]


class Answers(BaseHTTPRequestHandler):
    """In turn: a complete answer, one that lacks the last comment, a complete body with
    status 500. Counts what it sent of each."""

    protocol_version = "HTTP/1.1"
    sent = None
    lock = threading.Lock()

    def do_GET(self):
        complete = json.dumps({"comments": [{"text": n} for n in api.needles(50)]}).encode()
        with self.lock:
            turn = sum(self.sent.values()) % 3
            kind = ("complete", "incomplete", "error")[turn]
            self.sent[kind] += 1
        body = complete.replace(b"(Catatan ke-50.)", b"") if kind == "incomplete" else complete
        self.send_response(500 if kind == "error" else 200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_a_list_get_counts_only_complete_answers(tmp_path):
    Answers.sent = {"complete": 0, "incomplete": 0, "error": 0}
    server = ThreadingHTTPServer((harness.HOST, 0), Answers)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://{harness.HOST}:{server.server_address[1]}/?uri=/x/"
        row = api.measure_get(
            "uji", url, headers={}, strings=api.needles(), script_dir=tmp_path, args=wrk_args()
        )
    finally:
        server.shutdown()
        server.server_close()
    sent = Answers.sent
    # Answers sent as wrk stopped were never read: at most one per connection.
    assert 0 <= sent["complete"] - row["checked"]["correct"] <= 2
    assert 0 <= sent["incomplete"] + sent["error"] - row["checked"]["wrong"] <= 2
    assert row["checked"]["correct"] > 10 and row["errors"] >= row["checked"]["wrong"] > 10
    # The rate is the complete answers', about a third of all answers.
    assert row["rps"] == pytest.approx(row["checked"]["correct"], rel=0.2)


def response(status, body):
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return post_load.Response(status, [], raw)


def test_a_post_counts_when_answered_as_stored():
    assert api.parse_created(response(201, {"comment": {"id": 7, "status": "approved"}})) == (
        7,
        "approved",
    )
    assert api.parse_created(response(201, {"comment": {"id": 8, "status": "pending"}})) == (
        8,
        "pending",
    )
    problem = {"type": "/api/v1/problems/invalid", "status": 400, "errors": {}}
    assert api.parse_created(response(400, problem)) is None
    assert api.parse_created(response(200, {"comment": {"id": 9, "status": "approved"}})) is None
    assert api.parse_created(response(201, {"comment": {"id": 9, "status": "removed"}})) is None
    assert api.parse_created(response(201, b"<html>")) is None


def test_only_posts_stored_once_under_the_answered_id_are_correct():
    acked = {"r-0-0": 10, "r-0-1": 11, "r-1-0": 12, "r-1-1": 13}
    rows = [
        (10, "approved", "a [kb:r-0-0]."),
        (11, "pending", "b [kb:r-0-1]."),
        (15, "pending", "c [kb:r-1-0]."),  # stored under another id than answered
        # r-1-1 answered but not stored
    ]
    check = isso_peer.reconcile(acked, rows)
    assert api.correct_posts(check) == 2


def rows():
    return [
        {"label": "API list GET, 50 comments, cached", "kind": "cached", "engine": "SQLite"}
        | {"rps": 9000.0, "p50": 1.2, "p99": 4.0},
        {"label": "API list GET, 50 comments, uncached", "kind": "uncached", "engine": "SQLite"}
        | {"rps": 600.0, "p50": 25.0, "p99": 60.0},
        {"label": "API comment POSTs, 8 posters", "kind": "post", "engine": "SQLite"}
        | {"rps": 300.0, "p50": 20.0, "p99": 50.0, "errors": 3},
        {"label": "Isso GET /?uri=, 50 comments", "kind": "get", "engine": "Isso", "isso": True}
        | {"rps": 150.0, "p50": 100.0, "p99": 200.0, "pair": "SQLite"},
        {"label": "Isso POST /new, 8 posters", "kind": "post", "engine": "Isso", "isso": True}
        | {"rps": 200.0, "p50": 30.0, "p99": 60.0, "pair": "SQLite"},
    ]


def test_each_row_is_compared_with_isso_of_its_kind_and_the_goals_say_so():
    table = api.add_ratios(rows())
    assert [r.get("vs_isso") for r in table] == [60.0, 4.0, 1.5, None, None]
    text = api.table(table, wrk_args(connections=16, posters=8))
    assert "| API list GET, 50 comments, cached | 9,000 | 1.20 ms | 4.00 ms | 60.0× |" in text
    assert "| API comment POSTs, 8 posters (3 wrong or failed) | 300 |" in text
    assert "| Isso POST /new, 8 posters | 200 | 30.0 ms | 60.0 ms | 1× |" in text
    goals = api.goals(table).splitlines()
    assert goals == [
        "- [x] SQLite: list GET, cached ≥ 10× Isso's (150/s): 60.0× (9,000/s)",
        "- [ ] SQLite: list GET, uncached ≥ 10× Isso's (150/s): 4.00× (600/s)",
        "- [ ] SQLite: comment POSTs ≥ 2× Isso's (200/s): 1.50× (300/s)",
    ]


def test_each_database_s_rows_are_divided_by_the_isso_rows_measured_beside_them():
    postgres = [{**row, "engine": "PostgreSQL", "rps": row["rps"] / 2} for row in rows()[:3]]
    postgres += [{**row, "pair": "PostgreSQL", "rps": row["rps"] * 2} for row in rows()[3:]]
    table = api.add_ratios(rows() + postgres)
    assert [r.get("vs_isso") for r in table[:3]] == [60.0, 4.0, 1.5]
    assert [r.get("vs_isso") for r in table[5:8]] == [15.0, 1.0, 0.375]
    goals = api.goals(table).splitlines()
    assert "- [ ] PostgreSQL: comment POSTs ≥ 2× Isso's (400/s): 0.38× (150/s)" in goals
    assert "- [ ] SQLite: comment POSTs ≥ 2× Isso's (200/s): 1.50× (300/s)" in goals
    # Without Isso's rows beside PostgreSQL's (Isso failed there), no ratio for them.
    fresh = [{**row, "engine": "PostgreSQL", "rps": row["rps"] / 2} for row in rows()[:3]]
    table = api.add_ratios(rows() + fresh)
    assert [r.get("vs_isso") for r in table[5:]] == [None, None, None]


@pytest.fixture
def live_thread(wagtail_initial_data, live_server):
    """The benchmark's thread on Django's live server: {site, url, id} as the setup prints
    it, and the server's port."""
    setup_site.make_tree()
    key, url, thread, _approved = setup_site.make_external_thread(api.THREAD_ORIGIN, 50)
    port = int(live_server.url.rsplit(":", 1)[1])
    return {"site": key, "url": url, "id": thread.pk}, port


def test_against_the_api_list_gets_are_complete_and_posts_stored_as_answered(live_thread, tmp_path):
    thread, port = live_thread
    path = api.threads_path(thread)
    api.expect_thread(port, path, {"Origin": api.THREAD_ORIGIN}, "list GET")
    row = api.measure_get(
        "uji",
        f"http://{harness.HOST}:{port}{path}",
        headers={"Origin": api.THREAD_ORIGIN, **api.UNCACHED},
        strings=api.needles(),
        script_dir=tmp_path,
        args=wrk_args(),
    )
    assert row["checked"]["correct"] > 0
    assert row["checked"]["wrong"] == 0 and row["errors"] == 0
    # One poster: the live server's threads share the test's one SQLite connection, which
    # takes one write transaction at a time.
    cfg = post_load.Config(
        port=port,
        path=path,
        posters=1,
        duration=3.0,
        known_commenters=setup_site.KNOWN_COMMENTERS,
    )
    stats = post_load.run_coroutine(lambda: api.run_posters(cfg, thread))
    stored = Comment.objects.filter(body__contains=f"[kb:{stats.run_id}-").values_list(
        "id", "status", "body"
    )
    check = isso_peer.reconcile(stats.acked, list(stored))
    assert stats.refused == {} and stats.form_errors == {}
    assert api.correct_posts(check) == len(stats.acked) == len(stored) > 0
    assert set(check["modes"]) <= {"approved", "pending"}
    assert sum(stats.statuses.values()) == len(stats.acked)
