"""The demo's shape: the perpetrator-programme worker works in the same agency as the IDVAs
(tests/conftest.py's specialist agency), which holds both the survivor and the person causing harm."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import AgencyFactory, make_member
from tests.people.factories import PersonFactory
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.people.choices import PersonRole, RelationshipKind
from waymark.people.models import Relationship
from waymark.perpetrators.choices import EnrolmentStatus, ReferralSource
from waymark.perpetrators.models import Enrolment, VictimLink

_numbers = itertools.count(1)


@pytest.fixture
def programme_worker(specialist_agency):
    return make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency, full_name="Tom Reid")


@pytest.fixture
def programme_worker_elsewhere():
    return make_member(Role.PERPETRATOR_WORKER, agency=AgencyFactory(kind=AgencyKind.PROBATION), full_name="Pam Else")


@pytest.fixture
def victim(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Maya", family_name="Lewis")


@pytest.fixture
def participant(specialist_agency, victim):
    person = PersonFactory(
        held_by=specialist_agency,
        given_name="Kevin",
        family_name="Lewis",
        primary_role=PersonRole.PERSON_CAUSING_HARM,
    )
    Relationship.objects.create(person_a=person, person_b=victim, kind=RelationshipKind.FORMER_INTIMATE_PARTNER)
    return person


def make_case(*, person: Any, agency: Any, caseworker: Any = None, team: Any = None, **fields: Any) -> Case:
    today = timezone.localdate()
    values: dict[str, Any] = {
        "number": f"C-T-{next(_numbers):06d}",
        "person": person,
        "agency": agency,
        "caseworker": caseworker,
        "team": team,
        "status": CaseStatus.ACTIVE if caseworker else CaseStatus.AWAITING_ALLOCATION,
        "referred_on": today - timedelta(days=60),
        "opened_on": today - timedelta(days=59),
    }
    values.update(fields)
    return Case.objects.create(**values)


@pytest.fixture
def victim_case(victim, specialist_agency, idva, idva_team):
    return make_case(person=victim, agency=specialist_agency, caseworker=idva, team=idva_team)


def make_enrolment(
    *, participant: Any, agency: Any, status: str = EnrolmentStatus.ENROLLED, **fields: Any
) -> Enrolment:
    """An enrolment row written directly (as demo data writes them)."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "participant": participant,
        "agency": agency,
        "status": status,
        "referred_on": today - timedelta(weeks=12),
        "source": ReferralSource.PROBATION,
    }
    if status not in (EnrolmentStatus.REFERRED,):
        values["assessed_on"] = today - timedelta(weeks=11)
    if status in (EnrolmentStatus.ENROLLED, EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT):
        values["starts_on"] = today - timedelta(weeks=10)
    values.update(fields)
    return Enrolment.objects.create(**values)


@pytest.fixture
def enrolment(participant, specialist_agency, programme_worker):
    return make_enrolment(participant=participant, agency=specialist_agency, worker=programme_worker)


@pytest.fixture
def linked_enrolment(enrolment, victim, victim_case):
    VictimLink.objects.create(enrolment=enrolment, victim=victim, relationship="former_partner", case=victim_case)
    return enrolment


def days_ago(n: int) -> date:
    return timezone.localdate() - timedelta(days=n)
