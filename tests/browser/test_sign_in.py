"""Signing in and out in a real browser, as each member of the demo partnership.

Each demo user signs in with their password and the code from their authenticator app and lands
on their home page; the first user holding each role has a screenshot of it kept for the docs
(docs/screenshots/home-<role>.png). Every page visited is checked by axe-core and for console
errors and CSP violations (see pages.py).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import REPO_ROOT
from tests.browser.pages import check_page, sign_in, submit_code, submit_password, totp_code, visit
from waymark.demo.partnership import DEMO_USERS, demo_password

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
AMARA = "amara.okafor@sass.example"

# The first demo user whose first membership is in a role is the one photographed for it.
PHOTOGRAPHED: dict[str, str] = {}
for _demo in DEMO_USERS:
    PHOTOGRAPHED.setdefault(_demo.memberships[0][2].value, _demo.email)


@pytest.mark.parametrize("demo", DEMO_USERS, ids=[d.email.split("@")[0] for d in DEMO_USERS])
def test_each_demo_user_signs_in_with_password_and_code(page: Any, partnership: Any, demo: Any) -> None:
    sign_in(page, demo.email, demo_password(demo.email))

    assert page.get_by_role("heading", level=1).inner_text() == "Your work"
    assert page.get_by_role("banner").get_by_text(demo.full_name).is_visible()
    for _agency, _team, role in demo.memberships:
        assert page.get_by_role("heading", name=role.label, exact=True).is_visible()

    role = demo.memberships[0][2].value
    if PHOTOGRAPHED[role] == demo.email:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"home-{role}.png"), full_page=True)


def test_every_role_has_a_screenshot() -> None:
    from waymark.core.roles import Role

    assert set(PHOTOGRAPHED) == {role.value for role in Role}


def test_a_wrong_password_shows_the_error_summary(page: Any, partnership: Any) -> None:
    visit(page, "/accounts/login/")
    submit_password(page, AMARA, "not-the-right-password")

    assert urlsplit(page.url).path == "/accounts/login/"
    summary = page.locator(".govuk-error-summary")
    assert summary.is_visible()
    assert "There is a problem" in summary.inner_text()
    # GOV.UK Frontend moves focus to the summary, and its link leads to the first field.
    assert page.evaluate("() => document.activeElement.classList.contains('govuk-error-summary')")
    assert summary.get_by_role("link").get_attribute("href") == "#id_login"
    assert page.title().startswith("Error: ")
    check_page(page)
    page.screenshot(path=str(SCREENSHOTS / "sign-in-error.png"), full_page=True)

    # The password is never sent back to the browser.
    assert page.get_by_label("Password").input_value() == ""


def test_a_wrong_code_is_refused_and_the_right_one_accepted(page: Any, partnership: Any) -> None:
    visit(page, "/accounts/login/")
    submit_password(page, AMARA, demo_password(AMARA))
    check_page(page)
    page.screenshot(path=str(SCREENSHOTS / "sign-in-code.png"), full_page=True)

    wrong = f"{(int(totp_code(AMARA)) + 1) % 1_000_000:06d}"
    submit_code(page, wrong)
    assert urlsplit(page.url).path == "/accounts/2fa/authenticate/"
    assert page.locator(".govuk-error-summary").is_visible()
    assert page.locator(".govuk-error-message").is_visible()
    check_page(page)

    submit_code(page, totp_code(AMARA))
    assert urlsplit(page.url).path == "/"
    check_page(page)


def test_the_code_page_offers_no_security_key_to_someone_without_one(page: Any, partnership: Any) -> None:
    visit(page, "/accounts/login/")
    submit_password(page, AMARA, demo_password(AMARA))
    assert page.get_by_role("button", name="Use my security key").count() == 0


def test_signing_out_ends_the_session(page: Any, partnership: Any) -> None:
    sign_in(page, AMARA, demo_password(AMARA))

    page.get_by_role("banner").get_by_role("button", name="Sign out").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == "/accounts/login/"
    check_page(page)
    assert page.get_by_role("banner").get_by_text("Amara Okafor").count() == 0

    # The home page now asks for sign-in again.
    visit(page, "/")
    assert urlsplit(page.url).path == "/accounts/login/"


def test_signed_out_visitors_are_sent_to_sign_in(page: Any, partnership: Any) -> None:
    visit(page, "/")
    assert urlsplit(page.url).path == "/accounts/login/"
    assert page.get_by_role("heading", level=1).inner_text() == "Sign in"
    page.screenshot(path=str(SCREENSHOTS / "sign-in.png"), full_page=True)
