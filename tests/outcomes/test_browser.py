"""Outcome pages in a real browser (Chromium via Playwright), each checked by axe-core and for
console errors and CSP violations: a commissioner reads the dashboard, a caseworker records
outcome measures and sees them on the case. Skipped, like tests/browser, without Chromium."""

from __future__ import annotations

import os
from datetime import timedelta
from typing import Any

import pytest

from tests.browser.fixtures import MISSING
from tests.browser.pages import check_page, sign_in, visit
from tests.outcomes.factories import make_assessment, make_case, make_measure
from waymark.demo.partnership import demo_password

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=MISSING or "browser available")]

COMMISSIONER = "eva.morales@council.example"
IDVA = "amara.okafor@sass.example"
MANAGER = "grace.mensah@sass.example"
SHOTS = os.environ.get("OUTCOMES_SCREENSHOTS", "")


def shot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=os.path.join(SHOTS, f"{name}.png"), full_page=True)


@pytest.fixture
def cases(partnership: Any) -> list[Any]:
    from django.utils import timezone

    from waymark.accounts.models import User
    from waymark.organisations.models import Agency, Team

    agency = Agency.objects.get(ref="SASS")
    team = Team.objects.get(agency=agency, name="IDVA Team")
    idva = User.objects.get(email=IDVA)
    today = timezone.localdate()
    made = []
    for index, (after, exit_physical) in enumerate([("medium", "none"), ("standard", "monthly"), ("high", "daily")]):
        engaged = today - timedelta(days=150 + 20 * index)
        case = make_case(
            agency=agency,
            team=team,
            caseworker=idva,
            referred_on=engaged - timedelta(days=4),
            first_contact_on=engaged - timedelta(days=3 + index),
            allocated_on=engaged - timedelta(days=4),
            engaged_on=engaged,
        )
        make_assessment(case.person, engaged - timedelta(days=1), "high")
        make_assessment(case.person, engaged + timedelta(days=40), after)
        make_measure(case, "intake", engaged, physical="weekly", online="daily", feeling_safe=2, wellbeing=2)
        make_measure(case, "exit", engaged + timedelta(days=120), physical=exit_physical, online="none", feeling_safe=4)
        made.append(case)
    made.append(
        make_case(
            agency=agency,
            team=team,
            caseworker=idva,
            referred_on=today - timedelta(days=30),
            first_contact_on=today - timedelta(days=29),
            engaged_on=today - timedelta(days=28),
        )
    )
    return made


def test_commissioner_reads_the_dashboard_and_definitions(page: Any, cases: list[Any], settings: Any) -> None:
    # Four cases would all be suppressed under the disclosure rule (tested in tests/core); here the
    # figures themselves are read, so nothing is withheld.
    settings.DISCLOSURE_SUPPRESS_BELOW = 1
    sign_in(page, COMMISSIONER, demo_password(COMMISSIONER))
    assert page.get_by_role("heading", name="Outcomes").first.is_visible()
    shot(page, "outcomes-home-commissioner")
    visit(page, "/outcomes/?period=all")
    assert page.locator("#kpi-supported").inner_text().count("4") >= 1
    assert "2 of 3" in page.locator("#kpi-reduced_risk_within_3_months_rate").inner_text()
    assert page.locator("a[href*='/records/']").count() == 0
    shot(page, "outcomes-dashboard-commissioner")
    with page.expect_navigation():
        page.get_by_role("link", name="How each figure is defined").first.click()
    check_page(page)
    assert page.locator("#reduced_risk_within_3_months_rate").is_visible()


def test_manager_opens_the_records_behind_a_figure(page: Any, cases: list[Any]) -> None:
    sign_in(page, MANAGER, demo_password(MANAGER))
    visit(page, "/outcomes/?period=all")
    with page.expect_navigation():
        page.get_by_role("link", name="Records behind risk reduced").click()
    check_page(page)
    assert page.locator("#records tbody tr").count() == 4
    shot(page, "outcomes-records-manager")


def test_caseworker_records_outcome_measures(page: Any, cases: list[Any]) -> None:
    from django.utils import timezone

    case = cases[-1]
    sign_in(page, IDVA, demo_password(IDVA))
    visit(page, f"/outcomes/cases/{case.pk}/record/")
    page.locator("#id_stage_0").check()
    today = timezone.localdate()
    page.locator("#id_measured_on_0").fill(str(today.day))
    page.locator("#id_measured_on_1").fill(str(today.month))
    page.locator("#id_measured_on_2").fill(str(today.year))
    page.locator("#id_physical_2").check()
    page.locator("#id_feeling_safe_1").check()
    shot(page, "outcomes-record-form")
    with page.expect_navigation():
        page.get_by_role("button", name="Save outcome measures").click()
    check_page(page)
    section = page.locator("#outcomes")
    assert "About once a month" in section.inner_text()
    assert "Next outcome review due by" in section.inner_text()
    shot(page, "outcomes-case-section")
