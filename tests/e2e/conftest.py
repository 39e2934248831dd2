"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright for Python."""

import os
import shutil
import threading

import pytest

CHROMIUM = os.environ.get("KABAR_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items):
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package.")
    # Playwright's sync API runs an event loop in this thread; Django's ORM calls made by
    # the test itself are still synchronous and safe.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


class _Requests:
    """The live server's requests still being handled.

    On in-memory SQLite the live server's threads share the test's own connection, so a
    request a page sent as the test ended (Wagtail's editor pings its editing session as it
    loads) could still be running when the test database is flushed, and the flush failed
    ("couldn't be flushed"). A test's browser contexts are closed, then these are waited for,
    before the database is touched again."""

    def __init__(self, httpd):
        self.count = 0
        self.idle = threading.Condition()
        handle, start = httpd.process_request_thread, httpd.process_request

        def process_request_thread(request, client_address):
            try:
                handle(request, client_address)
            finally:
                self._finished()

        def process_request(request, client_address):
            # Counted in the accepting thread, before the handling thread exists.
            with self.idle:
                self.count += 1
            try:
                start(request, client_address)
            except BaseException:
                self._finished()
                raise

        httpd.process_request_thread = process_request_thread
        httpd.process_request = process_request

    def _finished(self):
        with self.idle:
            self.count -= 1
            self.idle.notify_all()

    def wait(self):
        with self.idle:
            if not self.idle.wait_for(lambda: self.count == 0, timeout=30):
                pytest.fail(f"{self.count} live server request(s) still running after 30 s")


_live_requests = []


@pytest.fixture(scope="session")
def live_server(live_server):
    _live_requests.append(_Requests(live_server.thread.httpd))
    return live_server


@pytest.fixture
def new_context(browser):
    contexts = []

    def make(**kwargs):
        context = browser.new_context(locale="id-ID", **kwargs)
        context.set_default_timeout(15000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()
    for requests in _live_requests:
        requests.wait()


@pytest.fixture(autouse=True)
def _wagtail_initial_data(wagtail_initial_data):
    """Every browser test is transactional (the live server reads committed rows)."""
