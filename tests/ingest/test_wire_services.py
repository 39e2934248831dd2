"""Checking wire sources: new items become draft articles, known ones are skipped, bad ones
are reported, and the schedule checks only the sources that are due."""

import json
import shutil
import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kabar.ingest import wire_services
from kabar.ingest.models import WireItem, WireSource
from kabar.ingest.tasks import wire_check_due_task, wire_schedule_start
from kabar.ingest.wire_services import wire_check_due, wire_source_check, wire_sources_due
from kabar.news.models import ArticlePage

DATA = Path(__file__).resolve().parent.parent / "data" / "wire"
CREDIT = "Nusantara Wire"


@pytest.fixture
def wire_server():
    """Feeds served from 127.0.0.1: path -> (status, content type, bytes)."""
    routes = {}
    requests = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            requests.append(self.path)
            status, content_type, body = routes.get(self.path, (404, "text/plain", b"no"))
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    server.routes, server.requests = routes, requests
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()
    thread.join(5)


def folder_with(tmp_path, *names, **documents):
    folder = tmp_path / "drop"
    folder.mkdir(exist_ok=True)
    for name in names:
        shutil.copy(DATA / name, folder / name)
    for name, data in documents.items():
        (folder / name.replace("__", ".")).write_bytes(data)
    return folder


def make_source(section, location, **fields):
    return WireSource.objects.create(
        name=fields.pop("name", "Nusantara Wire"),
        credit=fields.pop("credit", CREDIT),
        location=str(location),
        section=section,
        **fields,
    )


def body_text(article):
    return json.dumps(list(article.body.raw_data))


@pytest.mark.parametrize(
    ("name", "headline", "dateline", "link", "urgency", "original_starts"),
    [
        (
            "rss.xml",
            "Monsoon floods close three toll roads outside Jakarta",
            "JAKARTA",
            "https://wire.example.org/world/2026/12/monsoon-floods-toll-roads",
            None,
            "JAKARTA (Nusantara Wire) - Heavy overnight rain",
        ),
        (
            "atom.xml",
            "Ferry services resume across the Sunda Strait",
            "MERAK, Indonesia",
            "https://wire.example.org/asia/2026/12/ferries-resume",
            None,
            "MERAK, Indonesia (Nusantara Wire) - Ferries between",
        ),
        (
            "ninjs1-superdesk.json",
            "Volcano alert raised on Mount Lewotobi",
            "Jakarta",
            "",
            2,
            "Indonesian authorities raised the alert",
        ),
        (
            "ninjs2.json",
            "North Sumatra expects a larger rice harvest this season",
            "Medan",
            "https://wire.example.org/ninjs/2026/12/rice-harvest",
            5,
            "Farmers in North Sumatra expect",
        ),
        (
            "ninjs3.json",
            "Survey finds coral recovering off Sulawesi",
            "Makassar",
            "https://wire.example.org/asia/2026/12/coral-survey",
            4,
            "Divers surveying reefs off South Sulawesi",
        ),
    ],
)
def test_each_format_lands_as_a_draft_article_with_credit_dateline_link_urgency_and_original(
    section, tmp_path, name, headline, dateline, link, urgency, original_starts
):
    source = make_source(section, folder_with(tmp_path, name), language="en")
    result = wire_source_check(source)

    item = WireItem.objects.get(source=source, headline=headline)
    assert item in result.new
    article = ArticlePage.objects.get(pk=item.article_id)
    assert article.get_parent().pk == section.pk
    assert not article.live
    assert article.first_published_at is None
    assert article.latest_revision is not None  # a draft an editor opens and publishes
    assert article.title == headline
    assert article.source_credit == CREDIT
    assert article.dateline == dateline == item.dateline
    assert article.source_url == link
    assert article.urgency == urgency
    assert article.language == "en"
    assert article.original_text.startswith(original_starts)
    assert "<" not in article.original_text
    assert [block.block_type for block in article.body][:1] == ["paragraph"]
    assert source.last_error == ""
    assert source.last_checked_at is not None


def test_a_draft_keeps_paragraph_breaks_in_its_original_and_the_summary_as_standfirst(
    section, tmp_path
):
    source = make_source(section, folder_with(tmp_path, "ninjs2.json"))
    wire_source_check(source)
    article = ArticlePage.objects.get()
    assert article.original_text == (
        "Farmers in North Sumatra expect a larger rice harvest this season, the provincial "
        "agriculture office said.\n\nSteadier rainfall and new seed varieties were the main "
        "reasons, it said."
    )
    assert article.standfirst == "Farmers credit steadier rainfall and new seed varieties."
    assert "Steadier rainfall" in body_text(article)


def test_long_summary_is_trimmed_to_the_standfirst_and_language_falls_back_to_the_source(
    section, tmp_path
):
    story = {
        "uri": "urn:newsml:wire.example.org:long",
        "type": "text",
        "language": "tlh",  # no article language Kabar names: the source's is used
        "headline": "A story with a long summary",
        "description_text": "Kalimat ringkasan yang panjang sekali. " * 30,
        "body_text": "Body.",
    }
    folder = folder_with(tmp_path, story__json=json.dumps(story).encode())
    wire_source_check(make_source(section, folder, language="en"))
    article = ArticlePage.objects.get()
    assert len(article.standfirst) <= 600
    kept = article.standfirst.removesuffix("\u2026")
    assert kept != article.standfirst  # marked as cut
    assert (story["description_text"].strip() + " ").startswith(kept + " ")  # at a word
    assert article.language == "en"
    assert WireItem.objects.get().language == "tlh"  # the item keeps what it said


def test_feed_over_http_second_check_takes_nothing_twice(section, wire_server):
    wire_server.routes["/world.xml"] = (200, "application/rss+xml", (DATA / "rss.xml").read_bytes())
    source = make_source(section, f"{wire_server.url}/world.xml")

    first = wire_source_check(source)
    assert [item.guid for item in first.new] == [
        "https://wire.example.org/world/2026/12/central-bank-holds-rate",
        "nw-2026-12-02-0001",
    ]  # oldest first, so that the newest is listed first on the desk
    assert [s.reason for s in first.skipped] == ["no GUID and no link"]

    second = wire_source_check(source)
    assert (len(second.new), second.duplicates) == (0, 2)
    assert ArticlePage.objects.count() == 2
    assert WireItem.objects.count() == 2
    assert wire_server.requests == ["/world.xml", "/world.xml"]


def test_same_guid_from_another_source_is_its_own_item(section, tmp_path):
    folder = folder_with(tmp_path, "ninjs1-superdesk.json")
    wire_source_check(make_source(section, folder, name="One"))
    wire_source_check(make_source(section, folder, name="Two", credit="Other"))
    assert WireItem.objects.count() == 2
    assert sorted(ArticlePage.objects.values_list("source_credit", flat=True)) == [
        CREDIT,
        "Other",
    ]


def test_folder_source_reads_every_json_and_xml_file_and_ignores_others(section, tmp_path):
    folder = folder_with(tmp_path, "rss.xml", "atom.xml", "ninjs3.json", notes__txt=b"not a feed")
    result = wire_source_check(make_source(section, folder))
    assert len(result.new) == 4
    assert result.error == ""


def test_bad_file_in_a_folder_is_reported_and_the_others_land(section, tmp_path):
    folder = folder_with(tmp_path, "atom.xml", broken__json=b'{"uri": ')
    source = make_source(section, folder)
    result = wire_source_check(source)
    assert [item.headline for item in result.new] == [
        "Ferry services resume across the Sunda Strait"
    ]
    source.refresh_from_db()
    assert source.last_error.startswith("broken.json: Not a readable JSON document")


def test_hostile_html_is_stripped_from_the_body_and_never_runs(section, tmp_path, client):
    story = {
        "uri": "urn:newsml:wire.example.org:hostile",
        "type": "text",
        "headline": "Story with <script>alert('headline')</script> markup",
        "located": "Jakarta",
        "body_html": (
            "<p>Safe opening paragraph.</p><script>alert('body')</script>"
            '<p><img src="x" onerror="alert(1)">Second <a href="javascript:alert(2)">click</a>'
            ' and <a href="https://example.org/ok" onclick="alert(3)">a real link</a>.</p>'
            '<iframe src="https://evil.example/"></iframe>'
        ),
    }
    source = make_source(section, folder_with(tmp_path, story__json=json.dumps(story).encode()))
    wire_source_check(source)
    article = ArticlePage.objects.get()

    stored = body_text(article)
    for hostile in ("<script", "alert(", "onerror", "onclick", "javascript:", "<iframe", "<img"):
        assert hostile not in stored
    assert 'href=\\"https://example.org/ok\\"' in stored
    assert "<" not in article.original_text and "alert" not in article.original_text
    assert "Safe opening paragraph." in article.original_text

    article.get_latest_revision().publish()
    article.refresh_from_db()
    page = client.get(article.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert "Safe opening paragraph." in html
    assert "alert(" not in html and "onerror" not in html and "javascript:" not in html
    # The headline is text: shown escaped, never as markup.
    assert "<script>alert('headline')" not in html


@pytest.mark.parametrize(
    "nesting",
    [
        "<div>" * 40_000 + "Isi berita yang terkubur." + "</div>" * 40_000,
        "<ul><li>" * 40_000 + "Isi berita yang terkubur.",
        "<figure>" * 40_000 + "Isi berita yang terkubur.",
    ],
    ids=["divs", "unclosed-lists", "unclosed-figures"],
)
def test_markup_nested_tens_of_thousands_deep_lands_flattened(section, tmp_path, client, nesting):
    # A story must not be lost to a recursion limit (sanitising nested markup also took
    # time in the square of its depth: minutes): its words land, its nesting does not.
    story = {
        "uri": "urn:newsml:wire.example.org:nested",
        "type": "text",
        "headline": "Berita dengan markup bersarang",
        "body_html": "<p>Paragraf pembuka.</p>" + nesting,
    }
    source = make_source(section, folder_with(tmp_path, story__json=json.dumps(story).encode()))
    result = wire_source_check(source)
    assert result.skipped == [] and len(result.new) == 1
    article = ArticlePage.objects.get()
    stored = body_text(article)
    assert "Paragraf pembuka." in stored and "Isi berita yang terkubur." in stored
    assert stored.count("<ul>") <= 100
    assert "Isi berita yang terkubur." in article.original_text

    article.get_latest_revision().publish()
    article.refresh_from_db()
    page = client.get(article.url)
    assert page.status_code == 200
    assert "Isi berita yang terkubur." in page.content.decode()


@pytest.mark.parametrize("filler", ["[caption]", "[embed]", "[gallery]", "[video]", "[tombol]"])
def test_openings_never_closed_repeated_through_the_body_leave_the_story_whole(
    section, tmp_path, filler
):
    # Each unclosed opening was looked past to the end of the text, a minute per story:
    # the story lands whole, its words kept.
    story = {
        "uri": "urn:newsml:wire.example.org:openings",
        "type": "text",
        "headline": "Berita dengan kode pendek terbuka",
        "body_html": "<p>Paragraf pembuka.</p>" + filler * 35_000,
    }
    source = make_source(section, folder_with(tmp_path, story__json=json.dumps(story).encode()))
    result = wire_source_check(source)
    assert len(result.new) == 1
    assert "Paragraf pembuka." in body_text(ArticlePage.objects.get())


def test_published_wire_article_credits_the_agency(section, tmp_path, client):
    source = make_source(section, folder_with(tmp_path, "ninjs1-superdesk.json"))
    wire_source_check(source)
    article = ArticlePage.objects.get()
    assert client.get(article.url).status_code == 404  # a draft is not on the site
    article.get_latest_revision().publish()
    article.refresh_from_db()

    page = client.get(article.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert '<span class="source-credit">Nusantara Wire</span>' in html
    assert '<span class="dateline">Jakarta —</span>' in html
    # The original as received is for the newsroom only.
    assert "Residents of nearby villages" in html  # in the body...
    assert article.original_text not in html  # ...but never the original_text field as such


@pytest.mark.parametrize(
    ("route", "expected"),
    [
        ((500, "text/plain", b"oops"), "The feed answered HTTP 500"),
        ((200, "text/html", b"<html><body>Maintenance</body></html>"), "Not an RSS, Atom"),
        ((200, "application/json", b'{"uri": '), "Not a readable JSON document"),
    ],
)
def test_unreadable_feed_is_recorded_on_the_source_never_raised(
    section, wire_server, route, expected
):
    wire_server.routes["/feed"] = route
    source = make_source(section, f"{wire_server.url}/feed")
    result = wire_source_check(source)
    source.refresh_from_db()
    assert result.new == []
    assert source.last_error.startswith(expected)
    assert source.last_checked_at is not None


def test_feed_larger_than_the_cap_is_refused(section, wire_server, monkeypatch):
    monkeypatch.setattr(wire_services, "MAX_DOCUMENT_BYTES", 100)
    wire_server.routes["/big"] = (200, "application/rss+xml", (DATA / "rss.xml").read_bytes())
    source = make_source(section, f"{wire_server.url}/big")
    wire_source_check(source)
    source.refresh_from_db()
    assert source.last_error == "The feed is larger than 100 bytes."
    assert not WireItem.objects.exists()


def test_missing_folder_and_other_schemes_are_errors(section, tmp_path):
    for location, expected in [
        (tmp_path / "absent", "Not a feed address or a folder"),
        ("file:///etc/passwd", "Only http and https addresses can be fetched"),
    ]:
        source = make_source(section, location)
        wire_source_check(source)
        source.refresh_from_db()
        assert source.last_error.startswith(expected)


def test_an_error_clears_once_the_feed_reads_again(section, wire_server):
    wire_server.routes["/feed"] = (503, "text/plain", b"busy")
    source = make_source(section, f"{wire_server.url}/feed")
    wire_source_check(source)
    assert source.last_error
    wire_server.routes["/feed"] = (200, "application/atom+xml", (DATA / "atom.xml").read_bytes())
    wire_source_check(source)
    source.refresh_from_db()
    assert source.last_error == ""


def test_only_due_active_sources_are_checked(section, tmp_path):
    now = timezone.now()
    folder = folder_with(tmp_path, "atom.xml")
    never = make_source(section, folder, name="never checked")
    overdue = make_source(
        section, folder, name="overdue", last_checked_at=now - timedelta(minutes=16)
    )
    recent = make_source(section, folder, name="recent", last_checked_at=now - timedelta(minutes=5))
    slow = make_source(
        section,
        folder,
        name="hourly",
        interval_minutes=60,
        last_checked_at=now - timedelta(minutes=30),
    )
    off = make_source(section, folder, name="switched off", active=False)

    assert {s.name for s in wire_sources_due(now)} == {never.name, overdue.name}
    checked = wire_check_due(now)
    assert {result.source.pk for result in checked} == {never.pk, overdue.pk}
    for source in (recent, slow, off):
        source.refresh_from_db()
        assert not WireItem.objects.filter(source=source).exists()
    assert wire_sources_due(now) == []
    assert {s.name for s in wire_sources_due(now + timedelta(minutes=15))} == {
        never.name,
        overdue.name,
        recent.name,
    }


@pytest.fixture
def database_queue(settings):
    """The "kabar" task backend as in production: the database queue."""
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "kabar": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    return DBTaskResult.objects.filter(task_path=wire_check_due_task.module_path)


def run_worker_once():
    """The production worker, until no task is ready (the next round waits: it stops)."""
    call_command(
        "db_worker", "--backend", "kabar", "--queue-name", "*", "--batch", "--no-startup-delay"
    )


# On PostgreSQL the in-test db_worker's connection handling closes the test's connection
# (open question, see the session note); the chain is checked on SQLite, the default.
@pytest.mark.sqlite
def test_schedule_starts_once_checks_due_sources_and_queues_the_next_round(
    section, tmp_path, database_queue
):
    source = make_source(section, folder_with(tmp_path, "atom.xml"), interval_minutes=10)
    assert wire_schedule_start() is not None
    assert wire_schedule_start() is None  # a round is queued already: no second chain
    assert database_queue.filter(status=TaskResultStatus.READY).count() == 1

    started = timezone.now()
    run_worker_once()

    assert WireItem.objects.filter(source=source).count() == 1
    (done,) = database_queue.filter(status=TaskResultStatus.SUCCESSFUL)
    (queued,) = database_queue.filter(status=TaskResultStatus.READY)
    assert done.pk != queued.pk
    # The next round waits for the source's next due time, ten minutes on, capped at five.
    assert started + timedelta(minutes=4) < queued.run_after < started + timedelta(minutes=6)


# On PostgreSQL the in-test db_worker's connection handling closes the test's connection
# (open question, see the session note); the chain is checked on SQLite, the default.
@pytest.mark.sqlite
def test_schedule_next_round_is_no_sooner_than_half_a_minute(section, tmp_path, database_queue):
    make_source(section, folder_with(tmp_path, "atom.xml"), interval_minutes=1)
    wire_schedule_start()
    started = timezone.now()
    run_worker_once()
    (queued,) = database_queue.filter(status=TaskResultStatus.READY)
    assert started + timedelta(seconds=29) < queued.run_after < started + timedelta(seconds=61)


def test_inline_queue_runs_no_chain(section):
    # settings/test.py runs tasks inline: starting the schedule must not loop.
    assert wire_schedule_start() is None


def test_command_with_a_new_folder_makes_an_unscheduled_source_and_prints_counts(
    section, tmp_path, capsys
):
    folder = folder_with(tmp_path, "rss.xml")
    call_command("ingest", str(folder), section=section.slug, credit="AFP")
    out = capsys.readouterr().out
    assert "2 new, 0 duplicate(s) skipped, 1 bad item(s) skipped" in out
    assert "skipped no GUID and no link" in out
    source = WireSource.objects.get()
    assert (source.credit, source.section_id, source.active) == ("AFP", section.pk, False)
    assert set(ArticlePage.objects.values_list("source_credit", flat=True)) == {"AFP"}

    call_command("ingest", str(folder))
    assert "0 new, 2 duplicate(s) skipped" in capsys.readouterr().out


def test_command_by_source_name_and_for_due_sources(section, tmp_path, capsys):
    make_source(section, folder_with(tmp_path, "atom.xml"), name="Asia desk")
    call_command("ingest", source="asia desk")
    assert "Asia desk: 1 new" in capsys.readouterr().out
    call_command("ingest")
    assert "No wire source is due." in capsys.readouterr().out


def test_command_refuses_a_new_location_without_section_and_credit(section, tmp_path):
    with pytest.raises(CommandError, match="--section SLUG and --credit NAME"):
        call_command("ingest", str(folder_with(tmp_path, "rss.xml")))
    assert not WireSource.objects.exists()


def test_command_fails_loudly_for_an_unreadable_source(section, tmp_path):
    make_source(section, tmp_path / "absent", name="Gone")
    with pytest.raises(CommandError, match="Gone: Not a feed address or a folder"):
        call_command("ingest", source="Gone")
