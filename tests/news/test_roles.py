"""The newsroom's roles and the "Tinjauan redaksi" workflow, driven through Wagtail's admin:
what a writer, an editor, a moderator and a stranger can and cannot do; headlines that an
abandoned draft already used; authors created from the byline's chooser."""

import json

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from wagtail.models import Page, Workflow, WorkflowState
from wagtail.test.utils.form_data import inline_formset, nested_form_data, streamfield

from kabar.news.models import ArticlePage, Author

pytestmark = pytest.mark.django_db


def member(role, username=None):
    user = get_user_model().objects.create_user(
        username or role.lower(), f"{role.lower()}@example.org", "sandi-rahasia", is_staff=True
    )
    user.groups.add(Group.objects.get(name=role))
    return user


def signed_in(user):
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def article_form(title, slug, **extra):
    return nested_form_data(
        {
            "title": title,
            "slug": slug,
            "standfirst": "Ringkasan berita uji peran.",
            "article_authors": inline_formset([]),
            "notices": inline_formset([]),
            "language": "id",
            "body": streamfield([]),
            "tags": "",
            "discussion": ArticlePage._meta.get_field("discussion").default,
            "comments": inline_formset([]),
            **extra,
        }
    )


def add_url(section):
    return reverse("wagtailadmin_pages:add", args=["news", "articlepage", section.pk])


def add_article(client, section, title, slug, action="action-submit"):
    return client.post(add_url(section), {**article_form(title, slug), action: "1"})


def draft(section, title, slug):
    """A draft nobody published: what an abandoned, autosaved form leaves behind."""
    page = ArticlePage(title=title, slug=slug, live=False)
    section.add_child(instance=page)
    page.save_revision()
    return page


# The groups.


def test_the_roles_have_indonesian_names_and_wagtails_english_groups_are_gone():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"Penulis", "Editor", "Moderator"} <= names
    assert not names & {"Editors", "Moderators"}


def test_the_editor_role_keeps_the_wire_desk_and_the_moderator_has_only_comments():
    editor = member("Editor")
    moderator = member("Moderator")
    assert editor.has_perm("ingest.view_wireitem")
    assert editor.has_perm("news.add_author")
    assert not moderator.has_perm("ingest.view_wireitem")
    assert moderator.has_perm("discussion.change_comment")
    assert not moderator.has_perm("news.add_author")


def test_writers_and_editors_post_live_entries_and_only_editors_set_the_banner():
    writer, editor, moderator = member("Penulis"), member("Editor"), member("Moderator")
    assert writer.has_perm("news.add_liveentry") and writer.has_perm("news.change_liveentry")
    assert not writer.has_perm("news.delete_liveentry")
    assert not writer.has_perm("news.change_newssettings")
    assert editor.has_perm("news.delete_liveentry")
    assert editor.has_perm("news.change_newssettings")
    assert not moderator.has_perm("news.add_liveentry")
    assert not moderator.has_perm("news.change_newssettings")


def test_the_workflow_is_assigned_to_every_page(article):
    workflow = article.get_workflow()
    assert workflow.name == "Tinjauan redaksi"
    assert [task.name for task in workflow.tasks] == ["Tinjauan editor"]
    assert list(workflow.tasks[0].specific.groups.values_list("name", flat=True)) == ["Editor"]
    assert Workflow.objects.filter(active=True).count() == 1


# Writers: drafts and submissions, never publishing.


def test_a_writer_submits_an_article_for_review_and_cannot_publish_it(section):
    writer = member("Penulis")
    client = signed_in(writer)

    response = add_article(client, section, "Harga cabai naik", "harga-cabai-naik")
    assert response.status_code == 302, response.content[:2000]
    page = ArticlePage.objects.get(slug="harga-cabai-naik")
    assert not page.live
    assert page.owner == writer
    state = WorkflowState.objects.get(object_id=str(page.pk))
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert state.current_task_state.task.name == "Tinjauan editor"

    permissions = page.permissions_for_user(writer)
    assert permissions.can_edit()
    assert not permissions.can_publish()
    assert not permissions.can_unpublish()

    client.post(
        reverse("wagtailadmin_pages:edit", args=[page.pk]),
        {**article_form("Harga cabai naik", "harga-cabai-naik"), "action-publish": "1"},
    )
    page.refresh_from_db()
    assert not page.live


def test_a_writer_cannot_approve_or_edit_someone_elses_article(article):
    writer = member("Penulis")
    client = signed_in(writer)
    assert not article.permissions_for_user(writer).can_edit()
    response = client.get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert response.status_code in (302, 403)
    assert not article.permissions_for_user(writer).can_publish()


# Editors: publish directly, approve or reject what writers submit.


def test_an_editor_publishes_directly(section):
    client = signed_in(member("Editor"))
    response = add_article(client, section, "Pasar murah dibuka", "pasar-murah", "action-publish")
    assert response.status_code == 302, response.content[:2000]
    page = ArticlePage.objects.get(slug="pasar-murah")
    assert page.live
    assert Client().get(page.url).status_code == 200


def submitted(section, slug):
    writer = member("Penulis", f"penulis-{slug}")
    response = add_article(signed_in(writer), section, "Jalan tol baru", slug)
    assert response.status_code == 302, response.content[:2000]
    page = ArticlePage.objects.get(slug=slug)
    return page, page.current_workflow_task_state


def workflow_action(client, page, action, task_state):
    url = reverse("wagtailadmin_pages:workflow_action", args=[page.pk, action, task_state.pk])
    return client.post(url, {"comment": "Catatan editor."})


def test_submit_then_approve_puts_the_article_live(section):
    page, task_state = submitted(section, "jalan-tol-baru")
    assert Client().get(f"{section.url}jalan-tol-baru/").status_code == 404

    response = workflow_action(signed_in(member("Editor")), page, "approve", task_state)
    assert response.status_code in (200, 302)
    page.refresh_from_db()
    assert page.live
    task_state.workflow_state.refresh_from_db()
    assert task_state.workflow_state.status == WorkflowState.STATUS_APPROVED
    assert Client().get(page.url).status_code == 200


def test_submit_then_reject_sends_the_article_back_as_a_draft(section):
    page, task_state = submitted(section, "jalan-tol-ditolak")

    workflow_action(signed_in(member("Editor")), page, "reject", task_state)
    page.refresh_from_db()
    assert not page.live
    task_state.workflow_state.refresh_from_db()
    assert task_state.workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES


def test_neither_a_writer_nor_a_moderator_can_approve(section):
    page, task_state = submitted(section, "jalan-tol-tertahan")
    for role in ("Penulis", "Moderator"):
        workflow_action(signed_in(member(role, f"{role}-lain")), page, "approve", task_state)
    page.refresh_from_db()
    assert not page.live
    task_state.refresh_from_db()
    assert task_state.status == task_state.STATUS_IN_PROGRESS


def test_an_editor_may_lock_a_page(article):
    editor = member("Editor")
    assert article.permissions_for_user(editor).can_lock()
    assert not article.permissions_for_user(member("Penulis")).can_lock()


# Moderators: the discussion desk only. Strangers: nothing.


def test_a_moderator_opens_the_discussion_desk_but_cannot_edit_pages(article):
    moderator = member("Moderator")
    client = signed_in(moderator)
    assert client.get(reverse("discussion_comments:list")).status_code == 200
    assert not article.permissions_for_user(moderator).can_edit()
    assert client.get(reverse("wagtailadmin_pages:edit", args=[article.pk])).status_code in (
        302,
        403,
    )
    response = add_article(client, article.get_parent(), "Tidak boleh", "tidak-boleh")
    assert response.status_code in (302, 403)
    assert not ArticlePage.objects.filter(slug="tidak-boleh").exists()


def test_a_moderator_is_not_offered_the_registered_sites_it_may_not_open(article):
    # The listing asks for a page permission; the menu offered it to a moderator anyway,
    # who then found "permission denied" behind it.
    listing = reverse("registered_sites:index")
    moderator = signed_in(member("Moderator"))
    assert listing not in moderator.get(reverse("wagtailadmin_home")).content.decode()
    assert moderator.get(listing).status_code in (302, 403)
    editor = signed_in(member("Editor"))
    assert listing in editor.get(reverse("wagtailadmin_home")).content.decode()
    assert editor.get(listing).status_code == 200


def test_a_writer_does_not_get_the_discussion_desk(home):
    response = signed_in(member("Penulis")).get(reverse("discussion_comments:list"))
    assert response.status_code in (302, 403)


def test_a_stranger_reaches_nothing(article):
    client = Client()
    for url in (
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        reverse("discussion_comments:list"),
        reverse("wagtailsnippetchoosers_news_author:choose"),
    ):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    add_article(client, article.get_parent(), "Tamu", "tamu")
    assert not ArticlePage.objects.filter(slug="tamu").exists()


# A headline an abandoned draft already used.


def test_a_new_article_takes_the_next_slug_when_only_an_abandoned_draft_has_it(section):
    abandoned = draft(section, "Banjir bandang", "banjir-bandang")
    draft(section, "Banjir bandang", "banjir-bandang-2")
    client = signed_in(member("Penulis"))

    response = add_article(client, section, "Banjir bandang", "banjir-bandang")
    assert response.status_code == 302, response.content[:2000]
    new = ArticlePage.objects.exclude(pk=abandoned.pk).get(
        title="Banjir bandang", owner__isnull=False
    )
    assert new.slug == "banjir-bandang-3"
    abandoned.refresh_from_db()
    assert abandoned.slug == "banjir-bandang"


def test_a_published_articles_slug_is_still_refused_with_kabars_message(article):
    client = signed_in(member("Editor"))
    response = add_article(client, article.get_parent(), "Sama persis", article.slug)
    assert response.status_code == 200
    assert ArticlePage.objects.filter(slug=article.slug).count() == 1
    text = response.content.decode()
    assert "is already used by another page in this section" in text
    assert "within the parent page" not in text


def test_a_live_articles_slug_is_never_changed_silently(article):
    draft(article.get_parent(), "Draf lama", "draf-lama")
    client = signed_in(member("Editor"))
    response = client.post(
        reverse("wagtailadmin_pages:edit", args=[article.pk]),
        {**article_form(article.title, "draf-lama"), "action-publish": "1"},
    )
    assert response.status_code == 200
    article.refresh_from_db()
    assert article.slug != "draf-lama"
    assert "is already used by another page in this section" in response.content.decode()


def test_the_same_rule_holds_outside_the_admin(section):
    draft(section, "Gempa", "gempa")
    page = ArticlePage(title="Gempa", slug="gempa")
    section.add_child(instance=page)
    page.refresh_from_db()
    assert page.slug == "gempa-2"
    assert page.url_path.endswith("/gempa-2/")


# Authors from the byline's chooser.


def test_an_editor_creates_an_author_from_the_chooser_with_the_slug_made_from_the_name(home):
    Author.objects.create(name="Dewi Lestari", slug="dewi-lestari")
    client = signed_in(member("Editor"))

    chooser = client.get(reverse("wagtailsnippetchoosers_news_author:choose"))
    assert chooser.status_code == 200
    assert 'name="name"' in json.loads(chooser.content)["html"]

    response = client.post(
        reverse("wagtailsnippetchoosers_news_author:create"),
        {"name": "Dewi Lestari", "slug": "", "job_title": "Wartawan"},
    )
    assert response.status_code == 200
    assert json.loads(response.content)["step"] == "chosen"
    created = Author.objects.get(name="Dewi Lestari", job_title="Wartawan")
    assert created.slug == "dewi-lestari-2"


def test_the_author_form_fills_an_empty_slug_and_keeps_a_typed_one(home):
    client = signed_in(member("Editor"))
    url = reverse(Author.snippet_viewset.get_url_name("add"))
    client.post(url, {"name": "Ayu Utami", "slug": "", "job_title": "", "bio": ""})
    client.post(url, {"name": "Ayu Kartika", "slug": "ayu-k", "job_title": "", "bio": ""})
    assert Author.objects.get(name="Ayu Utami").slug == "ayu-utami"
    assert Author.objects.get(name="Ayu Kartika").slug == "ayu-k"


def test_a_writer_chooses_authors_but_cannot_create_them(home):
    client = signed_in(member("Penulis"))
    chooser = client.get(reverse("wagtailsnippetchoosers_news_author:choose"))
    assert chooser.status_code == 200
    assert 'name="job_title"' not in json.loads(chooser.content)["html"]
    client.post(reverse("wagtailsnippetchoosers_news_author:create"), {"name": "Siapa Saja"})
    assert not Author.objects.filter(name="Siapa Saja").exists()


def test_the_roots_page_permissions_cover_every_site(home):
    root = Page.objects.get(depth=1)
    assert root.group_permissions.filter(group__name="Editor").exists()


def test_the_editor_sees_concurrent_editing_notices_and_a_lock_holds_others_off(article):
    editor, other = member("Editor"), member("Editor", "editor-dua")
    response = signed_in(editor).get(reverse("wagtailadmin_pages:edit", args=[article.pk]))
    assert 'data-controller="w-swap w-action w-session"' in response.content.decode()

    signed_in(editor).post(reverse("wagtailadmin_pages:lock", args=[article.pk]))
    article.refresh_from_db()
    assert article.locked and article.locked_by == editor
    assert article.permissions_for_user(other).page_locked()
    assert not article.permissions_for_user(editor).page_locked()
