"""The browser fixtures of tests/browser, for the auditor's pages in test_pages_in_browser.py."""

from tests.browser.conftest import browser, page, partnership  # noqa: F401
