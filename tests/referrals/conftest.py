"""Referral fixtures: the receiving service is configured explicitly, as in production."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
from django.utils import timezone

from tests.factories import AgencyFactory, make_member
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.referrals.actions import PersonDetails, RiskAnswers, SafeContact, Sharing, WhatHappened, referral_create

CANARY_NAME = "Zebedee-Canary-Qx"
CANARY_POSTCODE = "ZZ9 9ZZ"
CANARY_TEXT = "canary-incident-7731"


@pytest.fixture(autouse=True)
def receiving_service(settings, specialist_agency):
    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref
    return specialist_agency


@pytest.fixture
def other_police_referrer():
    return make_member(Role.REFERRER, agency=AgencyFactory(kind=AgencyKind.POLICE, name="Northmere Police"))


@pytest.fixture
def other_service_manager():
    """A team manager in another specialist agency: not the receiving service."""
    return make_member(Role.TEAM_MANAGER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST, name="Elsewhere Aid"))


def years_ago(years: int) -> date:
    today = timezone.localdate()
    return today.replace(year=today.year - years) - timedelta(days=1)


def make_referral(actor: Any, **overrides: Any):
    """A valid professional referral from ``actor``'s first agency; override any argument."""
    arguments: dict[str, Any] = {
        "referring_agency": actor.primary_agency,
        "subject": PersonDetails(
            given_name=CANARY_NAME, family_name="Smith", date_of_birth=years_ago(30), sex="female"
        ),
        "subject_postcode": CANARY_POSTCODE,
        "person_causing_harm": PersonDetails(given_name="Harm", family_name="Doer", sex="male"),
        "harm_relationship": "former_partner",
        "children_in_household": 2,
        "what": WhatHappened(
            vawg_category="domestic_abuse",
            abuse_types=["physical", "coercive_control"],
            latest_incident_on=timezone.localdate() - timedelta(days=2),
            latest_incident_summary=CANARY_TEXT,
        ),
        "sharing": Sharing(consent="given"),
        "contact": SafeContact(safe_to_call="yes", safe_to_text="no", phone="07700 900982"),
        "risk": None,
    }
    arguments.update(overrides)
    return referral_create(actor=actor, **arguments)


def high_risk() -> RiskAnswers:
    return RiskAnswers(assessed_on=timezone.localdate(), yes_count=15)
