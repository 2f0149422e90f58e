"""A caseworker records a risk checklist, checks it, saves it, and reads it back: each page is
checked by axe-core and for console errors and CSP violations (pages.py)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.pages import check_page, sign_in, visit
from waymark.demo.partnership import demo_password

IDVA = "amara.okafor@sass.example"


@pytest.fixture
def person(partnership: Any) -> Any:
    from waymark.organisations.models import Agency
    from waymark.people.models import Person
    from waymark.risk.loading import ensure_shipped_instrument
    from waymark.risk.models import RiskInstrument, RiskItem
    from waymark.routing.defaults import ensure_default_rules
    from waymark.routing.models import RoutingRule

    ensure_default_rules(RoutingRule)
    ensure_shipped_instrument(RiskInstrument, RiskItem)
    return Person.objects.create(given_name="Rosa", family_name="Lindqvist", held_by=Agency.objects.get(ref="SASS"))


def test_caseworker_records_a_checklist_and_sees_high_risk_factors(page: Any, person: Any) -> None:
    sign_in(page, IDVA, demo_password(IDVA))
    visit(page, f"/risk/people/{person.pk}/")
    with page.expect_navigation():
        page.get_by_role("link", name="Record a risk checklist").click()
    check_page(page)
    assert page.locator(".app-high-risk-factor").count() == 9
    yes = {1, 2, 5, 14, 15, 16}
    for number in range(1, 25):
        page.locator(f"#id_item_{number}_{0 if number in yes else 1}").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Continue").click()
    check_page(page)
    assert page.get_by_text("6 'yes' answers out of 24").is_visible()
    with page.expect_navigation():
        page.get_by_role("button", name="Save the assessment").click()
    check_page(page)
    assert page.get_by_role("heading", name="Risk assessment,").is_visible()
    warning = page.locator(".govuk-warning-text.app-high-risk-factor")
    assert "Separation, Weapons, Threats to kill, Strangulation" in warning.inner_text()
    visit(page, f"/risk/people/{person.pk}/")
    assert page.get_by_text("First assessment").is_visible()
