"""Cases, outcome measures and risk assessments built directly with the ORM (the case actions are
written alongside this app, so outcomes tests do not depend on them)."""

from __future__ import annotations

import itertools
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.outcomes.models import OutcomeMeasure, Stage
from waymark.people.models import Person
from waymark.referrals.models import Referral
from waymark.risk.choices import RiskLevel
from waymark.risk.loading import ensure_shipped_instrument
from waymark.risk.models import RiskAssessment, RiskInstrument, RiskItem

_numbers = itertools.count(1)
LONDON = ZoneInfo("Europe/London")


def make_person(agency: Any, **fields: Any) -> Person:
    fields.setdefault("given_name", "Test")
    fields.setdefault("family_name", "Client")
    return Person.objects.create(held_by=agency, **fields)


def make_referrals(agency: Any, received_on: date, n: int) -> None:
    """``n`` referrals received by ``agency`` on ``received_on``, each about a new person: a
    professional's referral with consent given, as the referral figures count them."""
    for _ in range(n):
        Referral.objects.create(
            number=f"R-{Referral.objects.count()}",
            received_on=received_on,
            source="professional",
            subject=make_person(agency),
            receiving_agency=agency,
            consent="given",
        )


def at(day: date, hour: int = 10) -> datetime:
    """A moment on ``day`` in the service's own time zone."""
    return datetime.combine(day, time(hour), tzinfo=LONDON)


def make_case(
    *,
    agency: Any,
    person: Person | None = None,
    team: Any = None,
    caseworker: Any = None,
    status: str = CaseStatus.ACTIVE,
    referred_on: date = date(2025, 4, 1),
    opened_on: date | None = None,
    engaged_on: date | None = None,
    first_contact_on: date | None = None,
    allocated_on: date | None = None,
    closed_on: date | None = None,
    **fields: Any,
) -> Case:
    """A case as the lifecycle would leave it, written straight to the database."""
    number = next(_numbers)
    if status == CaseStatus.CLOSED and closed_on is None:
        closed_on = engaged_on or opened_on or referred_on
    return Case.objects.create(
        number=f"C-T-{number:06d}",
        person=person or make_person(agency),
        agency=agency,
        team=team,
        caseworker=caseworker,
        status=status,
        referred_on=referred_on,
        opened_on=opened_on or referred_on,
        allocated_at=at(allocated_on) if allocated_on else None,
        first_contact_at=at(first_contact_on) if first_contact_on else None,
        engaged_on=engaged_on,
        closed_on=closed_on,
        **fields,
    )


_LEVEL_COUNTS = {RiskLevel.STANDARD: 3, RiskLevel.MEDIUM: 11, RiskLevel.HIGH: 16}


def make_assessment(person: Person, assessed_on: date, level: str, *, archived: bool = False, **fields: Any) -> Any:
    """A risk assessment of ``person`` with ``level`` as its final level (imported-style: a count only)."""
    from django.utils import timezone

    instrument = ensure_shipped_instrument(RiskInstrument, RiskItem)
    level = RiskLevel(level)
    return RiskAssessment.objects.create(
        person=person,
        instrument=instrument,
        assessed_on=assessed_on,
        yes_count=_LEVEL_COUNTS[level],
        answers_recorded=False,
        medium_from=10,
        high_from=14,
        scored_level=level,
        final_level=level,
        archived_at=timezone.now() if archived else None,
        **fields,
    )


def make_measure(case: Case, stage: str, measured_on: date, *, subject: Person | None = None, **answers: Any) -> Any:
    """An outcome measure straight to the database (no validation: for building KPI fixtures)."""
    return OutcomeMeasure.objects.create(
        case=case, subject=subject or case.person, stage=Stage(stage), measured_on=measured_on, **answers
    )
