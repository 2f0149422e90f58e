"""A refuge referral in the browser: the IDVA searches vacancies for her client's household and
refers her from the case page; the refuge worker assesses the referral, matches a vacancy, offers
it and records her arrival. The commissioner reads the annual return. Every page is checked by
axe-core and for console errors and CSP violations (pages.py); no page shows the safe house's
address except the refuge worker's own service page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.pages import check_page, sign_in, visit
from waymark.demo.partnership import demo_password

IDVA = "amara.okafor@sass.example"
REFUGE_WORKER = "nadia.brooks@refuge.example"
COMMISSIONER = "eva.morales@council.example"
ADDRESS = "12 Hidden Terrace"


def click(page: Any, role: str, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role(role, name=name, exact=True).first.click()
    check_page(page)


def sign_out(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name="Sign out").click()
    page.context.clear_cookies()


@pytest.fixture
def refuge_world(partnership: Any) -> dict[str, Any]:
    """Her case (allocated to the IDVA), the seed's refuge with a safe house and a space that fits."""
    from tests.people.factories import PersonFactory
    from waymark.accounts.models import User
    from waymark.cases.models import Case
    from waymark.organisations.models import Agency, Team
    from waymark.refuge import actions
    from waymark.refuge.choices import AccommodationType, ProviderLegalForm, UnitKind

    sass = Agency.objects.get(ref="SASS")
    idva = User.objects.get(email=IDVA)
    today = timezone.localdate()
    person = PersonFactory(held_by=sass, given_name="Josie", family_name="Quinn", sex="female")
    case = Case.objects.create(
        number="C-2026-700001",
        person=person,
        agency=sass,
        team=Team.objects.get(agency=sass, name="IDVA Team"),
        caseworker=idva,
        status="active",
        referred_on=today - timedelta(days=20),
        opened_on=today - timedelta(days=20),
    )
    refuge = actions.service_create(
        actor=User.objects.get(email=COMMISSIONER),
        provider=Agency.objects.get(ref="REF"),
        details=actions.ServiceDetails(
            name="Harbour Refuge",
            accommodation_type=AccommodationType.REFUGE,
            provider_legal_form=ProviderLegalForm.REGISTERED_CHARITY,
            provider_registration="1099999",
            area="Southmere",
            declared_units=24,
            declared_safe_houses=4,
            declared_sites=3,
            declared_self_contained=6,
            declared_shared=20,
            declared_wheelchair_accessible=4,
            full_time_workers=4,
            part_time_managers=1,
        ),
    )
    worker = User.objects.get(email=REFUGE_WORKER)
    house = actions.house_add(
        actor=worker,
        service=refuge,
        label="House A",
        site_label="Site 1",
        area="Southmere (south)",
        line1=ADDRESS,
        town="Southmere",
    )
    actions.vacancy_post(
        actor=worker,
        service=refuge,
        details=actions.VacancyDetails(
            unit_kind=UnitKind.SHARED,
            bedspaces=3,
            max_children=2,
            oldest_boy_age=12,
            posted_on=today - timedelta(days=1),
            languages="English, Urdu",
            house=house,
        ),
    )
    return {"case": case, "refuge": refuge}


def test_refer_assess_match_offer_arrive(page: Any, refuge_world: dict[str, Any]) -> None:
    case = refuge_world["case"]

    # The IDVA searches vacancies that fit her household: two children, a boy of 9.
    sign_in(page, IDVA, demo_password(IDVA))
    visit(page, "/safe-accommodation/vacancies/?children=2&boys_ages=9&mobility=none")
    results = page.locator("table").inner_text()
    assert "Southmere (south)" in results and ADDRESS not in page.content()
    # She refers from the case page.
    visit(page, f"/cases/{case.pk}/")
    click(page, "link", "Refer to refuge")
    page.get_by_label("Harbour Refuge", exact=False).check()
    page.get_by_label("Number of children coming with her").fill("2")
    page.get_by_label("Ages of any boys").fill("9")
    click(page, "button", "Send the referral")
    assert "is sent to Harbour Refuge" in page.locator(".govuk-notification-banner").first.inner_text()
    assert ADDRESS not in page.content()
    sign_out(page)

    # The refuge worker decides: assessed, a vacancy matched and offered, then arrival.
    sign_in(page, REFUGE_WORKER, demo_password(REFUGE_WORKER))
    visit(page, "/")
    assert "Referrals waiting" in page.content()
    visit(page, "/safe-accommodation/referrals/")
    with page.expect_navigation():
        page.get_by_role("link", name="RR-", exact=False).first.click()
    check_page(page)
    click(page, "button", "Record the assessment")
    page.get_by_label("Shared, Southmere (south)", exact=False).check()
    click(page, "button", "Offer this space")
    assert "Offered a place" in page.content()
    click(page, "button", "Record arrival")
    assert "Arrived" in page.locator("h1").inner_text()
    # Her own service page shows the house's address to her, and the figures that do not add up.
    visit(page, f"/safe-accommodation/services/{refuge_world['refuge'].pk}/")
    assert ADDRESS in page.content()
    assert "6 self-contained + 20 shared = 26, not the 24 units declared" in page.content()
    sign_out(page)

    # The commissioner's annual return, suppressed, with the same warning.
    sign_in(page, COMMISSIONER, demo_password(COMMISSIONER))
    visit(page, "/safe-accommodation/annual-return/")
    assert "Small numbers are suppressed" in page.content() and ADDRESS not in page.content()
