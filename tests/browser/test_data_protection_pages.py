"""The data protection officer's pages in a real browser, each checked by axe-core and for
console errors and CSP violations (pages.py): the home panel, recording a subject access request
(with the error summary first), the assembled bundle with its redactions, redacting more by hand,
and the retention queue. (Owned with waymark/dataprotection; lives here for the fixtures.)"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from tests.browser.pages import visit
from tests.browser.test_marac_journey import click, sign_in_as

DPO = "dana.price@council.example"


@pytest.fixture
def officer_and_subject(partnership: Any) -> Any:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
    from allauth.mfa.totp.internal.auth import TOTP

    from waymark.accounts.models import User
    from waymark.core.roles import Role
    from waymark.demo.partnership import demo_password, demo_totp_secret
    from waymark.incidents.models import Incident
    from waymark.organisations.models import Agency, Membership
    from waymark.people.choices import AddressKind, PersonRole
    from waymark.people.models import Address, Person

    agency = Agency.objects.order_by("name").first()
    user = User.objects.create(email=DPO, full_name="Dana Price", job_title="Data protection officer")
    user.set_password(demo_password(DPO))
    user.save()
    Membership.objects.create(user=user, agency=agency, role=Role.DATA_PROTECTION_OFFICER)
    TOTP.activate(user, demo_totp_secret(DPO))
    RecoveryCodes.activate(user)
    victim = Person.objects.create(given_name="Josephine", family_name="Wrenfield", held_by=agency)
    harmer = Person.objects.create(
        given_name="Kieran", family_name="Oldcastle", held_by=agency, primary_role=PersonRole.PERSON_CAUSING_HARM
    )
    Address.objects.create(person=victim, kind=AddressKind.HOME, line1="17 Canarywood Close", postcode="CF9 7ZQ")
    Incident.objects.create(
        occurred_on=dt.date(2026, 1, 10),
        victim=victim,
        perpetrator=harmer,
        agency=agency,
        description="Went to 17 Canarywood Close and shouted for Josephine near the old mill.",
    )
    return harmer


def test_a_data_protection_officer_answers_a_request(page: Any, officer_and_subject: Any) -> None:
    harmer = officer_and_subject
    sign_in_as(page, DPO)
    assert "Data protection" in page.locator("main").inner_text()  # the home panel
    visit(page, "/data-protection/subject-access/")
    click(page, "link", "Record a new request")
    click(page, "button", "Record the request")  # nothing filled in: the error summary
    assert page.get_by_role("alert").is_visible()
    page.get_by_label("Record id or reference").fill(str(harmer.pk))
    page.get_by_label("Date received").fill(dt.date.today().isoformat())
    page.get_by_label("How was the requester's identity confirmed?").fill("Passport seen in person")
    click(page, "button", "Record the request")
    click(page, "button", "Assemble the bundle")
    main = page.locator("main").inner_text()
    assert "Could locate another person" in main and "Identifies another person" in main
    page.get_by_label("Words to redact").fill("the old mill")
    page.get_by_label("Why").fill("A landmark near her home")
    click(page, "button", "Redact these words")
    assert "A landmark near her home" in page.locator("main").inner_text()
    click(page, "button", "Send for review by a second person")
    assert "another data protection officer must review it" in page.locator("main").inner_text()
    visit(page, "/data-protection/retention/")
    click(page, "link", "Referrals no case was opened from (signposted, declined or never decided) (0)")
