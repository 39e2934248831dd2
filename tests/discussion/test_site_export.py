"""A registered site's export (kabar/discussion/export.py): JSON of the documented shape
(export_schema.EXPORT_SCHEMA) with what a leaving newsroom needs, Disqus-style XML that
Kabar's Disqus importer reads back to the same threads and comments, in a number of
queries that does not grow with the site, from a command for staff only."""

import io
import json
import os
import stat
from datetime import UTC, datetime

import jsonschema
import pytest
from defusedxml.ElementTree import fromstring
from django.contrib.auth.models import Permission
from django.core.management import CommandError, call_command
from django.test import Client
from django.urls import reverse
from wagtail.models import GroupPagePermission

from kabar.cli import main as kabar_cli
from kabar.discussion import sites
from kabar.discussion.export import DISQUS_INTERNALS, site_export_disqus, site_export_json
from kabar.discussion.export_schema import EXPORT_SCHEMA
from kabar.discussion.management.commands import export_comments
from kabar.discussion.models import CommentStatus, ExternalSite, ExternalThread
from kabar.discussion.services import (
    ImportedComment,
    comment_import,
    comment_remove_by_author,
    comments_set_status,
)
from kabar.ingest.comments.disqus import read_disqus
from kabar.ingest.comments.importer import import_comments
from tests import builders

pytestmark = pytest.mark.django_db

ONE = "https://blog.example.org/tulisan/satu/"
TWO = "https://blog.example.org/en/two/"
QUIET = "https://blog.example.org/sepi/"
NS = "{http://disqus.com}"


@pytest.fixture
def blog(home):
    return builders.make_external_site()


def thread(url, title):
    return sites.resolve(url, title=title, create=True).target


@pytest.fixture
def filled(blog):
    """Two threads with comments in every state, and one nobody wrote in."""
    one = thread(ONE, "Tulisan satu")
    two = thread(TWO, "Post two")
    thread(QUIET, "Sepi")
    first = builders.submit(
        one,
        "Paragraf pertama.\nBaris kedua.\n\nParagraf kedua: a < b & c > d ]]> selesai.",
        name="Nur Aini",
        email="nur.aini@example.org",
        approve=True,
        url="https://nur.example.org/",
    )
    reply = builders.submit(
        one,
        "Balasan yang disetujui.",
        name="Bayu",
        email="bayu@example.net",
        parent=first,
        approve=True,
    )
    builders.submit(
        one,
        "Balasan dari balasan.",
        name="Nur Aini",
        email="nur.aini@example.org",
        parent=reply,
        approve=True,
    )
    withdrawn = builders.submit(
        one, "Saya tarik kembali.", name="Gusti", email="gusti@example.org", approve=True
    )
    builders.submit(
        one,
        "Tetap di bawah yang dihapus.",
        name="Bayu",
        email="bayu@example.net",
        parent=withdrawn,
        approve=True,
    )
    comment_remove_by_author(withdrawn)
    spam = builders.submit(two, "Buy cheap followers now", name="Promo", email="promo@spam.example")
    comments_set_status([spam.pk], CommentStatus.SPAM)
    builders.submit(two, "Waiting for a moderator.", name="Mira", email="mira@example.com")
    comment_import(
        page=two,
        data=ImportedComment(
            body="Came from elsewhere without an address.",
            author_name="Guest",
            author_email=None,
            created_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
            status=CommentStatus.APPROVED,
        ),
        key="uji-1",
    )
    return blog


def export_json(site):
    out = io.StringIO()
    site_export_json(site, out)
    return json.loads(out.getvalue())


def export_disqus(site):
    out = io.StringIO()
    site_export_disqus(site, out)
    return out.getvalue()


def by_url(data):
    return {t["url"]: t for t in data["threads"]}


# JSON ------------------------------------------------------------------------------------


def test_the_json_export_has_the_documented_shape(filled):
    data = export_json(filled)
    jsonschema.validate(data, EXPORT_SCHEMA, format_checker=jsonschema.FormatChecker())
    assert data["site"] == {
        "key": "blog-teman",
        "name": "Blog Teman",
        "origin": "https://blog.example.org",
        "other_origins": [],
        "keep_query": False,
        "discussion": "open",
        "close_after_days": None,
    }
    assert sorted(by_url(data)) == [TWO, QUIET, ONE]


def test_the_json_export_holds_every_comment_with_its_private_fields(filled):
    threads = by_url(export_json(filled))
    one = threads[ONE]["comments"]
    assert [c["author"]["name"] for c in one] == ["Nur Aini", "Bayu", "Nur Aini", "Gusti", "Bayu"]
    first = one[0]
    assert first["author"] == {
        "name": "Nur Aini",
        "email": "nur.aini@example.org",
        "website": "https://nur.example.org/",
    }
    assert first["ip_address"] == "203.0.113.9"
    assert first["status"] == "approved" and first["parent"] is None
    assert one[2]["parent"] == one[1]["id"] and one[1]["parent"] == first["id"]
    withdrawn = one[3]
    assert withdrawn["removed"] and withdrawn["status"] == "trash"
    assert withdrawn["text"] == ""  # kept for the moderators' audit, not exported
    assert {c["status"] for c in threads[TWO]["comments"]} == {"spam", "pending", "approved"}
    guest = next(c for c in threads[TWO]["comments"] if c["author"]["name"] == "Guest")
    assert guest["author"]["email"] is None  # the import's stand-in address is no address
    assert threads[QUIET]["comments"] == []
    assert threads[ONE]["kabar_url"].endswith(f"/comments/thread/{threads[ONE]['id']}/")


def test_the_export_reads_in_a_number_of_queries_that_does_not_grow(
    filled, django_assert_max_num_queries
):
    with django_assert_max_num_queries(4):
        export_json(filled)
    for n in range(5):
        more = thread(f"https://blog.example.org/lagi/{n}/", f"Lagi {n}")
        builders.submit(more, f"Komentar {n}.", approve=True)
    with django_assert_max_num_queries(4):
        data = export_json(filled)
    assert len(data["threads"]) == 8
    with django_assert_max_num_queries(4):
        export_disqus(filled)


# Disqus XML ------------------------------------------------------------------------------


def test_the_disqus_export_is_disqus_s_format(filled):
    root = fromstring(export_disqus(filled).encode())
    assert root.tag == f"{NS}disqus"
    threads = root.findall(f"{NS}thread")
    posts = root.findall(f"{NS}post")
    assert len(threads) == 3 and len(posts) == 8
    # Every thread before the posts that name it.
    tags = [child.tag for child in root]
    assert tags.index(f"{NS}post") > max(i for i, t in enumerate(tags) if t == f"{NS}thread")
    first = posts[0]
    assert first.findtext(f"{NS}author/{NS}email") == "nur.aini@example.org"
    assert first.findtext(f"{NS}message") == (
        "<p>Paragraf pertama.<br>Baris kedua.</p>"
        "<p>Paragraf kedua: a &lt; b &amp; c &gt; d ]]&gt; selesai.</p>"
    )


def test_the_disqus_export_reads_back_to_the_same_threads_and_comments(filled, tmp_path):
    """Exported, deleted, imported from the export: the same threads and comments. What
    Disqus's format has no place for (a commenter's website, the reply notification, an
    edit) is not compared."""
    before = comparable(export_json(filled))
    path = tmp_path / "blog-teman.xml"
    path.write_text(export_disqus(filled), encoding="utf-8")
    for old in ExternalThread.objects.filter(site=filled):
        old.delete()
    report = import_comments(read_disqus(str(path)), site=filled)
    assert report.counts["comment"]["created"] == 8 and not report.problems
    assert comparable(export_json(filled)) == before


def comparable(data):
    threads = {}
    for t in data["threads"]:
        if not t["comments"]:
            continue  # the importer makes no thread without comments
        index = {c["id"]: n for n, c in enumerate(t["comments"])}
        threads[t["url"]] = (
            t["title"],
            [
                (
                    index.get(c["parent"]),
                    c["status"],
                    c["removed"],
                    c["created"][:19],
                    c["text"],
                    c["author"]["name"],
                    c["author"]["email"],
                    c["ip_address"],
                )
                for c in t["comments"]
            ],
        )
    return threads


def test_text_xml_cannot_carry_is_left_out(blog):
    # The reader's form refuses control characters; an import may have brought some in.
    comment_import(
        page=thread(ONE, "Tulisan satu"),
        data=ImportedComment(
            body="Tanda \x07 lonceng.",
            author_name="Lama\x1b",
            author_email=None,
            created_at=datetime(2026, 1, 2, tzinfo=UTC),
            status=CommentStatus.APPROVED,
        ),
        key="uji-2",
    )
    root = fromstring(export_disqus(blog).encode())
    assert root.findtext(f"{NS}post/{NS}message") == "<p>Tanda  lonceng.</p>"
    assert root.findtext(f"{NS}post/{NS}author/{NS}name") == "Lama"


# The command -----------------------------------------------------------------------------


def test_the_command_writes_json_to_standard_output(filled):
    out = io.StringIO()
    call_command("export_comments", "blog-teman", stdout=out)
    assert json.loads(out.getvalue())["site"]["key"] == "blog-teman"


def test_the_command_writes_a_private_file_whole(filled, tmp_path):
    target = tmp_path / "ekspor.xml"
    call_command(
        "export_comments",
        "blog-teman",
        "--format",
        "disqus",
        "--output",
        str(target),
        stderr=io.StringIO(),
    )
    assert fromstring(target.read_bytes()).tag == f"{NS}disqus"
    assert stat.S_IMODE(os.stat(target).st_mode) == 0o600
    assert [p.name for p in tmp_path.iterdir()] == ["ekspor.xml"]


def test_the_command_refuses_an_unknown_site_and_an_unwritable_folder(filled, tmp_path):
    with pytest.raises(CommandError, match="No registered site has the key 'tidak-ada'"):
        call_command("export_comments", "tidak-ada")
    with pytest.raises(CommandError, match="Cannot write in"):
        call_command(
            "export_comments", "blog-teman", "--output", str(tmp_path / "tidak" / "ada.json")
        )


def test_two_sites_exports_name_no_comment_alike(filled):
    # Row ids are unique in one database only; Disqus's ids, which importers key on, are
    # unique everywhere. Each id starts with the site's own random key.
    out = io.StringIO()
    site_export_disqus(ExternalSite.objects.get(slug="blog-teman"), out)
    dsq_id = f"{{{DISQUS_INTERNALS}}}id"
    ids = [e.get(dsq_id) for e in fromstring(out.getvalue()) if e.tag.endswith("post")]
    site = ExternalSite.objects.get(slug="blog-teman")
    assert ids and all(i.startswith(f"kabar-{site.translation_key}-") for i in ids)


def test_the_command_names_a_folder_given_as_the_file(filled, tmp_path):
    with pytest.raises(CommandError, match="is a folder: name a file to write"):
        call_command("export_comments", "blog-teman", "--output", str(tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_a_reader_that_stops_early_ends_the_export_quietly(filled, monkeypatch):
    # `kabar export-comments blog-teman | head -1`: the pipe closes under the writer.
    class Closed(io.StringIO):
        def write(self, text):
            raise BrokenPipeError(32, "Broken pipe")

    quieted = []
    monkeypatch.setattr(export_comments, "_quiet_stdout", lambda: quieted.append(True))
    call_command("export_comments", "blog-teman", stdout=Closed())
    assert quieted == [True]


def test_the_kabar_command_exports(filled, capsys):
    kabar_cli(["export-comments", "blog-teman"])
    assert json.loads(capsys.readouterr().out)["format"] == "kabar-comments"


# The admin's download --------------------------------------------------------------------


def export_url(site, fmt):
    return reverse("discussion_site_export", args=[site.pk, fmt])


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def moderator(django_user_model):
    """May moderate comments, and edit the registered site's page."""
    user = builders.admin_user_with(django_user_model, "moderator", "discussion", "change_comment")
    group = user.groups.get()
    site = ExternalSite.objects.get(slug="blog-teman")
    GroupPagePermission.objects.create(
        group=group, page=site, permission=Permission.objects.get(codename="change_page")
    )
    return user


def test_a_moderator_of_the_site_downloads_it(filled, moderator):
    client = client_for(moderator)
    answer = client.get(export_url(filled, "json"))
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith('attachment; filename="blog-teman-')
    assert {"private", "no-store"} <= set(answer["Cache-Control"].split(", "))
    data = json.loads(b"".join(answer.streaming_content))
    assert "nur.aini@example.org" in json.dumps(data)
    answer = client.get(export_url(filled, "disqus"))
    assert answer["Content-Type"] == "application/xml"
    assert fromstring(b"".join(answer.streaming_content)).tag == f"{NS}disqus"
    assert client.get(export_url(filled, "csv")).status_code == 404


def test_the_site_page_offers_the_downloads(filled, moderator):
    page = client_for(moderator).get(reverse("wagtailadmin_pages:edit", args=[filled.pk]))
    assert export_url(filled, "json") in page.content.decode()
    assert export_url(filled, "disqus") in page.content.decode()


def test_nobody_else_downloads_it(filled, django_user_model):
    # Moderates comments, but may not edit the site; edits pages, but may not moderate.
    reader_of_comments = builders.admin_user_with(
        django_user_model, "penjaga", "discussion", "change_comment"
    )
    editor = builders.admin_user_with(django_user_model, "editor", "wagtailcore")
    GroupPagePermission.objects.create(
        group=editor.groups.get(),
        page=filled,
        permission=Permission.objects.get(codename="change_page"),
    )
    for user in (reader_of_comments, editor):
        client = client_for(user)
        refused = client.get(export_url(filled, "json"))
        # Wagtail's answer to a refusal in its admin: back to the dashboard, with a message.
        assert (refused.status_code, refused["Location"]) == (302, reverse("wagtailadmin_home"))
        page = client.get(reverse("wagtailadmin_pages:edit", args=[filled.pk]))
        assert export_url(filled, "json") not in page.content.decode()
    anonymous = Client().get(export_url(filled, "json"))
    assert anonymous.status_code == 302
    assert "/login/" in anonymous["Location"]
