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
from typing import TYPE_CHECKING, Any

from django.db import models
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.urls import reverse
from django.utils import timezone

from waymark.people.models import Person

if TYPE_CHECKING:
    from waymark.accounts.models import User


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
    HOUSING = "housing", "Housing: homelessness and the tenancy panel"
    SAFE_ACCOMMODATION = "safe_accommodation", "Refuge and sanctuary"


@dataclass(frozen=True)
class Entry:
    """One thing that happened, as the journey shows it. Holds no location and no free text."""

    kind: EntryKind
    on: datetime.date
    title: str
    at: datetime.datetime | None = None
    # When a date-only record was written: on the day itself, its time places the entry among
    # that day's timed entries (an intake recorded after the call that engaged her sits above it).
    recorded: datetime.datetime | None = None
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
        if self.at is not None:
            moment = timezone.localtime(self.at).time()
        elif self.recorded is not None and timezone.localdate(self.recorded) == self.on:
            moment = timezone.localtime(self.recorded).time()
        else:
            moment = datetime.time.min  # recorded later: before the day's timed entries
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


def journey_for(user: User, person: Person, kinds: Iterable[EntryKind] | None = None) -> list[Entry]:
    """Every entry ``user`` may see about ``person``, newest first; only ``kinds`` when given."""
    wanted = set(SOURCES) if kinds is None else set(kinds) & set(SOURCES)
    entries: list[Entry] = []
    for kind, build in SOURCES.items():
        if kind in wanted:
            entries.extend(build(user, person))
    entries.sort(key=lambda entry: entry.sort_key, reverse=True)
    return entries


def _name(user: User | None) -> str:
    """A member of staff's name for a byline (never their email address)."""
    return (getattr(user, "full_name", "") or "") if user is not None else ""


def _local_date(moment: datetime.datetime) -> datetime.date:
    return timezone.localdate(moment) if timezone.is_aware(moment) else moment.date()


# --- Referrals -------------------------------------------------------------------------------


@source(EntryKind.REFERRAL)
def referrals(user: User, person: Person) -> list[Entry]:
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
                recorded=referral.created_at,
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
def risk_assessments(user: User, person: Person) -> list[Entry]:
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
                recorded=assessment.created_at,
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
def incidents(user: User, person: Person) -> list[Entry]:
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
            Entry(
                kind=EntryKind.INCIDENT,
                on=incident.occurred_on,
                recorded=incident.created_at,
                title="Incident",
                details=tuple(details),
            )
        )
    return entries


# --- Cases: status changes, contact attempts, notes -----------------------------------------


def _cases(user: User, person: Person) -> Any:
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
def case_status_changes(user: User, person: Person) -> list[Entry]:
    """Each move of this person's cases through the lifecycle. Rule: ``Case.objects.visible_to``.
    The reason given is free text: never shown; a closure shows its reason's label."""
    from waymark.cases.models import CaseStatusChange
    from waymark.cases.states import CaseStatus, ClosureReason

    found = CaseStatusChange.objects.visible_to(user).filter(case__person=person).select_related("case", "changed_by")
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
def contact_attempts(user: User, person: Person) -> list[Entry]:
    """Attempts to reach this person. Rule: ``Case.objects.visible_to``. Only the kind of contact
    and its outcome: never the phone, email or address used, never what was said."""
    from waymark.cases.models import ContactAttempt

    found = ContactAttempt.objects.visible_to(user).filter(case__person=person).select_related("case", "recorded_by")
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
def case_notes(user: User, person: Person) -> list[Entry]:
    """That a note was written, by whom and on which case: never its text, which is read on the
    case page under ``waymark.cases.access.notes_visible_to``. Rule: cases' own
    ``notes_listed_beyond_the_case`` (the notes ``CaseNote.objects.visible_to`` lets the user read,
    less every sensitive note): a sensitive note is never an entry, whoever is looking."""
    from waymark.cases.access import notes_listed_beyond_the_case

    found = notes_listed_beyond_the_case(user).filter(case__person=person).select_related("case", "written_by")
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


@source(EntryKind.MARAC)
def marac_appearances(user: User, person: Person) -> list[Entry]:
    """Referrals of this person (as victim) to MARAC and the meetings that heard them: the date and
    that the case was heard, never the research, the discussion, the risks identified or the actions.

    Rule: the MARAC referral is in one of ``waymark/marac``'s scopes: read in full
    (``marac_referrals_visible_to``: the coordinator), its status followed by the agency that made
    it (``marac_referral_status_visible_to``), or on the agenda of a meeting the user takes part in
    (``MaracCase.objects.visible_to``); together, ``MaracCase.objects.journey_visible_to``. Only a
    full reader sees the criteria. Appearances as the person causing harm are never entries: the
    perpetrator is never told of a MARAC.
    """
    from waymark.marac.models import Criterion, MaracCase, MaracCaseStatus
    from waymark.marac.referrals.access import marac_referrals_visible_to

    full = marac_referrals_visible_to(user).filter(victim=person).values("pk")
    found = (
        MaracCase.objects.journey_visible_to(user)
        .filter(victim=person)
        .select_related("meeting", "referring_agency")
        .annotate(read_in_full=Exists(full.filter(pk=OuterRef("pk"))))
    )
    entries = []
    for marac_case in found:
        details = []
        if marac_case.referring_agency is not None:
            details.append(f"Referred by {marac_case.referring_agency.name}")
        if marac_case.read_in_full:  # type: ignore[attr-defined]  # annotated above
            criteria = [Criterion(value).label.lower() for value in marac_case.criteria if value in Criterion.values]
            if criteria:
                details.append("Criteria: " + ", ".join(criteria))
        status = MaracCaseStatus(marac_case.status)
        if status != MaracCaseStatus.HEARD:
            details.append(status.label)
        entries.append(
            Entry(
                kind=EntryKind.MARAC,
                on=marac_case.referred_on,
                recorded=marac_case.created_at,
                title="Referred to MARAC",
                details=tuple(details),
            )
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
def outcome_measures(user: User, person: Person) -> list[Entry]:
    """Outcome measures about this person (as a case's client or a child on it), at intake, review
    and exit. Rule: the case is in ``Case.objects.visible_to``."""
    from waymark.outcomes.models import AbuseKind, Frequency, OutcomeMeasure

    found = (
        OutcomeMeasure.objects.visible_to(user)
        .filter(subject=person)
        .select_related("case", "recorded_by", "risk_assessment")
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
                recorded=measure.created_at,
                title=f"{measure.get_stage_display()} outcomes",
                byline=_name(measure.recorded_by),
                details=tuple(details),
                url=reverse("cases:detail", args=[measure.case_id]),
                order=5,
            )
        )
    return entries


# --- Support: safety and support plans, interventions, legal orders --------------------------


@source(EntryKind.PLAN)
def plans(user: User, person: Person) -> list[Entry]:
    """Safety plans made and reviewed, support needs identified and goals agreed and moved on.

    Rules (``waymark/support/access.py``): a safety plan through ``SafetyPlan.objects.visible_to``,
    narrower than the case because a plan says where the client would go; needs, goals and progress
    through ``case_records_visible_to`` (whoever may see the case). A safety plan's sections and a
    goal's wording are free text: never shown. A child's needs are on the child's journey.
    """
    from waymark.support.models import Goal, GoalProgress, Need, SafetyPlan

    entries = []
    safety_plans = SafetyPlan.objects.visible_to(user).filter(case__person=person).select_related("case", "reviewed_by")
    for plan in safety_plans:
        entries.append(
            Entry(
                kind=EntryKind.PLAN,
                on=plan.reviewed_on,
                recorded=plan.created_at,
                title="Safety plan made" if plan.version == 1 else f"Safety plan reviewed (version {plan.version})",
                byline=_name(plan.reviewed_by),
                details=(f"Next review by {plan.next_review_on:%-d %B %Y}",),
                url=reverse("support:safety_plan", args=[plan.case_id]),
                order=6,
            )
        )
    theirs = Q(child=person) | Q(child__isnull=True, case__person=person)
    for need in Need.objects.visible_to(user).filter(theirs).select_related("identified_by"):
        entries.append(
            Entry(
                kind=EntryKind.PLAN,
                on=need.identified_on,
                recorded=need.created_at,
                title=f"Support need: {need.get_domain_display().lower()}",
                byline=_name(need.identified_by),
                details=(f"{need.get_level_display()} priority",),
                url=reverse("support:support_plan", args=[need.case_id]),
                order=6,
            )
        )
    goal_scope = Q(need__child=person) | Q(need__child__isnull=True, need__case__person=person)
    for goal in Goal.objects.visible_to(user).filter(goal_scope).select_related("need", "set_by"):
        entries.append(
            Entry(
                kind=EntryKind.PLAN,
                on=goal.set_on,
                recorded=goal.created_at,
                title=f"Goal agreed: {goal.need.get_domain_display().lower()}",
                byline=_name(goal.set_by),
                details=(f"Hoped for by {goal.target_on:%-d %B %Y}",),
                url=reverse("support:support_plan", args=[goal.need.case_id]),
                order=7,
            )
        )
    progress_scope = Q(goal__need__child=person) | Q(goal__need__child__isnull=True, goal__need__case__person=person)
    for update in (
        GoalProgress.objects.visible_to(user).filter(progress_scope).select_related("goal__need", "recorded_by")
    ):
        entries.append(
            Entry(
                kind=EntryKind.PLAN,
                on=update.recorded_on,
                recorded=update.created_at,
                title=f"Goal {update.get_status_display().lower()}: {update.goal.need.get_domain_display().lower()}",
                byline=_name(update.recorded_by),
                url=reverse("support:support_plan", args=[update.goal.need.case_id]),
                order=8,
            )
        )
    return entries


@source(EntryKind.INTERVENTION)
def interventions(user: User, person: Person) -> list[Entry]:
    """Services offered, started and ended, for the client or for a child on the case.

    Rule: ``Intervention.objects.visible_to`` (whoever may see the case). What came of it is free
    text: never shown. The provider of safe accommodation is not named: it can say where someone is.
    """
    from waymark.support.choices import InterventionStatus, ServiceCategory
    from waymark.support.models import Intervention

    theirs = Q(child=person) | Q(child__isnull=True, case__person=person)
    found = (
        Intervention.objects.visible_to(user).filter(theirs).select_related("service__provider_agency", "recorded_by")
    )
    entries = []
    for intervention in found:
        service = intervention.service
        details: tuple[str, ...] = ()
        if service.category != ServiceCategory.SAFE_ACCOMMODATION and service.provider:
            details = (f"Provided by {service.provider}",)
        url = reverse("support:interventions", args=[intervention.case_id])
        moments = [(intervention.offered_on, f"Offered: {service.name}", 0)]
        if intervention.started_on:
            moments.append((intervention.started_on, f"Started: {service.name}", 1))
        if intervention.ended_on:
            status = InterventionStatus(intervention.status)
            moments.append((intervention.ended_on, f"{status.label}: {service.name}", 2))
        for on, title, step in moments:
            entries.append(
                Entry(
                    kind=EntryKind.INTERVENTION,
                    on=on,
                    title=title,
                    byline=_name(intervention.recorded_by) if step == 0 else "",
                    details=details,
                    url=url,
                    order=9 + step,
                )
            )
    return entries


@source(EntryKind.LEGAL_ORDER)
def legal_orders(user: User, person: Person) -> list[Entry]:
    """Orders protecting this person (or made against them): applied for, granted, with expiry.

    Rule: ``LegalOrder.objects.visible_to`` (whoever may see the case). Its terms are free text:
    never shown.
    """
    from waymark.support.choices import OrderStatus
    from waymark.support.models import LegalOrder

    found = (
        LegalOrder.objects.visible_to(user)
        .filter(Q(protects=person) | Q(against=person))
        .distinct()
        .select_related("recorded_by")
    )
    today = timezone.localdate()
    entries = []
    for order in found:
        side = "Made against them" if order.against_id == person.pk else "Protecting them"
        url = reverse("support:orders", args=[order.case_id])
        kind = order.get_kind_display()
        if order.applied_on:
            entries.append(
                Entry(
                    kind=EntryKind.LEGAL_ORDER,
                    on=order.applied_on,
                    title=f"Applied for: {kind}",
                    details=(side,),
                    url=url,
                )
            )
        if order.status == OrderStatus.GRANTED and order.granted_on:
            expiry = f"Expires {order.expires_on:%-d %B %Y}" if order.expires_on else "No expiry date"
            expired = order.is_expired(today)
            entries.append(
                Entry(
                    kind=EntryKind.LEGAL_ORDER,
                    on=order.granted_on,
                    title=f"Granted: {kind}",
                    details=(side, expiry),
                    url=url,
                    tag="Expired" if expired else "In force",
                    tag_colour="grey" if expired else "green",
                    order=1,
                )
            )
        elif order.status != OrderStatus.APPLIED:
            on = order.granted_on or order.applied_on
            if on:
                entries.append(
                    Entry(
                        kind=EntryKind.LEGAL_ORDER,
                        on=on,
                        title=f"{order.get_status_display()}: {kind}",
                        details=(side,),
                        url=url,
                        order=1,
                    )
                )
    return entries


# --- Perpetrator programme -------------------------------------------------------------------


@source(EntryKind.PROGRAMME)
def programme(user: User, person: Person) -> list[Entry]:
    """The perpetrator programme: on a participant's journey for their programme workers, and on a
    victim's journey for whoever may see the victim's case (status and risk flags only).

    Rules (``waymark/perpetrators/access.py``): ``Enrolment.objects.visible_to`` for the
    participant; ``programme_for_victim_case`` for the victim. Never attendance, session notes,
    assessments, behaviour outcomes or a flag's detail on the victim's side; never the victim's
    name or anything about them on the participant's side.
    """
    from waymark.perpetrators.access import programme_for_victim_case
    from waymark.perpetrators.models import Enrolment, RiskFlag

    entries: list[Entry] = []
    as_participant = Enrolment.objects.visible_to(user).filter(participant=person).select_related("agency")
    for enrolment in as_participant:
        entries.extend(_enrolment_entries(enrolment, url=reverse("perpetrators:detail", args=[enrolment.pk])))
    case = _cases(user, person).order_by().first()
    if case is not None:
        links = programme_for_victim_case(user, case)
        enrolments = {link.enrolment_id: link.enrolment for link in links}
        for enrolment in enrolments.values():
            name = enrolment.participant.full_name or "A person causing harm"
            entries.extend(_enrolment_entries(enrolment, about=name))
        flags = RiskFlag.objects.visible_to(user).filter(enrolment__in=list(enrolments))
        for flag in flags.select_related("enrolment__participant"):
            entries.append(
                Entry(
                    kind=EntryKind.PROGRAMME,
                    on=flag.raised_on,
                    title=f"Programme risk flag: {flag.get_kind_display().lower()}",
                    details=(f"About {flag.enrolment.participant.full_name or 'a person causing harm'}",),
                    tag="Risk flag",
                    tag_colour="orange",
                    order=5,
                )
            )
    return entries


def _enrolment_entries(enrolment: Any, *, url: str = "", about: str = "") -> list[Entry]:
    """Referral, assessment, start and end of one programme place: status and dates only."""
    from waymark.perpetrators.choices import EnrolmentStatus

    who = f"{about}: " if about else ""
    agency = (f"Run by {enrolment.agency.name}",)
    moments: list[tuple[Any, str, tuple[str, ...]]] = [
        (enrolment.referred_on, f"{who}referred to the perpetrator programme", agency)
    ]
    if enrolment.assessed_on:
        suitable = enrolment.status != EnrolmentStatus.NOT_SUITABLE
        moments.append((enrolment.assessed_on, f"{who}assessed as {'suitable' if suitable else 'not suitable'}", ()))
    if enrolment.starts_on:
        moments.append(
            (enrolment.starts_on, f"{who}programme started", (f"{enrolment.sessions_planned} weekly sessions planned",))
        )
    if enrolment.ended_on:
        ending = enrolment.get_drop_out_reason_display() if enrolment.drop_out_reason else ""
        moments.append(
            (enrolment.ended_on, f"{who}{enrolment.get_status_display().lower()}", (ending,) if ending else ())
        )
    return [
        Entry(
            kind=EntryKind.PROGRAMME,
            on=on,
            title=title[0].upper() + title[1:],
            details=details,
            url=url,
            order=step,
        )
        for step, (on, title, details) in enumerate(moments)
    ]
