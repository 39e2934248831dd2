"""The wire desk in the admin: stories newest first, filtered by source, each opening its
draft; sources configured there; and closed to whoever may not see it."""

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from kabar.ingest.models import WireItem, WireSource
from kabar.ingest.tasks import wire_check_due_task
from kabar.ingest.wire_services import wire_source_check
from tests import builders

DATA = Path(__file__).resolve().parent.parent / "data" / "wire"
DESK = "ingest_wire_items:index"


@pytest.fixture
def editor_client(django_user_model):
    user = django_user_model.objects.create_superuser(
        username="redaktur", email="redaktur@example.org", password="x"
    )
    client = Client()
    client.force_login(builders.in_english(user))
    return client


def source_from(section, tmp_path, name, *files, credit=None):
    folder = tmp_path / name
    folder.mkdir()
    for file in files:
        shutil.copy(DATA / file, folder / file)
    return WireSource.objects.create(
        name=name, credit=credit or name, location=str(folder), section=section
    )


@pytest.fixture
def two_sources(section, tmp_path):
    """Asia (one Atom story, received an hour ago) and World (two RSS stories, now)."""
    asia = source_from(section, tmp_path, "Asia", "atom.xml")
    world = source_from(section, tmp_path, "World", "rss.xml")
    wire_source_check(asia, now=timezone.now() - timedelta(hours=1))
    wire_source_check(world)
    return asia, world


def headlines_in(html):
    known = WireItem.objects.values_list("headline", flat=True)
    return sorted((html.index(h), h) for h in known if h in html)


def test_desk_lists_the_newest_first_with_a_link_to_each_draft(editor_client, two_sources):
    response = editor_client.get(reverse(DESK))
    assert response.status_code == 200
    html = response.content.decode()
    assert [h for _pos, h in headlines_in(html)] == [
        "Monsoon floods close three toll roads outside Jakarta",  # sent last, received now
        "Central bank holds its policy rate steady",
        "Ferry services resume across the Sunda Strait",  # received an hour ago
    ]
    for item in WireItem.objects.all():
        assert reverse("wagtailadmin_pages:edit", args=[item.article_id]) in html
    assert "Open draft" in html
    assert "JAKARTA" in html and "MERAK, Indonesia" in html


def test_desk_filters_by_source(editor_client, two_sources):
    asia, _world = two_sources
    html = editor_client.get(reverse(DESK), {"source": asia.pk}).content.decode()
    assert [h for _pos, h in headlines_in(html)] == [
        "Ferry services resume across the Sunda Strait"
    ]


def test_open_draft_link_opens_the_page_editor_with_the_original_text(editor_client, two_sources):
    item = WireItem.objects.get(headline="Ferry services resume across the Sunda Strait")
    edit_url = reverse("wagtailadmin_pages:edit", args=[item.article_id])
    assert f'href="{edit_url}"' in editor_client.get(reverse(DESK)).content.decode()
    editor = editor_client.get(edit_url)
    assert editor.status_code == 200
    assert "Port officials said queues of lorries had cleared" in editor.content.decode()


def test_desk_queries_do_not_grow_with_the_number_of_stories(
    editor_client, section, tmp_path, two_sources, django_assert_max_num_queries
):
    editor_client.get(reverse(DESK))  # warm: session, profile, site
    with django_assert_max_num_queries(30) as few:
        editor_client.get(reverse(DESK))
    more = source_from(section, tmp_path, "More", "ninjs1-superdesk.json", "ninjs2.json")
    wire_source_check(more)
    shutil.copy(DATA / "ninjs3.json", Path(more.location) / "ninjs3.json")
    wire_source_check(more, now=timezone.now() + timedelta(hours=1))
    assert WireItem.objects.count() == 6
    with django_assert_max_num_queries(len(few.captured_queries)):
        editor_client.get(reverse(DESK))


def test_a_user_without_admin_access_cannot_see_the_desk(django_user_model, two_sources):
    client = Client()
    client.force_login(django_user_model.objects.create_user(username="pembaca", password="x"))
    response = client.get(reverse(DESK))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))


def test_an_admin_user_without_the_wire_permission_cannot_see_the_desk(
    django_user_model, two_sources
):
    client = Client()
    client.force_login(builders.admin_user_with(django_user_model, "kontributor", "ingest"))
    response = client.get(reverse(DESK))
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
    assert "Monsoon floods" not in client.get(reverse("wagtailadmin_home")).content.decode()


def test_view_permission_opens_the_desk_but_not_the_sources_form(django_user_model, two_sources):
    client = Client()
    client.force_login(
        builders.admin_user_with(django_user_model, "redaktur-kawat", "ingest", "view_wireitem")
    )
    assert client.get(reverse(DESK)).status_code == 200
    assert client.get(reverse("ingest_wire_sources:add")).status_code == 302


def test_wire_items_cannot_be_added_or_edited_in_the_admin(editor_client, two_sources):
    item = WireItem.objects.first()
    with pytest.raises(Exception):  # noqa: B017, PT011 - the URL is not even registered
        reverse("ingest_wire_items:edit", args=[item.pk])
    with pytest.raises(Exception):  # noqa: B017, PT011
        reverse("ingest_wire_items:add")
    assert (
        editor_client.get(reverse("ingest_wire_items:inspect", args=[item.pk])).status_code == 200
    )


def test_menu_shows_the_wire_desk(editor_client):
    assert "Wire desk" in editor_client.get(reverse("wagtailadmin_home")).content.decode()


def test_sources_list_shows_the_last_error(editor_client, section, tmp_path):
    source = WireSource.objects.create(
        name="Gone", credit="Gone", location=str(tmp_path / "absent"), section=section
    )
    wire_source_check(source)
    html = editor_client.get(reverse("ingest_wire_sources:index")).content.decode()
    assert "Not a feed address or a folder" in html


def test_saving_a_source_in_the_admin_starts_the_schedule(editor_client, section, settings):
    settings.TASKS = {
        "default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"},
        "kabar": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]},
    }
    response = editor_client.post(
        reverse("ingest_wire_sources:add"),
        {
            "name": "Reuters",
            "credit": "Reuters",
            "location": "https://wire.example.org/reuters.xml",
            "section": section.pk,
            "language": "en",
            "active": "on",
            "interval_minutes": "15",
        },
    )
    assert response.status_code == 302
    assert WireSource.objects.get().credit == "Reuters"
    queued = DBTaskResult.objects.filter(
        task_path=wire_check_due_task.module_path, status=TaskResultStatus.READY
    )
    assert queued.count() == 1


def test_a_source_location_must_be_an_address_or_a_full_path(editor_client, section):
    response = editor_client.post(
        reverse("ingest_wire_sources:add"),
        {
            "name": "Relative",
            "credit": "X",
            "location": "drop/folder",
            "section": section.pk,
            "interval_minutes": "15",
        },
    )
    assert response.status_code == 200
    assert "full path on the server" in response.content.decode()
    assert not WireSource.objects.exists()


def test_the_newsroom_s_editors_work_the_wire_desk(django_user_model, two_sources):
    editor = django_user_model.objects.create_user("redaktur", "redaktur@example.org", "x")
    editor.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(editor)
    response = client.get(reverse(DESK))
    assert response.status_code == 200
    assert headlines_in(response.content.decode())
    assert client.get(reverse("ingest_wire_sources:index")).status_code == 200
