"""The checks every visited page goes through really catch problems, and the shell is sound."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.pages import check_axe, check_clean, sign_in, visit
from waymark.demo.partnership import demo_password


def test_a_console_error_fails_the_page_check(page: Any, partnership: Any) -> None:
    visit(page, "/accounts/login/")
    page.evaluate("() => console.error('something broke')")
    with pytest.raises(AssertionError, match="something broke"):
        check_clean(page)


def test_a_csp_violation_fails_the_page_check(page: Any, partnership: Any) -> None:
    visit(page, "/accounts/login/")
    # An inline script, as an attacker's injected markup would add: the CSP must block it.
    page.evaluate(
        """() => { const s = document.createElement("script"); s.textContent = "window.__ran = true";
                   document.body.appendChild(s); }"""
    )
    page.wait_for_function("() => (window.__cspViolations || []).length > 0")
    assert not page.evaluate("() => window.__ran === true"), "an inline script ran: the CSP is not enforced"
    with pytest.raises(AssertionError, match="CSP violation"):
        check_clean(page)


def test_axe_runs_and_catches_a_serious_violation(page: Any, partnership: Any) -> None:
    visit(page, "/accounts/login/")
    # An image with no text alternative is a critical WCAG failure.
    page.evaluate("() => document.querySelector('main').appendChild(document.createElement('img'))")
    with pytest.raises(AssertionError, match="image-alt"):
        check_axe(page)


def test_the_shell_uses_no_govuk_branding(page: Any, partnership: Any) -> None:
    """Waymark is not a GOV.UK service: no crown, and not the GDS Transport typeface."""
    sign_in(page, "lucy.barnes@council.example", demo_password("lucy.barnes@council.example"))
    font = page.evaluate("() => getComputedStyle(document.body).fontFamily")
    assert "GDS Transport" not in font
    assert page.locator("header svg, .govuk-header__logotype").count() == 0
    fonts = page.evaluate("() => performance.getEntriesByType('resource').map(r => r.name).filter(n => /woff/.test(n))")
    assert fonts == []


def test_the_skip_link_leads_to_the_main_content(page: Any, partnership: Any) -> None:
    visit(page, "/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to main content")
    assert skip.evaluate("(element) => element === document.activeElement")
    assert skip.is_visible()
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main-content"
