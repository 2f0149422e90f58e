"""The retention schedule: how long each type of record is kept, which records are due, and how
each is disposed of (docs/data-protection.md, "Retention", says why for each).

Each schedule is configuration: its period in years comes from ``WAYMARK_RETENTION_YEARS`` in the
settings when set there (for example ``{"closed_case": 7}``), else from the default below.

Every disposal here **anonymises in place**: the free text, names and anything that locates
someone are blanked or deleted, while the row, its dates, statuses and coded values stay. Two
reasons: the partnership's figures (outcome KPIs, the MARAC return, H-CLIC) count these rows and
must not change when a record is disposed of; and the audit trail and other records refer to them
by id. Rows that hold nothing but free text (case notes, other names) are deleted outright.

A record under a hold (``RetentionHold``, until its date) is not due. A record already disposed
of is not due again (``RetentionDisposal``).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q

from waymark.core.dates import add_months


@dataclass(frozen=True)
class Schedule:
    key: str
    title: str
    default_years: int
    starts: str  # what the period runs from, in words
    source: str  # where the period comes from (docs/data-protection.md expands on it)
    due: Callable[[date], models.QuerySet[Any]]  # the records whose period ended on or before a day
    dispose: Callable[[Any, date], None]  # (record, the day the run is for)
    describe: Callable[[Any], tuple[str, date | None]]  # (reference shown in the queue, the date it runs from)

    @property
    def years(self) -> int:
        configured = getattr(settings, "WAYMARK_RETENTION_YEARS", {}) or {}
        return int(configured.get(self.key, self.default_years))

    def cutoff(self, as_of: date) -> date:
        """Records whose period began on or before this day are due on ``as_of``."""
        return add_months(as_of, -12 * self.years)


# --- The person: anonymised once nothing about them is still kept -----------------------------


def person_still_needed(person_id: uuid.UUID, as_of: date) -> bool:
    """Whether anything about the person is open, or still inside its own retention period."""
    from waymark.cases.models import Case
    from waymark.cases.states import CaseStatus
    from waymark.housing.models import HomelessnessApplication
    from waymark.incidents.models import Incident
    from waymark.marac.models import MaracCase
    from waymark.perpetrators.models import Enrolment
    from waymark.referrals.models import Referral
    from waymark.refuge.models import RefugeReferral, Sanctuary

    six_years = SCHEDULES["closed_case"].cutoff(as_of)
    referral_cutoff = SCHEDULES["referral_not_accepted"].cutoff(as_of)
    marac_cutoff = SCHEDULES["marac_case"].cutoff(as_of)
    either = Q(victim_id=person_id) | Q(perpetrator_id=person_id)
    return (
        Case.objects.filter(person_id=person_id)
        .filter(~Q(status=CaseStatus.CLOSED) | Q(closed_on__isnull=True) | Q(closed_on__gt=six_years))
        .exists()
        or Referral.objects.filter(Q(subject_id=person_id) | Q(person_causing_harm_id=person_id))
        .filter(received_on__gt=referral_cutoff)
        .exists()
        or Incident.objects.filter(either, occurred_on__gt=six_years).exists()
        or MaracCase.objects.filter(either, referred_on__gt=marac_cutoff).exists()
        or Enrolment.objects.filter(participant_id=person_id)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gt=six_years))
        .exists()
        or HomelessnessApplication.objects.filter(person_id=person_id, applied_on__gt=six_years).exists()
        or RefugeReferral.objects.filter(person_id=person_id, received_on__gt=six_years).exists()
        or Sanctuary.objects.filter(person_id=person_id, referred_on__gt=six_years).exists()
    )


def anonymise_person(person_id: uuid.UUID) -> None:
    """Names, free text, addresses and contacts go; the coded values the figures count (sex,
    ethnicity, disability, LGBT+, date of birth for the MARAC return's ages) stay."""
    from waymark.matching.models import PersonContactKey, PersonSearchKey
    from waymark.people.models import Address, ContactChannel, Person, PersonName

    Person.objects.filter(pk=person_id).update(
        ref=None,
        given_name="",
        family_name="",
        gender_identity="",
        disability_detail="",
        sexual_orientation="",
        first_language="",
    )
    PersonName.objects.filter(person_id=person_id).delete()
    PersonSearchKey.objects.filter(person_id=person_id).delete()
    PersonContactKey.objects.filter(person_id=person_id).delete()
    for address in Address.objects.filter(person_id=person_id):
        address.line1 = address.line2 = address.town = address.postcode = ""
        address.postcode_index = address.postcode_district_index = ""
        address.save(update_fields=["line1", "line2", "town", "postcode", "postcode_index", "postcode_district_index"])
    for channel in ContactChannel.objects.filter(person_id=person_id):
        channel.value = ""
        channel.phone_index = channel.email_index = ""
        channel.save(update_fields=["value", "phone_index", "email_index"])


def _blank(rows: Iterable[models.Model], *fields: str) -> None:
    """Blanks encrypted text fields row by row (their values are encrypted, so not in bulk)."""
    for row in rows:
        for name in fields:
            setattr(row, name, "")
        row.save(update_fields=list(fields))


# --- Closed cases: 6 years after closure --------------------------------------------------------


def _cases_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.cases.models import Case
    from waymark.cases.states import CaseStatus

    return Case.objects.filter(status=CaseStatus.CLOSED, closed_on__lte=SCHEDULES["closed_case"].cutoff(as_of))


def _dispose_case(case: Any, as_of: date) -> None:
    from waymark.cases.models import CaseNote, ContactAttempt
    from waymark.support.choices import SAFETY_PLAN_FIELDS
    from waymark.support.models import Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan

    _blank([case], "closure_note", "no_marac_reason")
    CaseNote.objects.filter(case=case).delete()
    _blank(ContactAttempt.objects.filter(case=case), "note")
    _blank(SafetyPlan.objects.filter(case=case), *SAFETY_PLAN_FIELDS)
    _blank(Need.objects.filter(case=case), "description")
    _blank(Goal.objects.filter(need__case=case), "description")
    _blank(GoalProgress.objects.filter(goal__need__case=case), "note")
    _blank(Intervention.objects.filter(case=case), "outcome_note")
    _blank(LegalOrder.objects.filter(case=case), "terms")
    if not person_still_needed(case.person_id, as_of):
        anonymise_person(case.person_id)


def _describe_case(case: Any) -> tuple[str, date | None]:
    return case.number, case.closed_on


# --- Referrals not accepted: 2 years after the decision -----------------------------------------


def _referrals_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.referrals.models import Referral
    from waymark.referrals.states import ReferralStatus

    cutoff = SCHEDULES["referral_not_accepted"].cutoff(as_of)
    return Referral.objects.filter(
        status__in=[ReferralStatus.SIGNPOSTED, ReferralStatus.DECLINED], decided_at__date__lte=cutoff
    )


def _dispose_referral(referral: Any, as_of: date) -> None:
    _blank(
        [referral],
        "subject_postcode",
        "latest_incident_summary",
        "sharing_reason",
        "contact_phone",
        "contact_email",
        "contact_instructions",
    )
    if not person_still_needed(referral.subject_id, as_of):
        anonymise_person(referral.subject_id)


def _describe_referral(referral: Any) -> tuple[str, date | None]:
    return referral.number, referral.decided_at.date() if referral.decided_at else None


# --- MARAC cases: 6 years after the referral ----------------------------------------------------


def _marac_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.marac.models import MaracCase

    return MaracCase.objects.filter(referred_on__lte=SCHEDULES["marac_case"].cutoff(as_of))


def _dispose_marac(marac_case: Any, as_of: date) -> None:
    from waymark.marac.models import MaracAction, Research

    _blank(
        [marac_case],
        "professional_judgement_reason",
        "escalation_detail",
        "sharing_reason",
        "decision_reason",
        "discussion_summary",
        "risks_identified",
    )
    _blank(Research.objects.filter(marac_case=marac_case), "body")
    _blank(MaracAction.objects.filter(marac_case=marac_case), "description", "status_note")


def _describe_marac(marac_case: Any) -> tuple[str, date | None]:
    return marac_case.ref or "MARAC case", marac_case.referred_on


SCHEDULE_LIST = [
    Schedule(
        key="closed_case",
        title="Closed cases (with their notes, contacts, safety and support plans)",
        default_years=6,
        starts="the day the case closed",
        source="Adult DA casework: closure + 6 years (Limitation Act 1980 six-year period; common local-authority "
        "and IDVA-service retention schedules)",
        due=_cases_due,
        dispose=_dispose_case,
        describe=_describe_case,
    ),
    Schedule(
        key="referral_not_accepted",
        title="Referrals not accepted (signposted or declined)",
        default_years=2,
        starts="the day it was signposted or declined",
        source="Enough to answer a re-referral or a complaint about the decision; no case was opened",
        due=_referrals_due,
        dispose=_dispose_referral,
        describe=_describe_referral,
    ),
    Schedule(
        key="marac_case",
        title="MARAC cases (research, discussion and actions)",
        default_years=6,
        starts="the day it was referred to MARAC",
        source="SafeLives MARAC guidance: keep in line with each agency's policy, commonly 6 years",
        due=_marac_due,
        dispose=_dispose_marac,
        describe=_describe_marac,
    ),
]


SCHEDULES: dict[str, Schedule] = {schedule.key: schedule for schedule in SCHEDULE_LIST}
