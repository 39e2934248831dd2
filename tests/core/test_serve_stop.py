"""`kabar serve` stops what it started, all of it: a child that missed a SIGTERM is asked
again, and what a child forked and left running is killed with its process group."""

import os
import signal
import subprocess
import sys
import time

from kabar.cli import stop_process_groups
from tests.processes import running

# Ignores the first SIGTERM (as a granian worker does when the signal lands on the wrong
# thread), ends cleanly on the second.
MISSES_FIRST_TERM = """
import signal, sys, time
seen = []
def on_term(signum, frame):
    seen.append(signum)
    if len(seen) >= 2:
        sys.exit(0)
signal.signal(signal.SIGTERM, on_term)
print("ready", flush=True)
while True:
    time.sleep(0.05)
"""

# Ends on SIGTERM itself, but leaves behind a process of its own that ignores SIGTERM.
LEAVES_A_CHILD = """
import os, signal, sys, time
signal.signal(signal.SIGTERM, signal.SIG_IGN)
pid = os.fork()
if pid == 0:
    while True:
        time.sleep(0.05)
signal.signal(signal.SIGTERM, lambda *a: sys.exit(0))
print(pid, flush=True)
while True:
    time.sleep(0.05)
"""


def _start(code):
    proc = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", code], stdout=subprocess.PIPE, text=True, process_group=0
    )
    return proc, proc.stdout.readline().strip()


def test_a_child_that_missed_the_first_sigterm_is_asked_again_and_stops_cleanly():
    proc, _ = _start(MISSES_FIRST_TERM)
    stop_process_groups([proc], grace=30, every=0.2)
    # Ended by its own handler (exit 0) on a repeated SIGTERM, not killed at the deadline.
    assert proc.returncode == 0


def test_sigterm_is_repeated_only_to_the_children_named():
    # The task worker takes a second SIGTERM as "abandon the running task": kabar serve
    # repeats it to the web server only. Both children here miss the first one.
    server, _ = _start(MISSES_FIRST_TERM)
    worker, _ = _start(MISSES_FIRST_TERM)
    stop_process_groups([server, worker], grace=1.5, every=0.2, again=[server])
    assert server.returncode == 0
    assert worker.returncode == -signal.SIGKILL  # asked once, then killed at the deadline


def test_what_a_child_left_running_in_its_group_is_killed():
    proc, grandchild = _start(LEAVES_A_CHILD)
    grandchild = int(grandchild)
    assert running(grandchild)
    try:
        stop_process_groups([proc], grace=1.0, every=0.2)
        assert proc.returncode == 0
        # SIGKILL takes effect as the kernel gets to it, not on return from kill().
        deadline = time.monotonic() + 5
        while running(grandchild) and time.monotonic() < deadline:
            time.sleep(0.01)
        assert not running(grandchild)
    finally:
        if running(grandchild):
            os.kill(grandchild, signal.SIGKILL)


def test_a_child_that_never_stops_is_killed_at_the_deadline():
    stubborn = subprocess.Popen(  # noqa: S603
        [sys.executable, "-c", "import signal, time\n"
         "signal.signal(signal.SIGTERM, signal.SIG_IGN)\nprint('ready', flush=True)\n"
         "time.sleep(600)"],
        stdout=subprocess.PIPE, text=True, process_group=0,
    )  # fmt: skip
    stubborn.stdout.readline()
    stop_process_groups([stubborn], grace=0.5, every=0.1)
    assert stubborn.returncode == -signal.SIGKILL
