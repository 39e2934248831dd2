"""The comment import in the admin: a Disqus export, an Isso database or a Remark42 backup
uploaded, run in the background, its progress and report on its page."""

import gzip
from pathlib import Path

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from kabar.discussion.models import Comment, CommentStatus, ExternalThread
from kabar.ingest.models import ImportedItem, ImportFormat, ImportRun, ImportRunStatus
from tests import builders

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "comments"
ADD = "ingest_comments:add"
PASAR = "https://blog.example.org/2026/10/pasar-terapung-banjarmasin/"
BUSES = "https://blog.example.org/en/2026/11/night-buses/"
BANJIR = "https://blog.example.org/tulisan/banjir-di-kampung-melayu/"
SOUP = "https://blog.example.org/en/recipes/banjar-soup/"


@pytest.fixture
def staff(client, django_user_model, blog, own_article, media):
    user = django_user_model.objects.create_superuser("pemindah", "pemindah@kabar.test", "x")
    # The messages are checked in English; the admin speaks Indonesian unless asked.
    client.force_login(builders.in_english(user))
    return client


def upload(name, content=None):
    if content is None:
        content = (FIXTURES / name).read_bytes()
    return SimpleUploadedFile(name, content)


def start(client, capture, file, format, **fields):
    """Post the upload form and run what it queued (the test backend runs tasks inline)."""
    with capture(execute=True):
        return client.post(reverse(ADD), {"file": file, "format": format, **fields})


def counts(run, kind):
    return {result: n for result, n in run.report["counts"][kind].items() if n}


def detail(client, run):
    return client.get(reverse("ingest_comments:detail", args=[run.pk])).content.decode()


# Each format through the admin ---------------------------------------------------------------


def test_a_disqus_export_lands_in_its_threads_and_the_report_shows(
    staff, own_article, django_capture_on_commit_callbacks
):
    response = start(
        staff, django_capture_on_commit_callbacks, upload("disqus.xml"), ImportFormat.DISQUS
    )

    run = ImportRun.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("ingest_comments:detail", args=[run.pk])
    assert (run.format, run.status, run.error) == (ImportFormat.DISQUS, ImportRunStatus.DONE, "")
    assert counts(run, "comment") == {"created": 14, "skipped": 4}
    assert run.report["threads_closed"] == 1
    # Progress counts every comment the file held, brought in or not.
    assert run.items_done == 18
    pasar = ExternalThread.objects.get(address=PASAR)
    assert Comment.objects.filter(page=pasar).count() == 10
    assert Comment.objects.filter(page=own_article).count() == 1
    assert not ExternalThread.objects.get(address=BUSES).comments_open

    html = detail(staff, run)
    assert 'http-equiv="refresh"' not in html
    assert "data-report" in html
    assert "closed in the other system: 1." in html
    assert "its thread was deleted on Disqus" in html
    # The run's own actions, not the WordPress import's (the two share one page template).
    assert f'action="{reverse("ingest_comments:again", args=[run.pk])}"' in html
    assert f'href="{reverse("ingest_comments:delete", args=[run.pk])}"' in html
    assert "ingest/wordpress" not in html and "Posts and pages read" not in html


def test_an_isso_database_lands_on_the_site_chosen(staff, blog, django_capture_on_commit_callbacks):
    start(
        staff,
        django_capture_on_commit_callbacks,
        upload("isso.db"),
        ImportFormat.ISSO,
        site=blog.pk,
    )

    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.DONE
    assert run.site_id == blog.pk
    assert counts(run, "comment") == {"created": 8, "skipped": 1}
    banjir = ExternalThread.objects.get(address=BANJIR)
    assert banjir.site_id == blog.pk
    assert Comment.objects.filter(page=banjir, status=CommentStatus.APPROVED).exists()


def test_a_gzipped_remark42_backup_lands_in_its_threads(staff, django_capture_on_commit_callbacks):
    packed = gzip.compress((FIXTURES / "remark42-backup.json").read_bytes())

    start(
        staff,
        django_capture_on_commit_callbacks,
        upload("backup-blogteman-20261201.gz", packed),
        ImportFormat.REMARK42,
    )

    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.DONE
    assert counts(run, "comment") == {"created": 9}
    assert Comment.objects.count() == 9
    assert not ExternalThread.objects.get(address=SOUP).comments_open


def test_a_dry_run_stores_nothing_and_says_what_it_would_do(
    staff, django_capture_on_commit_callbacks
):
    start(
        staff,
        django_capture_on_commit_callbacks,
        upload("disqus.xml"),
        ImportFormat.DISQUS,
        dry_run="on",
    )

    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.DONE
    assert run.report["dry_run"] is True
    assert counts(run, "comment") == {"created": 14, "skipped": 4}
    assert not Comment.objects.exists()
    assert not ExternalThread.objects.exists()
    assert not ImportedItem.objects.exists()
    assert "Dry run: nothing was written." in detail(staff, run)


def test_running_the_file_again_adds_nothing(staff, django_capture_on_commit_callbacks):
    start(staff, django_capture_on_commit_callbacks, upload("disqus.xml"), ImportFormat.DISQUS)
    first = ImportRun.objects.get()

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("ingest_comments:again", args=[first.pk]))

    again = ImportRun.objects.exclude(pk=first.pk).get()
    assert response.url == reverse("ingest_comments:detail", args=[again.pk])
    assert (again.format, again.file.name) == (ImportFormat.DISQUS, first.file.name)
    assert counts(again, "comment") == {"unchanged": 14, "skipped": 4}
    assert again.report["threads_closed"] == 0
    assert Comment.objects.count() == 14


# Bad files -----------------------------------------------------------------------------------


def test_a_broken_file_fails_its_run_with_the_reason_and_stores_nothing(
    staff, django_capture_on_commit_callbacks
):
    content = (FIXTURES / "disqus.xml").read_bytes()
    cut = content[: len(content) // 2]

    start(staff, django_capture_on_commit_callbacks, upload("disqus.xml", cut), ImportFormat.DISQUS)

    run = ImportRun.objects.get()
    assert run.status == ImportRunStatus.FAILED
    assert "not well-formed XML" in run.error
    assert not Comment.objects.exists()
    assert not ExternalThread.objects.exists()
    assert not ImportedItem.objects.exists()
    html = detail(staff, run)
    assert "The import stopped: the file is not well-formed XML" in html
    assert "Traceback" not in html


@pytest.mark.parametrize(
    ("format", "name", "message"),
    [
        (ImportFormat.DISQUS, "isso.db", "This is not a Disqus export."),
        (ImportFormat.ISSO, "disqus.xml", "This is not an Isso database."),
        (ImportFormat.REMARK42, "disqus.xml", "This is not a Remark42 backup."),
    ],
)
def test_a_file_of_another_format_is_refused_at_once(
    staff, blog, format, name, message, django_capture_on_commit_callbacks
):
    response = start(staff, django_capture_on_commit_callbacks, upload(name), format, site=blog.pk)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ImportRun.objects.exists()


def test_isso_without_a_site_is_refused(staff, django_capture_on_commit_callbacks):
    response = start(
        staff, django_capture_on_commit_callbacks, upload("isso.db"), ImportFormat.ISSO
    )

    assert "Isso keeps only the pages&#x27; paths" in response.content.decode()
    assert not ImportRun.objects.exists()


def test_a_file_over_the_size_limit_is_refused(staff, settings, django_capture_on_commit_callbacks):
    settings.KABAR_IMPORT_MAX_UPLOAD_SIZE = 1000

    response = start(
        staff, django_capture_on_commit_callbacks, upload("disqus.xml"), ImportFormat.DISQUS
    )

    assert "the most this server takes" in response.content.decode()
    assert not ImportRun.objects.exists()


# Who may ------------------------------------------------------------------------------------


def admin_user(django_user_model, *codenames):
    user = django_user_model.objects.create_user("pengimpor", "i@kabar.test", "x")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin"),
        *Permission.objects.filter(content_type__app_label="ingest", codename__in=codenames),
    )
    return user


def test_an_editor_without_the_permission_is_turned_away(
    client, django_user_model, blog, media, django_capture_on_commit_callbacks
):
    client.force_login(admin_user(django_user_model))

    assert client.get(reverse("ingest_comments:index")).url == reverse("wagtailadmin_home")
    response = start(
        client, django_capture_on_commit_callbacks, upload("disqus.xml"), ImportFormat.DISQUS
    )

    assert response.status_code == 302
    assert response.url == reverse("wagtailadmin_home")
    assert not ImportRun.objects.exists()
    assert not Comment.objects.exists()


def test_a_user_with_the_import_permission_may_import(
    client, django_user_model, blog, media, django_capture_on_commit_callbacks
):
    user = admin_user(django_user_model, "add_importrun")
    client.force_login(user)

    start(client, django_capture_on_commit_callbacks, upload("disqus.xml"), ImportFormat.DISQUS)

    run = ImportRun.objects.get()
    assert (run.started_by, run.status) == (user, ImportRunStatus.DONE)


def test_the_settings_menu_shows_the_comment_import_to_those_allowed_only(staff, django_user_model):
    editor = Client()
    editor.force_login(admin_user(django_user_model))
    index = reverse("ingest_comments:index")

    assert index in staff.get(reverse("wagtailadmin_home")).content.decode()
    assert index not in editor.get(reverse("wagtailadmin_home")).content.decode()


def test_each_import_lists_and_shows_only_its_own_runs(staff, django_capture_on_commit_callbacks):
    start(staff, django_capture_on_commit_callbacks, upload("disqus.xml"), ImportFormat.DISQUS)
    run = ImportRun.objects.get()

    assert staff.get(reverse("ingest_wordpress:detail", args=[run.pk])).status_code == 404
    listed = reverse("ingest_comments:detail", args=[run.pk])
    assert listed in staff.get(reverse("ingest_comments:index")).content.decode()
    assert listed not in staff.get(reverse("ingest_wordpress:index")).content.decode()


def test_deleting_a_run_deletes_its_file_and_keeps_the_comments(
    staff, django_capture_on_commit_callbacks
):
    start(staff, django_capture_on_commit_callbacks, upload("disqus.xml"), ImportFormat.DISQUS)
    run = ImportRun.objects.get()
    stored = Path(run.file.path)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(reverse("ingest_comments:delete", args=[run.pk]))

    assert response.url == reverse("ingest_comments:index")
    assert not ImportRun.objects.exists()
    assert not stored.exists()
    assert Comment.objects.count() == 14


def test_invalid_ip_addresses_are_counted_on_the_runs_page(
    staff, django_capture_on_commit_callbacks
):
    export = (FIXTURES / "disqus.xml").read_text(encoding="utf-8")
    export = export.replace("<ipAddress>192.0.2.15</ipAddress>", "<ipAddress>unknown</ipAddress>")
    start(
        staff,
        django_capture_on_commit_callbacks,
        upload("disqus.xml", export.encode()),
        ImportFormat.DISQUS,
    )

    run = ImportRun.objects.get()
    assert run.report["ips_left_out"] == 1
    assert "IP addresses that were not valid, left out: 1." in detail(staff, run)
