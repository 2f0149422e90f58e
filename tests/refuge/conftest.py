"""Personas and records for safe accommodation.

The provider (Harbour Refuge) and its refuge worker, a second provider's refuge worker, the
housing officer, the survivor's IDVA (tests/conftest.py) and her case, a MARAC coordinator, a
commissioner, the sanctuary coordinator at the advocacy service, and a perpetrator-programme worker.
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
import time_machine

from tests.factories import AgencyFactory, TeamFactory, make_member
from tests.people.factories import PersonFactory
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.refuge import actions
from waymark.refuge.choices import AccommodationType, ProviderLegalForm, UnitKind

TODAY = date(2026, 11, 20)
CANARY = "CNRY-RF58"


@pytest.fixture(autouse=True)
def pinned_today():
    with time_machine.travel(date(2026, 11, 20), tick=False):
        yield


@pytest.fixture
def provider():
    return AgencyFactory(name="Harbour Refuge", kind=AgencyKind.DA_SPECIALIST, ref="REF")


@pytest.fixture
def refuge_worker(provider):
    return make_member(
        Role.REFUGE_WORKER, team=TeamFactory(agency=provider, name="Refuge Workers"), full_name="Rita Refuge"
    )


@pytest.fixture
def other_provider_worker():
    other = AgencyFactory(name="Elsewhere Refuge", kind=AgencyKind.DA_SPECIALIST)
    return make_member(Role.REFUGE_WORKER, agency=other, full_name="Oona Otherrefuge")


@pytest.fixture
def housing_agency():
    return AgencyFactory(name="Southmere Housing Solutions", kind=AgencyKind.HOUSING)


@pytest.fixture
def housing_officer(housing_agency):
    return make_member(Role.HOUSING_OFFICER, agency=housing_agency, full_name="Helen Ward")


@pytest.fixture
def marac_coordinator():
    return make_member(Role.MARAC_COORDINATOR, full_name="Lucy Barnes")


@pytest.fixture
def commissioner():
    return make_member(Role.COMMISSIONER, full_name="Eva Morales")


@pytest.fixture
def sanctuary_coordinator(specialist_agency):
    return make_member(Role.SANCTUARY_COORDINATOR, agency=specialist_agency, full_name="Sol Sanctuary")


@pytest.fixture
def programme_worker(specialist_agency):
    return make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency, full_name="Tom Reid")


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Maya", family_name="Lewis", sex="female")


@pytest.fixture
def survivor_case(survivor, specialist_agency, idva, idva_team):
    return Case.objects.create(
        number="C-2026-000901",
        person=survivor,
        agency=specialist_agency,
        team=idva_team,
        caseworker=idva,
        status=CaseStatus.ACTIVE,
        referred_on=date(2026, 10, 1),
        opened_on=date(2026, 10, 1),
    )


def seed_refuge_details(**overrides: Any) -> actions.ServiceDetails:
    """The seed's refuge as written: 24 units, 4 safe houses, 3 sites, 6 self-contained, 4 wheelchair
    accessible, 20 shared; four full-time refuge workers and a part-time manager."""
    values: dict[str, Any] = {
        "name": "Harbour Refuge",
        "accommodation_type": AccommodationType.REFUGE,
        "provider_legal_form": ProviderLegalForm.REGISTERED_CHARITY,
        "provider_registration": "1012345",
        "area": "South London",
        "client_group": "Women and their children",
        "declared_units": 24,
        "declared_safe_houses": 4,
        "declared_sites": 3,
        "declared_self_contained": 6,
        "declared_wheelchair_accessible": 4,
        "declared_shared": 20,
        "full_time_workers": 4,
        "part_time_managers": 1,
    }
    values.update(overrides)
    return actions.ServiceDetails(**values)


@pytest.fixture
def refuge_service(provider, commissioner):
    return actions.service_create(actor=commissioner, provider=provider, details=seed_refuge_details())


@pytest.fixture
def safe_house(refuge_service, refuge_worker):
    return actions.house_add(
        actor=refuge_worker,
        service=refuge_service,
        label="House A",
        site_label="Site 1",
        area="Southmere (south)",
        line1=f"{CANARY} 12 Hidden Road",
        line2=f"{CANARY} flat",
        town=f"{CANARY} town",
        postcode=CANARY,
    )


def post_vacancy(worker: Any, service: Any, **overrides: Any) -> Any:
    values: dict[str, Any] = {
        "unit_kind": UnitKind.SHARED,
        "bedspaces": 3,
        "max_children": 2,
        "posted_on": date(2026, 11, 18),
        "languages": "English, Urdu",
    }
    values.update(overrides)
    return actions.vacancy_post(actor=worker, service=service, details=actions.VacancyDetails(**values))


@pytest.fixture
def vacancy(refuge_worker, refuge_service, safe_house):
    return post_vacancy(refuge_worker, refuge_service, house=safe_house)


@pytest.fixture
def referral(idva, survivor, survivor_case, refuge_service):
    return actions.referral_create(
        actor=idva,
        person=survivor,
        service=refuge_service,
        received_on=date(2026, 11, 19),
        household=actions.HouseholdDetails(children=2, boys_ages=[9]),
        case=survivor_case,
    )


@pytest.fixture
def sanctuary(idva, survivor, survivor_case, specialist_agency, sanctuary_coordinator):
    return actions.sanctuary_refer(
        actor=idva,
        person=survivor,
        scheme_agency=specialist_agency,
        referred_on=date(2026, 11, 2),
        line1=f"{CANARY} 3 Home Street",
        town=f"{CANARY} town",
        postcode=CANARY,
        case=survivor_case,
    )
