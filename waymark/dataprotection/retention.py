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
    from waymark.cases.models import CaseNote, CaseStatusChange, ContactAttempt
    from waymark.support.choices import SAFETY_PLAN_FIELDS
    from waymark.support.models import Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan

    _blank([case], "closure_note", "no_marac_reason")
    _blank(CaseStatusChange.objects.filter(case=case), "reason")
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
    from waymark.referrals.models import ReferralStatusChange

    _blank(ReferralStatusChange.objects.filter(referral=referral), "reason")
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


def _anonymise_if_done(person_ids: Iterable[uuid.UUID | None], as_of: date) -> None:
    for person_id in person_ids:
        if person_id is not None and not person_still_needed(person_id, as_of):
            anonymise_person(person_id)


# --- Incidents: 6 years after the incident --------------------------------------------------------


def _incidents_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.incidents.models import Incident

    return Incident.objects.filter(occurred_on__lte=SCHEDULES["incident"].cutoff(as_of))


def _dispose_incident(incident: Any, as_of: date) -> None:
    _blank([incident], "description")
    _anonymise_if_done([incident.victim_id, incident.perpetrator_id], as_of)


def _describe_incident(incident: Any) -> tuple[str, date | None]:
    return incident.ref or "Incident", incident.occurred_on


# --- Homelessness applications: 6 years after the application, once no duty is open ---------------


def _applications_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.housing.models import OPEN_STAGES, HomelessnessApplication

    return HomelessnessApplication.objects.filter(
        applied_on__lte=SCHEDULES["housing_application"].cutoff(as_of)
    ).exclude(stage__in=OPEN_STAGES)


def _dispose_application(application: Any, as_of: date) -> None:
    from waymark.housing.models import TemporaryPlacement

    _blank(TemporaryPlacement.objects.filter(application=application), "address")
    _anonymise_if_done([application.person_id], as_of)


def _describe_application(application: Any) -> tuple[str, date | None]:
    return application.number, application.applied_on


# --- DA tenancy panel cases: 6 years after closure ---------------------------------------------------


def _panel_cases_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.housing.models import TenancyPanelCase

    return TenancyPanelCase.objects.filter(closed_on__lte=SCHEDULES["tenancy_panel_case"].cutoff(as_of))


def _dispose_panel_case(panel_case: Any, as_of: date) -> None:
    from waymark.housing.models import PanelDecision, PanelIntelligence

    _blank([panel_case], "representations", "proportionality_review")
    _blank(PanelDecision.objects.filter(case=panel_case), "note")
    _blank(PanelIntelligence.objects.filter(case=panel_case), "summary")


def _describe_panel_case(panel_case: Any) -> tuple[str, date | None]:
    return panel_case.number, panel_case.closed_on


# --- Refuge referrals: 6 years after leaving, or after an unsuccessful referral ------------------


def _refuge_referrals_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.refuge.models import RefugeReferral

    cutoff = SCHEDULES["refuge_referral"].cutoff(as_of)
    return RefugeReferral.objects.filter(Q(left_on__lte=cutoff) | Q(unsuccessful_on__lte=cutoff))


def _dispose_refuge_referral(referral: Any, as_of: date) -> None:
    _blank([referral], "decision_note")
    _anonymise_if_done([referral.person_id], as_of)


def _describe_refuge_referral(referral: Any) -> tuple[str, date | None]:
    return referral.number, referral.left_on or referral.unsuccessful_on


# --- Sanctuary: 6 years after the measures were removed, or after a referral that was withdrawn ----


def _sanctuaries_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.refuge.models import Sanctuary
    from waymark.refuge.states import SanctuaryStatus

    cutoff = SCHEDULES["sanctuary"].cutoff(as_of)
    return Sanctuary.objects.filter(
        Q(removed_on__lte=cutoff) | Q(status=SanctuaryStatus.WITHDRAWN, referred_on__lte=cutoff)
    )


def _dispose_sanctuary(sanctuary: Any, as_of: date) -> None:
    from waymark.refuge.models import SanctuaryReview

    _blank([sanctuary], "line1", "line2", "town", "postcode", "feedback_comment")
    _blank(SanctuaryReview.objects.filter(sanctuary=sanctuary), "note")
    _anonymise_if_done([sanctuary.person_id], as_of)


def _describe_sanctuary(sanctuary: Any) -> tuple[str, date | None]:
    return sanctuary.number, sanctuary.removed_on or sanctuary.referred_on


# --- Perpetrator programme enrolments: 6 years after the programme ended ---------------------------


def _enrolments_due(as_of: date) -> models.QuerySet[Any]:
    from waymark.perpetrators.models import Enrolment

    return Enrolment.objects.filter(ended_on__lte=SCHEDULES["programme_enrolment"].cutoff(as_of))


def _dispose_enrolment(enrolment: Any, as_of: date) -> None:
    from waymark.perpetrators.models import BehaviourOutcome, RiskFlag, SessionAttendance

    _blank([enrolment], "assessment_note", "end_note")
    _blank(SessionAttendance.objects.filter(enrolment=enrolment), "note")
    _blank(BehaviourOutcome.objects.filter(enrolment=enrolment), "note")
    _blank(RiskFlag.objects.filter(enrolment=enrolment), "detail")
    _anonymise_if_done([enrolment.participant_id], as_of)


def _describe_enrolment(enrolment: Any) -> tuple[str, date | None]:
    return enrolment.ref or "Programme enrolment", enrolment.ended_on


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
    Schedule(
        key="incident",
        title="Incidents (what happened, in words)",
        default_years=6,
        starts="the day of the incident",
        source="Kept as long as the casework it informs: Limitation Act 1980 six-year period, as for closed cases; MARAC's repeat rule looks back 12 months only",
        due=_incidents_due,
        dispose=_dispose_incident,
        describe=_describe_incident,
    ),
    Schedule(
        key="housing_application",
        title="Homelessness applications with no duty open (temporary accommodation addresses)",
        default_years=6,
        starts="the day the household applied",
        source="Housing Act 1996 Part 7 casework: Limitation Act 1980 six-year period, as for closed cases",
        due=_applications_due,
        dispose=_dispose_application,
        describe=_describe_application,
    ),
    Schedule(
        key="tenancy_panel_case",
        title="DA tenancy panel cases (representations, intelligence, the panel's reasons)",
        default_years=6,
        starts="the day the case closed",
        source="Tenancy enforcement records: Limitation Act 1980 six-year period, as for closed cases",
        due=_panel_cases_due,
        dispose=_dispose_panel_case,
        describe=_describe_panel_case,
    ),
    Schedule(
        key="refuge_referral",
        title="Refuge referrals (the refuge worker's note)",
        default_years=6,
        starts="the day the household left, or the referral was unsuccessful",
        source="Safe accommodation support: Limitation Act 1980 six-year period, as for closed cases",
        due=_refuge_referrals_due,
        dispose=_dispose_refuge_referral,
        describe=_describe_refuge_referral,
    ),
    Schedule(
        key="sanctuary",
        title="Sanctuary schemes (the home's address, reviews, feedback)",
        default_years=6,
        starts="the day the measures were removed (or a withdrawn referral was made)",
        source="Safe accommodation support: Limitation Act 1980 six-year period, as for closed cases",
        due=_sanctuaries_due,
        dispose=_dispose_sanctuary,
        describe=_describe_sanctuary,
    ),
    Schedule(
        key="programme_enrolment",
        title="Perpetrator programme enrolments (assessment, session notes, outcomes, flags)",
        default_years=6,
        starts="the day the programme ended",
        source="Respect Standard: keep in line with the agency's policy; Limitation Act 1980 six-year period, as for closed cases",
        due=_enrolments_due,
        dispose=_dispose_enrolment,
        describe=_describe_enrolment,
    ),
]


SCHEDULES: dict[str, Schedule] = {schedule.key: schedule for schedule in SCHEDULE_LIST}
