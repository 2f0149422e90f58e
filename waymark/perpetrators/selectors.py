"""Reads for the programme: who may be linked as a victim, the register for a session date,
attendance and outcome summaries, and the figures on the home panel."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.db.models import Q

from waymark.perpetrators.choices import (
    EXTENT_SCORE,
    FREQUENCY_SCORE,
    PARTNER_SAFETY_SCORE,
    PRESENT,
    Attendance,
    ChildrenImpact,
    EnrolmentStatus,
    VictimRelationship,
)
from waymark.perpetrators.models import BehaviourOutcome, Enrolment, SessionAttendance


def allowed_absences() -> int:
    """Sessions a participant may miss and still complete (PERPETRATOR_PROGRAMME_ALLOWED_ABSENCES, default 3)."""
    return int(settings.PERPETRATOR_PROGRAMME_ALLOWED_ABSENCES)


def sessions_needed_to_complete(enrolment: Enrolment) -> int:
    return max(1, enrolment.sessions_planned - allowed_absences())


@dataclass(frozen=True)
class AttendanceSummary:
    recorded: int
    attended: int
    late: int
    absent_with_reason: int
    absent_without_reason: int
    needed_to_complete: int

    @property
    def present(self) -> int:
        return self.attended + self.late


def attendance_summary(enrolment: Enrolment) -> AttendanceSummary:
    counts = dict.fromkeys(Attendance.values, 0)
    for value in SessionAttendance.objects.filter(enrolment=enrolment).values_list("attendance", flat=True):
        counts[value] += 1
    return AttendanceSummary(
        recorded=sum(counts.values()),
        attended=counts[Attendance.ATTENDED],
        late=counts[Attendance.LATE],
        absent_with_reason=counts[Attendance.ABSENT_WITH_REASON],
        absent_without_reason=counts[Attendance.ABSENT_WITHOUT_REASON],
        needed_to_complete=sessions_needed_to_complete(enrolment),
    )


def sessions_present(enrolment: Enrolment) -> int:
    return SessionAttendance.objects.filter(enrolment=enrolment, attendance__in=PRESENT).count()


@dataclass(frozen=True)
class VictimCandidate:
    """Someone the records show as harmed by, or close to, the participant. ``label`` is what the
    programme worker is shown: how the records know them, never their name."""

    person: Any
    relationship: str
    known_from: str = "a recorded relationship"

    @property
    def label(self) -> str:
        return f"{VictimRelationship(self.relationship).label.lower()}, known from {self.known_from}"


_KIND_TO_RELATIONSHIP = {
    "current_intimate_partner": VictimRelationship.CURRENT_PARTNER,
    "former_intimate_partner": VictimRelationship.FORMER_PARTNER,
    "family_member": VictimRelationship.FAMILY_MEMBER,
}


def victim_candidates(enrolment: Enrolment) -> list[VictimCandidate]:
    """People the records show as harmed by, or close to, the participant: those the programme
    worker may link as the enrolment's victims (seen by them as a name only).

    From the participant's relationships, incidents where they were the perpetrator, referrals
    naming them as the person causing harm, and MARAC cases naming them as the perpetrator.
    """
    from waymark.incidents.models import Incident
    from waymark.marac.models import MaracCase
    from waymark.people.models import Person, Relationship
    from waymark.referrals.models import Referral

    participant = enrolment.participant
    found: dict[Any, str] = {}
    known_from: dict[Any, str] = {}
    for rel in Relationship.objects.involving(participant):
        other_id = rel.person_b_id if rel.person_a_id == participant.pk else rel.person_a_id
        if rel.kind == "parent_of":
            relationship = (
                VictimRelationship.CHILD if rel.person_a_id == participant.pk else VictimRelationship.FAMILY_MEMBER
            )
        else:
            relationship = _KIND_TO_RELATIONSHIP.get(rel.kind, VictimRelationship.OTHER)
        found.setdefault(other_id, relationship)
        known_from.setdefault(other_id, "a recorded relationship")
    harmed = (
        [
            (p, "a recorded incident")
            for p in Incident.objects.filter(perpetrator=participant).values_list("victim_id", flat=True)
        ]
        + [
            (p, "a referral")
            for p in Referral.objects.filter(person_causing_harm=participant).values_list("subject_id", flat=True)
        ]
        + [
            (p, "a MARAC case")
            for p in MaracCase.objects.filter(perpetrator=participant).values_list("victim_id", flat=True)
        ]
    )
    for person_id, source in harmed:
        found.setdefault(person_id, VictimRelationship.OTHER)
        known_from.setdefault(person_id, source)
    found.pop(participant.pk, None)
    for linked in enrolment.victim_links.values_list("victim_id", flat=True):
        found.pop(linked, None)
    # Ordered by when the records first knew them, not by name (an order by name would hint at names).
    people = Person.objects.filter(pk__in=list(found), archived_at__isnull=True).order_by("created_at", "pk")
    return [
        VictimCandidate(person=person, relationship=found[person.pk], known_from=known_from[person.pk])
        for person in people
    ]


def latest_case_for(person: Any) -> Any:
    """The victim's open case if there is one, else their most recent case, else None."""
    from waymark.cases.models import Case

    cases = Case.objects.filter(person=person).order_by("-opened_on", "-created_at")
    return cases.open().first() or cases.first()


def enrolled_on(agency_ids: Any, on: date) -> Any:
    """Enrolments at these agencies whose participant was on the programme on ``on``."""
    return (
        Enrolment.objects.filter(agency_id__in=agency_ids, starts_on__lte=on)
        .filter(
            Q(status=EnrolmentStatus.ENROLLED)
            | Q(status__in=[EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT], ended_on__gte=on)
        )
        .select_related("participant")
        .order_by("participant__family_name", "participant__given_name")
    )


def week_bounds(on: date) -> tuple[date, date]:
    """Monday to Sunday of the week containing ``on``."""
    monday = on - timedelta(days=on.weekday())
    return monday, monday + timedelta(days=6)


def sessions_in_week(enrolments: Any, on: date) -> int:
    """Planned sessions falling in the week of ``on`` for these (enrolled) enrolments."""
    monday, sunday = week_bounds(on)
    return sum(1 for e in enrolments for day in e.session_dates() if monday <= day <= sunday)


@dataclass(frozen=True)
class MeasureChange:
    label: str
    start: str
    latest: str
    direction: str  # "better", "same", "worse" or "" when either side is not known


def _direction(start: int | None, latest: int | None, *, lower_is_better: bool) -> str:
    if start is None or latest is None:
        return ""
    if start == latest:
        return "same"
    better = latest < start if lower_is_better else latest > start
    return "better" if better else "worse"


def outcome_changes(enrolment: Enrolment) -> list[MeasureChange]:
    """Each measure from the start to the latest point recorded (empty until two points exist)."""
    outcomes = list(BehaviourOutcome.objects.filter(enrolment=enrolment).order_by("recorded_on"))
    if len(outcomes) < 2:
        return []
    first, last = outcomes[0], outcomes[-1]
    rows = []
    for name, scores, lower_is_better in (
        ("acknowledges_abuse", EXTENT_SCORE, False),
        ("takes_responsibility", EXTENT_SCORE, False),
        ("controlling_behaviour", FREQUENCY_SCORE, True),
        ("physical_violence", FREQUENCY_SCORE, True),
        ("understands_impact_on_children", EXTENT_SCORE, False),
        ("partner_safety", PARTNER_SAFETY_SCORE, False),
    ):
        a, b = getattr(first, name), getattr(last, name)
        if name == "understands_impact_on_children" and ChildrenImpact.NO_CHILDREN in (a, b):
            continue
        field: Any = BehaviourOutcome._meta.get_field(name)
        rows.append(
            MeasureChange(
                label=str(field.verbose_name).capitalize(),
                start=getattr(first, f"get_{name}_display")(),
                latest=getattr(last, f"get_{name}_display")(),
                direction=_direction(scores.get(a), scores.get(b), lower_is_better=lower_is_better),
            )
        )
    return rows
