"""Demo casework: cases, contacts, risk reassessments and outcome measures for the demo referrals.

The demo volumes (``waymark/demo/volumes.py``) load years of referrals, every one older than 60
days accepted. Here each accepted demo referral opens a case, and the case lives a plausible
life: allocation, contact attempts (most people reached within the 2-working-day standard),
engagement for about three in four, a risk checklist at engagement and a reassessment within 3
months that is lower for most, outcome measures at intake, every review and exit, and closure
with a reason approved by the team manager. Nothing is a stored figure: the outcomes report
(``manage.py report outcomes``) counts these records by its own definitions, and with
``--from 2013-04-01 --to 2018-09-30`` (the seed briefing's half-year) it shows about the seed's
8,156 supported and 85% with reduced risk. See docs/demo.md.

Each case is planned from its own random stream (the fixed seed and the referral's reference),
so the same referral always gets the same case whatever else is in the database: deterministic.
Everything is written with ``bulk_create`` in chunks, and nothing is done when the demo cases are
already there: idempotent. Cases open today are shared among the demo team so that Amara Okafor,
the demo IDVA, holds about forty in every state a real caseload has.
"""

from __future__ import annotations

import itertools
import random
import time as clock
import uuid
import zoneinfo
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone

from waymark.cases.models import (
    Case,
    CaseNote,
    CaseNumberSequence,
    CaseStatusChange,
    ContactAttempt,
    ContactChannelKind,
    ContactOutcome,
    Task,
)
from waymark.cases.states import CaseStatus, ClosureReason
from waymark.core.dates import add_months, add_working_days, is_working_day
from waymark.core.sequences import next_references
from waymark.outcomes.models import AbuseKind, Frequency, OutcomeMeasure, Stage
from waymark.risk.choices import AssessmentSource, RiskLevel

SEED = 20158156
REF_PREFIX = "SD-C"  # demo cases; their assessments are SD-CA..., never clashing with volumes' SD-A...
ASSESSMENT_PREFIX = "SD-CA"
HOLDER_REF = "SASS"
INSTRUMENT = "dash24"
CHUNK = 2000

# The seed briefing reports figures "since 2013" in a paper for October 2018 whose latest
# quarter is Q2 of 2018/19: the demo reproduces them for 1 April 2013 to 30 September 2018.
SEED_FROM = date(2013, 4, 1)
SEED_TO = date(2018, 9, 30)

# --- How cases go (shares of accepted referrals / of engaged clients) ----------------------------
ENGAGE_SHARE = 0.81  # reached and engaged (the seed: 8,156 of 10,051); the rest declined or were never reached
DECLINED_SHARE_OF_REST = 0.4
# The IDVA's checklist at engagement: people disclose more to a specialist than at the incident.
BASELINE_LEVELS = [(RiskLevel.HIGH, 38), (RiskLevel.MEDIUM, 57), (RiskLevel.STANDARD, 5)]
# Of those engaged at medium or high risk, the share reassessed lower within 3 months.
REDUCED_SHARE = 0.935
NO_EARLY_REASSESSMENT_SHARE = 0.02  # disengaged before any reassessment
BRIEF_INTERVENTION_SHARE = 0.15  # closed straight from "engaged", without an active phase
# Working days from referral to the first successful contact, for people who are reached.
FIRST_CONTACT_DELAY = [(0, 55), (1, 25), (2, 9), (3, 4), (4, 3), (5, 2), (7, 1), (10, 1)]

CHANNELS = [
    (ContactChannelKind.PHONE_CALL, 70),
    (ContactChannelKind.TEXT_MESSAGE, 12),
    (ContactChannelKind.VIA_PROFESSIONAL, 8),
    (ContactChannelKind.IN_PERSON, 5),
    (ContactChannelKind.EMAIL, 5),
]
ENGAGED_CLOSURES = [
    (ClosureReason.SUPPORT_COMPLETED, 72),
    (ClosureReason.DISENGAGED, 10),
    (ClosureReason.MOVED_AWAY, 6),
    (ClosureReason.TRANSFERRED, 6),
    (ClosureReason.CLIENT_DECLINED, 5),
    (ClosureReason.DECEASED, 0.2),
]
CLOSURE_NOTES: dict[str, str] = {
    ClosureReason.SUPPORT_COMPLETED: "Support plan goals met; safety plan in place and risk reduced. Client knows how to return.",
    ClosureReason.DISENGAGED: "No response to calls, texts or letters for four weeks after the last contact.",
    ClosureReason.MOVED_AWAY: "Client moved out of the borough; details of the local service given.",
    ClosureReason.TRANSFERRED: "Transferred to the specialist service in the client's new area with consent.",
    ClosureReason.CLIENT_DECLINED: "Client said she no longer wants support; told she can self-refer at any time.",
    ClosureReason.UNABLE_TO_CONTACT: "Five attempts over three weeks on every safe channel, and the referrer told.",
    ClosureReason.DECEASED: "Client died (not related to domestic abuse).",
    ClosureReason.OTHER: "Re-referred: support continues on the new case.",
}

# Referral abuse types -> the outcome measures' abuse kinds.
ABUSE_KINDS = {
    "physical": AbuseKind.PHYSICAL,
    "sexual": AbuseKind.SEXUAL,
    "harassment_stalking": AbuseKind.HARASSMENT_STALKING,
    "coercive_control": AbuseKind.JEALOUS_CONTROLLING,
    "psychological": AbuseKind.JEALOUS_CONTROLLING,
    "emotional": AbuseKind.JEALOUS_CONTROLLING,
    "economic": AbuseKind.ECONOMIC,
    "online": AbuseKind.ONLINE,
}
ABUSE_KIND_VALUES: list[str] = [str(kind) for kind in AbuseKind.values]
FREQUENCIES = [Frequency.NONE, Frequency.LESS_THAN_MONTHLY, Frequency.MONTHLY, Frequency.WEEKLY, Frequency.DAILY]
INTAKE_FREQUENCY = [(4, 25), (3, 35), (2, 20), (1, 15), (0, 5)]  # index into FREQUENCIES
# How readily each kind stops (online abuse and stalking outlast the others).
STOPS = {
    AbuseKind.PHYSICAL: 1.1,
    AbuseKind.SEXUAL: 1.1,
    AbuseKind.HARASSMENT_STALKING: 0.8,
    AbuseKind.JEALOUS_CONTROLLING: 0.85,
    AbuseKind.ECONOMIC: 0.9,
    AbuseKind.ONLINE: 0.75,
}

TASK_TITLES = [
    "Chase the court for the non-molestation order hearing date",
    "Follow up the housing application with Housing Solutions",
    "Book the sanctuary scheme survey",
    "Call back after the MARAC meeting",
    "Review the safety plan with the client",
    "Book an interpreter for the next appointment",
    "Check in after the court date",
    "Send the benefits check referral",
    "Update children's social care before the core group",
    "Confirm the counselling assessment date",
]
NOTE_TEXTS = [
    "Spoke with the client; safe to call on weekday mornings only. Safety plan reviewed.",
    "Client attended the drop-in. Discussed the housing options and the legal surgery.",
    "Left no message: the client had said voicemail is not safe.",
    "Client reports no contact from the person causing harm since the order was served.",
]


# --- Who does the work ----------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoWorker:
    email: str
    full_name: str
    job_title: str
    team: str
    login: bool  # a demo login from partnership.py; the others are records only (no password)


WORKERS: list[DemoWorker] = [
    DemoWorker("amara.okafor@sass.example", "Amara Okafor", "IDVA", "IDVA Team", True),
    DemoWorker("hannah.price@sass.example", "Hannah Price", "Advocacy caseworker", "Advocacy Team", True),
    # Colleagues who hold the rest of the team's caseload. They cannot sign in.
    DemoWorker("chloe.bennett@sass.example", "Chloe Bennett", "IDVA", "IDVA Team", False),
    DemoWorker("farah.hussain@sass.example", "Farah Hussain", "Senior IDVA", "IDVA Team", False),
    DemoWorker("joanne.kelly@sass.example", "Joanne Kelly", "Advocacy caseworker", "Advocacy Team", False),
    DemoWorker("marta.nowak@sass.example", "Marta Nowak", "Advocacy caseworker", "Advocacy Team", False),
]
MANAGER_EMAIL = "grace.mensah@sass.example"
AMARA_EMAIL = "amara.okafor@sass.example"
AMARA_OPEN_CASES = 40
# Historic cases are shared by everyone; the four colleagues hold more of today's open cases.
HISTORIC_WEIGHTS = [1.0, 1.0, 1.0, 1.0, 1.0, 1.0]


@dataclass
class _Team:
    workers: list[Any]  # User
    teams: dict[Any, Any]  # user id -> Team
    manager: Any
    agency: Any


def _ensure_team() -> _Team:
    from waymark.accounts.models import User
    from waymark.core.roles import Role
    from waymark.organisations.models import Agency, Membership, Team

    agency = Agency.objects.get(ref=HOLDER_REF)
    users, teams = [], {}
    for worker in WORKERS:
        user = User.objects.filter(email=worker.email).first()
        if user is None:
            if worker.login:
                raise RuntimeError(f"The demo partnership has no {worker.email}: run build_partnership first.")
            user = User(email=worker.email, full_name=worker.full_name, job_title=worker.job_title)
            user.set_unusable_password()
            user.save()
        team, _ = Team.objects.get_or_create(agency=agency, name=worker.team)
        Membership.objects.get_or_create(user=user, agency=agency, team=team, role=Role.CASEWORKER)
        users.append(user)
        teams[user.pk] = team
    manager = User.objects.get(email=MANAGER_EMAIL)
    return _Team(workers=users, teams=teams, manager=manager, agency=agency)


# --- Calendar helpers ------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _working(day: date) -> bool:
    return is_working_day(day)


def _next_working(day: date) -> date:
    while not _working(day):
        day += timedelta(days=1)
    return day


@lru_cache(maxsize=8192)
def _add_working(day: date, days: int) -> date:
    return add_working_days(day, days)


@lru_cache(maxsize=1)
def _zone() -> Any:
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _at(day: date, minutes: int) -> datetime:
    """``minutes`` after midnight on ``day``, in the local time zone."""
    return datetime.combine(day, time(min(minutes // 60, 23), minutes % 60), tzinfo=_zone())


def _day(moment: datetime) -> date:
    """The local date of a moment made by ``_at``."""
    return moment.astimezone(_zone()).date()


def _office(rng: random.Random, day: date, earliest: int = 9 * 60) -> datetime:
    return _at(day, rng.randint(earliest, max(earliest, 17 * 60 - 1)))


_CUMULATIVE: dict[tuple[tuple[Any, float], ...], tuple[list[Any], list[float]]] = {}


def _pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    """One value, by weight (the weights' running totals are worked out once per list)."""
    key = tuple(weighted)
    split = _CUMULATIVE.get(key)
    if split is None:
        values, weights = zip(*weighted, strict=True)
        split = _CUMULATIVE[key] = (list(values), list(itertools.accumulate(weights)))
    return rng.choices(split[0], cum_weights=split[1])[0]


# --- Planning one case ------------------------------------------------------------------------------


@dataclass
class _Referral:
    id: uuid.UUID
    ref: str
    received_on: date
    person_id: uuid.UUID
    abuse_types: list[str]
    referral_assessed_on: date | None  # the referrer's checklist (from the volumes), if any
    person_causing_harm_id: uuid.UUID | None = None
    children_in_household: int | None = None
    next_referral_on: date | None = None  # the same person's next accepted referral


@dataclass
class _Assessment:
    on: date
    yes: int
    level: str
    judgement: str = ""
    reason: str = ""


@dataclass
class _Measure:
    on: date
    stage: str
    values: dict[str, Any]
    assessment: int | None  # index into the plan's assessments


@dataclass
class _Plan:
    referral: _Referral
    opened_at: datetime
    events: list[tuple[datetime, str, str, str]] = field(default_factory=list)  # when, status, actor, reason
    attempts: list[tuple[datetime, str, str]] = field(default_factory=list)  # when, kind, outcome
    assessments: list[_Assessment] = field(default_factory=list)
    measures: list[_Measure] = field(default_factory=list)
    allocated_at: datetime | None = None
    first_contact_at: datetime | None = None
    engaged_on: date | None = None
    closure_requested_at: datetime | None = None
    closure_reason: str = ""
    closed_on: date | None = None
    baseline: str = ""
    worker: int = 0  # index into WORKERS

    @property
    def status(self) -> str:
        return self.events[-1][1]

    @property
    def is_open(self) -> bool:
        return self.status != CaseStatus.CLOSED


class _Planner:
    def __init__(self, *, now: datetime, medium_from: int, high_from: int, items: int):
        self.now = now
        self.today = _day(now)
        self.medium_from, self.high_from, self.items = medium_from, high_from, items

    # Risk ------------------------------------------------------------------------------------
    def yes_for(self, rng: random.Random, level: str) -> int:
        if level == RiskLevel.HIGH:
            return rng.randint(self.high_from, min(self.items, self.high_from + 6))
        if level == RiskLevel.MEDIUM:
            return rng.randint(self.medium_from, self.high_from - 1)
        return rng.randint(2, self.medium_from - 1)

    def assessment(self, rng: random.Random, on: date, level: str) -> _Assessment:
        return _Assessment(on=on, yes=self.yes_for(rng, level), level=level)

    @staticmethod
    def lower(rng: random.Random, level: str) -> str:
        if level == RiskLevel.HIGH:
            return RiskLevel.MEDIUM if rng.random() < 0.6 else RiskLevel.STANDARD
        return RiskLevel.STANDARD

    @staticmethod
    def same_or_higher(rng: random.Random, level: str) -> str:
        if level != RiskLevel.HIGH and rng.random() < 0.25:
            return RiskLevel.HIGH if level == RiskLevel.MEDIUM else RiskLevel.MEDIUM
        return level

    # Outcome measures ------------------------------------------------------------------------
    @staticmethod
    def intake_values(rng: random.Random, kinds: set[Any]) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for kind in ABUSE_KIND_VALUES:
            if kind in kinds:
                values[kind] = FREQUENCIES[_pick(rng, INTAKE_FREQUENCY)]
            else:
                values[kind] = _pick(rng, [(Frequency.NONE, 80), (Frequency.LESS_THAN_MONTHLY, 8), ("", 12)])
        values["feeling_safe"] = _pick(rng, [(1, 30), (2, 40), (3, 22), (4, 6), (5, 2)])
        values["wellbeing"] = _pick(rng, [(1, 25), (2, 42), (3, 25), (4, 7), (5, 1)])
        values["quality_of_life"] = _pick(rng, [(1, 22), (2, 43), (3, 27), (4, 7), (5, 1)])
        return values

    @staticmethod
    def later_values(rng: random.Random, before: dict[str, Any], *, exit: bool, improving: bool) -> dict[str, Any]:
        """Measures after ``before``: abuse stops or lessens for most, more so by exit."""
        values: dict[str, Any] = {}
        for kind in ABUSE_KIND_VALUES:
            previous = before.get(kind, "")
            if not previous:
                values[kind] = "" if rng.random() < 0.7 else Frequency.NONE
                continue
            rank = FREQUENCIES.index(previous)
            if rank == 0:
                values[kind] = Frequency.NONE if rng.random() < 0.96 else Frequency.LESS_THAN_MONTHLY
                continue
            stop = (0.42 if exit else 0.25) * STOPS[AbuseKind(kind)] * (1.0 if improving else 0.45)
            draw = rng.random()
            if draw < stop:
                rank = 0
            elif draw < stop + (0.22 if exit else 0.25):
                rank = max(0, rank - rng.randint(1, 2))
            elif draw > 0.93:
                rank = min(4, rank + 1)
            values[kind] = FREQUENCIES[rank]
        for scale in ("feeling_safe", "wellbeing", "quality_of_life"):
            step = rng.choices([-1, 0, 1, 2], [5, 25, 45, 25] if improving else [20, 45, 30, 5])[0]
            step += 1 if exit and improving and rng.random() < 0.3 else 0
            values[scale] = min(5, max(1, before[scale] + step))
        return values

    # The case ----------------------------------------------------------------------------------
    def plan(self, referral: _Referral) -> _Plan:
        rng = random.Random(f"{SEED}:{referral.ref}")  # noqa: S311 - demo data, deterministic on purpose
        received = referral.received_on
        opened_day = _next_working(received)
        opened_at = _at(opened_day, rng.randint(9 * 60, 12 * 60))
        plan = _Plan(referral=referral, opened_at=opened_at)
        # Status change reasons are the ones the actions write (tests/demo/test_bulk_equals_actions.py).
        plan.events.append((opened_at, CaseStatus.AWAITING_ALLOCATION, "system", ""))

        allocate_day = opened_day if rng.random() < 0.9 else _add_working(opened_day, 1)
        plan.allocated_at = max(opened_at + timedelta(minutes=20), _office(rng, allocate_day, 10 * 60))
        plan.events.append((plan.allocated_at, CaseStatus.ALLOCATED, "manager", ""))

        kind = _pick(rng, CHANNELS)
        first_try = plan.allocated_at + timedelta(minutes=rng.randint(15, 240))
        if first_try.hour >= 17:
            first_try = _office(rng, _add_working(first_try.date(), 1), 9 * 60)
        fate = "engaged" if rng.random() < ENGAGE_SHARE else "declined"
        if fate == "declined" and rng.random() > DECLINED_SHARE_OF_REST:
            fate = "unreached"
        plan.events.append((first_try, CaseStatus.CONTACT_ATTEMPTED, "worker", ""))

        if fate == "unreached":
            when = first_try
            tries = rng.randint(4, 6)
            for number in range(tries):
                outcome = ContactOutcome.NO_ANSWER if rng.random() < 0.6 else ContactOutcome.MESSAGE_LEFT
                if number == tries - 1 and rng.random() < 0.3:
                    outcome = ContactOutcome.WRONG_NUMBER
                plan.attempts.append((when, kind if number < 2 else _pick(rng, CHANNELS), outcome))
                when = _office(rng, _add_working(when.date(), rng.randint(1, 4)))
            given_up = when
            plan.events.append((given_up, CaseStatus.UNABLE_TO_ENGAGE, "worker", "No contact after repeated attempts"))
            self.close(rng, plan, given_up + timedelta(days=rng.randint(3, 10)), ClosureReason.UNABLE_TO_CONTACT)
            return self.finish(plan)

        # Reached: the first successful contact, after a failed try or two for some.
        delay = _pick(rng, FIRST_CONTACT_DELAY)
        contact_day = max(first_try.date(), _add_working(received, delay)) if delay else first_try.date()
        contact_at = first_try if contact_day == first_try.date() else _office(rng, contact_day)
        when = first_try
        while when < contact_at - timedelta(minutes=30):
            plan.attempts.append((when, kind, rng.choice([ContactOutcome.NO_ANSWER, ContactOutcome.MESSAGE_LEFT])))
            if rng.random() < 0.05:
                plan.attempts.append((when + timedelta(minutes=5), kind, ContactOutcome.NOT_SAFE_TO_TALK))
            step = _office(rng, _add_working(when.date(), 1)) if rng.random() < 0.6 else when + timedelta(hours=3)
            when = step if step < contact_at else contact_at
        plan.first_contact_at = contact_at

        if fate == "declined":
            plan.attempts.append((contact_at, kind, ContactOutcome.DECLINED))
            plan.events.append(
                (contact_at + timedelta(minutes=10), CaseStatus.UNABLE_TO_ENGAGE, "worker", "Declined support")
            )
            self.close(rng, plan, contact_at + timedelta(days=rng.randint(1, 7)), ClosureReason.CLIENT_DECLINED)
            return self.finish(plan)

        plan.attempts.append(
            (contact_at, kind, rng.choice([ContactOutcome.SPOKE, ContactOutcome.SPOKE, ContactOutcome.MET]))
        )
        # Engagement: the first full appointment, after the referrer's checklist (if any).
        engaged = contact_at.date() + timedelta(days=_pick(rng, [(0, 45), (1, 15), (2, 10), (3, 10), (5, 10), (8, 10)]))
        if referral.referral_assessed_on is not None and engaged <= referral.referral_assessed_on:
            engaged = referral.referral_assessed_on + timedelta(days=1)
        engaged = _next_working(engaged)
        engaged_at = _office(rng, engaged) if engaged != contact_at.date() else contact_at + timedelta(minutes=5)
        if engaged != contact_at.date():
            plan.attempts.append((engaged_at, ContactChannelKind.IN_PERSON, ContactOutcome.MET))
        plan.engaged_on = engaged
        plan.events.append((engaged_at, CaseStatus.ENGAGED, "worker", ""))

        baseline = _pick(rng, BASELINE_LEVELS)
        plan.baseline = baseline
        intake = self.assessment(rng, engaged, baseline)
        if baseline != RiskLevel.HIGH and rng.random() < 0.04:
            intake.judgement, intake.reason = (
                RiskLevel.HIGH,
                "Escalating threats since separation: professional judgement",
            )
        plan.assessments.append(intake)
        kinds = {ABUSE_KINDS[t] for t in referral.abuse_types if t in ABUSE_KINDS} or {AbuseKind.JEALOUS_CONTROLLING}
        intake_values = self.intake_values(rng, kinds)
        plan.measures.append(_Measure(engaged, Stage.INTAKE, intake_values, 0))

        brief = rng.random() < BRIEF_INTERVENTION_SHARE
        if not brief:
            plan.events.append(
                (_office(rng, _add_working(engaged, rng.randint(1, 8))), CaseStatus.ACTIVE, "worker", "")
            )

        # How long support lasts, by risk at engagement.
        span = {
            RiskLevel.STANDARD: (21, 75),
            RiskLevel.MEDIUM: (40, 120),
            RiskLevel.HIGH: (50, 180),
        }[baseline]
        length = rng.randint(*span) if not brief else rng.randint(15, 45)
        if not brief and rng.random() < 0.08:
            length *= 2
        reason = _pick(rng, ENGAGED_CLOSURES)
        if rng.random() < NO_EARLY_REASSESSMENT_SHARE:
            length, reason = rng.randint(8, 30), ClosureReason.DISENGAGED
            end = engaged + timedelta(days=length)
            self.close(rng, plan, _office(rng, _next_working(end)), reason)
            return self.finish(plan)

        # The reassessment within 3 months (a review of outcomes on the same day).
        reduced = baseline != RiskLevel.STANDARD and rng.random() < REDUCED_SHARE
        first_review = engaged + timedelta(days=min(rng.randint(42, 84), max(length - 1, 14)))
        level = self.lower(rng, baseline) if reduced else self.same_or_higher(rng, baseline)
        end = engaged + timedelta(days=max(length, (first_review - engaged).days + 1))
        previous = intake_values
        review_day = first_review
        while review_day < end:
            plan.assessments.append(self.assessment(rng, review_day, level))
            previous = self.later_values(rng, previous, exit=False, improving=reduced or level == RiskLevel.STANDARD)
            plan.measures.append(_Measure(review_day, Stage.REVIEW, previous, len(plan.assessments) - 1))
            review_day = add_months(review_day, 3)
            if rng.random() < 0.5:
                level = self.lower(rng, level) if level != RiskLevel.STANDARD else level
        # Exit: outcomes (with a last checklist unless one was done in the last month).
        exit_index = None
        if (end - plan.assessments[-1].on).days > 30:
            plan.assessments.append(self.assessment(rng, end, level))
            exit_index = len(plan.assessments) - 1
        if reason != ClosureReason.DISENGAGED or rng.random() < 0.5:
            exit_values = self.later_values(rng, previous, exit=True, improving=reduced or level == RiskLevel.STANDARD)
            plan.measures.append(_Measure(end, Stage.EXIT, exit_values, exit_index))
        self.close(rng, plan, _office(rng, _next_working(end)), reason)
        return self.finish(plan)

    def close(self, rng: random.Random, plan: _Plan, requested_at: datetime, reason: str) -> None:
        """Closure asked for by the caseworker and approved by the team manager a day or so later."""
        plan.closure_requested_at = requested_at
        plan.closure_reason = reason
        plan.events.append((requested_at, CaseStatus.CLOSURE_REQUESTED, "worker", CLOSURE_NOTES[reason]))
        approved = _office(rng, _add_working(requested_at.date(), rng.choice([0, 1, 1, 2, 3])))
        approved = max(approved, requested_at + timedelta(minutes=30))
        plan.closed_on = _day(approved)
        plan.events.append((approved, CaseStatus.CLOSED, "manager", ClosureReason(reason).label))

    def finish(self, plan: _Plan) -> _Plan:
        """Cuts the plan at a re-referral of the same person, and at now."""
        referral = plan.referral
        if referral.next_referral_on is not None and plan.closed_on and plan.closed_on >= referral.next_referral_on:
            self.cut(plan, self._end_of(referral.next_referral_on - timedelta(days=1), plan))
            if plan.events[-1][1] != CaseStatus.CLOSED:
                self.close_for_re_referral(plan)
        self.cut(plan, self.now)
        return plan

    @staticmethod
    def close_for_re_referral(plan: _Plan) -> None:
        """The person was referred again: this case closes and support goes on in the new one."""
        when = plan.events[-1][0]
        # Walk the lifecycle from wherever the case had got to.
        path = {
            CaseStatus.AWAITING_ALLOCATION: (CaseStatus.ALLOCATED, "manager", ""),
            CaseStatus.ALLOCATED: (CaseStatus.CONTACT_ATTEMPTED, "worker", ""),
            CaseStatus.CONTACT_ATTEMPTED: (
                CaseStatus.UNABLE_TO_ENGAGE,
                "worker",
                "Re-referred before contact was made",
            ),
        }
        while plan.events[-1][1] in path:
            status, actor, reason = path[CaseStatus(plan.events[-1][1])]
            when += timedelta(minutes=10)
            plan.events.append((when, status, actor, reason))
            if status == CaseStatus.ALLOCATED:
                plan.allocated_at = when
            if status == CaseStatus.CONTACT_ATTEMPTED:
                # Only a recorded attempt moves a case there (contact_attempt_record): the worker
                # tried through the referrer, and heard the person had been referred again.
                plan.attempts.append((when, "via_professional", ContactOutcome.NO_ANSWER))
        reason = ClosureReason.OTHER
        if plan.events[-1][1] == CaseStatus.CLOSURE_REQUESTED:
            plan.events.pop()
        plan.events.append(
            (when + timedelta(minutes=10), CaseStatus.CLOSURE_REQUESTED, "worker", CLOSURE_NOTES[reason])
        )
        plan.events.append((when + timedelta(minutes=40), CaseStatus.CLOSED, "manager", ClosureReason(reason).label))
        plan.closure_requested_at, plan.closure_reason = when + timedelta(minutes=10), reason
        plan.closed_on = _day(when + timedelta(minutes=40))

    @staticmethod
    def _end_of(day: date, plan: _Plan) -> datetime:
        return max(_at(day, 23 * 60 + 59), plan.opened_at)

    @staticmethod
    def cut(plan: _Plan, until: datetime) -> None:
        day = _day(until)
        plan.events = [e for e in plan.events if e[0] <= until] or plan.events[:1]
        plan.attempts = [a for a in plan.attempts if a[0] <= until]
        kept = [i for i, a in enumerate(plan.assessments) if a.on <= day]
        plan.assessments = [plan.assessments[i] for i in kept]
        index = {old: new for new, old in enumerate(kept)}
        plan.measures = [
            _Measure(m.on, m.stage, m.values, index.get(m.assessment) if m.assessment is not None else None)
            for m in plan.measures
            if m.on <= day
        ]
        statuses = {e[1] for e in plan.events}
        if plan.allocated_at and plan.allocated_at > until:
            plan.allocated_at = None
        if plan.first_contact_at and plan.first_contact_at > until:
            plan.first_contact_at = None
        if plan.engaged_on and CaseStatus.ENGAGED not in statuses:
            plan.engaged_on = None
        if CaseStatus.CLOSURE_REQUESTED not in statuses:
            plan.closure_requested_at, plan.closure_reason = None, ""
        if CaseStatus.CLOSED not in statuses:
            plan.closed_on = None
            if plan.closure_requested_at is None:
                plan.closure_reason = ""


# --- Reading the referrals and sharing out today's caseload ----------------------------------------


def _referrals() -> list[_Referral]:
    """The accepted demo referrals in the order they arrived, each knowing the person's next one."""
    from waymark.referrals.models import Referral
    from waymark.referrals.states import ReferralStatus
    from waymark.risk.models import RiskAssessment

    assessed: dict[str, date] = {}
    for ref, on in RiskAssessment.objects.filter(referral_ref__startswith="SD-R").values_list(
        "referral_ref", "assessed_on"
    ):
        assessed[ref] = max(on, assessed.get(ref, on))
    rows = (
        Referral.objects.filter(ref__startswith="SD-R", status=ReferralStatus.ACCEPTED, case__isnull=True)
        .order_by("received_on", "ref")
        .values_list(
            "id", "ref", "received_on", "subject_id", "abuse_types", "person_causing_harm_id", "children_in_household"
        )
    )
    referrals = [
        _Referral(
            id=pk,
            ref=ref or "",
            received_on=on,
            person_id=person,
            abuse_types=list(types or []),
            referral_assessed_on=assessed.get(ref or ""),
            person_causing_harm_id=harm,
            children_in_household=children,
        )
        for pk, ref, on, person, types, harm, children in rows
    ]
    latest: dict[uuid.UUID, _Referral] = {}
    for referral in referrals:
        earlier = latest.get(referral.person_id)
        if earlier is not None:
            earlier.next_referral_on = referral.received_on
        latest[referral.person_id] = referral
    return referrals


def _share_out(plans: list[_Plan], today: date) -> None:
    """Gives every allocated case a worker: the history at random, today's open cases so that Amara
    holds about forty, including some still awaiting or overdue a first contact."""
    from waymark.cases.service_standard import first_contact_due_on

    weights = HISTORIC_WEIGHTS
    for plan in plans:
        rng = random.Random(f"{SEED}:{plan.referral.ref}:worker")  # noqa: S311
        plan.worker = rng.choices(range(len(WORKERS)), weights)[0]
    open_plans = [p for p in plans if p.is_open and p.allocated_at is not None]
    if not open_plans:
        return
    rng = random.Random(f"{SEED}:caseload")  # noqa: S311
    no_contact = [p for p in open_plans if p.first_contact_at is None]
    overdue = [p for p in no_contact if today > first_contact_due_on(p.referral.received_on)]
    waiting = [p for p in no_contact if p not in overdue]
    closing = [p for p in open_plans if p.status == CaseStatus.CLOSURE_REQUESTED]
    amara = rng.sample(overdue, min(3, len(overdue))) + rng.sample(waiting, min(3, len(waiting)))
    amara += rng.sample(closing, min(2, len(closing)))
    rest = [p for p in open_plans if p.first_contact_at is not None and p.status != CaseStatus.CLOSURE_REQUESTED]
    amara += rng.sample(rest, min(max(AMARA_OPEN_CASES - len(amara), 0), len(rest)))
    chosen = {id(p) for p in amara}
    colleagues = [i for i, w in enumerate(WORKERS) if w.email != AMARA_EMAIL]
    for plan in open_plans:
        if id(plan) in chosen:
            plan.worker = 0
        elif plan.worker == 0:
            plan.worker = rng.choice(colleagues)


def _late_reviews(plan: _Plan, today: date) -> None:
    """Open cases: about half the reviews that fell due in the last three weeks are not done yet."""
    if not plan.is_open:
        return
    rng = random.Random(f"{SEED}:{plan.referral.ref}:late")  # noqa: S311
    late = {
        i
        for i, m in enumerate(plan.measures)
        if m.stage == Stage.REVIEW and (today - m.on).days < 21 and rng.random() < 0.5
    }
    if not late:
        return
    dropped = {plan.measures[i].assessment for i in late} - {None}
    kept = [i for i in range(len(plan.assessments)) if i not in dropped]
    index = {old: new for new, old in enumerate(kept)}
    plan.assessments = [plan.assessments[i] for i in kept]
    plan.measures = [
        _Measure(m.on, m.stage, m.values, index.get(m.assessment) if m.assessment is not None else None)
        for i, m in enumerate(plan.measures)
        if i not in late
    ]


# --- Writing the records ----------------------------------------------------------------------------


@dataclass
class CaseworkReport:
    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0
    laps: dict[str, float] = field(default_factory=dict)  # CPU seconds at each step, for tuning
    showcase: list[str] = field(default_factory=list)

    def lap(self, name: str) -> None:
        self.laps[name] = clock.process_time()

    def lines(self) -> list[str]:
        if not self.counts:
            return self.showcase
        order = ["cases", "open cases", "status changes", "contact attempts", "risk assessments", "outcome measures"]
        parts = [f"{self.counts[name]} {name}" for name in order]
        parts += [f"{n} {name}" for name, n in sorted(self.counts.items()) if name not in order]
        return [", ".join(parts) + f" ({self.seconds:.0f} s)", *self.showcase]


def _converter(f: Any, connection: Any) -> Any:
    """How a field's value is stored. SQLite's UUIDs, dates and times are converted here exactly as
    Django's SQLite backend does (hex; ISO text in UTC), which is much quicker at this volume;
    everything else (and every value on PostgreSQL) goes through the field itself."""
    target = f.target_field if f.is_relation else f
    if type(target) in _PLAIN_FIELDS:  # stored as given (encrypted text is a subclass: not here)
        return lambda v: v
    if connection.vendor == "sqlite":
        if isinstance(target, models.UUIDField):
            return lambda v: v.hex
        if isinstance(target, models.DateTimeField):
            return _sqlite_datetime
        if isinstance(target, models.DateField):
            return str
    return lambda v: f.get_db_prep_save(v, connection)


_PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.SlugField,
    models.BooleanField,
    models.IntegerField,
    models.PositiveIntegerField,
    models.PositiveSmallIntegerField,
)


@lru_cache(maxsize=65536)
def _sqlite_datetime(value: datetime) -> str:
    return str(value.astimezone(UTC).replace(tzinfo=None))


class _Table:
    """Rows for one model written with ``executemany``: the demo's hundreds of thousands of rows
    in seconds, where ``bulk_create`` takes minutes on SQLite. Every value still goes through the
    field's own ``get_db_prep_save`` (so UUIDs, dates and encrypted text are stored exactly as the
    ORM stores them); fields a row leaves out get their model default, ids and timestamps included."""

    def __init__(self, model: Any):
        self.model = model
        # An auto-numbered primary key (many-to-many tables) is left to the database.
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and f.get_internal_type().endswith("AutoField"))
        ]
        self.rows: list[tuple[Any, ...]] = []
        self.now = timezone.now()
        self.defaults: dict[str, Any] = {}
        for f in self.fields:
            if f.name == "id":
                continue
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
                self.defaults[f.name] = self.now
            elif not f.has_default() or not callable(f.default):
                self.defaults[f.name] = f.get_default()
        self.callable_defaults = {
            f.name: f.default for f in self.fields if f.name != "id" and f.has_default() and callable(f.default)
        }
        self.names = [f.name for f in self.fields]

    def add(self, **values: Any) -> Any:
        pk = values.setdefault("id", uuid.uuid4()) if "id" in self.names else None
        row = []
        for name in self.names:
            if name in values:
                row.append(values[name])
            elif name in self.callable_defaults:
                row.append(self.callable_defaults[name]())
            else:
                row.append(self.defaults[name])
        self.rows.append(tuple(row))
        return pk

    def write(self, report: CaseworkReport, name: str) -> None:
        from django.db import connection

        table = connection.ops.quote_name(self.model._meta.db_table)
        columns = ", ".join(connection.ops.quote_name(f.column) for f in self.fields)
        placeholders = ", ".join(["%s"] * len(self.fields))
        sql = f"INSERT INTO {table} ({columns}) VALUES ({placeholders})"  # noqa: S608 - names from the model
        prep = [_converter(f, connection) for f in self.fields]
        with connection.cursor() as cursor:
            for start in range(0, len(self.rows), CHUNK):
                chunk = self.rows[start : start + CHUNK]
                cursor.executemany(
                    sql,
                    [[p(v) if v is not None else None for p, v in zip(prep, row, strict=True)] for row in chunk],
                )
        report.counts[name] += len(self.rows)
        report.lap(name)


def _set_referral_decisions(decisions: list[tuple[uuid.UUID, datetime]], report: CaseworkReport) -> None:
    """Each accepted referral says when it was triaged and accepted: when its case opened."""
    from django.db import connection

    from waymark.referrals.models import Referral

    meta = Referral._meta
    table = connection.ops.quote_name(meta.db_table)
    key = connection.ops.quote_name(str(meta.pk.column))
    sql = f"UPDATE {table} SET triaged_at = %s, accepted_at = %s, decided_at = %s WHERE {key} = %s"  # noqa: S608
    pk, moment = meta.pk, meta.get_field("accepted_at")
    with connection.cursor() as cursor:
        for start in range(0, len(decisions), CHUNK):
            rows = []
            for referral_id, when in decisions[start : start + CHUNK]:
                at = moment.get_db_prep_save(when, connection)
                rows.append([at, at, at, pk.get_db_prep_save(referral_id, connection)])
            cursor.executemany(sql, rows)
    report.lap("referrals updated")


def _numbers(plans: list[_Plan]) -> dict[int, str]:
    """C-<year>-<number> in the order the cases opened, continuing each year's sequence."""
    by_year: dict[int, list[_Plan]] = {}
    for plan in plans:
        by_year.setdefault(plan.opened_at.year, []).append(plan)
    numbers: dict[int, str] = {}
    for year, group in sorted(by_year.items()):
        ordered = sorted(group, key=lambda p: (p.opened_at, p.referral.ref))
        for plan, number in zip(ordered, next_references(CaseNumberSequence, "C", year, len(ordered)), strict=True):
            numbers[id(plan)] = number
    return numbers


class _Writer:
    def __init__(self, team: _Team, today: date, report: CaseworkReport):
        from waymark.risk.config import thresholds_for
        from waymark.risk.models import RiskAnswer, RiskAssessment, RiskInstrument

        self.team, self.today, self.report = team, today, report
        instrument = RiskInstrument.objects.filter(code=INSTRUMENT).order_by("-version").first()
        if instrument is None:
            raise RuntimeError(f"The {INSTRUMENT} checklist is not loaded.")
        self.instrument = instrument
        self.items = list(self.instrument.items.order_by("number"))
        self.thresholds = thresholds_for(INSTRUMENT)
        self.assessment_number = _last_assessment_number()
        self.cases = _Table(Case)
        self.changes = _Table(CaseStatusChange)
        self.attempts = _Table(ContactAttempt)
        self.assessments = _Table(RiskAssessment)
        self.answers = _Table(RiskAnswer)
        self.measures = _Table(OutcomeMeasure)
        self.tasks = _Table(Task)
        self.notes = _Table(CaseNote)
        self.decisions: list[tuple[uuid.UUID, datetime]] = []
        self.case_ids: dict[int, uuid.UUID] = {}  # id(plan) -> case id

    def actor(self, plan: _Plan, who: str) -> Any:
        if who == "worker":
            return self.team.workers[plan.worker].pk
        if who == "manager":
            return self.team.manager.pk
        return None

    def write(self, plans: list[_Plan]) -> None:
        from waymark.risk.scoring import level_for

        numbers = _numbers(plans)
        agency_id = self.team.agency.pk
        manager_id = self.team.manager.pk
        for plan in plans:
            worker = self.team.workers[plan.worker]
            allocated = plan.allocated_at is not None
            requested = [i for i, e in enumerate(plan.events) if e[1] == CaseStatus.CLOSURE_REQUESTED]
            before_request = plan.events[requested[-1] - 1][1] if requested else ""
            person_id = plan.referral.person_id
            case_id = self.cases.add(
                ref=f"{REF_PREFIX}{plan.referral.ref[len('SD-R') :]}",
                number=numbers[id(plan)],
                person=person_id,
                referral=plan.referral.id,
                agency=agency_id,
                team=self.team.teams[worker.pk].pk if allocated else None,
                caseworker=worker.pk if allocated else None,
                status=plan.status,
                status_before_closure_request=before_request,
                referred_on=plan.referral.received_on,
                opened_on=_day(plan.opened_at),
                allocated_at=plan.allocated_at,
                first_contact_at=plan.first_contact_at,
                engaged_on=plan.engaged_on,
                closure_requested_at=plan.closure_requested_at,
                closure_requested_by=worker.pk if plan.closure_requested_at else None,
                # A closure request carries its reason from the moment it is asked for.
                closure_reason=plan.closure_reason if (plan.closed_on or plan.closure_requested_at) else "",
                closure_note=CLOSURE_NOTES[plan.closure_reason] if plan.closure_reason else "",
                closed_on=plan.closed_on,
                closure_approved_by=manager_id if plan.closed_on else None,
            )
            self.case_ids[id(plan)] = case_id
            self.decisions.append((plan.referral.id, plan.opened_at))
            previous = ""
            for when, to_status, who, reason in plan.events:
                self.changes.add(
                    case=case_id,
                    from_status=previous,
                    to_status=to_status,
                    reason=reason,
                    changed_by=self.actor(plan, who),
                    changed_at=when,
                )
                previous = to_status
            for when, kind, outcome in plan.attempts:
                self.attempts.add(case=case_id, kind=kind, attempted_at=when, outcome=outcome, recorded_by=worker.pk)
            recorded = plan.is_open  # today's caseload was assessed in Waymark, item by item
            saved = []
            for assessment in plan.assessments:
                self.assessment_number += 1
                scored = level_for(assessment.yes, self.thresholds)
                final = RiskLevel.highest(scored, RiskLevel(assessment.judgement)) if assessment.judgement else scored
                ref = f"{ASSESSMENT_PREFIX}{self.assessment_number:07d}"
                assessment_id = self.assessments.add(
                    ref=ref,
                    person=person_id,
                    instrument=self.instrument.pk,
                    assessed_on=assessment.on,
                    assessed_by=worker.pk if recorded else None,
                    agency=agency_id,
                    source=AssessmentSource.RECORDED if recorded else AssessmentSource.IMPORTED,
                    yes_count=assessment.yes,
                    answers_recorded=recorded,
                    medium_from=self.thresholds.medium_from,
                    high_from=self.thresholds.high_from,
                    scored_level=scored,
                    judgement_level=assessment.judgement,
                    judgement_reason=assessment.reason,
                    final_level=final,
                )
                saved.append(assessment_id)
                if recorded:
                    self.add_answers(assessment_id, ref, assessment.yes)
            for measure in plan.measures:
                self.measures.add(
                    case=case_id,
                    subject=person_id,
                    stage=measure.stage,
                    measured_on=measure.on,
                    risk_assessment=saved[measure.assessment] if measure.assessment is not None else None,
                    recorded_by=worker.pk,
                    **measure.values,
                )
            if plan.is_open and allocated:
                self.add_tasks(plan, case_id, worker)
                if plan.worker < 2 and plan.first_contact_at is not None:
                    self.add_notes(plan, case_id, worker)
        self.report.counts["open cases"] = sum(1 for p in plans if p.is_open)
        self.report.lap("rows made")
        self.cases.write(self.report, "cases")
        self.changes.write(self.report, "status changes")
        self.attempts.write(self.report, "contact attempts")
        self.assessments.write(self.report, "risk assessments")
        self.answers.write(self.report, "checklist answers")
        self.measures.write(self.report, "outcome measures")
        self.tasks.write(self.report, "tasks")
        self.notes.write(self.report, "case notes")
        _set_referral_decisions(self.decisions, self.report)
        _SupportWriter(self).write([p for p in plans if p.is_open and p.engaged_on is not None])
        _ProgrammeWriter(self).write(plans)

    def add_answers(self, assessment_id: uuid.UUID, ref: str, yes_count: int) -> None:
        from waymark.risk.choices import Answer

        rng = random.Random(f"{SEED}:{ref}")  # noqa: S311
        yes = set(rng.sample(range(len(self.items)), min(yes_count, len(self.items))))
        for i, item in enumerate(self.items):
            answer = Answer.YES if i in yes else (Answer.NOT_KNOWN if rng.random() < 0.08 else Answer.NO)
            self.answers.add(assessment=assessment_id, item=item.pk, answer=answer)

    def add_tasks(self, plan: _Plan, case_id: uuid.UUID, worker: Any) -> None:
        rng = random.Random(f"{SEED}:{plan.referral.ref}:tasks")  # noqa: S311
        for title in rng.sample(TASK_TITLES, rng.choice([0, 1, 1, 2, 2, 3])):
            due = self.today + timedelta(days=rng.randint(-10, 21))
            done = due < self.today and rng.random() < 0.6
            self.tasks.add(
                case=case_id,
                title=title,
                due_on=due,
                owner=worker.pk,
                created_by=worker.pk,
                done_at=_office(rng, min(due, self.today)) if done else None,
                done_by=worker.pk if done else None,
            )

    def add_notes(self, plan: _Plan, case_id: uuid.UUID, worker: Any) -> None:
        rng = random.Random(f"{SEED}:{plan.referral.ref}:notes")  # noqa: S311
        start = _day(plan.first_contact_at or plan.opened_at)
        for text in rng.sample(NOTE_TEXTS, rng.randint(1, 2)):
            self.notes.add(
                case=case_id,
                body=text,
                sensitive=rng.random() < 0.15,
                written_by=worker.pk,
                written_at=_office(rng, min(self.today, start + timedelta(days=rng.randint(0, 20)))),
            )


CHILD_PREFIX = "SD-CH"
CHILD_NAMES = {
    "female": ["Amelia", "Aaliyah", "Maya", "Zara", "Ruby", "Grace", "Fatima", "Lily", "Chloe", "Ava"],
    "male": ["Noah", "Mohammed", "Leo", "Kai", "Oscar", "Tyler", "Jayden", "Adam", "Harry", "Musa"],
}
SAFETY_SECTIONS = {
    "safe_contact": "Mobile only, after 10am on weekdays; no voicemail. Code word agreed for danger.",
    "emergency_plan": "Bag kept at a friend's with documents, medication and cash. Knows to call 999 and press 55.",
    "support_network": "A sister and a friend from work know; the IDVA's number is saved under a false name.",
    "technology": "Location sharing turned off; passwords changed; checked for tracking apps together.",
}
NEEDS = [
    ("housing", "Find a safe place to live, or stay at home safely", "sanctuary"),
    ("money", "Sort out benefits and debts in her own name", "advocacy"),
    ("legal", "Get a non-molestation order", "legal_support"),
    ("mental_health", "Get support for anxiety and sleep", "counselling"),
    ("children", "Keep the children safe at contact handovers", "childrens_therapeutic"),
    ("substance_use", "Get help with drinking", "awareness_resilience"),
    ("employment", "Return to college", "peer_support"),
]


class _SupportWriter:
    """Safety plans, support plans, interventions and orders for today's engaged caseload, from the
    support app's catalogue (only what a caseworker would have on an open case)."""

    def __init__(self, writer: _Writer):
        self.writer = writer

    def write(self, plans: list[_Plan]) -> None:
        try:
            from waymark.support.models import Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan, Service
        except ImportError:  # pragma: no cover - the support app is built alongside
            return
        writer, today = self.writer, self.writer.today
        services = dict(Service.objects.filter(is_active=True).values_list("code", "pk"))
        safety, needs, goals, progress = _Table(SafetyPlan), _Table(Need), _Table(Goal), _Table(GoalProgress)
        interventions, orders, protects = _Table(Intervention), _Table(LegalOrder), _Table(LegalOrder.protects.through)
        amara_expiring = 0
        for plan in plans:
            rng = random.Random(f"{SEED}:{plan.referral.ref}:support")  # noqa: S311
            case_id, worker = writer.case_ids[id(plan)], writer.team.workers[plan.worker].pk
            engaged = plan.engaged_on
            assert engaged is not None
            reviewed = (
                engaged
                if rng.random() < 0.6 or (today - engaged).days < 60
                else engaged + timedelta(days=rng.randint(30, 60))
            )
            sections = dict(rng.sample(sorted(SAFETY_SECTIONS.items()), 3))
            version = 1
            safety.add(
                case=case_id,
                version=version,
                reviewed_on=engaged,
                reviewed_by=worker,
                next_review_on=add_months(engaged, 3),
                **sections,
            )
            if reviewed != engaged:
                safety.add(
                    case=case_id,
                    version=2,
                    reviewed_on=reviewed,
                    reviewed_by=worker,
                    next_review_on=add_months(reviewed, 3),
                    **dict(SAFETY_SECTIONS),
                )
            for domain, goal, service in rng.sample(NEEDS, rng.randint(2, 3)):
                need_id = needs.add(
                    case=case_id,
                    domain=domain,
                    level=_pick(rng, [("high", 35), ("medium", 45), ("low", 20)]),
                    identified_on=engaged,
                    identified_by=worker,
                )
                done = (today - engaged).days > 60 and rng.random() < 0.4
                target = add_months(engaged, rng.randint(2, 5))
                goal_id = goals.add(
                    need=need_id,
                    description=goal,
                    target_on=target,
                    status="achieved" if done else "in_progress",
                    set_on=engaged,
                    set_by=worker,
                )
                # A goal's status is its latest progress update's (goal_progress_record): under
                # way from the day it was set, achieved by its target (or today, if that is sooner).
                progress.add(goal=goal_id, recorded_on=engaged, status="in_progress", recorded_by=worker)
                if done:
                    progress.add(goal=goal_id, recorded_on=min(target, today), status="achieved", recorded_by=worker)
                if service in services and rng.random() < 0.7:
                    offered = min(today, engaged + timedelta(days=rng.randint(0, 21)))
                    started = offered + timedelta(days=rng.randint(3, 20))
                    status = "started" if started <= today else "offered"
                    if status == "started" and rng.random() < 0.1:
                        status = "declined"
                    interventions.add(
                        case=case_id,
                        service=services[service],
                        status=status,
                        offered_on=offered,
                        started_on=started if status == "started" else None,
                        ended_on=offered if status == "declined" else None,
                        recorded_by=worker,
                    )
            lead = "idva" if plan.baseline == RiskLevel.HIGH else "advocacy"
            if lead in services:
                interventions.add(
                    case=case_id,
                    service=services[lead],
                    status="started",
                    offered_on=engaged,
                    started_on=engaged,
                    recorded_by=worker,
                )
            harm = plan.referral.person_causing_harm_id
            if harm is None:
                continue
            expiring = plan.worker == 0 and amara_expiring < 3
            if expiring or rng.random() < 0.2:
                granted = engaged + timedelta(days=rng.randint(7, 30))
                if expiring:  # Amara's caseload: orders running out in the next four weeks
                    granted = add_months(today + timedelta(days=rng.randint(3, 25)), -12)
                    amara_expiring += 1
                if granted > today:
                    continue
                order_id = orders.add(
                    case=case_id,
                    kind="non_molestation",
                    status="granted",
                    applied_on=granted - timedelta(days=rng.randint(5, 14)),
                    granted_on=granted,
                    expires_on=add_months(granted, 12),
                    against=harm,
                    recorded_by=worker,
                )
                protects.add(legalorder=order_id, person=plan.referral.person_id)
        safety.write(writer.report, "safety plans")
        needs.write(writer.report, "needs")
        goals.write(writer.report, "goals")
        progress.write(writer.report, "goal progress updates")
        interventions.write(writer.report, "interventions")
        orders.write(writer.report, "legal orders")
        protects.write(writer.report, "people protected by orders")
        self.children(plans, services.get("childrens_therapeutic"))

    def children(self, plans: list[_Plan], therapy: Any) -> None:
        """The children in the household, as the referral counted them, on each open engaged case:
        a person record each (with its search keys), linked to the case; some in therapy."""
        from waymark.matching.engine import refresh_search_keys
        from waymark.people.models import Person
        from waymark.support.models import CaseChild, Intervention

        writer, today = self.writer, self.writer.today
        family = dict(
            Person.objects.filter(pk__in=[p.referral.person_id for p in plans]).values_list("pk", "family_name")
        )
        people, links, therapies = _Table(Person), _Table(CaseChild), _Table(Intervention)
        number = Person.objects.filter(ref__startswith=CHILD_PREFIX).count()
        for plan in plans:
            count = min(plan.referral.children_in_household or 0, 4)
            rng = random.Random(f"{SEED}:{plan.referral.ref}:children")  # noqa: S311
            worker, engaged = writer.team.workers[plan.worker].pk, plan.engaged_on
            for _ in range(count):
                number += 1
                sex = rng.choice(["female", "male"])
                child_id = people.add(
                    ref=f"{CHILD_PREFIX}{number:06d}",
                    given_name=rng.choice(CHILD_NAMES[sex]),
                    family_name=family.get(plan.referral.person_id, ""),
                    # Born before the day the child was put on the case (the product refuses a
                    # date of birth after it): 100 days to 16 years old then.
                    date_of_birth=(engaged or today) - timedelta(days=rng.randint(100, 16 * 365)),
                    sex=sex,
                    primary_role="child",
                    held_by=writer.team.agency.pk,
                )
                links.add(
                    case=writer.case_ids[id(plan)],
                    child=child_id,
                    relationship_to_client="child",
                    lives_in_household="yes" if rng.random() < 0.85 else "no",
                    linked_on=engaged,
                    linked_by=worker,
                )
                if therapy and engaged and rng.random() < 0.2:
                    offered = min(today, engaged + timedelta(days=rng.randint(7, 30)))
                    therapies.add(
                        case=writer.case_ids[id(plan)],
                        child=child_id,
                        service=therapy,
                        status="offered",
                        offered_on=offered,
                        recorded_by=worker,
                    )
        people.write(writer.report, "children")
        links.write(writer.report, "children on cases")
        therapies.write(writer.report, "children's interventions")
        key = people.names.index("id")
        refresh_search_keys([row[key] for row in people.rows])


PROGRAMME_START = date(2016, 1, 1)
CONTROLLING = ["weekly", "monthly", "less_than_monthly"]  # at start, mid-point, end
VIOLENCE = ["monthly", "less_than_monthly", "none"]
PROGRAMME_SHARE = 0.012  # of engaged cases with a known person causing harm since then
PROGRAMME_SOURCES = [("childrens_social_care", 40), ("probation", 25), ("da_service", 15), ("court", 10), ("self", 10)]


class _ProgrammeWriter:
    """A modest perpetrator programme since 2016: about one person causing harm in eighty whose
    victim engaged is referred; most are enrolled on the 26 weekly sessions, and of those about
    six in ten complete, with attendance and start, mid-point and end outcomes, linked to the
    victim and their case. Run by the demo's programme facilitator (Tom Reid)."""

    def __init__(self, writer: _Writer):
        self.writer = writer

    def write(self, plans: list[_Plan]) -> None:
        from waymark.accounts.models import User

        try:
            from waymark.perpetrators.models import BehaviourOutcome, Enrolment, RiskFlag, SessionAttendance, VictimLink
        except ImportError:  # pragma: no cover - the perpetrators app is built alongside
            return
        from waymark.perpetrators.selectors import allowed_absences

        worker = User.objects.filter(email="tom.reid@sass.example").first()
        if worker is None:
            return
        writer, today = self.writer, self.writer.today
        sessions = int(getattr(settings, "PERPETRATOR_PROGRAMME_SESSIONS", 26))
        agencies = dict(writer.team.agency.__class__.objects.values_list("ref", "pk"))
        source_agency = {"childrens_social_care": "SCSC", "probation": "NPS", "da_service": "SASS"}
        enrolments, links, attendance, outcomes, flags = (
            _Table(Enrolment),
            _Table(VictimLink),
            _Table(SessionAttendance),
            _Table(BehaviourOutcome),
            _Table(RiskFlag),
        )
        taken: set[uuid.UUID] = set()
        number = 0
        for plan in plans:
            harm, engaged = plan.referral.person_causing_harm_id, plan.engaged_on
            if harm is None or engaged is None or engaged < PROGRAMME_START or harm in taken:
                continue
            rng = random.Random(f"{SEED}:{plan.referral.ref}:programme")  # noqa: S311
            if rng.random() >= PROGRAMME_SHARE:
                continue
            referred = engaged + timedelta(days=rng.randint(14, 90))
            if referred > today:
                continue
            taken.add(harm)
            number += 1
            source = _pick(rng, PROGRAMME_SOURCES)
            assessed = referred + timedelta(days=rng.randint(7, 21))
            starts = _next_monday(assessed + timedelta(days=rng.randint(7, 28)))
            values: dict[str, Any] = {
                "ref": f"SD-PP{number:05d}",
                "participant": harm,
                "agency": writer.team.agency.pk,
                # A referral names no programme worker (enrolment_refer); a self-referral names the
                # one who recorded it (enrolment_self_referral).
                "worker": worker.pk if source == "self" else None,
                # Referred from the DA service by the victim's own caseworker; the other services'
                # referrers are not demo users.
                "referred_by": writer.team.workers[plan.worker].pk if source == "da_service" else None,
                "referred_on": referred,
                "source": source,
                "referring_agency": agencies.get(source_agency.get(source, "")),
                "sessions_planned": sessions,
            }
            fate = _pick(rng, [("not_suitable", 12), ("completed", 53), ("dropped_out", 35)])
            if assessed > today:
                values["status"] = "referred"
            elif fate == "not_suitable":
                values.update(
                    status="not_suitable",
                    assessed_on=assessed,
                    ended_on=assessed,
                    not_suitable_reason=_pick(
                        rng,
                        [("denies_any_abuse", 40), ("substance_use", 25), ("not_motivated", 25), ("risk_too_high", 10)],
                    ),
                )
            elif starts > today:
                # A place booked to start later is an enrolment (enrolment_enrol takes a future start).
                values.update(status="enrolled", assessed_on=assessed, starts_on=starts)
            else:
                last = sessions if fate == "completed" else rng.randint(3, sessions - 4)
                ended = starts + timedelta(weeks=last - 1)
                values.update(status="enrolled", assessed_on=assessed, starts_on=starts)
                if ended <= today:
                    values.update(status=fate, ended_on=ended)
                    if fate == "dropped_out":
                        values["drop_out_reason"] = _pick(
                            rng,
                            [
                                ("stopped_attending", 55),
                                ("withdrew", 20),
                                ("custody", 10),
                                ("moved_away", 10),
                                ("risk_escalated", 5),
                            ],
                        )
                enrolment_id = values["id"] = uuid.uuid4()
                held = [starts + timedelta(weeks=w) for w in range(last) if starts + timedelta(weeks=w) <= today]
                marks = [
                    "absent_without_reason"
                    if fate == "dropped_out" and week >= len(held) - 2
                    else _pick(
                        rng,
                        [("attended", 80), ("late", 5), ("absent_with_reason", 9), ("absent_without_reason", 6)],
                    )
                    for week in range(len(held))
                ]
                if values["status"] == "completed":
                    # Completing needs all but the allowed absences attended (enrolment_complete):
                    # those who complete were there for the rest.
                    missed = [week for week, mark in enumerate(marks) if mark.startswith("absent")]
                    for week in missed[allowed_absences() :]:
                        marks[week] = "attended"
                for day, mark in zip(held, marks, strict=True):
                    session_id = attendance.add(
                        enrolment=enrolment_id, session_on=day, attendance=mark, recorded_by=worker.pk
                    )
                    if mark == "absent_without_reason":  # the victim's worker is told (attendance_record)
                        flags.add(
                            enrolment=enrolment_id,
                            kind="missed_session",
                            raised_on=day,
                            raised_by=worker.pk,
                            session=session_id,
                        )
                if values.get("status") == "dropped_out":  # and when they leave (enrolment_drop_out)
                    flags.add(enrolment=enrolment_id, kind="dropped_out", raised_on=ended, raised_by=worker.pk)
                progress = 0
                for point, week in (("start", 0), ("mid", (sessions - 1) // 2), ("end", sessions - 1)):
                    if week >= len(held) or (point == "end" and fate != "completed"):
                        break
                    progress = {"start": 0, "mid": 1, "end": 2}[point]
                    outcomes.add(
                        enrolment=enrolment_id,
                        point=point,
                        recorded_on=held[week],
                        acknowledges_abuse=["not_at_all", "partly", "mostly", "fully"][
                            min(3, progress + rng.randint(0, 1))
                        ],
                        takes_responsibility=["not_at_all", "partly", "mostly", "fully"][
                            min(3, progress + rng.randint(0, 1))
                        ],
                        # Most change; some do not (the seed's programme is no magic).
                        controlling_behaviour=CONTROLLING[progress if rng.random() < 0.8 else 0],
                        physical_violence=VIOLENCE[progress if rng.random() < 0.88 else 0],
                        understands_impact_on_children=["not_at_all", "partly", "mostly"][progress],
                        partner_safety=["unsafe", "partly_safe", "safe"][progress]
                        if rng.random() < 0.8
                        else "not_known",
                        recorded_by=worker.pk,
                    )
            enrolment_id = enrolments.add(**values)
            links.add(
                enrolment=enrolment_id,
                victim=plan.referral.person_id,
                case=writer.case_ids[id(plan)],
                relationship=_pick(rng, [("former_partner", 60), ("current_partner", 40)]),
                linked_by=worker.pk,
            )
        enrolments.write(writer.report, "programme enrolments")
        links.write(writer.report, "programme victim links")
        attendance.write(writer.report, "programme sessions recorded")
        outcomes.write(writer.report, "programme outcomes")
        flags.write(writer.report, "programme risk flags")


def _next_monday(day: date) -> date:
    return day + timedelta(days=(7 - day.weekday()) % 7)


def _last_assessment_number() -> int:
    from waymark.risk.models import RiskAssessment

    refs = RiskAssessment.objects.filter(ref__startswith=ASSESSMENT_PREFIX).order_by("-ref")
    last = refs.values_list("ref", flat=True).first()
    return int(last[len(ASSESSMENT_PREFIX) :]) if last else 0


# --- The entry point ----------------------------------------------------------------------------------


def already_built() -> bool:
    return Case.objects.filter(ref__startswith=REF_PREFIX).exists()


def plan_casework(referrals: Iterable[_Referral], *, now: datetime, thresholds: Any, items: int) -> list[_Plan]:
    """Plans a case for every referral: a pure function of the referrals and ``now``."""
    planner = _Planner(now=now, medium_from=thresholds.medium_from, high_from=thresholds.high_from, items=items)
    today = _day(now)
    plans = [planner.plan(referral) for referral in referrals]
    for plan in plans:
        _late_reviews(plan, today)
    _share_out(plans, today)
    return plans


def _showcases() -> list[str]:
    from waymark.demo.showcase import build_programme_showcase, build_showcase

    return (build_showcase() or []) + (build_programme_showcase() or [])


def build_casework(*, today: date | None = None) -> CaseworkReport | None:
    """Builds the demo cases from the accepted demo referrals; None when they are already there.

    ``today`` fixes the day the demo is "as of" (tests); by default, now."""
    if already_built():
        # The showcases check for themselves (a database seeded before they existed gets them).
        added = _showcases()
        return CaseworkReport(showcase=added) if added else None
    started = clock.monotonic()
    now = timezone.now() if today is None else _at(today, 23 * 60 + 59)
    today = _day(now)
    report = CaseworkReport()
    with transaction.atomic():
        team = _ensure_team()
        writer = _Writer(team, today, report)
        referrals = _referrals()
        report.lap("read")
        plans = plan_casework(referrals, now=now, thresholds=writer.thresholds, items=len(writer.items))
        report.lap("planned")
        writer.write(plans)
        report.showcase = _showcases()
        report.lap("showcase")
    report.seconds = clock.monotonic() - started
    return report
