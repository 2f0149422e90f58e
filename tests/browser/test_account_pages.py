"""The account pages around signing in: password reset, sign-in security, small screens."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from tests.browser.pages import check_page, sign_in, visit
from waymark.demo.partnership import demo_password

HELEN = "helen.ward@housing.example"


def test_asking_for_a_password_reset_link(page: Any, partnership: Any) -> None:
    visit(page, "/accounts/login/")
    page.get_by_role("link", name="I have forgotten my password").click()
    page.wait_for_load_state("load")
    check_page(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Reset your password"

    page.get_by_label("Email address").fill("nobody-at-all@unknown.example")
    page.get_by_role("button", name="Send the link").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == "/accounts/password/reset/done/"
    check_page(page)


def test_the_sign_in_security_page(page: Any, partnership: Any) -> None:
    sign_in(page, HELEN, demo_password(HELEN))
    page.get_by_role("banner").get_by_role("link", name="Two-factor authentication").click()
    page.wait_for_load_state("load")
    check_page(page)
    assert page.get_by_role("heading", name="Authenticator app").is_visible()
    assert page.get_by_role("heading", name="Recovery codes").is_visible()

    # Seeing recovery codes asks for the second factor again first (a password alone is not enough).
    page.get_by_role("button", name="View").click()
    page.wait_for_load_state("load")
    assert urlsplit(page.url).path == "/accounts/2fa/reauthenticate/"
    check_page(page)


def test_a_small_screen_gets_the_menu_button(page: Any, partnership: Any) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, HELEN, demo_password(HELEN))
    menu = page.get_by_role("button", name="Menu")
    assert menu.is_visible()
    assert not page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home", exact=True).is_visible()
    menu.click()
    assert page.get_by_role("navigation", name="Menu").get_by_role("link", name="Home", exact=True).is_visible()
    visit(page, "/")
