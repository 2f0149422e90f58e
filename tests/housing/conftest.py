"""Housing personas: the council's housing officers (the one holding the application and a
colleague), a housing officer of another council, DA tenancy panel members, the survivor's IDVA
(``idva`` from tests/conftest.py), a perpetrator-programme worker and a commissioner."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from tests.factories import AgencyFactory, MembershipFactory, TeamFactory, make_member
from tests.people.factories import PersonFactory
from waymark.core.roles import Role
from waymark.housing import actions
from waymark.housing.choices import (
    AccommodationAtApplication,
    HouseholdRole,
    LossReason,
    ReferralRoute,
    SupportNeed,
    TenancyType,
    Tenure,
)
from waymark.organisations.models import AgencyKind


@pytest.fixture
def council():
    return AgencyFactory(name="Southmere Housing Solutions", kind=AgencyKind.HOUSING)


@pytest.fixture
def other_council():
    return AgencyFactory(name="Elsewhere Housing", kind=AgencyKind.HOUSING)


@pytest.fixture
def officer(council):
    return make_member(
        Role.HOUSING_OFFICER, team=TeamFactory(agency=council, name="Housing Solutions"), full_name="Helen Ward"
    )


@pytest.fixture
def colleague_officer(council):
    return make_member(Role.HOUSING_OFFICER, agency=council, full_name="Hal Colleague")


@pytest.fixture
def other_officer(other_council):
    return make_member(Role.HOUSING_OFFICER, agency=other_council, full_name="Olga Elsewhere")


@pytest.fixture
def panel_member(council):
    return make_member(Role.TENANCY_PANEL_MEMBER, agency=council, full_name="Pam Panel")


@pytest.fixture
def police_panel_member(council, police_agency):
    """A police officer who sits on the council's panel: a membership of the council's panel."""
    user = make_member(Role.REFERRER, agency=police_agency, full_name="DS Panel")
    MembershipFactory(user=user, agency=council, role=Role.TENANCY_PANEL_MEMBER)
    from waymark.accounts.models import User

    return User.objects.get(pk=user.pk)


@pytest.fixture
def programme_worker(specialist_agency):
    return make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency, full_name="Pat Programme")


@pytest.fixture
def commissioner():
    return make_member(Role.COMMISSIONER, full_name="Cora Commissioner")


@pytest.fixture
def applicant(council):
    return PersonFactory(held_by=council, given_name="Rosa", family_name="Applicant")


def new_application(officer: Any, person: Any, **fields: Any) -> Any:
    values: dict[str, Any] = {
        "agency": person.held_by,
        "applied_on": date(2026, 11, 2),
        "loss_reason": LossReason.DOMESTIC_ABUSE,
        "support_needs": [SupportNeed.DOMESTIC_ABUSE],
        "accommodation_at_application": AccommodationAtApplication.LIVING_WITH_FAMILY,
        "referral_route": ReferralRoute.SELF,
    }
    values.update(fields)
    return actions.application_create(actor=officer, person=person, **values)


@pytest.fixture
def application(officer, applicant, time_machine):
    """A household of the applicant and a dependent child aged 6."""
    time_machine.move_to(date(2026, 11, 2))
    return new_application(officer, applicant, household=[actions.Member(HouseholdRole.CHILD, 6)])


@pytest.fixture
def panel_case(panel_member, council, idva, time_machine):
    time_machine.move_to(date(2026, 10, 1))
    return actions.panel_case_refer(
        actor=panel_member,
        agency=council,
        tenancy_reference="T-000123",
        tenancy_type=TenancyType.JOINT,
        tenure=Tenure.SECURE,
        referred_on=date(2026, 10, 1),
        idva=idva,
    )


@pytest.fixture
def colleague_idva(idva_team):
    return make_member(Role.CASEWORKER, team=idva_team, full_name="Bea Colleague")
