"""The auditor searches by the numbers users know records by (issue 10, item 2), not internal ids."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from tests.people.factories import PersonFactory
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.cases.models import Case

pytestmark = pytest.mark.django_db


def test_the_auditor_finds_a_cases_events_by_its_case_number(client_for, auditor, specialist_agency, idva):
    person = PersonFactory(held_by=specialist_agency, ref="P-KNOWN-7")
    case = Case.objects.create(
        number="C-2026-000045",
        person=person,
        agency=specialist_agency,
        referred_on=date(2026, 1, 5),
        opened_on=date(2026, 1, 5),
    )
    other = Case.objects.create(
        number="C-2026-000046",
        person=person,
        agency=specialist_agency,
        referred_on=date(2026, 1, 5),
        opened_on=date(2026, 1, 5),
    )
    audit_record(actor=idva, action=AuditAction.VIEW, obj=case)
    audit_record(actor=idva, action=AuditAction.VIEW, obj=other)
    audit_record(actor=idva, action=AuditAction.VIEW, obj=person)
    client = client_for(auditor)
    found = client.get(reverse("audit:search"), {"object_id": "c-2026-000045"}).context["page"].object_list
    assert [e.object_id for e in found] == [str(case.pk)]
    by_person = client.get(reverse("audit:search"), {"object_id": "P-KNOWN-7"}).context["page"].object_list
    assert [e.object_id for e in by_person] == [str(person.pk)]
    by_id = client.get(reverse("audit:search"), {"object_id": str(other.pk)}).context["page"].object_list
    assert [e.object_id for e in by_id] == [str(other.pk)]


def test_the_auditor_finds_a_referral_and_a_marac_case_by_their_numbers(
    settings, client_for, auditor, specialist_agency, idva, police_referrer
):
    from tests.referrals.conftest import make_referral
    from waymark.marac.models import MaracCase, MaracCaseStatus

    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref
    referral = make_referral(police_referrer)
    other_referral = make_referral(police_referrer)
    person = PersonFactory(held_by=specialist_agency)
    marac = MaracCase.objects.create(
        ref="MARAC-2026-0042", victim=person, referred_on=date(2026, 2, 1), status=MaracCaseStatus.REFERRED
    )
    for record in (referral, other_referral, marac, person):
        audit_record(actor=idva, action=AuditAction.VIEW, obj=record)
    client = client_for(auditor)

    def found(value):
        page = client.get(reverse("audit:search"), {"object_id": value}).context["page"]
        return {e.object_id for e in page.object_list}

    assert found(referral.number) == {str(referral.pk)}
    assert found(" marac-2026-0042 ") == {str(marac.pk)}
    assert found("R-1999-999999") == set()  # no such number: nothing, not everything
