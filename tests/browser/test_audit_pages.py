"""The auditor's pages in a real browser: accessible (axe-core), CSP-clean, and the links an
auditor follows lead where they say. (Owned with waymark/audit; lives here for the fixtures.)"""

from __future__ import annotations

import os
from typing import Any

from tests.browser.pages import check_page, sign_in, visit
from waymark.demo.partnership import demo_password

AUDITOR = "joan.fletcher@council.example"
SCREENSHOTS = os.environ.get("WAYMARK_AUDIT_SCREENSHOTS")  # a directory, to look at the pages


def shoot(page: Any, name: str) -> None:
    if SCREENSHOTS:
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)


def test_an_auditor_searches_follows_links_opens_an_event_and_pages_back(page: Any, partnership: Any) -> None:
    sign_in(page, AUDITOR, demo_password(AUDITOR))
    visit(page, "/audit/")
    shoot(page, "audit-search")
    page.get_by_label("Action").select_option("login")
    page.get_by_role("button", name="Search").click()
    check_page(page)
    assert "action=login" in page.url
    assert page.locator("tbody tr").count() == 1  # the auditor's own sign-in

    page.get_by_role("link", name="All by this user").first.click()
    check_page(page)
    assert "actor=" in page.url

    page.locator("tbody tr td a").first.click()
    check_page(page)
    assert "/audit/events/" in page.url
    assert page.get_by_text("Contents match their hash: yes").is_visible()
    shoot(page, "audit-event")


def test_an_invalid_search_shows_the_error_summary(page: Any, partnership: Any) -> None:
    sign_in(page, AUDITOR, demo_password(AUDITOR))
    response = page.goto("/audit/?occurred_from=2026-03-03&occurred_to=2026-03-02")
    assert response is not None and response.status == 200
    check_page(page)
    assert page.get_by_role("alert").is_visible()
    page.get_by_role("link", name="The end date must be the same as or after the start date.").click()
    assert page.evaluate("() => document.activeElement.id") == "id_occurred_to"
