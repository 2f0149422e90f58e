"""The journey's sources: one small function per kind of record, each ``(user, person) -> list[Entry]``.

Each source reads only through the scope of the app that owns the record (``Referral.objects.
visible_to``, ``RiskAssessment.objects.visible_to``, ``waymark.cases.access.cases_visible_to`` ...),
so the journey can never show more than the owning app's own pages would. The caller has already
checked the person with ``waymark.people.access.get_person_for_user``.

What an entry may say is narrower than what the record holds:

- never an address, phone number or email, and never which recorded channel a contact used
  (only its kind: "phone call");
- never free text (notes, incident descriptions, reasons, MARAC research or minutes): free text can
  carry anything, including a refuge's address;
- never a sensitive case note, whoever is looking.

Each source runs a fixed number of queries whatever the length of the history (select_related and
prefetching, never a query per record), and each has its own test in tests/journey/.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from waymark.organisations.roles import Role
from waymark.people.models import Person


class EntryKind(models.TextChoices):
    """The kinds of record a journey shows, in the order the filter offers them."""

    REFERRAL = "referral", "Referrals"
    RISK = "risk", "Risk assessments"
    INCIDENT = "incident", "Incidents"
    CASE = "case", "Case status changes"
    CONTACT = "contact", "Contact attempts"
    NOTE = "note", "Case notes"
    PLAN = "plan", "Safety and support plans"
    INTERVENTION = "intervention", "Interventions"
    LEGAL_ORDER = "legal_order", "Legal orders"
    MARAC = "marac", "MARAC"
    OUTCOME = "outcome", "Outcome measures"
    PROGRAMME = "programme", "Perpetrator programme"


@dataclass(frozen=True)
class Entry:
    """One thing that happened, as the journey shows it. Holds no location and no free text."""

    kind: EntryKind
    on: datetime.date
    title: str
    at: datetime.datetime | None = None
    byline: str = ""
    details: tuple[str, ...] = ()
    url: str = ""
    tag: str = ""
    tag_colour: str = ""
    # Breaks ties between entries of the same moment (lower is earlier), e.g. "received" before
    # "triaged" on the same day.
    order: int = field(default=0)

    @property
    def sort_key(self) -> tuple[datetime.date, datetime.time, int]:
        moment = timezone.localtime(self.at).time() if self.at else datetime.time.min
        return (self.on, moment, self.order)


Source = Callable[[Any, Person], list[Entry]]

SOURCES: dict[EntryKind, Source] = {}


def source(kind: EntryKind) -> Callable[[Source], Source]:
    """Register ``function`` as the source of ``kind`` entries (one source per kind)."""

    def decorator(function: Source) -> Source:
        if kind in SOURCES:
            raise ValueError(f"A source for {kind} is already registered.")
        SOURCES[kind] = function
        return function

    return decorator


def journey_for(user: Any, person: Person, kinds: Iterable[EntryKind] | None = None) -> list[Entry]:
    """Every entry ``user`` may see about ``person``, newest first; only ``kinds`` when given."""
    wanted = set(SOURCES) if kinds is None else set(kinds) & set(SOURCES)
    entries: list[Entry] = []
    for kind, build in SOURCES.items():
        if kind in wanted:
            entries.extend(build(user, person))
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries


def _name(user: Any) -> str:
    """A member of staff's name for a byline (never their email address)."""
    return (getattr(user, "full_name", "") or "") if user is not None else ""


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


# --- Referrals -------------------------------------------------------------------------------


@source(EntryKind.REFERRAL)
def referrals(user: Any, person: Person) -> list[Entry]:
    """Referrals of this person to the service, and each decision on them.

    Rule: ``Referral.objects.visible_to`` (the receiving service). A referring agency follows its
    referrals' status on its own page and cannot see the person, so it never reaches a journey.
    """
    from waymark.referrals.choices import ReferralSource, VawgCategory
    from waymark.referrals.models import Referral, ReferralStatusChange
    from waymark.referrals.states import ReferralStatus

    found = (
        Referral.objects.visible_to(user)
        .filter(subject=person)
        .select_related("referring_agency")
        .prefetch_related(
            Prefetch("status_changes", queryset=ReferralStatusChange.objects.select_related("changed_by"))
        )
    )
    entries: list[Entry] = []
    for referral in found:
        url = reverse("referrals:detail", args=[referral.pk])
        if referral.source == ReferralSource.SELF_REFERRAL:
            origin = "Self-referral"
        elif referral.referring_agency is not None:
            origin = f"Referred by {referral.referring_agency.name}"
        else:
            origin = referral.get_source_display()
        details = [origin]
        if referral.vawg_category:
            details.append(f"Category: {VawgCategory(referral.vawg_category).label}")
        if referral.abuse_types:
            details.append("Abuse: " + ", ".join(referral.abuse_type_labels).lower().capitalize())
        entries.append(
            Entry(
                kind=EntryKind.REFERRAL,
                on=referral.received_on,
                title=f"Referral {referral.number} received",
                details=tuple(details),
                url=url,
            )
        )
        for change in referral.status_changes.all():
            if not change.from_status:  # the arrival itself: the entry above
                continue
            entries.append(
                Entry(
                    kind=EntryKind.REFERRAL,
                    on=_local_date(change.changed_at),
                    at=change.changed_at,
                    title=f"Referral {referral.number} {ReferralStatus(change.to_status).label.lower()}",
                    byline=_name(change.changed_by),
                    url=url,
                    order=1,
                )
            )
    return entries


# --- Risk and incidents ----------------------------------------------------------------------

RISK_TAG_COLOURS = {"standard": "grey", "medium": "yellow", "high": "red"}


@source(EntryKind.RISK)
def risk_assessments(user: Any, person: Person) -> list[Entry]:
    """Risk checklists completed with this person. Rule: ``RiskAssessment.objects.visible_to``
    (a risk role and sight of the person). The judgement reason is free text: never shown."""
    from waymark.risk.models import RiskAssessment

    found = RiskAssessment.objects.visible_to(user).filter(person=person).select_related("agency", "assessed_by")
    entries = []
    for assessment in found:
        details = [f"{assessment.yes_count} 'yes' answers: scored {assessment.get_scored_level_display().lower()}"]
        if assessment.raised_by_judgement:
            details.append("Raised by professional judgement")
        if assessment.agency is not None:
            details.append(f"Completed by {assessment.agency.name}")
        entries.append(
            Entry(
                kind=EntryKind.RISK,
                on=assessment.assessed_on,
                title="Risk checklist",
                byline=_name(assessment.assessed_by),
                details=tuple(details),
                url=reverse("risk:detail", args=[assessment.pk]),
                tag=f"{assessment.get_final_level_display()} risk",
                tag_colour=RISK_TAG_COLOURS.get(assessment.final_level, "grey"),
                order=2,
            )
        )
    return entries


@source(EntryKind.INCIDENT)
def incidents(user: Any, person: Person) -> list[Entry]:
    """Incidents this person was harmed in or caused. Rule: ``Incident.objects.visible_to`` (a risk
    role and sight of the victim). What happened is free text: never shown; nor is the other person."""
    from waymark.incidents.models import Incident

    found = Incident.objects.visible_to(user).filter(Q(victim=person) | Q(perpetrator=person)).select_related("agency")
    entries = []
    for incident in found:
        details = ["As the person causing harm" if incident.perpetrator_id == person.pk else "As the person harmed"]
        if incident.agency is not None:
            details.append(f"Recorded by {incident.agency.name}")
        entries.append(
            Entry(kind=EntryKind.INCIDENT, on=incident.occurred_on, title="Incident", details=tuple(details))
        )
    return entries


# --- Cases: status changes, contact attempts, notes -----------------------------------------


def _cases(user: Any, person: Person) -> Any:
    """This person's cases the user may see (``waymark.cases.access.cases_visible_to``)."""
    from waymark.cases.models import Case

    return Case.objects.visible_to(user).filter(person=person)


# How each move reads on the timeline ("Case C-2026-000123 reopened").
CASE_STATUS_WORDS = {
    "awaiting_allocation": "reopened: awaiting allocation",
    "engaged": "engaged: the person took up support",
    "active": "active",
    "closure_requested": "closure requested",
}


@source(EntryKind.CASE)
def case_status_changes(user: Any, person: Person) -> list[Entry]:
    """Each move of this person's cases through the lifecycle. Rule: ``Case.objects.visible_to``.
    The reason given is free text: never shown; a closure shows its reason's label."""
    from waymark.cases.models import CaseStatusChange
    from waymark.cases.states import CaseStatus, ClosureReason

    found = CaseStatusChange.objects.filter(case__in=_cases(user, person)).select_related("case", "changed_by")
    entries = []
    for change in found:
        case = change.case
        status = CaseStatus(change.to_status)
        if not change.from_status:
            title = f"Case {case.number} opened"
        else:
            title = f"Case {case.number} {CASE_STATUS_WORDS.get(status, status.label.lower())}"
        details: tuple[str, ...] = ()
        if status == CaseStatus.CLOSED and case.closure_reason and case.closed_on == _local_date(change.changed_at):
            details = (f"Reason: {ClosureReason(case.closure_reason).label}",)
        entries.append(
            Entry(
                kind=EntryKind.CASE,
                on=_local_date(change.changed_at),
                at=change.changed_at,
                title=title,
                byline=_name(change.changed_by),
                details=details,
                url=reverse("cases:detail", args=[case.pk]),
                order=3,
            )
        )
    return entries


@source(EntryKind.CONTACT)
def contact_attempts(user: Any, person: Person) -> list[Entry]:
    """Attempts to reach this person. Rule: ``Case.objects.visible_to``. Only the kind of contact
    and its outcome: never the phone, email or address used, never what was said."""
    from waymark.cases.models import ContactAttempt

    found = ContactAttempt.objects.filter(case__in=_cases(user, person)).select_related("case", "recorded_by")
    entries = []
    for attempt in found:
        entries.append(
            Entry(
                kind=EntryKind.CONTACT,
                on=_local_date(attempt.attempted_at),
                at=attempt.attempted_at,
                title=f"Contact attempt: {attempt.get_kind_display().lower()}",
                byline=_name(attempt.recorded_by),
                details=(attempt.get_outcome_display(), f"Case {attempt.case.number}"),
                url=reverse("cases:detail", args=[attempt.case_id]),
                tag="Successful" if attempt.successful else "",
                tag_colour="green" if attempt.successful else "",
            )
        )
    return entries


@source(EntryKind.NOTE)
def case_notes(user: Any, person: Person) -> list[Entry]:
    """That a note was written, by whom and on which case: never its text, which is read on the
    case page under ``waymark.cases.access.notes_visible_to``. Rule: ``Case.objects.visible_to``;
    ordinary notes are readable by everyone who may see the case. A sensitive note is never an
    entry, whoever is looking: even its existence would tell a colleague something."""
    from waymark.cases.models import CaseNote

    found = CaseNote.objects.filter(case__in=_cases(user, person), sensitive=False).select_related("case", "written_by")
    return [
        Entry(
            kind=EntryKind.NOTE,
            on=_local_date(note.written_at),
            at=note.written_at,
            title=f"Case note on {note.case.number}",
            byline=_name(note.written_by),
            url=reverse("cases:detail", args=[note.case_id]),
        )
        for note in found
    ]


# --- MARAC -----------------------------------------------------------------------------------

# Who may learn that a person was referred to and heard at MARAC, until waymark/marac has its own
# scope for MARAC referrals: the roles that work with risk (they refer to MARAC and act on its plan).
MARAC_JOURNEY_ROLES = frozenset({Role.CASEWORKER, Role.TEAM_MANAGER, Role.MARAC_COORDINATOR})


@source(EntryKind.MARAC)
def marac_appearances(user: Any, person: Person) -> list[Entry]:
    """Referrals of this person (as victim) to MARAC and the meetings that heard them: the date and
    that the case was heard, never the research, the discussion or the actions.

    Rule: a role in ``MARAC_JOURNEY_ROLES`` and sight of the person (checked by the caller).
    Appearances as the person causing harm are not shown: the perpetrator is never told of a MARAC.
    """
    from waymark.marac.models import Criterion, MaracCase, MaracCaseStatus

    if not (MARAC_JOURNEY_ROLES & user.roles):
        return []
    found = MaracCase.objects.filter(victim=person).select_related("meeting", "referring_agency")
    entries = []
    for marac_case in found:
        criteria = [Criterion(value).label.lower() for value in marac_case.criteria if value in Criterion.values]
        details = []
        if marac_case.referring_agency is not None:
            details.append(f"Referred by {marac_case.referring_agency.name}")
        if criteria:
            details.append("Criteria: " + ", ".join(criteria))
        status = MaracCaseStatus(marac_case.status)
        if status in (MaracCaseStatus.NOT_ACCEPTED, MaracCaseStatus.WITHDRAWN):
            details.append(status.label)
        entries.append(
            Entry(kind=EntryKind.MARAC, on=marac_case.referred_on, title="Referred to MARAC", details=tuple(details))
        )
        meeting = marac_case.meeting
        if status == MaracCaseStatus.HEARD and meeting is not None:
            entries.append(
                Entry(
                    kind=EntryKind.MARAC,
                    on=meeting.held_on,
                    title="Heard at MARAC",
                    details=(f"{meeting.get_kind_display()} meeting",),
                    tag="Heard",
                    tag_colour="purple",
                    order=4,
                )
            )
    return entries


# --- Outcomes --------------------------------------------------------------------------------

FREQUENCY_FIELDS = ("physical", "sexual", "harassment_stalking", "jealous_controlling", "economic", "online")


@source(EntryKind.OUTCOME)
def outcome_measures(user: Any, person: Person) -> list[Entry]:
    """Outcome measures about this person (as a case's client or a child on it), at intake, review
    and exit. Rule: the case is in ``Case.objects.visible_to``."""
    from waymark.cases.models import Case
    from waymark.outcomes.models import AbuseKind, Frequency, OutcomeMeasure

    found = OutcomeMeasure.objects.filter(subject=person, case__in=Case.objects.visible_to(user)).select_related(
        "case", "recorded_by", "risk_assessment"
    )
    entries = []
    for measure in found:
        happening = [
            AbuseKind(name).label.lower()
            for name in FREQUENCY_FIELDS
            if getattr(measure, name) and getattr(measure, name) != Frequency.NONE
        ]
        answered = [name for name in FREQUENCY_FIELDS if getattr(measure, name)]
        details = []
        if answered:
            details.append(
                "Abuse still happening: " + ", ".join(happening) if happening else "No abuse happening, as they report"
            )
        for label, value in (
            ("Feeling safe", measure.get_feeling_safe_display()),
            ("Wellbeing", measure.get_wellbeing_display()),
            ("Quality of life", measure.get_quality_of_life_display()),
        ):
            if value:
                details.append(f"{label}: {value}")
        if measure.risk_assessment is not None:
            details.append(f"Risk level: {measure.risk_assessment.get_final_level_display().lower()}")
        entries.append(
            Entry(
                kind=EntryKind.OUTCOME,
                on=measure.measured_on,
                title=f"{measure.get_stage_display()} outcomes",
                byline=_name(measure.recorded_by),
                details=tuple(details),
                url=reverse("cases:detail", args=[measure.case_id]),
                order=5,
            )
        )
    return entries
