"""Demo MARAC work in progress: what the coordinator finds on Tuesday for Thursday's meeting.

The history (``marac_history.py``) ends with the last fortnightly meeting held. This adds what a
live MARAC has on top of it, made through the same actions the pages use (so referrals, triage,
the agenda and research are audited and follow every rule):

- the last meeting's record: attendance, chair, minutes and the actions agreed, most still open,
  so that they come back for review at the next meeting;
- the regular schedule for the next eight weeks (fortnightly, on the history's Thursdays);
- Thursday's agenda: sixteen cases referred from open IDVA cases (visible high risk or the IDVA's
  professional judgement), accepted and listed, with the police and housing representatives'
  research recorded for some of them;
- flag and tag: new police incidents for pairs heard at MARAC in the last year raise alerts; the
  coordinator has made repeat referrals from three of them (listed on Thursday's agenda, so it
  shows repeats under both rules) and one alert is still waiting for her;
- two more accepted referrals waiting for a meeting, and two waiting for the coordinator's triage.

Deterministic and idempotent: nothing is done when a meeting after today already exists.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field

from django.db import transaction
from django.utils import timezone

from waymark.accounts.models import User
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.marac.meetings import actions as marac_meetings
from waymark.marac.meetings import selectors as marac_selectors
from waymark.marac.models import (
    ActionStatus,
    Attendee,
    AttendeeCapacity,
    Criterion,
    MaracAction,
    MaracCase,
    MaracMeeting,
    MeetingAgency,
    MeetingStatus,
)
from waymark.marac.referrals.actions import marac_referral_create, marac_referral_decide
from waymark.organisations.models import Agency
from waymark.risk.models import RiskAssessment

SEED = 20261126
COORDINATOR = "lucy.barnes@council.example"
REPRESENTATIVES = {"SMP": "mark.turner@police.example", "SHS": "helen.ward@housing.example"}
CHAIR = "DI Rachel Moore, Southmere Police Public Protection"
VENUE = "Southmere Civic Centre, Committee Room 3 (or by video call)"
AGENDA_SIZE = 16
WAITING_FOR_A_MEETING = 2
WAITING_FOR_TRIAGE = 2
REPEATS_FROM_FLAGS = 3
FLAGS_LEFT_FOR_THE_COORDINATOR = 1

# What agencies typically hold, in the project's own invented words (no real case).
POLICE_RESEARCH = [
    "Three call-outs to the home address in the last six months, the latest a report of threats to kill. "
    "Perpetrator on police bail with conditions not to contact the victim or attend the address.",
    "Perpetrator has previous convictions for violence against a former partner (2019). One breach of a "
    "non-molestation order reported last month; investigation ongoing.",
    "No recent call-outs. Intelligence that the perpetrator has been seen near the victim's workplace; "
    "a stalking marker has been added to the address.",
    "Victim reported strangulation during the latest incident; perpetrator arrested and released under "
    "investigation. Firearms licence check: none held.",
]
HOUSING_RESEARCH = [
    "Joint council tenancy. Victim has asked about a management transfer; sanctuary assessment requested.",
    "Homelessness application opened; household in emergency temporary accommodation out of borough.",
    "Rent arrears building since the perpetrator left; referred to the tenancy panel for support.",
]
PREVIOUS_ACTIONS = [
    ("SMP", "Flag the address for an urgent response and brief the local neighbourhood team.", 3),
    ("SHS", "Complete the sanctuary assessment and arrange lock changes.", 10),
    ("SCSC", "Share the MARAC outcome with the children's allocated social worker and review the plan.", 7),
    ("SASS", "IDVA to review the safety plan with the victim, including safe contact times.", 5),
    ("NPS", "Offender manager to raise the MARAC concerns at the next supervision.", 14),
]


@dataclass
class UpcomingReport:
    meetings_scheduled: int = 0
    listed: int = 0
    awaiting_meeting: int = 0
    awaiting_triage: int = 0
    research: int = 0
    previous_actions: int = 0
    flags: int = 0
    repeats: int = 0
    notes: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        return [
            f"{self.meetings_scheduled} meetings scheduled",
            f"{self.listed} cases on the next agenda",
            f"{self.research} research entries",
            f"{self.awaiting_meeting} accepted awaiting a meeting, {self.awaiting_triage} awaiting triage",
            f"{self.previous_actions} actions from the last meeting",
            f"{self.flags} flag-and-tag alerts ({self.repeats} made repeat referrals)",
            *self.notes,
        ]


def _next_thursday_on_the_cadence(last_held: dt.date, today: dt.date) -> dt.date:
    day = last_held
    while day <= today:
        day += dt.timedelta(days=14)
    return day


def already_built(today: dt.date) -> bool:
    return MaracMeeting.objects.filter(held_on__gt=today).exists()


def _record_last_meeting(meeting: MaracMeeting, today: dt.date, rng: random.Random) -> int:
    """Attendance, chair, minutes and actions for the last meeting held (historic: written directly)."""
    agencies = list(marac_selectors.core_agencies())
    for agency in agencies:
        MeetingAgency.objects.get_or_create(meeting=meeting, agency=agency, defaults={"attended": True})
    Attendee.objects.get_or_create(
        meeting=meeting, name=CHAIR.split(",")[0], defaults={"capacity": AttendeeCapacity.CHAIR}
    )
    meeting.chair = CHAIR
    meeting.venue = VENUE
    meeting.status = MeetingStatus.HELD
    meeting.minutes_completed_at = timezone.make_aware(dt.datetime.combine(meeting.held_on, dt.time(13, 30)))
    meeting.save(update_fields=["chair", "venue", "status", "minutes_completed_at", "modified_at"])
    by_ref = {agency.ref: agency for agency in Agency.objects.all()}
    actions = []
    for case in meeting.cases.order_by("ref")[:6]:
        for ref, description, days in rng.sample(PREVIOUS_ACTIONS, 2):
            if ref not in by_ref:
                continue
            due_on = meeting.held_on + dt.timedelta(days=days)
            status = (
                ActionStatus.DONE if due_on < today - dt.timedelta(days=4) and rng.random() < 0.4 else ActionStatus.OPEN
            )
            actions.append(
                MaracAction(
                    marac_case=case,
                    agreed_at=meeting,
                    description=description,
                    owner_agency=by_ref[ref],
                    due_on=due_on,
                    status=status,
                    status_changed_at=timezone.now() if status == ActionStatus.DONE else None,
                )
            )
    MaracAction.objects.bulk_create(actions)
    return len(actions)


def _candidate_cases(limit: int) -> list[tuple[Case, RiskAssessment | None]]:
    """Open IDVA cases with a recent high-risk assessment first, then other engaged cases."""
    cases = (
        Case.objects.filter(status__in=[CaseStatus.ACTIVE, CaseStatus.ENGAGED], caseworker__isnull=False)
        .exclude(person__marac_cases_as_victim__referred_on__gte=timezone.localdate() - dt.timedelta(days=60))
        .select_related("person", "agency", "caseworker")
        .order_by("caseworker__email", "number")
    )
    chosen: list[tuple[Case, RiskAssessment | None]] = []
    fallback: list[tuple[Case, RiskAssessment | None]] = []
    for case in cases[: limit * 10]:
        latest = (
            RiskAssessment.objects.filter(person=case.person, archived_at__isnull=True).order_by("-assessed_on").first()
        )
        # The person causing harm, from the referral the case opened from.
        if case.referral is None or case.referral.person_causing_harm_id is None:
            continue
        target = chosen if latest is not None and latest.final_level == "high" else fallback
        target.append((case, latest))
        if len(chosen) >= limit:
            break
    return (chosen + fallback)[:limit]


def _refer(case: Case, latest: RiskAssessment | None) -> MaracCase:
    high = latest is not None and latest.final_level == "high"
    referral = case.referral
    assert referral is not None
    assert case.caseworker is not None  # _candidate_cases takes only cases with a caseworker
    return marac_referral_create(
        actor=case.caseworker,
        referring_agency=case.agency,
        case=case,
        victim=case.person,
        perpetrator=referral.person_causing_harm,
        risk_assessment=latest,
        criteria=[Criterion.VISIBLE_HIGH_RISK]
        if high and latest and latest.yes_count >= 14
        else [Criterion.PROFESSIONAL_JUDGEMENT],
        professional_judgement_reason=""
        if high and latest and latest.yes_count >= 14
        else "Recent separation, escalating jealousy and monitoring of her phone; she is frightened of what "
        "he will do when the court date comes. The IDVA judges the risk of serious harm to be high.",
        children_in_household=referral.children_in_household or 0,
    )


def _repeats_from_flags(coordinator: User, today: dt.date, report: UpcomingReport) -> list[MaracCase]:
    """Police incidents for pairs heard at MARAC in the last year raise flag-and-tag alerts (through
    the incident action, as a page or import would); the coordinator refers most of them again."""
    from waymark.incidents.actions import incident_record
    from waymark.marac.models import FlagAlert, FlagStatus
    from waymark.marac.repeats import heard_cases

    police = Agency.objects.filter(ref="SMP").first()
    recent = (
        heard_cases()
        .filter(perpetrator__isnull=False, referred_on__gte=today - dt.timedelta(days=300))
        .select_related("victim", "perpetrator")
        .order_by("-referred_on", "ref")
    )
    seen: set[object] = set()
    pairs = []
    for earlier in recent:
        if earlier.victim_id not in seen:
            seen.add(earlier.victim_id)
            pairs.append(earlier)
        if len(pairs) == REPEATS_FROM_FLAGS + FLAGS_LEFT_FOR_THE_COORDINATOR:
            break
    for days_ago, earlier in enumerate(pairs, start=2):
        incident_record(
            actor=None,
            victim=earlier.victim,
            perpetrator=earlier.perpetrator,
            agency=police,
            occurred_on=today - dt.timedelta(days=days_ago),
        )
    flags = list(FlagAlert.objects.filter(status=FlagStatus.NEW).select_related("earlier_case").order_by("raised_at"))
    report.flags = len(flags)
    repeats = []
    for flag in flags[:REPEATS_FROM_FLAGS]:
        earlier = flag.earlier_case
        repeats.append(
            marac_referral_create(
                actor=coordinator,
                referring_agency=coordinator.primary_agency,
                victim=earlier.victim,
                perpetrator=earlier.perpetrator,
                from_flag=flag,
                criteria=[Criterion.REPEAT],
                children_in_household=earlier.children_in_household,
            )
        )
    report.repeats = len(repeats)
    return repeats


@transaction.atomic
def build_marac_upcoming(*, today: dt.date | None = None) -> UpcomingReport | None:
    """Builds the live MARAC picture; None when it is already there or the history is missing."""
    today = today or timezone.localdate()
    if already_built(today):
        return None
    last = MaracMeeting.objects.filter(held_on__lte=today).order_by("-held_on").first()
    coordinator = User.objects.filter(email=COORDINATOR).first()
    if last is None or coordinator is None:
        return None
    rng = random.Random(SEED)  # noqa: S311 - demo data, deterministic on purpose
    report = UpcomingReport()
    report.previous_actions = _record_last_meeting(last, today, rng)

    first_on = _next_thursday_on_the_cadence(last.held_on, today)
    scheduled = marac_meetings.meeting_schedule_create(
        actor=coordinator, first_on=first_on, weeks=8, starts_at=dt.time(10, 0), venue=VENUE, chair=CHAIR
    )
    report.meetings_scheduled = len(scheduled)
    next_meeting = scheduled[0]

    repeats = _repeats_from_flags(coordinator, today, report)
    wanted = AGENDA_SIZE + WAITING_FOR_A_MEETING + WAITING_FOR_TRIAGE - len(repeats)
    candidates = _candidate_cases(wanted)
    if len(candidates) < wanted:
        report.notes.append(f"only {len(candidates)} open cases could be referred")
    referred = repeats + [_refer(case, latest) for case, latest in candidates]
    to_triage = referred[len(referred) - WAITING_FOR_TRIAGE :] if len(referred) > WAITING_FOR_TRIAGE else []
    accepted = [m for m in referred if m not in to_triage]
    for marac_case in accepted:
        marac_referral_decide(actor=coordinator, marac_case=marac_case, accept=True)
    for marac_case in accepted[:AGENDA_SIZE]:
        marac_meetings.agenda_add(actor=coordinator, meeting=next_meeting, marac_case=marac_case)
    report.listed = min(len(accepted), AGENDA_SIZE)
    report.awaiting_meeting = max(len(accepted) - AGENDA_SIZE, 0)
    report.awaiting_triage = len(to_triage)

    agencies = {agency.ref: agency for agency in Agency.objects.filter(ref__in=REPRESENTATIVES)}
    representatives = {ref: User.objects.filter(email=email).first() for ref, email in REPRESENTATIVES.items()}
    agenda = list(marac_selectors.agenda(next_meeting))
    for index, marac_case in enumerate(agenda):
        for ref, texts, share in (("SMP", POLICE_RESEARCH, 10), ("SHS", HOUSING_RESEARCH, 6)):
            user = representatives.get(ref)
            if user is None or ref not in agencies or index >= share:
                continue
            nothing_held = rng.random() < 0.2
            marac_meetings.research_record(
                actor=user,
                meeting=next_meeting,
                marac_case=marac_case,
                agency=agencies[ref],
                body="" if nothing_held else rng.choice(texts),
                no_information_held=nothing_held,
            )
            report.research += 1
    return report
