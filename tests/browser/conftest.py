"""Real-browser fixtures: the app served on a free loopback port, Debian's Chromium
driven by Playwright, one browser context per person, axe-core, screenshots.

The app under test is the production app (CSRF on) on the same freshly migrated
database as the rest of the suite (`app` migrates it; the autouse cleanup in
tests/conftest.py empties it after every test).

Chromium is Debian's /usr/bin/chromium (``CHROMIUM`` overrides the path).
Playwright's own browser download is never used. Without Chromium the tests are
skipped with a message, except under ``CI=true``, where every skip but the
dashboard's (while issue 3 is not merged) is turned into a failure.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from werkzeug.serving import WSGIRequestHandler, make_server

from kundtjanst.extensions import db

from ..conftest import make_app

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
IN_CI = os.environ.get("CI") == "true"

# Without the background-networking flags Chromium phones home at start, and
# this machine's closed network refuses it loudly.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# The one skip CI accepts: the dashboard journey and its axe check, until the
# dashboard exists. The reason text must contain this marker.
DASHBOARD_NOT_YET = "dashboard not built yet"

# Generous: CI machines are shared and a page can take a while under load.
TIMEOUT_MS = 10_000


def _unavailable(message: str):
    """Skip locally; under CI=true a browser test that cannot run is a failure."""
    if IN_CI:
        pytest.fail(f"{message} (CI=true requires the browser tests to run)", pytrace=False)
    pytest.skip(message)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if not (IN_CI and report.skipped and "browser" in item.keywords):
        return
    reason = str(report.longrepr[-1]) if isinstance(report.longrepr, tuple) else ""
    if DASHBOARD_NOT_YET not in reason:
        report.outcome = "failed"
        report.longrepr = f"skipped under CI=true, which allows no such skip: {reason}"


# --- the app on a real port -------------------------------------------------------


class _QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs) -> None:  # one line per request is noise here
        pass


@pytest.fixture(scope="session")
def live_app(app, database_url) -> Iterator:
    """The production configuration that matters here: CSRF on, normal page size.

    It shares the database `app` migrated (and the cleanup after every test).
    """
    live = make_app(database_url, WTF_CSRF_ENABLED=True, PAGE_SIZE=25)
    yield live
    with live.app_context():
        db.engine.dispose()  # close the server threads' pooled connections


@contextmanager
def serve(app) -> Iterator[str]:
    """``app`` served by werkzeug in a thread on 127.0.0.1, on a port the OS chose;
    gives its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True, request_handler=_QuietHandler)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    app.config["BASE_URL"] = base  # links for people (a status link) point here
    try:
        yield base
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()


@pytest.fixture(scope="session")
def live_server(live_app) -> Iterator[str]:
    with serve(live_app) as base:
        yield base


@pytest.fixture(scope="session")
def dashboard_ready(live_app) -> bool:
    return "stats.dashboard" in live_app.view_functions


# --- the browser ---------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        _unavailable(f"Chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=TIMEOUT_MS)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_JS.is_file():
        _unavailable(
            f"axe-core is not installed at {AXE_JS} (run `npm ci`, or `make test-browser`)"
        )
    return AXE_JS.read_text(encoding="utf-8")


@pytest.fixture
def new_page(browser, live_server) -> Iterator[Callable]:
    """``new_page()`` → a page in a fresh browser context (its own cookies: one person).

    ``javascript=False`` gives a context with JavaScript disabled; ``viewport`` a
    window size other than 1280×900; ``base_url`` another server than `live_server`.
    """
    contexts = []
    # The application's Content-Security-Policy is enforced: whatever it refuses on
    # any page (an inline style or script, another host) fails the test.
    refused: list[str] = []

    def watch(message) -> None:
        if "Content Security Policy" in message.text:
            refused.append(f"{message.page.url if message.page else '?'}: {message.text}")

    def make(*, javascript: bool = True, viewport: dict | None = None, base_url: str = ""):
        context = browser.new_context(
            base_url=base_url or live_server,
            locale="sv-SE",
            java_script_enabled=javascript,
            viewport=viewport or {"width": 1280, "height": 900},
        )
        context.set_default_timeout(TIMEOUT_MS)
        context.on("console", watch)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()
    assert not refused, "the Content-Security-Policy refused:\n" + "\n".join(refused)


@pytest.fixture(scope="session")
def _screenshot_dir() -> Path:
    shutil.rmtree(SCREENSHOTS, ignore_errors=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@pytest.fixture
def screenshot(request, _screenshot_dir) -> Callable:
    """``screenshot(page)`` saves the whole page as test-artifacts/screenshots/<test>.png."""

    def take(page, suffix: str = "") -> Path:
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
        path = _screenshot_dir / f"{name}{'-' + suffix if suffix else ''}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
