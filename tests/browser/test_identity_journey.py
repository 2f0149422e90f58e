"""Issue 10's journey: a police referral for a known survivor, typed with a mistake in her name ->
the team manager confirms the match at triage -> the records are merged -> the case opens on her
known record, with her history -> "Refer to MARAC" from the case page. axe on each page (pages.py).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.utils import timezone

from tests.browser.pages import check_page, sign_in, visit
from waymark.demo.partnership import demo_password

POLICE_REFERRER = "daniel.hughes@police.example"
TEAM_MANAGER = "grace.mensah@sass.example"


@pytest.fixture
def known_survivor(partnership: Any) -> Any:
    """Rosa, known to the service: a closed case, a safe phone, letters unsafe, an earlier MARAC."""
    from waymark.risk.loading import ensure_shipped_instrument
    from waymark.risk.models import RiskInstrument, RiskItem
    from waymark.routing.defaults import ensure_default_rules
    from waymark.routing.models import RoutingRule

    ensure_default_rules(RoutingRule)
    ensure_shipped_instrument(RiskInstrument, RiskItem)
    from waymark.cases.models import Case
    from waymark.cases.states import CaseStatus
    from waymark.marac.models import MaracCase, MaracCaseStatus
    from waymark.matching.engine import refresh_search_keys
    from waymark.organisations.models import Agency
    from waymark.people.models import ContactChannel, Person

    service = Agency.objects.get(ref=django_settings.REFERRALS_RECEIVING_AGENCY_REF)
    rosa = Person.objects.create(
        held_by=service, given_name="Rosalind", family_name="Lindqvist", date_of_birth=date(1990, 3, 4), sex="female"
    )
    ContactChannel.objects.create(person=rosa, kind="mobile", value="07700 900123", safe_to_call="yes")
    Case.objects.create(
        number="C-2025-000042",
        person=rosa,
        agency=service,
        status=CaseStatus.CLOSED,
        referred_on=date(2025, 6, 1),
        opened_on=date(2025, 6, 1),
        closed_on=date(2025, 9, 1),
    )
    from waymark.marac.models import MaracMeeting, MeetingStatus

    heard_at = MaracMeeting.objects.create(ref="MARAC-HIST-ROSA", held_on=date(2025, 6, 24), status=MeetingStatus.HELD)
    # Referred by her own service then, so its staff see that hearing on the referral form now (a
    # MARAC case they may not see would not be named there).
    MaracCase.objects.create(
        ref="HIST-ROSA",
        victim=rosa,
        referred_on=date(2025, 6, 10),
        status=MaracCaseStatus.HEARD,
        meeting=heard_at,
        referring_agency=service,
    )
    refresh_search_keys([rosa.pk])
    return rosa


def _fill_date(page: Any, day: int, month: int, year: int) -> None:
    page.get_by_label("Day").fill(str(day))
    page.get_by_label("Month").fill(str(month))
    page.get_by_label("Year").fill(str(year))


def _next(page: Any, button: str = "Continue") -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=button).click()


def _police_referral_with_a_typo(page: Any) -> str:
    yesterday = timezone.localdate() - timedelta(days=1)
    sign_in(page, POLICE_REFERRER, demo_password(POLICE_REFERRER))
    visit(page, "/referrals/new/")
    with page.expect_navigation():
        page.get_by_role("button", name="Start now").click()
    page.get_by_label("First name").fill("Rosalind")
    page.get_by_label("Last name").fill("Lindquist")  # her name is Lindqvist
    _fill_date(page, 4, 3, 1990)
    page.get_by_label("Female", exact=True).check()
    check_page(page)
    _next(page)
    page.get_by_label("No", exact=True).check()  # person causing harm not known
    _next(page)
    page.get_by_label("How many children live in the household?").fill("0")
    _next(page)
    page.get_by_label("Domestic abuse", exact=True).check()
    page.get_by_label("Physical", exact=True).check()
    _fill_date(page, yesterday.day, yesterday.month, yesterday.year)
    page.get_by_label("What happened").fill("Strangled; threats to kill.")
    _next(page)
    page.get_by_label("Yes", exact=True).check()
    _fill_date(page, yesterday.day, yesterday.month, yesterday.year)
    page.get_by_label("How many questions were answered yes?").fill("16")
    _next(page)
    page.get_by_label("Yes, they consent to this referral").check()
    _next(page)
    for question, answer in (("call", "yes"), ("text", "no"), ("voicemail", "no"), ("write", "no")):
        page.locator(f"input[name=safe_to_{question}][value={answer}]").check()
    page.get_by_label("A phone number that is safe to use").fill("07700 900123")
    _next(page)
    _next(page, "Accept and send")
    check_page(page)
    panel = page.locator(".govuk-panel--confirmation").inner_text()
    import re

    number = re.search(r"R-\d{4}-\d{6}", panel)
    assert number is not None
    return number.group(0)


def test_typo_referral_is_merged_at_triage_and_referred_to_marac_from_her_case(page: Any, known_survivor: Any) -> None:
    from django.urls import reverse

    from waymark.cases.models import Case
    from waymark.marac.models import MaracCase
    from waymark.marac.repeats import repeats_for_victims
    from waymark.referrals.models import Referral

    # A long journey on a shared, loaded machine: allow pages more time than the default 10 seconds.
    page.set_default_timeout(60_000)
    page.set_default_navigation_timeout(60_000)
    number = _police_referral_with_a_typo(page)

    page.context.clear_cookies()
    sign_in(page, TEAM_MANAGER, demo_password(TEAM_MANAGER))
    visit(page, "/referrals/queue/")
    with page.expect_navigation():
        page.get_by_role("link", name=number).click()
    check_page(page)
    # Triage confirms the match: the merge preview shows what moves and where the records disagree.
    with page.expect_navigation():
        page.locator("#possible-matches").get_by_role("button", name="Confirm this is the same person").first.click()
    check_page(page)
    assert page.get_by_role("heading", level=1).inner_text() == "Check and merge the records"
    page.get_by_label("Lindqvist (known record)").check()
    page.get_by_label("Why you are sure this is the same person").fill("Same date of birth and safe phone")
    with page.expect_navigation():
        page.get_by_role("button", name="Merge the records").click()
    check_page(page)
    assert "merged into the known person's record" in page.locator("main").inner_text()

    referral = Referral.objects.get(number=number)
    assert referral.subject_id == known_survivor.pk

    with page.expect_navigation():
        page.get_by_role("button", name="Mark as triaged").click()
    with page.expect_navigation():
        page.get_by_role("button", name="Accept and open a case").click()
    check_page(page)
    case = Case.objects.get(referral=referral)
    assert case.person_id == known_survivor.pk

    # The case is on her known record, with her history: the earlier case is on the same person.
    visit(page, f"/people/{known_survivor.pk}/")
    check_page(page)
    visit(page, reverse("cases:for_person", args=[known_survivor.pk]))
    check_page(page)
    her_cases = page.locator("main").inner_text()
    assert "C-2025-000042" in her_cases and case.number in her_cases
    visit(page, f"/cases/{case.pk}/")
    check_page(page)
    risk = page.locator("#case-risk").inner_text()
    assert "High" in risk

    # Refer to MARAC from the case page, in one step: her earlier hearing counts (the local rule).
    with page.expect_navigation():
        page.locator("#refer-to-marac-high-risk").click()
    check_page(page)
    assert "Rosalind Lindqvist" in page.locator("#victim-summary").inner_text()
    facts = page.locator("#criteria-facts").inner_text()
    assert "Discussed at MARAC before (with anyone): yes, at meeting MARAC-HIST-ROSA on 24 June 2025" in facts
    page.locator("input[name=harm_known][value=no]").check()
    for name in ("victim_disability", "victim_lgbt"):
        if page.locator(f"input[name={name}]").count():
            page.locator(f"input[name={name}][value=unknown]").check()
    page.locator("input[name=criteria][value=visible_high_risk]").check()
    page.locator("input[name=consent][value=given]").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Send the referral to the MARAC coordinator").click()
    check_page(page)
    assert "sent to the MARAC coordinator" in page.locator("main").inner_text()
    referred = MaracCase.objects.get(case=case)
    # Her agency's MARAC list finds it by its reference, among the referrals she made.
    page.get_by_label("Reference").fill(referred.ref)
    page.get_by_label("Only referrals I made").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Search").click()
    check_page(page)
    assert referred.ref in page.locator("main table").inner_text()
    assert referred.victim_id == known_survivor.pk
    finding = repeats_for_victims([known_survivor.pk])[referred.pk]
    assert finding.ever is not None and finding.ever.case_ref == "HIST-ROSA"
