"""The support pages in the browser: an IDVA makes a safety plan and reviews it, records a need, a
goal and its progress, offers a service, records an order close to expiry and adds a child.

Every page is checked by axe-core and for console errors and CSP violations
(tests/browser/pages.py). Set SUPPORT_SCREENSHOT_DIR to keep a screenshot of each page.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

from tests.browser.fixtures import MISSING
from tests.browser.pages import check_page, sign_in, visit
from waymark.demo.partnership import demo_password

pytestmark = [pytest.mark.browser, pytest.mark.skipif(bool(MISSING), reason=MISSING or "ok")]

IDVA = "amara.okafor@sass.example"


def shoot(page: Any, name: str) -> None:
    check_page(page)
    folder = os.environ.get("SUPPORT_SCREENSHOT_DIR")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def fill_date(page: Any, group: str, day: Any) -> None:
    box = page.locator(f"#id_{group}")
    box.get_by_label("Day").fill(str(day.day))
    box.get_by_label("Month").fill(str(day.month))
    box.get_by_label("Year").fill(str(day.year))


def submit(page: Any, name: str) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=name).click()
    check_page(page)


@pytest.fixture
def active_case(partnership: Any) -> Any:
    from tests.people.factories import PersonFactory
    from tests.support.conftest import make_case
    from waymark.accounts.models import User
    from waymark.organisations.models import Agency, Team
    from waymark.people.choices import PersonRole, RelationshipKind
    from waymark.people.models import Relationship
    from waymark.support.catalogue import ensure_default_services
    from waymark.support.models import Service

    ensure_default_services(Service)
    agency = Agency.objects.get(ref="SASS")
    idva = User.objects.get(email=IDVA)
    person = PersonFactory(held_by=agency, given_name="Josie", family_name="Byrne")
    harmer = PersonFactory(
        held_by=agency, given_name="Liam", family_name="Byrne", primary_role=PersonRole.PERSON_CAUSING_HARM
    )
    Relationship.objects.create(person_a=person, person_b=harmer, kind=RelationshipKind.CURRENT_INTIMATE_PARTNER)
    return make_case(
        person=person,
        agency=agency,
        team=Team.objects.get(agency=agency, name="IDVA Team"),
        caseworker=idva,
        allocated_at=timezone.now(),
    )


def test_plans_interventions_orders_and_children(page: Any, active_case: Any) -> None:
    case = active_case
    today = timezone.localdate()
    sign_in(page, IDVA, demo_password(IDVA))
    base = f"/support/cases/{case.pk}"

    visit(page, f"{base}/safety-plan/")
    with page.expect_navigation():
        page.get_by_role("button", name="Make a safety plan").click()
    check_page(page)
    page.get_by_label("Safe contact arrangements and code words").fill("Text first, after 6pm. Code word: 'blue'.")
    page.get_by_label("Emergency and escape plan").fill("Bag with keys, passport and medication at her sister's.")
    page.get_by_label("If the person causing harm turns up").fill("Call 999 and say 'blue'.")
    fill_date(page, "reviewed_on", today - timedelta(days=14))
    submit(page, "Save the plan")
    with page.expect_navigation():
        page.get_by_role("button", name="Review and update the plan").click()
    shoot(page, "safety-plan-review")
    page.get_by_label("Technology and online safety").fill("Location sharing off; new email account.")
    fill_date(page, "reviewed_on", today)
    submit(page, "Save the plan")
    assert "Last reviewed on" in page.content() and "Version 2 (current)" in page.content()
    shoot(page, "safety-plan")

    visit(page, f"{base}/needs/add/")
    page.get_by_label("Housing").check()
    page.get_by_label("High").check()
    page.get_by_label("What is the need?").fill("Joint tenancy; wants to stay with the children settled at school.")
    submit(page, "Save")
    with page.expect_navigation():
        page.get_by_role("link", name="Add a goal").first.click()
    page.get_by_label("Goal").fill("Sole tenancy, with sanctuary measures fitted")
    fill_date(page, "target_on", today + timedelta(days=90))
    submit(page, "Save")
    with page.expect_navigation():
        page.get_by_role("link", name="Sole tenancy, with sanctuary measures fitted").click()
    page.get_by_label("In progress").check()
    page.get_by_label("What has happened?").fill("Housing officer contacted; tenancy panel referral made.")
    submit(page, "Record progress")
    shoot(page, "goal")
    visit(page, f"{base}/support-plan/")
    shoot(page, "support-plan")

    visit(page, f"{base}/interventions/add/")
    page.get_by_label("Service", exact=True).select_option(label="Sanctuary scheme")
    submit(page, "Save")
    shoot(page, "interventions")

    visit(page, f"{base}/orders/add/")
    page.get_by_label("Kind of order").select_option(label="Non-molestation order")
    page.get_by_label("Granted (in force)").check()
    fill_date(page, "granted_on", today - timedelta(days=170))
    fill_date(page, "expires_on", today + timedelta(days=12))
    page.get_by_label("Who is it against?").select_option(label="Liam Byrne")
    submit(page, "Save")
    assert "Expiring soon" in page.content()
    shoot(page, "orders")

    visit(page, f"{base}/children/add/")
    page.get_by_label("Given name").fill("Kayla")
    page.get_by_label("Family name").fill("Byrne")
    page.get_by_label("Approximate age").fill("7")
    page.get_by_label("Their child", exact=True).check()
    page.get_by_role("group", name="Do they live in the client's household?").get_by_label("Yes").check()
    submit(page, "Add the child")
    shoot(page, "children")
