"""The browser fixtures of tests/browser (Chromium, a fresh page, the demo partnership), for
tests/outcomes/test_browser.py."""

from tests.browser.conftest import browser, page, partnership  # noqa: F401
