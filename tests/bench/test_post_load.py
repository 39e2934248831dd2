"""The comment-load client of bench/post_load.py: what it sends is what a browser sends."""

import asyncio
import threading

from bench import post_load

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
