"""Personas around one active case held by the specialist service, allocated to tests/conftest.py's
idva, with the records the support pages show."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.clock import on_day
from tests.factories import AgencyFactory, MembershipFactory, TeamFactory, make_member
from tests.people.factories import PersonFactory
from waymark.accounts.models import User
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.people.choices import PersonRole, RelationshipKind
from waymark.people.models import Relationship
from waymark.support.models import Service

_numbers = itertools.count(1)

# One fixed "today" for the support tests, kept at the run's hour (tests/clock.on_day):
# ``days_ago`` is called in parametrize lists, at collection, when the run's pinned clock is not
# yet in force, so reading the clock there read the wall clock's day.
TODAY = date(2026, 11, 20)


@pytest.fixture(autouse=True)
def fixed_day():
    with on_day(TODAY):
        yield


def days_ago(n: int) -> date:
    return TODAY - timedelta(days=n)


def make_case(*, person: Any, agency: Any, **fields: Any) -> Case:
    """A case row written directly (as the demo data and imports write them)."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "number": f"C-2026-{800000 + next(_numbers):06d}",
        "status": CaseStatus.ACTIVE,
        "referred_on": today - timedelta(days=30),
        "opened_on": today - timedelta(days=30),
    }
    values.update(fields)
    return Case.objects.create(person=person, agency=agency, **values)


@pytest.fixture
def colleague(idva_team):
    """Another caseworker in the allocated IDVA's team (covers for her)."""
    return make_member(Role.CASEWORKER, team=idva_team, full_name="Bea Colleague")


@pytest.fixture
def other_team_worker(specialist_agency):
    """A caseworker at the same service, in another team: the case is not theirs."""
    return make_member(Role.CASEWORKER, team=TeamFactory(agency=specialist_agency, name="Outreach"))


@pytest.fixture
def caseworker_elsewhere():
    """The right role, at another specialist service."""
    return make_member(Role.CASEWORKER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST, name="Elsewhere Aid"))


@pytest.fixture
def perpetrator_worker(specialist_agency):
    """A perpetrator-programme worker at the same service."""
    return make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency, full_name="Pat Programme")


@pytest.fixture
def dual_role_worker(idva_team, specialist_agency):
    """A caseworker in the IDVA team who also runs the perpetrator programme: sees the case, never
    the safety plan (which says where the client would go)."""
    user = make_member(Role.CASEWORKER, team=idva_team, full_name="Dee Dual")
    MembershipFactory(user=user, agency=specialist_agency, role=Role.PERPETRATOR_WORKER)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def client_person(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Rosa", family_name="Client")


@pytest.fixture
def harmer(specialist_agency, client_person):
    person = PersonFactory(
        held_by=specialist_agency,
        given_name="Victor",
        family_name="Harm",
        primary_role=PersonRole.PERSON_CAUSING_HARM,
    )
    Relationship.objects.create(person_a=client_person, person_b=person, kind=RelationshipKind.FORMER_INTIMATE_PARTNER)
    return person


@pytest.fixture
def case(client_person, specialist_agency, idva, idva_team, harmer):
    return make_case(
        person=client_person, agency=specialist_agency, caseworker=idva, team=idva_team, allocated_at=timezone.now()
    )


@pytest.fixture
def child(specialist_agency):
    return PersonFactory(
        held_by=specialist_agency,
        given_name="Milo",
        family_name="Client",
        primary_role=PersonRole.CHILD,
        date_of_birth=timezone.localdate().replace(year=timezone.localdate().year - 7, day=1),
    )


@pytest.fixture
def counselling():
    return Service.objects.get(code="counselling")


@pytest.fixture
def childrens_service():
    return Service.objects.get(code="childrens_therapeutic")
