"""The demo casework is a bulk loader (``executemany``, docs/demo.md): these tests prove that what it
writes is what the product's own actions write for the same case.

The same small scenario is built twice, inside one test: once by the demo's writer
(``casework._Writer``), once by replaying the same plan through the real ``<noun>_<verb>`` actions
with the clock at each planned moment. Every row of each kind is then compared field by field,
leaving out only ids, creation/modification stamps and the foreign keys to rows made in the
scenario itself (compared through the row they point at). A field the demo writes differently
fails here with its name.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta
from typing import Any

import time_machine
from django.db import models, transaction
from django.utils import timezone

from tests.demo.compare import comparable_rows
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditEvent
from waymark.cases.models import Case, CaseNote, CaseStatusChange, ContactAttempt, ContactOutcome, Task
from waymark.cases.states import CaseStatus, ClosureReason
from waymark.demo import casework
from waymark.demo.casework import CLOSURE_NOTES, CaseworkReport, _Assessment, _Measure, _Plan, _Referral
from waymark.outcomes.models import OutcomeMeasure, Stage
from waymark.referrals.models import Referral
from waymark.referrals.states import ReferralStatus
from waymark.risk.models import RiskAnswer, RiskAssessment

# Fields that are bookkeeping, not content: the row's id and when the row itself was written.
SKIP = {"id", "created_at", "modified_at", "version"}
# A case's ``ref`` is the demo's own name for it (SD-C...), by which it finds its cases again: an
# id like the others (the case's number, from the yearly sequence, is compared).
SKIP_FOR = {Case: {"ref"}, ContactAttempt: {"channel"}}
# The deliberate differences (docs/demo.md, "How the demo writes"), each asserted on its own below:
# the demo links no contact channel to an attempt by phone, text, email or letter (its people have
# none recorded), where the product requires one; and the loader writes no audit rows.
KINDS = [Case, CaseStatusChange, ContactAttempt, RiskAssessment, RiskAnswer, OutcomeMeasure, Task, CaseNote]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)))


def _referral(team: Any, received_on: date, n: int) -> Referral:
    person = PersonFactory(held_by=team.agency, given_name=f"Demo{n}", family_name="Equivalence")
    return Referral.objects.create(
        number=f"R-{received_on.year}-{990000 + n:06d}",
        received_on=received_on,
        source="professional",
        status=ReferralStatus.ACCEPTED,
        subject=person,
        receiving_agency=team.agency,
        vawg_category="domestic_abuse",
        abuse_types=["physical"],
        consent="given",
    )


def _plans(referrals: list[Referral]) -> list[_Plan]:
    """Two lives a demo case has: never reached and closed; reached, engaged and still open
    (with the tasks and notes the demo gives today's caseload). Attempts use channels that
    need no recorded phone number (see docs/demo.md: the demo links no contact channels)."""
    unreached, engaged, completed, rereferred = referrals
    day = unreached.received_on + timedelta(days=1)
    first = _Plan(
        referral=_as_demo(unreached),
        opened_at=at(day, 9, 30),
        allocated_at=at(day, 10, 15),
        closure_requested_at=at(day + timedelta(days=9), 11),
        closure_reason=ClosureReason.UNABLE_TO_CONTACT,
        closed_on=day + timedelta(days=10),
        worker=2,
    )
    first.events = [
        (at(day, 9, 30), CaseStatus.AWAITING_ALLOCATION, "system", ""),
        (at(day, 10, 15), CaseStatus.ALLOCATED, "manager", ""),
        (at(day, 11), CaseStatus.CONTACT_ATTEMPTED, "worker", ""),
        (at(day + timedelta(days=6), 15), CaseStatus.UNABLE_TO_ENGAGE, "worker", "No contact after repeated attempts"),
        (
            at(day + timedelta(days=9), 11),
            CaseStatus.CLOSURE_REQUESTED,
            "worker",
            CLOSURE_NOTES[ClosureReason.UNABLE_TO_CONTACT],
        ),
        (
            at(day + timedelta(days=10), 10),
            CaseStatus.CLOSED,
            "manager",
            ClosureReason(ClosureReason.UNABLE_TO_CONTACT).label,
        ),
    ]
    first.attempts = [
        (at(day, 11), "via_professional", ContactOutcome.NO_ANSWER),
        (at(day + timedelta(days=3), 14), "in_person", ContactOutcome.NO_ANSWER),
        (at(day + timedelta(days=6), 15), "via_professional", ContactOutcome.WRONG_NUMBER),
    ]
    day = engaged.received_on + timedelta(days=1)
    second = _Plan(
        referral=_as_demo(engaged),
        opened_at=at(day, 9, 45),
        allocated_at=at(day, 10, 30),
        first_contact_at=at(day, 13),
        engaged_on=day + timedelta(days=2),
        worker=0,
    )
    second.events = [
        (at(day, 9, 45), CaseStatus.AWAITING_ALLOCATION, "system", ""),
        (at(day, 10, 30), CaseStatus.ALLOCATED, "manager", ""),
        (at(day, 12), CaseStatus.CONTACT_ATTEMPTED, "worker", ""),
        (at(day + timedelta(days=2), 10), CaseStatus.ENGAGED, "worker", ""),
    ]
    second.attempts = [
        (at(day, 12), "via_professional", ContactOutcome.NO_ANSWER),
        (at(day, 12, 30), "phone_call", ContactOutcome.NO_ANSWER),
        (at(day, 13), "in_person", ContactOutcome.MET),
    ]
    second.assessments = [_Assessment(on=day + timedelta(days=2), yes=15, level="high")]
    second.measures = [
        _Measure(on=day + timedelta(days=2), stage=Stage.INTAKE, values=INTAKE_VALUES, assessment=0),
    ]
    return [first, second, _completed(completed), _rereferred(rereferred)]


def _rereferred(referral: Referral) -> _Plan:
    """Allocated, then closed because the person was referred again before anyone reached them
    (the demo's ``close_for_re_referral``): through one attempt, unable to engage, closure."""
    day = referral.received_on + timedelta(days=1)
    plan = _Plan(referral=_as_demo(referral), opened_at=at(day, 9, 5), allocated_at=at(day, 9, 40), worker=1)
    plan.events = [
        (at(day, 9, 5), CaseStatus.AWAITING_ALLOCATION, "system", ""),
        (at(day, 9, 40), CaseStatus.ALLOCATED, "manager", ""),
    ]
    casework._Planner.close_for_re_referral(plan)
    assert plan.attempts and plan.events[-1][1] == CaseStatus.CLOSED
    return plan


INTAKE_VALUES = {"physical": "weekly", "jealous_controlling": "daily", "feeling_safe": 2, "wellbeing": 3}
EXIT_VALUES = {"physical": "none", "jealous_controlling": "monthly", "feeling_safe": 4, "wellbeing": 4}


def _completed(referral: Referral) -> _Plan:
    """Reached, engaged, assessed twice (historic, so imported counts), measured at intake and
    exit, and closed: support completed, approved by the manager."""
    day = referral.received_on + timedelta(days=1)
    plan = _Plan(
        referral=_as_demo(referral),
        opened_at=at(day, 9, 15),
        allocated_at=at(day, 9, 50),
        first_contact_at=at(day, 11),
        engaged_on=day + timedelta(days=1),
        worker=1,
    )
    plan.events = [
        (at(day, 9, 15), CaseStatus.AWAITING_ALLOCATION, "system", ""),
        (at(day, 9, 50), CaseStatus.ALLOCATED, "manager", ""),
        (at(day, 11), CaseStatus.CONTACT_ATTEMPTED, "worker", ""),
        (at(day + timedelta(days=1), 10), CaseStatus.ENGAGED, "worker", ""),
        (at(day + timedelta(days=3), 10), CaseStatus.ACTIVE, "worker", ""),
    ]
    plan.attempts = [(at(day, 11), "in_person", ContactOutcome.SPOKE)]
    plan.assessments = [
        _Assessment(on=day + timedelta(days=1), yes=12, level="medium"),
        _Assessment(on=day + timedelta(days=30), yes=4, level="standard"),
    ]
    plan.measures = [
        _Measure(on=day + timedelta(days=1), stage=Stage.INTAKE, values=INTAKE_VALUES, assessment=0),
        _Measure(on=day + timedelta(days=40), stage=Stage.EXIT, values=EXIT_VALUES, assessment=None),
    ]
    rng = random.Random("equivalence")
    casework._Planner(now=at(day, 9), medium_from=10, high_from=14, items=24).close(
        rng, plan, at(day + timedelta(days=41), 11), ClosureReason.SUPPORT_COMPLETED
    )
    return plan


def _as_demo(referral: Referral) -> _Referral:
    return _Referral(
        id=referral.pk,
        ref=f"SD-R{referral.number[-6:]}",
        received_on=referral.received_on,
        person_id=referral.subject_id,
        abuse_types=list(referral.abuse_types),
        referral_assessed_on=None,
    )


# --- The two ways -------------------------------------------------------------------------------


def _bulk(team: Any, plans: list[_Plan], today: date) -> None:
    writer = casework._Writer(team, today, CaseworkReport())
    writer.write(plans)


def _through_actions(team: Any, plans: list[_Plan], today: date, bulk_rows: dict[type, list[dict]]) -> None:
    """The same plans, each step by the action a member of staff would use, at the planned time."""
    from waymark.cases import actions
    from waymark.outcomes.actions import outcome_measure_record

    for plan in sorted(plans, key=lambda p: p.opened_at):  # cases are numbered as they open
        worker = team.workers[plan.worker]
        who = {"worker": worker, "manager": team.manager}
        referral = Referral.objects.get(pk=plan.referral.id)
        case: Case | None = None
        assessments: list[RiskAssessment] = []
        # One timeline: at the same moment an attempt comes before a step (the attempt is why).
        timeline = sorted(
            [(when, 0, ("attempt", kind, outcome)) for when, kind, outcome in plan.attempts]
            + [(when, 1, ("step", status, actor, reason)) for when, status, actor, reason in plan.events]
            # A checklist at noon on its day, outcome measures after it (the exit before the closure request).
            + [(at(a.on, 12), 2, ("assessment", i)) for i, a in enumerate(plan.assessments)]
            + [(at(m.on, 9 if m.stage == Stage.EXIT else 13), 3, ("measure", m)) for m in plan.measures],
            key=lambda item: (item[0], item[1]),
        )
        for when, _, what in timeline:
            with time_machine.travel(when, tick=False):
                if what[0] == "assessment":
                    assessments.append(_assess(team, plan, what[1], worker, bulk_rows))
                    continue
                if what[0] == "measure":
                    assert case is not None
                    measure = what[1]
                    outcome_measure_record(
                        actor=worker,
                        case=case,
                        subject=case.person,
                        stage=measure.stage,
                        measured_on=measure.on,
                        risk_assessment=assessments[measure.assessment] if measure.assessment is not None else None,
                        **measure.values,
                    )
                    continue
                if what[0] == "attempt":
                    assert case is not None
                    actions.contact_attempt_record(
                        actor=worker,
                        case=case,
                        kind=what[1],
                        outcome=what[2],
                        attempted_at=when,
                        channel=_channel_for(case, what[1]),
                    )
                    case.refresh_from_db()
                    continue
                _, status, actor, reason = what
                if status == CaseStatus.AWAITING_ALLOCATION:
                    case = actions.case_open_from_referral(actor=None, referral=referral)  # the accept hook
                    continue
                assert case is not None
                if status == CaseStatus.ALLOCATED:
                    case = actions.case_allocate(actor=team.manager, case=case, caseworker=worker)
                elif status == CaseStatus.CONTACT_ATTEMPTED:
                    pass  # the first attempt moved it
                elif status == CaseStatus.ACTIVE:
                    case = actions.case_activate(actor=worker, case=case)
                elif status == CaseStatus.ENGAGED:
                    case = actions.case_mark_engaged(actor=worker, case=case, engaged_on=plan.engaged_on)
                elif status == CaseStatus.UNABLE_TO_ENGAGE:
                    case = actions.case_mark_unable_to_engage(actor=worker, case=case, reason=reason)
                elif status == CaseStatus.CLOSURE_REQUESTED:
                    case = actions.case_request_closure(
                        actor=worker, case=case, reason=plan.closure_reason, note=CLOSURE_NOTES[plan.closure_reason]
                    )
                elif status == CaseStatus.CLOSED:
                    case = actions.case_approve_closure(actor=who[actor], case=case)
                else:
                    raise AssertionError(f"no replay for {status}")
        assert case is not None
        # Today's caseload: the same tasks and notes the demo gave it, added (and done) by the worker.
        for task in sorted(bulk_rows[Task], key=lambda t: (t["due_on"], t["title"])):
            if task["case"] != ("case", plan.referral.id):
                continue
            with time_machine.travel(plan.allocated_at, tick=False):
                made = actions.task_add(
                    actor=worker, case=case, title=task["title"], due_on=task["due_on"], owner=worker
                )
            if task["done_at"] is not None:
                with time_machine.travel(task["done_at"], tick=False):
                    actions.task_complete(actor=worker, task=made)
        for note in sorted(bulk_rows[CaseNote], key=lambda n: n["written_at"]):
            if note["case"] != ("case", plan.referral.id):
                continue
            with time_machine.travel(note["written_at"], tick=False):
                actions.case_note_add(actor=worker, case=case, body=note["body"], sensitive=note["sensitive"])


def _channel_for(case: Case, kind: str) -> Any:
    """The person's mobile, recorded for the replay only, for the kinds the product needs one for."""
    from waymark.cases.actions import channels_for_kind
    from waymark.people.choices import ChannelKind
    from waymark.people.models import ContactChannel

    if ChannelKind.MOBILE not in channels_for_kind(kind):
        return None
    return ContactChannel.objects.get_or_create(
        person=case.person, kind=ChannelKind.MOBILE, defaults={"value": "07700 900123"}
    )[0]


def _assess(team: Any, plan: _Plan, index: int, worker: Any, bulk_rows: dict[type, list[dict]]) -> RiskAssessment:
    """The checklist as the worker records it (today's open cases: every answer) or as an import
    brings a historic one (a count only), with the reference the demo gave it."""
    from waymark.risk.actions import risk_assessment_record
    from waymark.risk.choices import AssessmentSource
    from waymark.risk.models import RiskInstrument

    mine = [row for row in bulk_rows[RiskAssessment] if row["person"] == plan.referral.person_id]
    row = sorted(mine, key=lambda r: r["assessed_on"])[index]
    instrument = RiskInstrument.objects.get(pk=row["instrument"])
    numbers = dict(instrument.items.values_list("pk", "number"))
    answers = {numbers[a["item"]]: a["answer"] for a in bulk_rows[RiskAnswer] if a["assessment"] == row["ref"]}
    recorded = row["source"] == AssessmentSource.RECORDED
    return risk_assessment_record(
        actor=worker if recorded else None,
        person=Referral.objects.get(pk=plan.referral.id).subject,
        instrument=instrument,
        assessed_on=plan.assessments[index].on,
        answers=answers if recorded else None,
        yes_count=None if recorded else plan.assessments[index].yes,
        judgement_level=plan.assessments[index].judgement or None,
        judgement_reason=plan.assessments[index].reason,
        agency=team.agency,
        ref=row["ref"],
        source=AssessmentSource(row["source"]),
    )


# --- Comparing ----------------------------------------------------------------------------------


def _key(model: type[models.Model], pk: Any) -> Any:
    """A row made in the scenario, named by what it is rather than its id."""
    if pk is None:
        return None
    if model is Case:
        return ("case", Case.objects.values_list("referral_id", flat=True).get(pk=pk))
    if model is RiskAssessment:
        return RiskAssessment.objects.values_list("ref", flat=True).get(pk=pk)
    return (model._meta.label_lower, pk)


SCENARIO_MODELS = {Case, RiskAssessment}


def _rows(kind: type[models.Model]) -> list[dict[str, Any]]:
    return comparable_rows(kind, skip=SKIP | SKIP_FOR.get(kind, set()), scenario_models=SCENARIO_MODELS, key=_key)


def _snapshot(audited_after: int = 0) -> dict[type, list[dict]]:
    rows: dict[type, list[Any]] = {kind: _rows(kind) for kind in KINDS}
    written = AuditEvent.objects.filter(sequence__gt=audited_after).order_by("sequence")
    rows[AuditEvent] = list(written.values_list("action", "object_type"))
    rows[ChannelsUsed] = sorted(ContactAttempt.objects.values_list("kind", "channel__kind"))
    return rows


class ChannelsUsed:
    """(kind of attempt, kind of channel used) for every attempt: the one field compared apart."""


def _build(way: Any) -> dict[type, list[dict]]:
    """Builds with ``way`` inside a transaction that is rolled back, and returns the rows."""
    before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    with transaction.atomic():
        way()
        rows = _snapshot(audited_after=before)
        transaction.set_rollback(True)
    return rows


def test_the_casework_bulk_loader_writes_what_the_actions_write(demo_team, monkeypatch):
    today = date(2015, 7, 31)
    referrals = [_referral(demo_team, date(2015, 6, d), n) for n, d in ((1, 1), (9, 8), (3, 3), (4, 4))]
    # The demo gives tasks and notes only to today's open cases of its first two workers; the
    # engaged plan is Amara's (worker 0), and her rng gives this case both.
    monkeypatch.setattr(casework, "_SupportWriter", _NoSupport)  # support records: not in this scenario
    monkeypatch.setattr(casework, "_ProgrammeWriter", _NoSupport)

    bulk = _build(lambda: _bulk(demo_team, _plans(referrals), today))
    assert all(bulk[kind] for kind in KINDS), [kind.__name__ for kind in KINDS if not bulk[kind]]
    replayed = _build(lambda: _through_actions(demo_team, _plans(referrals), today, bulk))

    differences = {kind.__name__: _diff(bulk[kind], replayed[kind]) for kind in KINDS}
    assert differences == {kind.__name__: [] for kind in KINDS}
    # The deliberate differences, and nothing more: the demo's phone call names no channel (the
    # product's names the person's mobile); in person and through a professional, neither does.
    assert ("phone_call", None) in bulk[ChannelsUsed]
    assert [(kind, None) for kind, _ in bulk[ChannelsUsed]] == bulk[ChannelsUsed]
    assert [(k, "mobile" if k == "phone_call" else None) for k, _ in replayed[ChannelsUsed]] == replayed[ChannelsUsed]
    # ... and the loader writes no audit rows, where the actions write theirs.
    assert bulk[AuditEvent] == []
    assert ("create", "cases.contactattempt") in replayed[AuditEvent]


class _NoSupport:
    def __init__(self, writer: Any):
        pass

    def write(self, plans: list[_Plan]) -> None:
        pass


def _diff(bulk: list[Any], replayed: list[Any]) -> list[str]:
    problems = []
    if len(bulk) != len(replayed):
        problems.append(f"{len(bulk)} rows in bulk, {len(replayed)} through the actions")
    for mine, theirs in zip(bulk, replayed, strict=False):
        if isinstance(mine, dict):
            for name in mine:
                if mine[name] != theirs.get(name):
                    problems.append(f"{name}: bulk {mine[name]!r}, actions {theirs.get(name)!r}")
        elif mine != theirs:
            problems.append(f"bulk {mine!r}, actions {theirs!r}")
    return problems


def test_the_comparison_sees_a_difference():
    """The comparison is not blind: one changed field is named."""
    row = {"status": "closed", "reason": "Approved"}
    assert _diff([row], [{**row, "reason": "Support completed"}]) == [
        "reason: bulk 'Approved', actions 'Support completed'"
    ]
    assert _diff([row], []) == ["1 rows in bulk, 0 through the actions"]


DECISION_FIELDS = ("status", "triaged_at", "accepted_at", "decided_at")


def test_the_referral_decision_times_the_demo_sets_are_what_triage_and_acceptance_set(demo_team, monkeypatch):
    """The loader stamps each accepted referral's triage, acceptance and decision times with an
    ``UPDATE`` (``_set_referral_decisions``). The product sets them when a team manager triages
    and accepts the referral (``referral_transition``), whose hook opens the case: replayed at the
    moment the demo's case opens, the referral's decision fields and the case opened are the same."""
    from waymark.referrals.actions import referral_transition

    today = date(2015, 7, 31)
    referrals = [_referral(demo_team, date(2015, 6, d), n) for n, d in ((11, 1), (19, 8), (13, 3), (14, 4))]
    monkeypatch.setattr(casework, "_SupportWriter", _NoSupport)
    monkeypatch.setattr(casework, "_ProgrammeWriter", _NoSupport)
    ids = [r.pk for r in referrals]

    def decisions() -> list[tuple[Any, ...]]:
        rows = Referral.objects.filter(pk__in=ids).order_by("number").values_list("number", *DECISION_FIELDS)
        opened = dict(Case.objects.filter(referral_id__in=ids).values_list("referral__number", "opened_on"))
        return [(*row, opened.get(row[0])) for row in rows]

    def bulk() -> None:
        _bulk(demo_team, _plans(referrals), today)

    def through_actions() -> None:
        Referral.objects.filter(pk__in=ids).update(status=ReferralStatus.RECEIVED)  # as it arrives
        for plan in _plans(referrals):
            with time_machine.travel(plan.opened_at, tick=False):
                referral = Referral.objects.get(pk=plan.referral.id)
                referral = referral_transition(
                    actor=demo_team.manager, referral=referral, to_status=ReferralStatus.TRIAGED
                )
                referral_transition(actor=demo_team.manager, referral=referral, to_status=ReferralStatus.ACCEPTED)

    def build(way: Any) -> list[tuple[Any, ...]]:
        with transaction.atomic():
            way()
            rows = decisions()
            transaction.set_rollback(True)
        return rows

    by_loader, by_actions = build(bulk), build(through_actions)
    assert all(row[2] is not None and row[-1] is not None for row in by_loader), by_loader
    assert by_loader == by_actions
