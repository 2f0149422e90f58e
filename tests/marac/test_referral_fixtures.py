"""Shared fixtures and helpers for the MARAC referral, flag, access and report tests (no tests here).

Personas: the MARAC coordinator (at the coordination agency, ref SCS), a police referrer (from
tests/conftest.py), a housing MARAC representative, a commissioner; a victim and a person
causing harm held by the specialist service; a case of the victim's allocated to the IDVA.
"""

from __future__ import annotations

import itertools
from datetime import date
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import AgencyFactory, make_member
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting
from waymark.organisations.models import AgencyKind
from waymark.people.models import Person

_refs = itertools.count(1)


@pytest.fixture
def marac_agency(db):
    return AgencyFactory(ref="SCS", name="Southmere Community Safety", kind=AgencyKind.OTHER)


@pytest.fixture
def coordinator(marac_agency):
    return make_member(Role.MARAC_COORDINATOR, agency=marac_agency, full_name="Cora Ordinator")


@pytest.fixture
def housing_agency(db):
    return AgencyFactory(name="Southmere Homes", kind=AgencyKind.HOUSING)


@pytest.fixture
def housing_rep(housing_agency):
    return make_member(Role.MARAC_REPRESENTATIVE, agency=housing_agency, full_name="Hal Housing")


@pytest.fixture
def police_rep(police_agency):
    return make_member(Role.MARAC_REPRESENTATIVE, agency=police_agency, full_name="Pip Police")


@pytest.fixture
def commissioner(db):
    return make_member(Role.COMMISSIONER, full_name="Com Missioner")


@pytest.fixture
def victim(specialist_agency):
    return Person.objects.create(
        held_by=specialist_agency, given_name="Rosa", family_name="Lindqvist", date_of_birth=date(1990, 3, 4)
    )


@pytest.fixture
def harm(specialist_agency):
    return Person.objects.create(
        held_by=specialist_agency,
        given_name="Mark",
        family_name="Hollis",
        primary_role="person_causing_harm",
        date_of_birth=date(1987, 1, 2),
    )


@pytest.fixture
def allocated_case(victim, specialist_agency, idva, idva_team):
    today = timezone.localdate()
    return Case.objects.create(
        number=f"C-2026-{800000 + next(_refs):06d}",
        person=victim,
        agency=specialist_agency,
        team=idva_team,
        caseworker=idva,
        status=CaseStatus.ALLOCATED,
        referred_on=today,
        opened_on=today,
    )


def earlier_referral(victim: Any, perpetrator: Any, referred_on: date, **fields: Any) -> MaracCase:
    """A MARAC referral row written directly (as an import writes them)."""
    fields.setdefault("status", MaracCaseStatus.HEARD if fields.get("meeting") else MaracCaseStatus.ACCEPTED)
    return MaracCase.objects.create(
        ref=f"HIST-{next(_refs):05d}", victim=victim, perpetrator=perpetrator, referred_on=referred_on, **fields
    )


def refer_case(actor: Any, case: Any, perpetrator: Any, criteria: list[str], reason: str = "") -> MaracCase:
    """A referral of ``case`` (its person, with ``perpetrator``) made through the action, as the
    form makes it from the case page."""
    from waymark.marac.referrals.actions import Demographics, marac_referral_create

    return marac_referral_create(
        actor=actor,
        referring_agency=case.agency,
        case=case,
        victim=case.person,
        perpetrator=perpetrator,
        demographics=Demographics(sex="female"),
        criteria=criteria,
        professional_judgement_reason=reason,
        children_in_household=0,
    )


def meeting(ref: str, held_on: date) -> MaracMeeting:
    return MaracMeeting.objects.create(ref=ref, held_on=held_on)


def direct_form(**overrides: Any) -> dict[str, Any]:
    """A valid direct referral as posted by the form (one referring agency, so no agency choice)."""
    data: dict[str, Any] = {
        "victim_given_name": "Dana",
        "victim_family_name": "Whitlow",
        "victim_date_of_birth_0": "4",
        "victim_date_of_birth_1": "3",
        "victim_date_of_birth_2": "1991",
        "victim_sex": "female",
        "victim_ethnicity": "black_caribbean",
        "victim_disability": "no",
        "victim_lgbt": "unknown",
        "harm_known": "yes",
        "harm_given_name": "Lee",
        "harm_family_name": "Garner",
        "harm_sex": "male",
        "checklist_score": "15",
        "criteria": ["visible_high_risk"],
        "children_in_household": "2",
        "consent": "given",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
