"""Access matrix: for every role, the API lists exactly what the UI's scopes give."""

from __future__ import annotations

from datetime import date

import pytest

from tests.api.conftest import token_client
from tests.factories import make_member
from tests.referrals.conftest import make_referral
from waymark.core.roles import Role
from waymark.people.models import Person
from waymark.referrals.models import Referral
from waymark.risk.access import assessments_visible_to, has_risk_role
from waymark.risk.actions import risk_assessment_record
from waymark.risk.models import RiskInstrument

pytestmark = pytest.mark.django_db

ROLES = list(Role)


@pytest.fixture
def records(police_referrer, specialist_agency, idva):
    referral = make_referral(police_referrer)
    person = Person.objects.create(held_by=specialist_agency, given_name="Rosa", family_name="Lind")
    risk_assessment_record(
        actor=idva,
        person=person,
        instrument=RiskInstrument.objects.get(code="dash24", version=1),
        assessed_on=date(2025, 1, 2),
        yes_count=4,
    )
    return referral


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("where", ["receiving", "police", "elsewhere"])
def test_api_lists_match_ui_scopes(role, where, records, specialist_agency, police_agency):
    agency = {"receiving": specialist_agency, "police": police_agency, "elsewhere": None}[where]
    user = make_member(role, agency=agency)
    client = token_client(user)

    response = client.get("/api/referrals/")
    expected = set(Referral.objects.visible_to(user).values_list("pk", flat=True)) | set(
        Referral.objects.status_visible_to(user).values_list("pk", flat=True)
    )
    if response.status_code == 403:
        assert not expected
    else:
        assert response.status_code == 200
        assert {row["id"] for row in response.json()["results"]} == {str(pk) for pk in expected}
        detail = client.get(f"/api/referrals/{records.pk}/")
        assert detail.status_code in ((200,) if records.pk in expected else (404,))

    response = client.get("/api/risk-assessments/")
    if not has_risk_role(user):
        assert response.status_code == 403
    else:
        expected = {str(pk) for pk in assessments_visible_to(user).values_list("pk", flat=True)}
        assert {row["id"] for row in response.json()["results"]} == expected
