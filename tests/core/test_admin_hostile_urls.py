"""Bad input in the addresses of Wagtail's admin, signed in as an administrator, an editor or
a moderator: a clear page (400, 404) or the listing it asks for, never a 500
(kabar/core/admin_input.py, admin_corrections.py, kabar/search/backends.py). Each case
answered 500 before."""

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from wagtail.admin.models import EditingSession
from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.models import Page, Workflow, WorkflowPage
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import policy_registry
from wagtail.search.backends import get_search_backend

from tests import builders

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
NOT_A_LIST_PAGE = ["-1", "0", "abc", "", "1e9", "ü", HUGE, str(2**63), ["1", "9"]]
NOT_AN_ID = ["-1", "abc", "1.5", "<script>", "ü"]


def _says(response, *words):
    text = response.content.decode()
    assert all(word in text for word in words), text[:2000]


@pytest.mark.parametrize("number", NOT_A_LIST_PAGE)
def test_a_workflows_list_of_pages_shows_a_page_for_any_page_number(root, section, number):
    """Its first page for a number that is not one, its last for one out of range, as
    Wagtail's listings show (nine pages, five a page: two pages)."""
    workflow = Workflow.objects.get(name="Tinjauan redaksi")
    for n in range(1, 10):
        page = builders.make_article(section, f"Berita alur {n}")
        WorkflowPage.objects.create(page=page, workflow=workflow)
    url = f"/admin/workflows/edit/{workflow.pk}/"

    response = root.get(url, {"p": number})

    assert response.status_code == 200
    _says(response, "Editing workflow: Tinjauan redaksi")
    pages = response.context["pages"]
    # Django's Paginator.get_page: a number below 1 or past the end is the last page.
    last = number in ("-1", "0", HUGE, str(2**63)) or isinstance(number, list)
    assert pages.number == (pages.paginator.num_pages if last else 1) == (2 if last else 1)


@pytest.mark.parametrize("path", ["/admin/images/chooser/", "/admin/images/chooser/results/"])
def test_the_image_chooser_searches_within_a_tag(newsroom, path):
    image_model = get_image_model()
    tagged = image_model.objects.create(title="Banjir Garut", file=get_test_image_file())
    tagged.tags.add("banjir")
    image_model.objects.create(title="Banjir Bekasi", file=get_test_image_file())

    response = newsroom.get(path, {"q": "banjir", "tag": "banjir"})

    assert response.status_code == 200
    _says(response, "Banjir Garut")
    assert "Banjir Bekasi" not in response.content.decode()


@pytest.mark.parametrize(
    ("path", "name"),
    [
        ("/admin/choose-page/", "target_pages[]"),
        ("/admin/choose-page/{home}/", "target_pages[]"),
        ("/admin/choose-external-link/", "parent_page_id"),
        ("/admin/choose-phone-link/", "parent_page_id"),
        ("/admin/choose-page/chosen-multiple/", "id"),
        ("/admin/images/chooser/chosen-multiple/", "id"),
    ],
)
@pytest.mark.parametrize("value", NOT_AN_ID)
def test_a_chooser_answers_an_id_that_is_no_number_with_400(newsroom, home, path, name, value):
    response = newsroom.get(path.format(home=home.pk), {name: value})

    assert response.status_code == 400
    _says(response, "Bad request", f"“{name}” must be a whole number.")


def test_the_page_chooser_leaves_the_trees_root_out_of_the_chosen(newsroom, article):
    root_page = Page.objects.get(depth=1)

    response = newsroom.get(
        "/admin/choose-page/chosen-multiple/", {"id": [str(root_page.pk), str(article.pk)]}
    )

    assert response.status_code == 200
    result = response.json()["result"]
    assert [page["id"] for page in result] == [article.pk]


def test_a_revision_numbered_zero_is_not_found(root, article):
    response = root.get(f"/admin/pages/{article.pk}/revisions/0/revert/")

    assert response.status_code == 404
    _says(response, "There is nothing at this address.")


@pytest.mark.parametrize("endpoint", ["pages", "images", "documents"])
def test_the_admin_api_answers_an_offset_past_its_rows_with_none(newsroom, article, endpoint):
    response = newsroom.get(f"/admin/api/main/{endpoint}/", {"offset": HUGE})

    assert response.status_code == 200
    assert response.json()["items"] == []
    assert newsroom.get(f"/admin/api/main/{endpoint}/", {"offset": "-1"}).status_code == 400


@pytest.mark.parametrize("typed", ["\x00", "banjir\x00", "\x1f", "banjir\x1f\x00", "  "])
def test_a_search_of_control_characters_finds_what_its_words_find(section, typed):
    builders.make_article(section, "Banjir bandang melanda Garut")

    found = get_search_backend().search(typed, Page.objects.live())

    assert [page.title for page in found] == (
        ["Banjir bandang melanda Garut"] if "banjir" in typed else []
    )


@pytest.mark.parametrize("typed", ["\x00", "banjir\x00", "\x1f", "  ", "\x1c\x1d"])
def test_the_admin_api_searches_a_query_of_control_characters(newsroom, section, typed):
    builders.make_article(section, "Banjir bandang melanda Garut")

    response = newsroom.get("/admin/api/main/pages/", {"search": typed})

    assert response.status_code == 200
    titles = [item["title"] for item in response.json()["items"]]
    assert titles == (["Banjir bandang melanda Garut"] if "banjir" in typed else [])


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/admin/images/chooser/", {"tag": "\x00"}),
        ("/admin/images/chooser/results/", {"q": "banjir", "tag": "banjir\x00"}),
        ("/admin/tag-autocomplete/", {"term": "\x00"}),
        ("/admin/api/main/pages/", {"locale": "\x00"}),
        ("/admin/images/", {"q\x00": "banjir"}),
    ],
)
def test_an_admin_address_holding_nul_is_a_bad_request(newsroom, path, params):
    """PostgreSQL refuses NUL in any text: a tag's name, a locale, a term to complete went
    to its queries as given (DataError, a 500 there)."""
    response = newsroom.get(path, params)

    assert response.status_code == 400
    _says(response, "The address holds a character no text may hold (NUL).")


@pytest.mark.parametrize(
    "path",
    [
        "/admin/images/chooser/chosen/{}/",
        "/admin/documents/chooser/chosen/{}/",
        "/admin/snippets/choose/news/author/chosen/{}/",
    ],
)
@pytest.mark.parametrize("value", ["abc", "0", "-1", HUGE])
def test_a_choosers_chosen_id_that_is_no_row_id_is_not_found(newsroom, path, value):
    response = newsroom.get(path.format(value))

    assert response.status_code == 404
    _says(response, "There is nothing at this address.")


@pytest.mark.parametrize("model", ["wagtailcore/page", "news/articlepage"])
@pytest.mark.parametrize("value", ["abc", "1.5", "1e3", "_31x", "0", HUGE])
def test_an_editing_sessions_ping_for_a_page_id_that_is_no_row_id_is_not_found(
    newsroom, article, model, value
):
    """Wagtail looked the page up by the path's text as given (ValueError, a 500)."""
    response = newsroom.post(f"/admin/editing-sessions/ping/{model}/{value}/1/")

    assert response.status_code == 404
    _says(response, "There is nothing at this address.")
    assert not EditingSession.objects.exists()


def test_an_editing_sessions_ping_for_an_object_keyed_by_text_is_answered(root, monkeypatch):
    """A model whose key is text (as a snippet's may be) keeps its sessions: here Django's
    stored sessions, taken for a model Wagtail edits."""
    stored = SessionStore()
    stored.create()
    key = stored.session_key
    registered = policy_registry.get_by_type
    monkeypatch.setattr(
        policy_registry,
        "get_by_type",
        lambda model, **kwargs: (
            ModelPermissionPolicy(model) if model is Session else registered(model, **kwargs)
        ),
    )

    response = root.post(f"/admin/editing-sessions/ping/sessions/session/{key}/1/")

    assert response.status_code == 200
    assert EditingSession.objects.get().object_id == key


def test_the_moderators_chooser_answers_a_comment_id_that_is_no_number(moderator):
    response = moderator.get("/admin/snippets/choose/discussion/comment/chosen/abc/")
    assert response.status_code == 404
    response = moderator.get(
        "/admin/snippets/choose/discussion/comment/chosen-multiple/", {"id": "x"}
    )
    assert response.status_code == 400


@pytest.mark.parametrize("listing", ["images", "documents"])
@pytest.mark.parametrize("bound", ["usage_count_min", "usage_count_max"])
def test_a_media_listing_searches_within_a_usage_count_range(root, listing, bound):
    if listing == "images":
        get_image_model().objects.create(title="Banjir Garut", file=get_test_image_file())
    else:
        get_document_model().objects.create(
            title="Banjir Garut", file=ContentFile(b"laporan", name="banjir.txt")
        )

    response = root.get(f"/admin/{listing}/", {"q": "banjir", bound: "0"})

    assert response.status_code == 200
    _says(response, "Banjir Garut")
    response = root.get(f"/admin/{listing}/", {"q": "banjir", "usage_count_min": "1"})
    assert response.status_code == 200
    assert "Banjir Garut" not in response.content.decode()


@pytest.mark.parametrize("value", ["abc", "-1", HUGE, "<script>"])
def test_a_bulk_action_answers_an_id_that_is_no_number_with_400(root, article, value):
    response = root.get("/admin/bulk/wagtailcore/page/delete/", {"id": [str(article.pk), value]})

    assert response.status_code == 400
    _says(response, "“id” must be a whole number.")
    assert Page.objects.filter(pk=article.pk).exists()


@pytest.mark.parametrize("action", ["approve", "spam"])
@pytest.mark.parametrize("next_url", ["abc", "-1", HUGE])
def test_the_desk_goes_on_to_a_next_address_that_is_no_view_name(
    moderator, article, action, next_url
):
    """Django's redirect() took a `next` without a slash or a dot for a view's name
    (NoReverseMatch, a 500): the desk sends the moderator to it as an address."""
    comment = builders.submit(article)

    response = moderator.post(f"/admin/comments/{action}/{comment.pk}/", {"next": next_url})

    assert response.status_code == 302
    assert response["Location"] == next_url
    comment.refresh_from_db()
    assert comment.status == ("approved" if action == "approve" else "spam")


def test_the_desks_reply_goes_on_to_a_next_address_that_is_no_view_name(moderator, article):
    comment = builders.submit(article, approve=True)

    response = moderator.post(
        f"/admin/comments/reply/{comment.pk}/",
        {"body": "Terima kasih atas koreksinya.", "next": "abc"},
    )

    assert response.status_code == 302
    assert response["Location"] == "abc"
    assert comment.replies.filter(body__contains="Terima kasih").exists()
