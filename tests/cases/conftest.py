"""Case fixtures: one specialist service with two teams, and cases made as the demo makes them
(rows written directly, fields meaningful without the actions)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from tests.factories import AgencyFactory, TeamFactory, make_member
from tests.people.factories import PersonFactory
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.outcomes.models import OutcomeMeasure, Stage

_numbers = itertools.count(1)


@pytest.fixture
def colleague(idva_team):
    """Another caseworker in the allocated IDVA's team (covers for her)."""
    return make_member(Role.CASEWORKER, team=idva_team, full_name="Bea Colleague")


@pytest.fixture
def other_team(specialist_agency):
    return TeamFactory(agency=specialist_agency, name="Outreach Team")


@pytest.fixture
def other_team_worker(other_team):
    """A caseworker at the same service, in another team."""
    return make_member(Role.CASEWORKER, team=other_team, full_name="Cal Otherteam")


@pytest.fixture
def perpetrator_worker(specialist_agency):
    return make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency, full_name="Pat Programme")


@pytest.fixture
def other_agency_manager():
    return make_member(
        Role.TEAM_MANAGER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST, name="Elsewhere Aid"), full_name="Eli"
    )


@pytest.fixture
def person(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Rosa", family_name="Client")


def make_case(*, person: Any, agency: Any, **fields: Any) -> Case:
    """A case row written directly (as the demo data and imports write them)."""
    today = timezone.localdate()
    values: dict[str, Any] = {
        "number": f"C-2026-{900000 + next(_numbers):06d}",
        "status": CaseStatus.AWAITING_ALLOCATION,
        "referred_on": today,
        "opened_on": today,
    }
    values.update(fields)
    return Case.objects.create(person=person, agency=agency, **values)


@pytest.fixture
def case_factory(person, specialist_agency):
    def build(**fields: Any) -> Case:
        fields.setdefault("person", person)
        fields.setdefault("agency", specialist_agency)
        return make_case(**fields)

    return build


@pytest.fixture
def allocated_case(case_factory, idva, idva_team):
    return case_factory(status=CaseStatus.ALLOCATED, caseworker=idva, team=idva_team, allocated_at=timezone.now())


def record_exit_outcomes(case: Case, *, by: Any = None) -> OutcomeMeasure:
    return OutcomeMeasure.objects.create(
        case=case,
        subject=case.person,
        stage=Stage.EXIT,
        measured_on=timezone.localdate(),
        feeling_safe=4,
        recorded_by=by,
    )


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


@pytest.fixture
def afternoon():
    """The clock pinned to a fixed afternoon in London, for tests that go back hours from "now" and
    must stay on the day the case was referred (at 00:30 "five hours ago" is yesterday). Ask for it
    before the case fixtures so they are created at the pinned time too."""
    with time_machine.travel(datetime(2026, 6, 10, 15, 0, tzinfo=ZoneInfo("Europe/London")), tick=True):
        yield
