"""The error pages Django renders without a request's context (a refused form, an unknown
host, a denied permission) are Kabar's, in Indonesian and English, not Django's stock
pages (which speak of DEBUG=True and are in English only)."""

import pytest
from django.test import Client
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_a_form_refused_for_its_csrf_token_says_what_to_do(home):
    response = Client(enforce_csrf_checks=True).post(
        reverse("discussion:privacy"), {"email": "a@example.org", "action": "export"}
    )
    html = response.content.decode()
    assert response.status_code == 403
    assert "Formulir tidak dapat diterima" in html and "Reload the form" in html
    assert "DEBUG" not in html and "CSRF" not in html


def test_an_unknown_host_is_answered_with_kabars_page(home):
    response = Client(raise_request_exception=False).get("/", HTTP_HOST="bukan.kabar.example")
    html = response.content.decode()
    assert response.status_code == 400
    assert "Permintaan tidak dapat dibaca" in html and 'lang="en"' in html
    assert "bukan.kabar.example" not in html
