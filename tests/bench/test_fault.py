"""The crash test of bench/fault.py, shorter: posters against a real `kabar serve` on
SQLite, every server process killed with SIGKILL mid-load, restarted, posting throughout."""

import pytest

from bench import fault, harness

# A crash of the embedded SQLite setup: the Makefile's PostgreSQL pass deselects the
# `fault` marker, so it runs once, in the SQLite pass.
pytestmark = [pytest.mark.fault]


@pytest.fixture
def cleanup():
    yield
    harness.cleanup_all()


def test_no_acknowledged_comment_is_lost_when_the_server_is_killed(cleanup):
    report = fault.sqlite_crash(posters=16, duration=12.0, kill_at=0.4)
    # The crash really happened in the middle of the load.
    assert report["acknowledged_before_kill"] > 0
    assert report["acknowledged_after_restart"] > 0
    # Every acknowledged comment is stored exactly once, under the id its author was told.
    assert report["lost"] == 0, report["lost_markers"]
    assert report["stored"] == report["acknowledged"]
    assert report["duplicates"] == 0
    assert report["acknowledged_with_wrong_id"] == 0
    assert report["one_id_told_twice"] == 0
    assert report["integrity"] == "ok"
