"""Tables in an article: an editor writes one in Wagtail's admin (the table block), readers
see a real table that scrolls sideways on a phone, and its cells are searchable and in the
ninjs document's text."""

import json

import pytest
from django.urls import reverse
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from kabar.news.models import ArticlePage
from tests.news.test_roles import member, signed_in

pytestmark = pytest.mark.django_db

RESULTS = {
    "data": [
        ["Kecamatan", "Suara sah", "Partisipasi"],
        ["Cibodas", "18.204", "81 %"],
        ["Lembang", "22.930", "77 %"],
    ],
    "first_row_is_table_header": True,
    "first_col_is_header": False,
    "table_header_choice": "row",
    "table_caption": "Hasil rekapitulasi sementara",
    "cell": [],
    "mergeCells": [],
}


def edit_form(article, body):
    return nested_form_data(
        {
            "title": article.title,
            "slug": article.slug,
            "standfirst": "Rekapitulasi suara tingkat kecamatan.",
            "article_authors": inline_formset([]),
            "notices": inline_formset([]),
            "language": "id",
            "body": streamfield(body),
            "tags": "",
            "discussion": ArticlePage._meta.get_field("discussion").default,
            "comments": inline_formset([]),
            "action-publish": "1",
        }
    )


@pytest.fixture
def published(article, django_capture_on_commit_callbacks):
    """The article after an editor added a table to it in the admin and published it."""
    editor = signed_in(member("Editor"))
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    page = editor.get(url)
    assert page.status_code == 200
    # The table block is offered in the body's menu.
    assert (
        '"name": "table"' in page.content.decode() or "&quot;table&quot;" in page.content.decode()
    )
    body = [
        ("paragraph", rich_text("<p>Penghitungan berlanjut malam ini.</p>")),
        ("table", json.dumps(RESULTS)),
    ]
    with django_capture_on_commit_callbacks(execute=True):
        response = editor.post(url, edit_form(article, body))
    assert response.status_code == 302, response.content.decode()[:3000]
    return ArticlePage.objects.get(pk=article.pk)


def test_an_editor_s_table_is_stored_and_shown_as_a_table(client, published):
    [table] = [block.value for block in published.body if block.block_type == "table"]
    assert table["data"] == RESULTS["data"]
    html = client.get(published.url).content.decode()
    region = html.split('class="data-table"', 1)[1].split("</div>", 1)[0]
    assert 'role="region" tabindex="0" aria-label="Hasil rekapitulasi sementara"' in region
    assert "<caption>Hasil rekapitulasi sementara</caption>" in region
    assert '<th scope="col"' in region and "Suara sah" in region
    assert "<td" in region and "22.930" in region


def test_a_table_s_cells_are_searched_and_in_the_ninjs_text(client, published):
    response = client.get("/cari/", {"q": "Lembang"})
    assert [a.title for a, _snippet in response.context["results"]] == [published.title]
    doc = client.get(f"/ninjs/articles/{published.pk}.json").json()
    text = next(b["value"] for b in doc["bodies"] if b.get("contentType") == "text/plain")
    assert "Cibodas" in text and "22.930" in text


def test_a_damaged_table_from_the_editor_is_refused_with_the_form_kept(article):
    editor = signed_in(member("Editor"))
    url = reverse("wagtailadmin_pages:edit", args=[article.pk])
    for damaged in ("{not json", json.dumps({**RESULTS, "data": [[{"x": 1}]]}), "[]"):
        response = editor.post(url, edit_form(article, [("table", damaged)]))
        assert response.status_code == 200
        assert "could not be read" in response.content.decode(), damaged
    assert not [b for b in ArticlePage.objects.get(pk=article.pk).body if b.block_type == "table"]
