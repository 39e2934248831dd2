"""A request refused as the client's fault is logged in one line; a server error keeps its
traceback (kabar.core.logfilters, wired to the console handler in settings.LOGGING)."""

import io
import logging

import pytest
from django.test import Client
from django.urls import reverse

from kabar.core.logfilters import ClientFaultsBrief


@pytest.fixture
def server_log():
    """What the console handler (settings.LOGGING's, with its filter) writes."""
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, ClientFaultsBrief) for f in h.filters)
    )
    # Swapped in place: setStream() flushes the stream it replaces, which may be an
    # earlier test's captured stderr, closed by now.
    stream, previous = io.StringIO(), handler.stream
    handler.stream = stream
    yield stream
    handler.stream = previous


@pytest.mark.django_db
def test_a_host_not_ours_is_one_line(server_log):
    response = Client().get("/", HTTP_HOST="bukan-kami.example")
    assert response.status_code == 400
    logged = server_log.getvalue()
    assert "Invalid HTTP_HOST header: 'bukan-kami.example'" in logged
    assert "Traceback" not in logged


@pytest.mark.django_db
def test_a_malformed_multipart_body_is_one_line(server_log, article):
    response = Client().post(
        reverse("discussion:post"),
        data=b'--x\r\nContent-Disposition: form-data; name="body"\r\n\r\nteks\r\n',
        content_type="multipart/form-data; boundary=",
    )
    assert response.status_code == 400
    logged = server_log.getvalue()
    assert "Bad request" in logged
    assert "Traceback" not in logged


def test_a_server_error_keeps_its_traceback(server_log):
    logger = logging.getLogger("django.request")
    try:
        raise ZeroDivisionError("bug kami")
    except ZeroDivisionError as exc:
        logger.error("Internal Server Error: /", exc_info=exc, extra={"status_code": 500})
    logged = server_log.getvalue()
    assert "Traceback" in logged and "ZeroDivisionError: bug kami" in logged
