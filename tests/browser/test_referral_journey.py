"""A police referrer refers someone; a team manager triages it; "Exit this page" leaves the site.

Screenshots of every step of the intake are kept for the docs (docs/screenshots/referral-step-N.png),
and every page is checked by axe-core and for console errors and CSP violations (pages.py).
"""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.utils import timezone

from tests.browser.conftest import REPO_ROOT
from tests.browser.pages import check_page, sign_in, visit
from waymark.demo.partnership import demo_password

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
POLICE_REFERRER = "daniel.hughes@police.example"
TEAM_MANAGER = "grace.mensah@sass.example"
EXIT_URL = "https://www.bbc.co.uk/weather"


@pytest.fixture
def configured(partnership: Any) -> Any:
    """The shipped routing rules and checklist (data migrations are flushed between live tests)."""
    from waymark.risk.loading import ensure_shipped_instrument
    from waymark.risk.models import RiskInstrument, RiskItem
    from waymark.routing.defaults import ensure_default_rules
    from waymark.routing.models import RoutingRule

    ensure_default_rules(RoutingRule)
    ensure_shipped_instrument(RiskInstrument, RiskItem)
    return partnership


class Steps:
    """Checks each page of the journey and keeps a numbered screenshot of it."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.number = 0

    def shoot(self) -> None:
        check_page(self.page)
        self.number += 1
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(SCREENSHOTS / f"referral-step-{self.number}.png"), full_page=True)

    def next(self, button: str = "Continue") -> None:
        with self.page.expect_navigation():
            self.page.get_by_role("button", name=button).click()


def fill_date(page: Any, day: int, month: int, year: int) -> None:
    page.get_by_label("Day").fill(str(day))
    page.get_by_label("Month").fill(str(month))
    page.get_by_label("Year").fill(str(year))


def test_police_referrer_refers_and_team_manager_sees_the_route(page: Any, configured: Any) -> None:
    yesterday = timezone.localdate() - timedelta(days=1)
    sign_in(page, POLICE_REFERRER, demo_password(POLICE_REFERRER))
    steps = Steps(page)

    visit(page, "/referrals/new/")
    steps.shoot()
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()

    assert page.get_by_role("heading", level=1).inner_text() == "Who is at risk?"
    page.get_by_label("First name").fill("Ayesha")
    page.get_by_label("Last name").fill("Khan")
    fill_date(page, 3, 4, 1990)
    page.get_by_label("Female", exact=True).check()
    page.get_by_label("Postcode").fill("SE1 7PB")
    # The known-person matching fragment answers as the referrer types, but a referrer is never
    # shown candidates (no oracle): the receiving service checks at triage.
    page.wait_for_load_state("networkidle")
    assert "you do not need to" in page.locator("#possible-matches").inner_text().lower()
    assert page.locator("#possible-matches .govuk-table, #possible-matches .govuk-summary-card").count() == 0
    steps.shoot()
    steps.next()

    assert page.get_by_role("heading", level=1).inner_text() == "Who is causing harm?"
    page.get_by_label("Yes", exact=True).check()
    page.get_by_label("First name").fill("Imran")
    page.get_by_label("Last name").fill("Khan")
    page.get_by_label("Male", exact=True).check()
    page.get_by_label("Current partner").check()
    steps.shoot()
    steps.next()

    page.get_by_label("How many children live in the household?").fill("2")
    steps.shoot()
    steps.next()

    page.get_by_label("Domestic abuse", exact=True).check()
    page.get_by_label("Physical", exact=True).check()
    page.get_by_label("Psychological", exact=True).check()
    fill_date(page, yesterday.day, yesterday.month, yesterday.year)
    page.get_by_label("What happened").fill("Pushed against a wall; threatened to kill her if she leaves.")
    steps.shoot()
    steps.next()

    page.get_by_label("Yes", exact=True).check()
    fill_date(page, yesterday.day, yesterday.month, yesterday.year)
    page.get_by_label("How many questions were answered yes?").fill("15")
    steps.shoot()
    steps.next()

    page.get_by_label("Yes, they consent to this referral").check()
    steps.shoot()
    steps.next()

    for question, answer in (("call", "yes"), ("text", "no"), ("voicemail", "no"), ("write", "no")):
        page.locator(f"input[name=safe_to_{question}][value={answer}]").check()
    page.get_by_label("A phone number that is safe to use").fill("07700 900982")
    page.get_by_label("Anything else about contacting them safely").fill("Only between 10am and 2pm.")
    steps.shoot()
    steps.next()

    assert page.get_by_role("heading", level=1).inner_text() == "Check your answers before sending the referral"
    steps.shoot()
    steps.next("Accept and send")

    panel = page.locator(".govuk-panel--confirmation")
    assert "Referral sent" in panel.inner_text()
    number = re.search(r"R-\d{4}-\d{6}", panel.inner_text())
    assert number is not None
    steps.shoot()

    # The referrer's list shows the status and nothing of the record.
    visit(page, "/referrals/mine/")
    mine = page.locator("main").inner_text()
    assert number.group(0) in mine and "Received" in mine
    assert "Ayesha" not in mine and "07700" not in mine

    # A team manager of the receiving service triages it.
    page.context.clear_cookies()
    sign_in(page, TEAM_MANAGER, demo_password(TEAM_MANAGER))
    visit(page, "/referrals/queue/")
    with page.expect_navigation():
        page.get_by_role("link", name=number.group(0)).click()
    check_page(page)
    route = page.locator("#route-recommendation")
    assert "IDVA service" in route.inner_text()
    assert "Consider a MARAC referral" in route.inner_text()
    assert "Why:" in route.inner_text()
    page.screenshot(path=str(SCREENSHOTS / "referral-triage.png"), full_page=True)

    with page.expect_navigation():
        page.get_by_role("button", name="Mark as triaged").click()
    check_page(page)
    assert "is now triaged" in page.locator("main").inner_text()


def _intercept_exit(page: Any) -> None:
    """There is no internet here: answer for the neutral site instead."""
    page.route(
        "https://www.bbc.co.uk/**",
        lambda route: route.fulfill(
            status=200, content_type="text/html", body="<!DOCTYPE html><title>Weather</title><p>Weather</p>"
        ),
    )


def test_exit_this_page_button_leaves_the_site(page: Any, live_server: Any, settings: Any) -> None:
    settings.SELFREFERRAL_EXIT_URL = EXIT_URL
    _intercept_exit(page)
    visit(page, "/self-referral/")
    page.screenshot(path=str(SCREENSHOTS / "self-referral.png"), full_page=True)
    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url(EXIT_URL + "**")
    assert urlsplit(page.url).netloc == "www.bbc.co.uk"


def test_pressing_shift_three_times_leaves_the_site(page: Any, live_server: Any, settings: Any) -> None:
    settings.SELFREFERRAL_EXIT_URL = EXIT_URL
    _intercept_exit(page)
    visit(page, "/self-referral/")
    page.get_by_label("What name should we use for you?").click()
    for _ in range(3):
        page.keyboard.press("Shift")
    page.wait_for_url(EXIT_URL + "**")
    assert urlsplit(page.url).netloc == "www.bbc.co.uk"


def test_self_referral_confirmation_reveals_nothing(page: Any, live_server: Any, configured: Any) -> None:
    visit(page, "/self-referral/")
    page.get_by_label("What name should we use for you?").fill("Canary-Browser-Name")
    for question, answer in (("call", "no"), ("text", "yes"), ("voicemail", "no"), ("write", "no")):
        page.locator(f"input[name=safe_to_{question}][value={answer}]").check()
    page.get_by_label("A phone number that is safe to use").fill("07700 900555")
    page.get_by_label("In your own words, what is happening?").fill("Canary-Browser-Words")
    with page.expect_navigation():
        page.get_by_role("button", name="Send").click()
    check_page(page)
    body = page.locator("body").inner_text()
    assert "Thank you" in body
    assert "Canary-Browser" not in body and "07700" not in body
    page.screenshot(path=str(SCREENSHOTS / "self-referral-thanks.png"), full_page=True)


def test_after_exit_this_page_back_does_not_return_to_the_form(page: Any, live_server: Any, settings: Any) -> None:
    """Issue 10, item 5: the exit replaces the history entry (location.replace in app.js)."""
    settings.SELFREFERRAL_EXIT_URL = EXIT_URL
    _intercept_exit(page)
    visit(page, "/self-referral/")
    page.get_by_role("button", name="Emergency Exit this page").click()
    page.wait_for_url(EXIT_URL + "**")
    page.go_back()
    assert "/self-referral/" not in page.url
