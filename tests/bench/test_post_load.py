"""The comment-load client of bench/post_load.py: what it sends is what a browser sends."""

import asyncio
import collections
import json
import threading

import pytest
from django.test import RequestFactory
from django.urls import reverse

from bench import harness, post_load, setup_site
from kabar.discussion.own import TRUSTED_COOKIE, address_proof, trusted_proofs

FORM = b"""
<form action="/comments/post/" method="post" id="commentform">
  <input type="hidden" name="page" value="24">
  <input type="hidden" name="form_token" value="abc:123">
  <div aria-hidden="true"><input type="text" name="website_confirm" value=""></div>
  <textarea name="body" rows="8"></textarea>
  <input type="text" name="author_name"><input type="email" name="author_email">
  <input type="url" name="author_url">
  <input type="checkbox" name="remember"><input type="checkbox" name="notify" checked>
  <input type="submit" name="submit" value="Post Comment">
</form>
<form action="/search/"><input name="q" value="x"></form>
"""


def test_the_comment_form_is_read_as_a_browser_would_submit_it():
    action, fields = post_load.parse_form(FORM)
    assert action == "/comments/post/"
    assert dict(fields) == {
        "page": "24",
        "form_token": "abc:123",
        "website_confirm": "",  # the honeypot goes back empty
        "body": "",
        "author_name": "",
        "author_email": "",
        "author_url": "",
        "notify": "on",  # a checked box is sent, an unchecked one is not
    }


def test_a_page_without_the_comment_form_gives_none():
    assert post_load.parse_form(b"<form action='/search/'></form>") is None


def test_half_the_posters_write_as_known_commenters():
    cfg = post_load.Config(posters=4, known_commenters=[("Tetap", "tetap@example.org")])
    people = post_load.identities(cfg, "run1")
    assert people[:2] == [("Tetap", "tetap@example.org")] * 2
    assert len({email for _name, email in people[2:]}) == 2


def site_info():
    """What bench/setup_site.py prints of its known commenters, made here under the test
    settings' SECRET_KEY, as the benchmark makes it under the server's."""
    return {
        "known_commenters": [list(person) for person in setup_site.KNOWN_COMMENTERS],
        "trusted_browsers": setup_site.trusted_browsers(),
    }


def test_known_commenters_post_from_the_browser_that_proves_their_address():
    cfg = post_load.Config(posters=4, known_commenters=post_load.known_commenters(site_info()))
    people = post_load.identities(cfg, "run1")
    post = reverse("discussion:post")
    for person in people[:2]:
        _name, email = person  # unpacked like any identity (bench/isso_peer.py does)
        cookies = post_load.browser_cookies({"kabar_own": "x"}, person, post)
        assert cookies["kabar_own"] == "x"
        # Kabar reads the cookie as the proof that the address's owner is posting: without
        # it a known commenter's comment is held (trust.UNPROVEN_BROWSER).
        request = RequestFactory().post(post, HTTP_COOKIE=post_load._cookie_header(cookies))
        assert trusted_proofs(request) == {address_proof(email)}
        # A browser sends it to the discussion's addresses only, never with the article.
        assert TRUSTED_COOKIE not in post_load.browser_cookies({}, person, "/kabar-internasional/")
    for person in people[2:]:
        assert post_load.browser_cookies({}, person, post) == {}


def test_each_known_commenter_proves_only_their_own_address():
    info = site_info()
    for name, email in post_load.known_commenters(info)[:3]:
        other = next(e for _n, e in setup_site.KNOWN_COMMENTERS if e != email)
        cookie = info["trusted_browsers"][email]
        request = RequestFactory().post("/", HTTP_COOKIE=f"{cookie['name']}={cookie['value']}")
        assert address_proof(email) in trusted_proofs(request), name
        assert address_proof(other) not in trusted_proofs(request)


@pytest.fixture
def cleanup():
    yield
    harness.cleanup_all()


# Its site is SQLite whatever the suite's database, so the PostgreSQL pass leaves it out.
@pytest.mark.sqlite
def test_against_kabar_serve_the_known_commenters_comments_are_published(cleanup):
    """A real `kabar serve` with production settings: the cookies setup_site signed are
    the server's (one SECRET_KEY per site), so a known commenter's comment is published
    unless a rule that has nothing to do with who is writing holds it. Known commenters
    only: a new commenter's comments soon trip the burst guard, which holds everyone's."""
    site = harness.Site.create("post-load-test")
    site.prepare(demo=False, comments=5)
    server = harness.Server(site).start()
    cfg = post_load.Config(
        port=server.port,
        path=site.info["article_url"],
        posters=2,
        duration=6.0,
        known_share=1.0,
        known_commenters=site.info["known_commenters"],
    )
    stats = post_load.run(cfg)
    rows = site.query(
        "SELECT author_email, status, reasons FROM discussion_comment WHERE body LIKE ?",
        (f"%[kb:{stats.run_id}-%",),
    )
    server.stop()
    known = {email for _name, email in setup_site.KNOWN_COMMENTERS}
    statuses = collections.Counter()
    for email, status, reasons in rows:
        assert email in known
        statuses[status] += 1
        held_by = {r["rule"] for r in json.loads(reasons) if r["effect"] == "hold"}
        # Held only when sent within seconds of the form being issued (a poster posts at
        # once after fetching it), never for want of the browser's proof.
        assert (status, held_by) in [("approved", set()), ("pending", {"too_fast"})]
    assert len(rows) == len(stats.acked) > 0
    assert statuses["approved"] > 0, statuses


def test_each_comment_carries_its_own_marker():
    import random

    text = post_load.comment_text(random.Random(1), "run1-3-7")
    assert post_load.MARKER_RE.findall(text) == ["run1-3-7"]


def test_the_load_runs_even_inside_a_running_event_loop():
    result = {}

    def in_a_thread_with_a_running_loop():
        async def outer():
            return post_load.run_coroutine(lambda: asyncio.sleep(0, result=7))

        result["value"] = asyncio.run(outer())

    thread = threading.Thread(target=in_a_thread_with_a_running_loop)
    thread.start()
    thread.join()
    assert result["value"] == 7


def test_slices_of_a_run_merge_into_one():
    first = post_load.Stats(run_id="aa", started=10.0, ended=15.0, sent=4, not_sent=1)
    first.acked = {"aa-0-0": 1, "aa-1-0": 2}
    first.refused = collections.Counter({429: 1})
    first.refusal_samples = {429: "slow down"}
    first.ack_latency = [4.0, 6.0]
    first.ack_times = [(11.0, "aa-0-0"), (12.0, "aa-1-0")]
    first.form_errors = collections.Counter({"GET 503": 1})
    second = post_load.Stats(run_id="bb", started=40.0, ended=45.0, sent=3)
    second.acked = {"bb-0-0": 3}
    second.refused = collections.Counter({429: 2, 500: 1})
    second.refusal_samples = {429: "later", 500: "boom"}
    second.in_doubt = ["bb-1-0"]
    second.ack_latency = [8.0]
    second.ack_times = [(41.0, "bb-0-0")]
    second.form_errors = collections.Counter({"GET 503": 2, "InDoubt": 1})
    whole = post_load.merged([first, second])
    assert post_load.marker_patterns(whole.run_id) == ["%[kb:aa-%", "%[kb:bb-%"]
    assert [marker for _at, marker in whole.ack_times] == ["aa-0-0", "aa-1-0", "bb-0-0"]
    summary = whole.summary()
    assert summary["seconds"] == 10.0  # the slices' own time, not the 35 s they spanned
    assert summary["acknowledged"] == 3 and summary["acknowledged_per_s"] == 0.3
    assert summary["refused"] == {429: 3, 500: 1}
    assert summary["refusal_samples"] == {429: "slow down", 500: "boom"}
    assert summary["in_doubt"] == 1 and summary["sent"] == 7 and summary["not_sent"] == 1
    assert summary["p50_ms"] == 6.0
    assert summary["form_errors"] == {"GET 503": 3, "InDoubt": 1}
    # The parts are left as they were.
    assert len(first.acked) == 2 and first.refused == {429: 1}
