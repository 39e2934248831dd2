import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


def test_indonesian_is_the_default_whatever_the_browser_says(home):
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response["Content-Language"] == "id"
    assert '<html lang="id">' in response.content.decode()


def test_chosen_language_cookie_is_honoured(home):
    client = Client()
    client.cookies["django_language"] = "en"
    response = client.get("/")
    assert response["Content-Language"] == "en"


def test_unknown_language_cookie_falls_back_to_indonesian(home):
    client = Client()
    client.cookies["django_language"] = "xx"
    assert Client().get("/")["Content-Language"] == "id"
    assert client.get("/")["Content-Language"] == "id"
