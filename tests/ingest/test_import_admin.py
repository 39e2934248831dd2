"""The WordPress import in the admin: upload, background run, progress, report, run again."""

import shutil
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kabar.discussion.models import Comment
from kabar.ingest.models import ImportedItem, ImportRun, ImportRunStatus
from kabar.ingest.tasks import RunProgress, import_run_task
from kabar.news.models import ArticlePage, Author
from tests import builders

DATA = Path(__file__).resolve().parents[1] / "data" / "wordpress"
ADD = "ingest_wordpress:add"


@pytest.fixture
def staff(client, django_user_model, home, media):
    user = django_user_model.objects.create_superuser("pemindah", "pemindah@kabar.test", "x")
    # The messages are checked in English; the admin speaks Indonesian unless asked.
    client.force_login(builders.in_english(user))
    return client


def upload(name="site-v1.xml", content=None):
    if content is None:
        content = (DATA / name).read_bytes()
    return SimpleUploadedFile(name, content, content_type="text/xml")


def start(client, capture, file=None, **fields):
    """Post the upload form and run what it queued (the test backend runs tasks inline)."""
    with capture(execute=True):
        response = client.post(reverse(ADD), {"file": file or upload(), **fields})
    return response


def counts(run, kind):
    return run.report["counts"][kind]


def test_upload_runs_the_import_and_shows_the_report(staff, django_capture_on_commit_callbacks):
    response = start(staff, django_capture_on_commit_callbacks)

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("ingest_wordpress:detail", args=[run.pk])
    assert run.status == ImportRunStatus.DONE
    assert run.error == ""
    assert run.finished_at is not None
    assert counts(run, "post")["created"] == 10
    assert counts(run, "comment")["created"] == 22
    assert ArticlePage.objects.count() == 10
    # Every post and page item of the file was counted as read (15 items in site-v1.xml).
    assert run.items_done == 15

    page = staff.get(response.url)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'http-equiv="refresh"' not in html
    assert "data-report" in html
    # The problems list: the images left out without an uploads folder, the pingback.
    assert "Pasar beras Cipinang" in html
    assert "a pingback" in html
    assert "Old addresses answering with a redirect" in html
    assert f'action="{reverse("ingest_wordpress:again", args=[run.pk])}"' in html
    assert f'href="{reverse("ingest_wordpress:delete", args=[run.pk])}"' in html


def test_the_list_shows_runs_newest_first_with_their_counts(
    staff, django_capture_on_commit_callbacks
):
    start(staff, django_capture_on_commit_callbacks, dry_run="on")
    start(staff, django_capture_on_commit_callbacks)
    first, second = ImportRun.objects.order_by("pk")

    html = staff.get(reverse("ingest_wordpress:index")).content.decode()
    assert html.index(reverse("ingest_wordpress:detail", args=[second.pk])) < html.index(
        reverse("ingest_wordpress:detail", args=[first.pk])
    )


def test_a_queued_run_page_refreshes_itself(staff):
    run = ImportRun.objects.create(file="imports/site-v1.xml")

    html = staff.get(reverse("ingest_wordpress:detail", args=[run.pk])).content.decode()

    assert '<meta http-equiv="refresh" content="3">' in html
    assert reverse("ingest_wordpress:again", args=[run.pk]) not in html


def test_progress_is_written_every_fifty_items_or_each_second(home):
    run = ImportRun.objects.create(file="imports/x.xml")
    clock = [100.0]
    progress = RunProgress(run.pk, clock=lambda: clock[0])

    with CaptureQueriesContext(connection) as queries:
        for done in range(1, 121):
            progress(done)
    updates = [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    assert len(updates) == 2
    run.refresh_from_db()
    assert run.items_done == 100

    clock[0] += 1.5
    progress(101)
    run.refresh_from_db()
    assert run.items_done == 101


def test_a_dry_run_writes_nothing(staff, django_capture_on_commit_callbacks):
    start(staff, django_capture_on_commit_callbacks, dry_run="on")

    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.DONE
    assert run.report["dry_run"] is True
    assert counts(run, "post")["created"] == 10
    assert not ArticlePage.objects.exists()
    assert not ImportedItem.objects.exists()
    assert not Comment.objects.exists()


def test_a_file_that_is_not_xml_is_refused(staff, django_capture_on_commit_callbacks):
    response = start(
        staff,
        django_capture_on_commit_callbacks,
        file=SimpleUploadedFile("export.xml", b"PK\x03\x04 a zip file, not an export"),
    )

    assert response.status_code == 200
    assert "This is not a WordPress export." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_file_with_another_name_is_refused(staff, django_capture_on_commit_callbacks):
    content = (DATA / "site-v1.xml").read_bytes()
    response = start(
        staff,
        django_capture_on_commit_callbacks,
        file=SimpleUploadedFile("site.pdf", content),
    )

    assert "This is not a WordPress export." in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_file_over_the_size_limit_is_refused(staff, settings, django_capture_on_commit_callbacks):
    settings.KABAR_IMPORT_MAX_UPLOAD_SIZE = 1000

    response = start(staff, django_capture_on_commit_callbacks)

    assert "the most this server takes" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_request_far_over_the_limit_is_refused_before_it_is_read(
    staff, settings, django_capture_on_commit_callbacks
):
    settings.KABAR_IMPORT_MAX_UPLOAD_SIZE = 1000
    big = b"<?xml version='1.0'?><rss>" + b" " * 100_000 + b"</rss>"

    response = start(staff, django_capture_on_commit_callbacks, file=upload(content=big))

    assert response.status_code == 413
    assert "the most this server takes" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_broken_file_fails_the_run_and_writes_nothing(staff, django_capture_on_commit_callbacks):
    # Cut after the authors and categories: a half-way import would have written them.
    content = (DATA / "site-v1.xml").read_bytes()
    cut = content[: content.index(b"<item>") + 200]

    start(staff, django_capture_on_commit_callbacks, file=upload(content=cut))

    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.FAILED
    assert "not well-formed XML" in run.error
    assert "Traceback" not in run.error
    assert not Author.objects.exists()
    assert not ImportedItem.objects.exists()
    html = staff.get(reverse("ingest_wordpress:detail", args=[run.pk])).content.decode()
    assert "not well-formed XML" in html
    assert "Traceback" not in html


def test_running_again_creates_nothing_new(staff, django_capture_on_commit_callbacks):
    start(staff, django_capture_on_commit_callbacks)
    first = ImportRun.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("ingest_wordpress:again", args=[first.pk]))

    again = ImportRun.objects.exclude(pk=first.pk).get()
    assert response.url == reverse("ingest_wordpress:detail", args=[again.pk])
    assert again.file.name == first.file.name
    assert again.status == ImportRunStatus.DONE
    assert again.report["counts"]["post"]["created"] == 0
    assert sum(c["created"] for c in again.report["counts"].values()) == 0
    assert counts(again, "post")["unchanged"] == 10
    assert ArticlePage.objects.count() == 10


def test_a_run_is_claimed_once(staff, django_capture_on_commit_callbacks):
    start(staff, django_capture_on_commit_callbacks)
    run = ImportRun.objects.get()

    # A task delivered a second time finds the run done and leaves it as it is.
    assert import_run_task.call(run.pk) is None
    run.refresh_from_db()
    assert counts(run, "post")["created"] == 10


def test_uploads_folder_under_the_configured_root_brings_images(
    staff, settings, django_capture_on_commit_callbacks
):
    settings.KABAR_IMPORT_UPLOADS_ROOT = str(DATA)

    start(staff, django_capture_on_commit_callbacks, uploads="uploads")

    run = ImportRun.objects.get()
    assert counts(run, "attachment")["created"] == 2


def test_uploads_folder_outside_the_root_is_refused(
    staff, settings, tmp_path, django_capture_on_commit_callbacks
):
    root = tmp_path / "imports"
    root.mkdir()
    shutil.copytree(DATA / "uploads", tmp_path / "elsewhere")
    settings.KABAR_IMPORT_UPLOADS_ROOT = str(root)

    response = start(staff, django_capture_on_commit_callbacks, uploads="../elsewhere")

    assert response.status_code == 200
    assert "The folder must be inside" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_the_uploads_field_is_hidden_without_a_root(staff, settings):
    settings.KABAR_IMPORT_UPLOADS_ROOT = None

    html = staff.get(reverse(ADD)).content.decode()

    assert 'name="file"' in html
    assert 'name="uploads"' not in html


def test_deleting_a_run_deletes_its_file(staff, media, django_capture_on_commit_callbacks):
    start(staff, django_capture_on_commit_callbacks, dry_run="on")
    run = ImportRun.objects.get()
    stored = Path(run.file.path)
    assert stored.is_file()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("ingest_wordpress:delete", args=[run.pk]))

    assert response.url == reverse("ingest_wordpress:index")
    assert not ImportRun.objects.exists()
    assert not stored.exists()


def test_the_upload_form_is_csrf_protected(
    django_user_model, home, media, django_capture_on_commit_callbacks
):
    client = Client(enforce_csrf_checks=True)
    client.force_login(django_user_model.objects.create_superuser("pemindah", "p@kabar.test"))

    response = start(client, django_capture_on_commit_callbacks)

    assert response.status_code == 403
    assert not ImportRun.objects.exists()


def test_anonymous_is_sent_to_the_login(client, home):
    response = client.get(reverse("ingest_wordpress:index"))

    assert response.status_code == 302
    assert response.url.startswith(reverse("wagtailadmin_login"))


@pytest.mark.parametrize("name", ["index", "add"])
def test_an_editor_without_the_permission_is_turned_away(client, django_user_model, home, name):
    editor = django_user_model.objects.create_user("editor", "e@kabar.test", "x")
    editor.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    client.force_login(editor)

    response = client.get(reverse(f"ingest_wordpress:{name}"))

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")


def test_a_user_with_the_permission_may_import(
    client, django_user_model, home, media, django_capture_on_commit_callbacks
):
    user = django_user_model.objects.create_user("pengimpor", "i@kabar.test", "x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        Permission.objects.get(content_type__app_label="ingest", codename="add_importrun"),
    )
    client.force_login(user)

    start(client, django_capture_on_commit_callbacks, dry_run="on")

    assert ImportRun.objects.get().started_by == user


def test_the_settings_menu_shows_the_import_to_those_allowed_only(staff, django_user_model):
    editor = Client()
    user = django_user_model.objects.create_user("editor", "e@kabar.test", "x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    editor.force_login(user)
    index = reverse("ingest_wordpress:index")

    assert index in staff.get(reverse("wagtailadmin_home")).content.decode()
    assert index not in editor.get(reverse("wagtailadmin_home")).content.decode()
