"""Scheduled publishing and expiry: the publishing schedule's task publishes what is due and
queues itself for the next time, the worker's start-up sweep catches what was missed, and an
embargoed article shows nowhere before its time."""

import json
import os
import sqlite3
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from django.test import Client, TestCase
from django.utils import timezone
from wagtail.models import Page, Revision

from kabar.core.page_cache import HEADER
from kabar.news.models import ArticlePage
from kabar.news.tasks import (
    PUBLISHING_CHAIN,
    RECHECK_AT_LEAST_AFTER,
    publish_scheduled_task,
    publishing_sweep,
)
from tests import builders
from tests.core.test_production_settings import clean_env
from tests.processes import running

pytestmark = pytest.mark.django_db

TITLE = "Hasil pemilihan diumumkan pukul sepuluh"


def schedule(section, at, title=TITLE):
    """An article scheduled in the admin's way: published with a go-live time ahead."""
    article = builders.make_article(section, title, go_live_at=at, live=False)
    article.refresh_from_db()
    return article


def make_due(article, ago=timedelta(minutes=5)):
    """Move an article's schedule into the past, as if its time had come meanwhile."""
    at = timezone.now() - ago
    revision = Revision.objects.get(object_id=str(article.pk), approved_go_live_at__isnull=False)
    revision.content["go_live_at"] = at.isoformat()
    revision.approved_go_live_at = at
    revision.save(update_fields=["content", "approved_go_live_at"])
    Page.objects.filter(pk=article.pk).update(go_live_at=at)


def run_round():
    """One round of the schedule, and what its publishing sets off after commit."""
    with TestCase.captureOnCommitCallbacks(execute=True):
        return publish_scheduled_task.call()


def is_live(article):
    return ArticlePage.objects.filter(pk=article.pk, live=True).exists()


def queued_rounds(queue):
    return [r for r in queue.results if r.task.module_path == publish_scheduled_task.module_path]


def test_scheduling_keeps_the_article_offline_and_records_its_time(section):
    at = timezone.now() + timedelta(hours=1)
    article = schedule(section, at)
    assert not article.live
    assert Revision.objects.get(object_id=str(article.pk)).approved_go_live_at == at


def test_task_publishes_a_scheduled_article_when_due_and_not_before(section):
    article = schedule(section, timezone.now() + timedelta(hours=1))
    assert run_round() == 0
    assert not is_live(article)

    make_due(article)
    assert run_round() == 1
    assert is_live(article)
    assert Client().get(article.url).status_code == 200
    # Done once: the revision is no longer waiting.
    assert not Revision.objects.filter(approved_go_live_at__isnull=False).exists()
    assert run_round() == 0


def test_start_up_sweep_publishes_what_was_missed_and_starts_the_chain(section, deferred_queue):
    article = schedule(section, timezone.now() + timedelta(hours=1))
    deferred_queue.clear()
    make_due(article, ago=timedelta(hours=3))  # its time passed while no worker ran

    with TestCase.captureOnCommitCallbacks(execute=True):
        assert publishing_sweep() == (1, 0)

    assert is_live(article)
    [started] = queued_rounds(deferred_queue)
    assert started.task.run_after is None  # the chain's first round runs at once


def test_sweep_starts_no_second_chain(section, deferred_queue):
    publishing_sweep()
    publishing_sweep()
    assert len(queued_rounds(deferred_queue)) == 1


def test_chain_queues_its_next_round_for_the_nearest_go_live_time(section, deferred_queue):
    soon = timezone.now() + timedelta(seconds=20)
    schedule(section, timezone.now() + timedelta(hours=2), title="Nanti sore")
    schedule(section, soon, title="Sebentar lagi")
    deferred_queue.clear()

    run_round()

    [queued] = queued_rounds(deferred_queue)
    assert queued.task.run_after == soon


def test_chain_runs_every_minute_with_nothing_due(section, deferred_queue):
    started = timezone.now()
    schedule(section, started + timedelta(hours=2))
    deferred_queue.clear()

    run_round()

    [queued] = queued_rounds(deferred_queue)
    after = queued.task.run_after - started
    assert timedelta(seconds=59) < after <= timedelta(seconds=61)


def test_chain_waits_a_few_seconds_at_least(section, deferred_queue):
    started = timezone.now()
    schedule(section, started + timedelta(milliseconds=500))
    deferred_queue.clear()

    run_round()

    [queued] = queued_rounds(deferred_queue)
    assert queued.task.run_after - started >= RECHECK_AT_LEAST_AFTER


def test_chain_ends_when_another_round_is_queued(section, deferred_queue):
    PUBLISHING_CHAIN.start()
    run_round()  # a round run by hand while the chain's next one waits
    assert len(queued_rounds(deferred_queue)) == 1


def test_scheduling_in_the_admin_wakes_the_chain_for_that_time(section, deferred_queue):
    at = timezone.now() + timedelta(minutes=30)
    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule(section, at)
    [queued] = queued_rounds(deferred_queue)
    assert queued.task.run_after == at

    # A later schedule is served by the round already waiting for an earlier time.
    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule(section, at + timedelta(minutes=5), title="Yang kedua")
    assert len(queued_rounds(deferred_queue)) == 1

    # An earlier one gets a round of its own; the chain carries on after it.
    earlier = at - timedelta(minutes=20)
    with TestCase.captureOnCommitCallbacks(execute=True):
        schedule(section, earlier, title="Yang lebih awal")
    assert sorted(r.task.run_after for r in queued_rounds(deferred_queue)) == [earlier, at]


def test_expired_article_is_unpublished_by_the_task(section):
    article = builders.make_article(section, "Pengumuman yang berlaku sehari")
    Page.objects.filter(pk=article.pk).update(expire_at=timezone.now() - timedelta(minutes=1))

    assert run_round() == 1

    article.refresh_from_db()
    assert (article.live, article.expired) == (False, True)
    assert Client().get(article.url).status_code == 404


def test_publishing_with_an_expiry_wakes_the_chain_then(section, deferred_queue):
    expire_at = timezone.now() + timedelta(minutes=10)
    with TestCase.captureOnCommitCallbacks(execute=True):
        builders.make_article(section, "Berlaku sepuluh menit", expire_at=expire_at)
    assert expire_at in [r.task.run_after for r in queued_rounds(deferred_queue)]


def test_inline_queue_runs_no_chain(section):
    # settings/test.py runs tasks inline: the chain must not loop.
    assert PUBLISHING_CHAIN.start() is None


def _everywhere(article):
    """Where a public article shows: its page, front, home, feed, news sitemap, ninjs."""
    client = Client()
    return {
        "page": client.get(article.url).status_code == 200,
        "section": TITLE in client.get(article.get_parent().url).content.decode(),
        "home": TITLE in client.get("/").content.decode(),
        "feed": TITLE in client.get("/feed/").content.decode(),
        "sitemap-news": article.url in client.get("/sitemap-news.xml").content.decode(),
        "ninjs": client.get(f"/ninjs/articles/{article.pk}.json").status_code == 200,
    }


def test_embargoed_article_shows_nowhere_before_its_time_and_everywhere_after(section):
    article = schedule(section, timezone.now() + timedelta(hours=1))
    article.refresh_from_db()
    assert not any(_everywhere(article).values()), _everywhere(article)

    make_due(article)
    run_round()

    article.refresh_from_db()
    assert all(_everywhere(article).values()), _everywhere(article)


def test_going_live_purges_the_cached_front(section, page_cache):
    article = schedule(section, timezone.now() + timedelta(hours=1))
    front = section.url
    client = Client()
    client.get(front)
    cached = client.get(front)
    assert cached.get(HEADER) == "hit" and TITLE not in cached.content.decode()

    make_due(article)
    run_round()

    fresh = Client().get(front)
    assert fresh.get(HEADER) == "miss"
    assert TITLE in fresh.content.decode()


# A real `kabar worker` under production settings, with nothing else running.

ROOT = Path(__file__).resolve().parents[2]
BIN = os.path.dirname(sys.executable)

SCHEDULE_ARTICLE = """
import json, sys, django
from datetime import timedelta
django.setup()
from django.utils import timezone
from wagtail.models import Page
from tests import builders
from kabar.news.models import SectionPage
section = SectionPage.objects.first()
if section is None:
    section = builders.make_section(builders.make_home(), "Kabar Internasional")
at = timezone.now() + timedelta(seconds=float(sys.argv[1]))
article = builders.make_article(section, sys.argv[2], go_live_at=at, live=False)
print(json.dumps({"id": article.pk, "at": at.timestamp()}))
"""


@pytest.fixture
def production_site(tmp_path):
    env = clean_env(KABAR_DATA_DIR=str(tmp_path), KABAR_HTTPS="false")

    def run(*argv):
        result = subprocess.run(  # noqa: S603
            [str(a) for a in argv], env=env, cwd=ROOT, capture_output=True, text=True, timeout=300
        )
        assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
        return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""

    run(sys.executable, "manage.py", "migrate", "--noinput", "-v0")
    return {"env": env, "run": run, "db": tmp_path / "kabar.sqlite3"}


def _live_at(db, page_id):
    """The page's last_published_at (as the database stores it) once live, else None."""
    with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=10) as conn:
        row = conn.execute(
            "SELECT live, last_published_at FROM wagtailcore_page WHERE id = ?", (page_id,)
        ).fetchone()
    return row[1] if row and row[0] else None


@pytest.mark.sqlite
def test_real_worker_publishes_a_missed_article_at_start_and_a_scheduled_one_on_time(
    production_site,
):
    site = production_site
    db = next(site["db"].parent.glob("*.sqlite3"))
    missed = json.loads(site["run"](sys.executable, "-c", SCHEDULE_ARTICLE, "1", "Terlewat"))
    time.sleep(2)  # its time passes with no worker running
    assert _live_at(db, missed["id"]) is None

    worker = subprocess.Popen(  # noqa: S603
        [os.path.join(BIN, "kabar"), "worker"],
        env=site["env"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
        process_group=0,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while _live_at(db, missed["id"]) is None and time.monotonic() < deadline:
            assert worker.poll() is None, worker.stderr.read().decode()[-4000:]
            time.sleep(0.5)
        assert _live_at(db, missed["id"]) is not None, "the start-up sweep missed it"

        # Scheduled ~5 s ahead while the worker runs: live within a minute of its time.
        ahead = json.loads(site["run"](sys.executable, "-c", SCHEDULE_ARTICLE, "5", "Tepat"))
        assert _live_at(db, ahead["id"]) is None
        deadline = ahead["at"] + 60
        while _live_at(db, ahead["id"]) is None and time.time() < deadline:
            assert worker.poll() is None, worker.stderr.read().decode()[-4000:]
            time.sleep(0.5)
        assert _live_at(db, ahead["id"]) is not None, "not published within a minute"
        # And not before its time.
        went_live = datetime.fromisoformat(_live_at(db, ahead["id"]))
        assert went_live.replace(tzinfo=went_live.tzinfo or UTC).timestamp() >= ahead["at"]
    finally:
        os.killpg(worker.pid, 15)
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(worker.pid, 9)
            worker.wait()
    assert not running(worker.pid)
