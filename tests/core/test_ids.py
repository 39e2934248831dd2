"""Row ids from requests (kabar/core/ids.py): ASCII digits for 1 to 2**63 - 1, nothing else;
URL patterns with <id:...> do not match anything else."""

import uuid

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django_tasks_db.models import DBTaskResult
from wagtail.models import Page, PageViewRestriction

from kabar.core.ids import ID_MAX, IdConverter, parse_id, parse_key
from kabar.news.models import ArticlePage

A_UUID = uuid.UUID("12345678-1234-5678-1234-567812345678")


@pytest.mark.parametrize(("text", "expected"), [("1", 1), ("42", 42), (str(ID_MAX), ID_MAX)])
def test_an_id_in_range_is_read(text, expected):
    assert parse_id(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "0",
        "-1",
        "+1",
        " 1",
        "1.0",
        "²",
        "١٢",  # Arabic-Indic digits: isdigit() is true, they are no row id
        str(ID_MAX + 1),
        "1" + "0" * 22,
        "9" * 5000,  # more digits than int() reads from a string
        "0" * 19 + "1",
        None,
        7,
    ],
)
def test_anything_else_is_none(text):
    assert parse_id(text) is None


@pytest.mark.parametrize(
    ("model", "text", "expected"),
    [
        (Page, "7", 7),
        (ArticlePage, "7", 7),  # its key is its page's
        (Page, "abc", None),
        (ArticlePage, "1.5", None),
        (ArticlePage, str(ID_MAX + 1), None),
        (Session, "abc", "abc"),  # a key that is text
        (DBTaskResult, "abc", None),
        (DBTaskResult, str(A_UUID), A_UUID),
    ],
)
def test_a_key_is_read_as_its_models_key_reads_it(model, text, expected):
    assert parse_key(model, text) == expected


def test_the_converter_refuses_an_id_out_of_range_so_the_pattern_does_not_match():
    converter = IdConverter()
    assert converter.to_python(str(ID_MAX)) == ID_MAX
    with pytest.raises(ValueError):
        converter.to_python(str(ID_MAX + 1))
    assert converter.to_url(17) == "17"


@pytest.mark.django_db
def test_a_url_with_an_id_out_of_range_is_not_found():
    assert Client().get(f"/comments/{ID_MAX + 1}/").status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("number", [ID_MAX + 1, -ID_MAX - 2, 2**64])
def test_a_relation_compared_with_a_number_out_of_range_matches_nothing(number):
    # A relation's exact lookup (a page type's key is one): SQLite raised OverflowError.
    page = Page.objects.get(depth=1)
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert not PageViewRestriction.objects.filter(page=number).exists()
    assert not PageViewRestriction.objects.filter(page_id=number).exists()
    assert PageViewRestriction.objects.filter(page=page.pk).exists()


@pytest.mark.django_db
@pytest.mark.parametrize("number", [ID_MAX + 1, -ID_MAX - 2, 2**64])
def test_an_in_list_leaves_out_numbers_out_of_range(number):
    # Django checks no `in` list: SQLite raised OverflowError for an integer column's and a
    # relation's alike.
    page = Page.objects.get(depth=1)
    PageViewRestriction.objects.create(page=page, restriction_type="login")
    assert list(Page.objects.filter(pk__in=[number, page.pk])) == [page]
    assert not Page.objects.filter(pk__in=[number]).exists()
    assert not Page.objects.filter(depth__in=[str(number)]).exists()
    assert PageViewRestriction.objects.filter(page__in=[number, page.pk]).exists()
    assert not PageViewRestriction.objects.filter(page__in=[number]).exists()
    assert PageViewRestriction.objects.exclude(page_id__in=[number]).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path",
    [
        "/admin/pages/?site={n}",
        "/admin/pages/?content_type={n}",
    ],
)
def test_wagtail_s_admin_filters_take_a_number_out_of_range(admin_user, path):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    response = client.get(path.format(n=ID_MAX + 1))
    assert response.status_code == 200, path
