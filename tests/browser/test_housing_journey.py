"""Housing in the browser. A victim presents as homeless: the housing officer records the
application, makes the initial assessment (homeless: the relief duty, priority need automatic) and
places the household in temporary accommodation (the refuge referral that may follow is the
safe-accommodation journey's). And a tenancy panel case from referral to legal action: the panel
decides on Ground 2A, records the checks before enforcement, is refused the notice until the
survivor's IDVA confirms her safety plan was checked, and then serves it. Every page is checked by
axe-core and for console errors and CSP violations (pages.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.pages import check_page, sign_in, visit
from waymark.core.dates import is_meeting_day
from waymark.demo.partnership import demo_password

OFFICER = "helen.ward@housing.example"
PANEL_CHAIR = "nadia.rahman@housing.example"
IDVA = "amara.okafor@sass.example"


def click(page: Any, role: str, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()
    check_page(page)


def sign_out(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()


def fill_date(page: Any, name: str, day: date | None = None) -> None:
    day = day or timezone.localdate()
    page.fill(f"input[name={name}_0]", str(day.day))
    page.fill(f"input[name={name}_1]", str(day.month))
    page.fill(f"input[name={name}_2]", str(day.year))


def coming_panel_day() -> date:
    """The first day from today a panel may be arranged (``core.dates.is_meeting_day``) that has
    none yet (the demo's history has one a month): CI runs this on any day, weekends, bank holidays
    and the Christmas closure included."""
    from waymark.housing.models import PanelMeeting

    day = timezone.localdate()
    while not is_meeting_day(day) or PanelMeeting.objects.filter(held_on=day).exists():
        day += timedelta(days=1)
    return day


@pytest.fixture
def applicant(partnership: Any) -> Any:
    from tests.people.factories import PersonFactory
    from waymark.organisations.models import Agency

    return PersonFactory(
        held_by=Agency.objects.get(ref="SHS"),
        given_name="Leah",
        family_name="Morgan",
        sex="female",
        date_of_birth=date(1990, 5, 17),
    )


def test_homeless_relief_duty_and_temporary_accommodation(page: Any, applicant: Any) -> None:
    from waymark.housing.models import HomelessnessApplication

    sign_in(page, OFFICER, demo_password(OFFICER))
    visit(page, "/housing/")
    click(page, "link", "Record a homelessness application")
    page.fill("input[name=name]", "Leah Morgan")
    click(page, "button", "Search")
    click(page, "link", "Choose Leah Morgan, born 17 May 1990")
    assert "Leah Morgan" in page.locator("#applicant").inner_text()
    fill_date(page, "applied_on")
    page.check("input[name=loss_reason][value=domestic_abuse]")
    page.check("input[name=support_needs][value=domestic_abuse]")
    page.check("input[name=accommodation_at_application][value=with_family]")
    page.check("input[name=referral_route][value=da_service]")
    page.select_option(
        "select[name=referring_agency]", label="Southmere Advocacy and Support Service (Harbour Women's Aid)"
    )
    page.fill("input[name=children]", "2")
    click(page, "button", "Record the application")
    assert "Make the initial assessment" in page.content()

    click(page, "link", "Make the initial assessment")
    fill_date(page, "assessed_on")
    page.check("input[name=outcome][value=homeless]")
    click(page, "button", "Record the assessment")
    body = page.locator("main").inner_text()
    assert "Relief duty" in body and "victim of domestic abuse (automatic)" in body and "56" in body

    click(page, "link", "Place in temporary accommodation")
    page.check("input[name=placement_type][value=hostel]")
    fill_date(page, "started_on")
    page.fill("input[name=area]", "Southmere")
    page.check("input[name=household_with_children]")
    click(page, "button", "Record the placement")
    assert "Hostel (including refuge)" in page.locator("#placements ~ table").first.inner_text()

    application = HomelessnessApplication.objects.get(person=applicant)
    assert application.stage == "relief" and application.placements.count() == 1
    # The caseload lists it with its duty's days left.
    visit(page, "/housing/?stage=relief")
    assert application.number in page.locator("#caseload").inner_text()


def test_tenancy_panel_from_referral_to_legal_action(page: Any, partnership: Any) -> None:
    from waymark.accounts.models import User
    from waymark.housing.actions import panel_meeting_schedule
    from waymark.housing.models import LegalStep, PanelMeeting, TenancyPanelCase

    today, coming = timezone.localdate(), coming_panel_day()
    sign_in(page, PANEL_CHAIR, demo_password(PANEL_CHAIR))
    visit(page, "/housing/tenancy-panel/")
    click(page, "link", "Arrange a panel")
    fill_date(page, "held_on", coming)
    click(page, "button", "Arrange")
    if not PanelMeeting.objects.filter(held_on=today).exists():
        # Today is no day to arrange a panel on (a weekend, a bank holiday, the closure), but the
        # decision below is recorded at a panel already held: one held today, as the history has.
        agency = PanelMeeting.objects.get(held_on=coming).agency
        panel_meeting_schedule(actor=User.objects.get(email=PANEL_CHAIR), agency=agency, held_on=today)

    click(page, "link", "Refer a tenancy")
    page.fill("input[name=tenancy_reference]", "SMT-55501")
    page.check("input[name=tenancy_type][value=joint]")
    page.check("input[name=tenure][value=secure]")
    fill_date(page, "referred_on")
    # The IDVA is not known yet at referral: she is named on the case later.
    page.select_option("select[name=next_panel]", label=f"{coming.day} {coming:%B %Y}")
    click(page, "button", "Refer")
    case = TenancyPanelCase.objects.get(tenancy_reference="SMT-55501")

    click(page, "link", "Record the panel's decision")
    page.select_option("select[name=meeting]", label=f"{today.day} {today:%B %Y}")
    page.check("input[name=kind][value=legal_action]")
    page.select_option("select[name=legal_route]", value="ground_2a")
    click(page, "button", "Record the decision")
    assert "Legal action" in page.locator("h1").inner_text()

    click(page, "link", "Checks before enforcement")
    page.check("input[name=pre_action_protocol_met]")
    page.fill("textarea[name=proportionality_review]", "Proportionate: she and the children stay in the home.")
    fill_date(page, "reviewed_on")
    click(page, "button", "Save the checks")

    # No IDVA named: enforcement waits for one, and the case page says how to name her.
    click(page, "link", "Record a legal step")
    page.check("input[name=stage][value=notice_served]")
    fill_date(page, "taken_on")
    click(page, "button", "Record the step")
    assert "No IDVA is named" in page.content()
    visit(page, f"/housing/tenancy-panel/{case.pk}/")
    click(page, "link", "Name the survivor's IDVA")
    page.select_option("select[name=idva]", label="Amara Okafor")
    click(page, "button", "Save")
    assert "Amara Okafor" in page.locator("#panel-summary").inner_text()

    # Serving notice is refused until the IDVA confirms the safety plan was checked.
    click(page, "link", "Record a legal step")
    page.check("input[name=stage][value=notice_served]")
    fill_date(page, "taken_on")
    click(page, "button", "Record the step")
    assert "IDVA has not confirmed" in page.content()
    assert not LegalStep.objects.filter(case=case).exists()
    sign_out(page)

    sign_in(page, IDVA, demo_password(IDVA))
    visit(page, "/housing/tenancy-panel/for-idva/")
    click(page, "link", case.number)
    page.check("input[name=for_stage][value=notice_served]")
    page.check("input[name=checked]")
    click(page, "button", "Confirm")
    assert "Your confirmation is recorded" in page.content()
    sign_out(page)

    sign_in(page, PANEL_CHAIR, demo_password(PANEL_CHAIR))
    visit(page, f"/housing/tenancy-panel/{case.pk}/legal-step/")
    page.check("input[name=stage][value=notice_served]")
    fill_date(page, "taken_on")
    click(page, "button", "Record the step")
    assert "safety plan checked by Amara Okafor" in page.locator("main").inner_text()
    step = LegalStep.objects.get(case=case)
    assert step.stage == "notice_served" and step.safety_confirmation.confirmed_by.email == IDVA
