"""A case from allocation to closure, in the browser: the team manager allocates a case opened from
an accepted referral; the IDVA makes contact, marks the person engaged, records intake outcomes, a
reassessment and exit outcomes, starts active support and asks to close; the manager approves.

Every page is checked by axe-core and for console errors and CSP violations (pages.py). Three
screenshots are kept for the docs, each looked at as a commissioner would:
docs/screenshots/caseload.png (the team caseload, with the closure to approve), journey.png (the
person's journey once the case is closed) and outcomes-dashboard.png (the commissioner's outcomes
dashboard).
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.conftest import REPO_ROOT
from tests.browser.pages import check_page, sign_in, visit
from waymark.demo.partnership import demo_password

SCREENSHOTS = REPO_ROOT / "docs" / "screenshots"
POLICE_REFERRER = "daniel.hughes@police.example"
MANAGER = "grace.mensah@sass.example"
IDVA = "amara.okafor@sass.example"
COLLEAGUE = "hannah.price@sass.example"
COMMISSIONER = "eva.morales@council.example"


def shoot(page: Any, name: str) -> None:
    check_page(page)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def click(page: Any, role: str, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()
    check_page(page)


def sign_out(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()


def fill_date(page: Any, day: date) -> None:
    page.get_by_label("Day", exact=True).fill(str(day.day))
    page.get_by_label("Month", exact=True).fill(str(day.month))
    page.get_by_label("Year", exact=True).fill(str(day.year))


def message(page: Any) -> str:
    return page.locator(".govuk-notification-banner").first.inner_text()


def weekday(day: date) -> date:
    """The day itself, or the Monday after a weekend (the service works weekdays)."""
    return day + timedelta(days=max(0, 7 - day.weekday())) if day.weekday() >= 5 else day


@pytest.fixture
def service_history(partnership: Any) -> None:
    """A year of the service's work behind the figures: cases closed with outcomes at intake and
    exit and risk reassessed, and open caseloads for two IDVAs (written straight to the database)."""
    from tests.outcomes.factories import make_assessment, make_case, make_measure
    from waymark.accounts.models import User
    from waymark.organisations.models import Agency, Team
    from waymark.risk.loading import ensure_shipped_instrument
    from waymark.risk.models import RiskInstrument, RiskItem
    from waymark.routing.defaults import ensure_default_rules
    from waymark.routing.models import RoutingRule

    ensure_default_rules(RoutingRule)
    ensure_shipped_instrument(RiskInstrument, RiskItem)
    agency = Agency.objects.get(ref="SASS")
    idva_team = Team.objects.get(agency=agency, name="IDVA Team")
    advocacy = Team.objects.get(agency=agency, name="Advocacy Team")
    workers = [(User.objects.get(email=IDVA), idva_team), (User.objects.get(email=COLLEAGUE), advocacy)]
    today = timezone.localdate()
    # Closed cases across the last year: most saw risk fall within three months and abuse stop or
    # lessen; some did not (risk unchanged, abuse continuing), as real figures would show.
    after = ["medium", "standard", "medium", "high", "standard", "medium", "standard", "high"]
    for index in range(24):
        worker, team = workers[index % 2]
        referred = weekday(today - timedelta(days=330 - 12 * index))
        engaged = referred + timedelta(days=2 + index % 3)
        case = make_case(
            agency=agency,
            team=team,
            caseworker=worker,
            status="closed",
            referred_on=referred,
            allocated_on=referred,
            first_contact_on=weekday(referred + timedelta(days=1 + index % 4)),
            engaged_on=engaged,
            closed_on=engaged + timedelta(days=100),
            closure_reason="support_completed",
        )
        make_assessment(case.person, referred, "high")
        make_assessment(case.person, engaged + timedelta(days=60 + index % 40), after[index % len(after)])
        continuing = index % 5 == 0
        make_measure(
            case, "intake", engaged, physical="weekly", jealous_controlling="daily", feeling_safe=2, wellbeing=2
        )
        make_measure(
            case,
            "exit",
            engaged + timedelta(days=95),
            physical="monthly" if continuing else "none",
            jealous_controlling="weekly" if continuing else "less_than_monthly",
            feeling_safe=2 if continuing else 4,
            wellbeing=2 if continuing else 3 + index % 2,
        )
    # Open caseloads.
    for index in range(14):
        worker, team = workers[index % 2]
        referred = weekday(today - timedelta(days=10 + 6 * index))
        case = make_case(
            agency=agency,
            team=team,
            caseworker=worker,
            status="active",
            referred_on=referred,
            allocated_on=referred,
            first_contact_on=weekday(referred + timedelta(days=1 + index % 3)),
            engaged_on=weekday(referred + timedelta(days=4)),
        )
        make_assessment(case.person, referred, "high" if index % 3 else "medium")


@pytest.fixture
def accepted_referral(service_history: None) -> Any:
    """Josie's referral from the police, accepted by the team manager: the case opens, unallocated.
    Her mobile is recorded, marked safe to call."""
    from waymark.accounts.models import User
    from waymark.cases.models import Case
    from waymark.organisations.models import Agency
    from waymark.people.actions import contact_channel_add
    from waymark.people.choices import ChannelKind
    from waymark.referrals.actions import (
        PersonDetails,
        RiskAnswers,
        SafeContact,
        Sharing,
        WhatHappened,
        referral_create,
        referral_transition,
    )

    referrer = User.objects.get(email=POLICE_REFERRER)
    manager = User.objects.get(email=MANAGER)
    idva = User.objects.get(email=IDVA)
    today = timezone.localdate()
    referral = referral_create(
        actor=referrer,
        referring_agency=Agency.objects.get(ref="SMP"),
        subject=PersonDetails(given_name="Josie", family_name="Quinn", date_of_birth=date(1988, 6, 14), sex="female"),
        person_causing_harm=PersonDetails(given_name="Kieran", family_name="Quinn", sex="male"),
        harm_relationship="current_partner",
        children_in_household=3,
        what=WhatHappened(
            vawg_category="domestic_abuse",
            abuse_types=["physical", "coercive_control"],
            latest_incident_on=today - timedelta(days=1),
            latest_incident_summary="Assaulted at home; a rib broken.",
        ),
        sharing=Sharing(consent="given"),
        contact=SafeContact(safe_to_call="yes", safe_to_text="no", phone="07700 900123"),
        risk=RiskAnswers(assessed_on=today, yes_count=16),
    )
    referral_transition(actor=manager, referral=referral, to_status="triaged")
    referral_transition(actor=manager, referral=referral, to_status="accepted", reason="High risk: IDVA support.")
    case = Case.objects.get(referral=referral)
    contact_channel_add(
        actor=idva,
        person=case.person,
        kind=ChannelKind.MOBILE,
        value="07700 900123",
        flags={"safe_to_call": "yes", "safe_to_leave_voicemail": "no", "safe_to_text": "no", "perpetrator_knows": "no"},
    )
    return case


def test_a_case_from_allocation_to_closure(page: Any, accepted_referral: Any) -> None:
    case = accepted_referral
    person = case.person
    today = timezone.localdate()
    case_url = f"/cases/{case.pk}/"

    # The team manager allocates the new case to the IDVA from the team caseload.
    sign_in(page, MANAGER, demo_password(MANAGER))
    visit(page, "/cases/team/")
    assert case.number in page.locator("#awaiting + table").inner_text()
    click(page, "link", f"Allocate {case.number}")
    page.get_by_label("Amara Okafor, IDVA Team", exact=False).check()
    click(page, "button", "Allocate")
    assert "is allocated to Amara Okafor" in message(page)
    sign_out(page)

    # The IDVA finds it in her cases, calls Josie on her safe mobile and reaches her.
    sign_in(page, IDVA, demo_password(IDVA))
    visit(page, "/cases/mine/")
    click(page, "link", case.number)
    click(page, "link", "Record a contact attempt")
    page.get_by_label("Phone call").check()
    page.get_by_label(re.compile(r"^Mobile phone: 07700900123")).check()
    page.get_by_label("Spoke with the person").check()
    fill_date(page, today)
    # The form takes the minute: the call is "now", which must come after the case opened (at most a
    # minute's wait), or the journey would show the call before the referral.
    while (moment := timezone.localtime().replace(second=0, microsecond=0)) <= case.created_at:
        page.wait_for_timeout(2_000)
    page.get_by_label("Time of the attempt").fill(moment.strftime("%H:%M"))
    click(page, "button", "Save the attempt")
    assert "The contact is recorded. The case still says contact attempted" in message(page)
    assert "within the service standard" in page.locator("#first-contact").inner_text()

    click(page, "button", "Mark as engaged")
    assert "is now engaged" in message(page)

    # Intake outcomes, then the reassessment, then active support.
    visit(page, f"/outcomes/cases/{case.pk}/record/")
    page.get_by_label("Intake", exact=True).check()
    fill_date(page, today)
    page.locator("#id_physical_3").check()  # about once a week
    page.locator("#id_jealous_controlling_4").check()  # every day
    page.locator("#id_feeling_safe_1").check()  # 2: a little
    page.locator("#id_wellbeing_1").check()
    click(page, "button", "Save outcome measures")

    visit(page, f"/risk/people/{person.pk}/")
    click(page, "link", "Record a risk checklist")
    yes = {1, 2, 3, 4, 5, 6, 14, 15, 16, 20, 22}  # 11: medium, down from 16 (high) at referral
    for number in range(1, 25):
        page.locator(f"#id_item_{number}_{0 if number in yes else 1}").check()
    click(page, "button", "Continue")
    click(page, "button", "Save the assessment")

    visit(page, case_url)
    click(page, "button", "Start active support")
    assert "is now active" in message(page)

    # Exit outcomes with the reassessment linked, then the request to close.
    visit(page, f"/outcomes/cases/{case.pk}/record/")
    page.get_by_label("Exit", exact=True).check()
    fill_date(page, today)
    page.locator("#id_physical_0").check()  # not happening
    page.locator("#id_jealous_controlling_1").check()  # less than once a month
    page.locator("#id_feeling_safe_3").check()  # 4: mostly
    page.locator("#id_wellbeing_3").check()
    page.get_by_label(f"{today:%-d %B %Y}: Medium risk").check()
    click(page, "button", "Save outcome measures")

    visit(page, case_url)
    click(page, "link", "Request closure")
    assert page.get_by_text("Exit outcomes recorded").is_visible()
    page.get_by_label("Support completed: risk reduced").check()
    page.get_by_label("Explain the closure").fill("Safety plan in place; risk reduced; she agrees support can end.")
    click(page, "button", "Request closure")
    assert "Closure is requested" in message(page)

    # Her journey, as her IDVA sees it: the whole episode, newest first, and nothing that locates her.
    visit(page, f"/people/{person.pk}/")
    click(page, "link", "View their journey")
    timeline = page.locator(".moj-timeline").first.inner_text()
    for expected in (
        f"Case {case.number} closure requested",
        "Exit outcomes",
        f"Case {case.number} active",
        "Risk checklist",
        "Intake outcomes",
        "Contact attempt: phone call",
        f"Case {case.number} allocated",
        f"Referral {case.referral.number} received",
    ):
        assert expected in timeline, expected
    assert timeline.index("Exit outcomes") < timeline.index("Intake outcomes")
    assert "900123" not in page.content()
    sign_out(page)

    # The manager sees the request on the team caseload and approves it.
    sign_in(page, MANAGER, demo_password(MANAGER))
    visit(page, "/cases/team/")
    assert case.number in page.locator("#closures + table").inner_text()
    shoot(page, "caseload")
    visit(page, case_url)
    click(page, "link", "Approve or decline closure")
    click(page, "button", "Approve closure")
    assert f"{case.number} is closed." in message(page)

    # The whole episode on Josie's journey, closed with its reason.
    visit(page, f"/people/{person.pk}/")
    click(page, "link", "View their journey")
    closed = page.locator(".moj-timeline__item").first.inner_text()
    assert f"Case {case.number} closed" in closed and "Support completed: risk reduced" in closed
    assert "900123" not in page.content()
    shoot(page, "journey")
    sign_out(page)

    # The commissioner reads the outcomes: figures only, computed from these records.
    sign_in(page, COMMISSIONER, demo_password(COMMISSIONER))
    visit(page, "/outcomes/")
    assert page.locator("a[href*='/records/']").count() == 0  # aggregates only: no way to the records
    assert "Josie" not in page.content()
    shoot(page, "outcomes-dashboard")
