"""Forms posted to Wagtail's admin in a shape its own pages never send, signed in as an
administrator, an editor or a moderator: a clear page (400 naming the field, or the form
again with its error) and nothing stored, never a 500 (kabar/core/admin_forms.py,
admin_input.py, admin_corrections.py). Each case answered 500, or took minutes, before."""

import pytest
from django.core.signing import Signer
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, Site
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield
from wagtail.users.models import UserProfile

from kabar.news.models import ArticlePage, Author, LiveEntry
from tests import builders

pytestmark = pytest.mark.django_db

HUGE = "99999999999999999999"
NOT_AN_ID = ["abc", "1.5", "<script>", "a\x00b"]


def _says(response, *words):
    text = response.content.decode()
    assert all(word in text for word in words), text[:3000]


def _article_form(title="Judul yang diubah", **fields):
    """The edit form of an article as the admin's own page posts it."""
    return nested_form_data(
        {
            "title": title,
            "slug": "artikel-uji-post",
            "standfirst": "Ringkasan berita uji.",
            "article_authors": inline_formset([]),
            "notices": inline_formset([]),
            "language": "id",
            "body": streamfield([("paragraph", rich_text("<p>Isi berita yang diubah.</p>"))]),
            "tags": "",
            "discussion": ArticlePage._meta.get_field("discussion").default,
            "comments": inline_formset([]),
            **fields,
        }
    )


def _unchanged(article):
    article.refresh_from_db()
    assert article.title == "Gencatan senjata disepakati"
    assert article.revisions.count() == 1


def test_the_article_form_as_the_admin_posts_it_is_saved(newsroom, article):
    """The form the hostile cases below start from: it works."""
    response = newsroom.post(f"/admin/pages/{article.pk}/edit/", _article_form())

    assert response.status_code == 302
    article.refresh_from_db()
    assert article.revisions.count() == 2
    assert article.get_latest_revision_as_object().title == "Judul yang diubah"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"body-count": None}, "body"),
        ({"body-count": "abc"}, "body"),
        ({"body-count": HUGE}, "body"),
        ({"body-0-type": None}, "body"),
        ({"body-0-order": "abc"}, "body"),
        ({"body-0-value": "{bad json"}, "body-0-value"),
        ({"body-0-value": "0"}, "body-0-value"),
    ],
)
def test_a_streamfield_that_cannot_be_read_is_a_bad_request(newsroom, article, change, field):
    form = _article_form()
    for name, value in change.items():
        if value is None:
            del form[name]
        else:
            form[name] = value

    response = newsroom.post(f"/admin/pages/{article.pk}/edit/", form)

    assert response.status_code == 400
    _says(response, "Bad request", f"“{field}” could not be read.")
    _unchanged(article)


def test_a_new_article_whose_streamfield_lacks_its_count_is_not_created(newsroom, section):
    form = _article_form(title="Artikel baru")
    del form["body-count"]

    response = newsroom.post(f"/admin/pages/add/news/articlepage/{section.pk}/", form)

    assert response.status_code == 400
    _says(response, "“body” could not be read.")
    assert not ArticlePage.objects.filter(title="Artikel baru").exists()


@pytest.mark.parametrize("total", [HUGE, str(10**6), "1000", "2", "abc", "-1"])
def test_a_formset_counting_rows_it_does_not_hold_is_refused_at_once(newsroom, article, total):
    """Wagtail built a form for every row counted, for minutes; a row left out crashed the
    InlinePanel (KeyError: 'ORDER')."""
    form = _article_form(**{"notices": inline_formset([{"kind": "correction"}])})
    form["notices-TOTAL_FORMS"] = total

    response = newsroom.post(f"/admin/pages/{article.pk}/edit/", form)

    assert response.status_code == 400
    _says(response, "“notices-TOTAL_FORMS” does not count its rows.")
    _unchanged(article)


def test_a_formset_row_numbered_past_what_python_converts_is_refused(newsroom, article):
    """A row number of 4,301 digits, which int() refuses (ValueError): a 500 before."""
    form = _article_form(**{"notices": inline_formset([{"kind": "correction"}])})
    form[f"notices-{'1' * 4301}-kind"] = "correction"

    response = newsroom.post(f"/admin/pages/{article.pk}/edit/", form)

    assert response.status_code == 400
    _unchanged(article)


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_a_formset_row_whose_id_is_no_number_is_refused(newsroom, article, author, value):
    form = _article_form(
        article_authors=inline_formset(
            [{"id": value, "author": str(author.pk), "ORDER": "1"}], initial=1
        )
    )

    response = newsroom.post(f"/admin/pages/{article.pk}/edit/", form)

    assert response.status_code == 400
    _says(response, "“article_authors-0-id” must be a row&#x27;s id.")
    _unchanged(article)


def test_a_formset_row_without_its_id_is_refused(newsroom, article, author):
    form = _article_form(
        article_authors=inline_formset([{"author": str(author.pk), "ORDER": "1"}], initial=1)
    )

    response = newsroom.post(f"/admin/pages/{article.pk}/edit/", form)

    assert response.status_code == 400
    _says(response, "“article_authors-0-id” is missing.")
    _unchanged(article)


@pytest.mark.parametrize("value", NOT_AN_ID)
def test_a_choosers_value_that_is_no_id_shows_the_form_again(newsroom, article, value):
    """The form refused it; the image chooser shown again looked it up as given."""
    response = newsroom.post(f"/admin/pages/{article.pk}/edit/", _article_form(lead_image=value))

    assert response.status_code == 200
    assert response.context["form"].errors["lead_image"]
    _unchanged(article)


def test_a_rich_text_field_that_is_no_json_is_a_bad_request(newsroom, article):
    response = newsroom.post(
        "/admin/live_entries/new/", {"article": str(article.pk), "body": "{bad json"}
    )

    assert response.status_code == 400
    _says(response, "“body” could not be read.")
    assert not LiveEntry.objects.exists()


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        (
            "/admin/redirects/add/",
            {"old_path": "/lama", "site": "", "redirect_page": "abc"},
            "redirect_page",
        ),
        (
            "/admin/sites/new/",
            {"hostname": "dua.example", "port": "80", "root_page": "abc", "site_name": "Dua"},
            "root_page",
        ),
        ("/admin/snippets/news/author/add/", {"name": "Dewi", "photo": "abc"}, "photo"),
    ],
)
def test_a_choosers_value_that_is_no_id_shows_the_admins_form_again(root, home, path, data, field):
    redirects, sites, authors = (
        Redirect.objects.count(),
        Site.objects.count(),
        Author.objects.count(),
    )

    response = root.post(path, data)

    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert (Redirect.objects.count(), Site.objects.count(), Author.objects.count()) == (
        redirects,
        sites,
        authors,
    )


@pytest.mark.parametrize("position", [HUGE, str(2**63)])
def test_a_page_moved_past_the_databases_numbers_goes_last(root, section, position):
    first = builders.make_article(section, "Pertama")
    builders.make_article(section, "Kedua")

    response = root.post(f"/admin/pages/{first.pk}/set_position/?position={position}")

    assert response.status_code == 200
    assert [page.title for page in section.get_children()] == ["Kedua", "Pertama"]


@pytest.mark.parametrize("position", ["abc", "-1", "1.5", ""])
def test_a_page_moved_to_a_position_that_is_no_number_stays(root, section, position):
    first = builders.make_article(section, "Pertama")
    builders.make_article(section, "Kedua")

    response = root.post(f"/admin/pages/{first.pk}/set_position/?position={position}")

    assert response.status_code == 400
    _says(response, "“position” must be a whole number.")
    assert [page.title for page in section.get_children()] == ["Pertama", "Kedua"]


@pytest.mark.parametrize("action", ["lock", "unlock", "delete", "unpublish"])
@pytest.mark.parametrize("next_url", ["abc", "-1", "2024-13-45 25:61"])
def test_a_next_address_that_is_no_address_is_a_bad_request(root, article, action, next_url):
    """Django's redirect() took it for a view's name (NoReverseMatch, a 500)."""
    response = root.post(f"/admin/pages/{article.pk}/{action}/", {"next": next_url})

    assert response.status_code == 400
    _says(response, "The address to go on to (“next”) is not an address.")
    article.refresh_from_db()
    assert article.live
    assert article.locked is False


@pytest.mark.parametrize("parent", ["", "abc", "-1", HUGE, "999999"])
def test_copying_a_page_under_a_parent_that_is_no_page_shows_the_form_again(root, article, parent):
    pages = Page.objects.count()

    response = root.post(
        f"/admin/pages/{article.pk}/copy/",
        {"new_title": "Salinan", "new_slug": "salinan", "new_parent_page": parent},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["new_parent_page"]
    assert Page.objects.count() == pages


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"import_file_name": "abc", "input_format": "0", "from_index": "0", "to_index": "1"},
        {"import_file_name": Signer().sign("x.csv"), "input_format": "0:forged"},
    ],
)
def test_a_redirects_import_not_started_here_is_a_bad_request(root, data):
    response = root.post("/admin/redirects/import/process/", data)

    assert response.status_code == 400
    _says(response, "This import is not one the admin started: start it again.")
    assert not Redirect.objects.exists()


@pytest.mark.parametrize("revision", ["abc", "1.5", HUGE])
def test_an_editing_sessions_ping_for_a_revision_that_is_no_id(newsroom, article, revision):
    response = newsroom.post(
        f"/admin/editing-sessions/ping/wagtailcore/page/{article.pk}/1/",
        {"revision_id": revision},
    )

    assert response.status_code == 400
    _says(response, "“revision_id” must be a row&#x27;s id.")


@pytest.mark.parametrize(
    "body",
    [
        *["[]", '[["tour", true]]', '"x"', "1", "null", "{bad json", b"\xff"],
        *['{"tour": {"step": 1}}', '{"tour": NaN}', '{"tour": "a\\u0000"}'],
        *['{"a\\u0000": true}', '{"tour": "\\ud800"}', "[" * 100_000],
    ],
)
def test_dismissed_items_sent_as_anything_but_names_and_plain_values_are_refused(newsroom, body):
    """Wagtail merged any JSON into the editor's profile: a 500 for text, a number, null or
    nesting past Python's limit, and on PostgreSQL for NUL, a lone surrogate or NaN; a list
    of pairs was merged, a nested value kept; a body that was no JSON had an empty 400."""
    response = newsroom.patch("/admin/dismissibles/", body, content_type="application/json")

    assert response.status_code == 400
    _says(
        response,
        "The data sent is not what the admin sends: a JSON object of names and plain values.",
    )
    assert [profile.dismissibles for profile in UserProfile.objects.all()] == [{}]


def test_dismissed_items_as_the_admin_sends_them_are_kept(newsroom):
    body = {"whats-new-in-wagtail": True, "editor-guide": "8.0"}

    response = newsroom.patch("/admin/dismissibles/", body, content_type="application/json")

    assert response.status_code == 200
    assert UserProfile.objects.get().dismissibles == body


def test_the_moderator_too_gets_a_bad_request_for_a_next_that_is_no_address(moderator, article):
    comment = builders.submit(article)

    response = moderator.post(f"/admin/comments/delete/{comment.pk}/", {"next": "abc"})

    assert response.status_code == 400
    _says(response, "The address to go on to (“next”) is not an address.")
    assert type(comment).objects.filter(pk=comment.pk).exists()
