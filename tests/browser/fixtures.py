"""The browser fixtures: Waymark in Debian's chromium, driven by Playwright, checked with axe-core.

Registered once for the whole suite by tests/conftest.py (a session-scoped browser imported into
several test folders would start Playwright twice in one run, which it refuses). The hooks that
mark and loudly skip browser tests are in tests/browser/conftest.py.

Every test here is marked ``browser``. Without chromium they are all skipped, loudly: the
Makefile prints a banner and ``pytest -rs`` prints the reason below. CI installs chromium.

Each test gets a fresh browser context (its own cookies) in one shared browser, a live server
on a transactional database seeded with the demo partnership, and ``visit(page, url)``, which
goes to a page and fails the test if axe-core finds a serious or critical WCAG 2.x A/AA
violation there, or if the page logged a console error or a Content Security Policy violation.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.core.servers.basehttp import ThreadedWSGIServer
from django.test.testcases import LiveServerThread

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a
# thread with a running loop unless told. The live server runs in its own thread regardless.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


class _OneRequestAtATimeOnSharedSqlite(ThreadedWSGIServer):
    """The live server. On SQLite the test database is in memory, and every request thread shares
    the test's one connection (``connections_override``). Two requests at once (a page's htmx
    fragment, still loading, and the form submitted beside it) then both BEGIN on it: "cannot start
    a transaction within a transaction". So there, requests are handled one at a time (the
    application behind a lock; connections stay threaded, so keep-alive cannot hold the lock).
    PostgreSQL gives each thread its own connection and is left alone."""

    def set_app(self, application: Any) -> None:
        if not self.connections_override:
            super().set_app(application)
            return
        lock = threading.Lock()

        def one_at_a_time(environ: Any, start_response: Any) -> Any:
            with lock:
                return application(environ, start_response)

        super().set_app(one_at_a_time)


LiveServerThread.server_class = _OneRequestAtATimeOnSharedSqlite

BROWSER_DIR = Path(__file__).resolve().parent
REPO_ROOT = BROWSER_DIR.parent.parent
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    # The closed network here (and in CI) makes chromium's own background traffic hang.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORT = {"width": 1280, "height": 800}


def _missing_requirement() -> str:
    if not (os.path.isfile(CHROMIUM) and os.access(CHROMIUM, os.X_OK)):
        return (
            f"BROWSER TESTS SKIPPED: no chromium at {CHROMIUM}. "
            "Install it with `apt-get install chromium` (CI does), or set CHROMIUM_PATH."
        )
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "BROWSER TESTS SKIPPED: the Python package playwright is not installed (pip install -r requirements/dev.txt)."
    from tests.browser.pages import AXE_JS

    if not AXE_JS.is_file():
        return f"BROWSER TESTS SKIPPED: {AXE_JS} is missing; build the static assets first (make assets)."
    return ""


MISSING = _missing_requirement()


# --- The browser ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


# --- The demo partnership in the live server's database --------------------------------------


@pytest.fixture
def partnership(live_server: Any) -> list[Any]:
    """The demo partnership (agencies, teams, 14 users), in the database the live server uses."""
    from django.core.cache import cache

    from tests.browser.pages import forget_used_codes
    from waymark.demo.partnership import build_partnership

    # Used one-time codes and lockouts live in the cache: start each test with none.
    cache.clear()
    forget_used_codes()
    return build_partnership()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh context (no cookies) and page for each test, watched for console errors."""
    from tests.browser.pages import RECORD_CSP_VIOLATIONS, watch

    context = browser.new_context(viewport=VIEWPORT, base_url=live_server.url, locale="en-GB")
    context.add_init_script(script=RECORD_CSP_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(10_000)
    watch(page)
    yield page
    context.close()
