"""The demo's support records (safety plans, needs, goals and their progress, interventions, legal
orders: ``casework._SupportWriter``) are written in bulk, like the rest of its casework: these tests
prove that what it writes is what the support app's actions write for the same cases.

As in test_bulk_equals_actions.py: a handful of today's open, engaged cases is made by the
casework loader (itself proved there), then their support records are written twice, inside one
test: once by the demo's writer, once by replaying the same records through the real actions
(``safety_plan_record``, ``need_record``, ``goal_add``, ``goal_progress_record``,
``intervention_record``, ``intervention_update``, ``legal_order_record``) with the clock on each
record's date. Every row is compared field by field, leaving out only ids and row timestamps; a
row made in the scenario that another points at (a goal's need, a progress update's goal, an
order's people) is compared through what it is. The children on the cases (person records, search
keys, links, therapy offered) are compared the same way in a second test, replayed through
``case_child_create`` and ``intervention_record``.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import time_machine
from django.db import models, transaction

from tests.demo.compare import comparable_rows
from tests.demo.test_bulk_equals_actions import _as_demo, _diff, _NoSupport, _referral, at
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditEvent
from waymark.cases.models import Case, ContactOutcome
from waymark.cases.states import CaseStatus
from waymark.demo import casework
from waymark.demo.casework import CaseworkReport, _Plan
from waymark.matching.models import PersonSearchKey
from waymark.people.models import Person
from waymark.risk.choices import RiskLevel
from waymark.support.models import CaseChild, Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan

Protects = LegalOrder.protects.through
KINDS: list[Any] = [SafetyPlan, Need, Goal, GoalProgress, Intervention, LegalOrder, Protects]
SKIP = {"id", "created_at", "modified_at"}
# A child's ``ref`` is the demo's own name for it (SD-CH...), as a case's is (compared by what it is).
SKIP_FOR: dict[Any, set[str]] = {Person: {"ref"}}
CHILD_KINDS: list[Any] = [Person, PersonSearchKey, CaseChild, Intervention]
TODAY = date(2015, 7, 31)


def _engaged(team: Any, n: int, engaged_on: date, worker: int, harm: bool) -> _Plan:
    """An open case, reached and engaged on ``engaged_on`` (today's caseload, where support records are)."""
    received = engaged_on - timedelta(days=3)
    referral = _referral(team, received, 100 + n)
    if harm:
        referral.person_causing_harm = PersonFactory(held_by=team.agency, given_name=f"Harm{n}", family_name="Demo")
        referral.save(update_fields=["person_causing_harm"])
    day = received + timedelta(days=1)
    demo = _as_demo(referral)
    demo.person_causing_harm_id = referral.person_causing_harm_id
    plan = _Plan(
        referral=demo,
        opened_at=at(day, 9, 30),
        allocated_at=at(day, 10),
        first_contact_at=at(day, 11),
        engaged_on=engaged_on,
        baseline=RiskLevel.HIGH if n % 2 else RiskLevel.MEDIUM,
        worker=worker,
    )
    plan.events = [
        (at(day, 9, 30), CaseStatus.AWAITING_ALLOCATION, "system", ""),
        (at(day, 10), CaseStatus.ALLOCATED, "manager", ""),
        (at(day, 11), CaseStatus.CONTACT_ATTEMPTED, "worker", ""),
        (at(engaged_on, 10), CaseStatus.ENGAGED, "worker", ""),
    ]
    plan.attempts = [(at(day, 11), "in_person", ContactOutcome.MET)]
    return plan


def _scenario(team: Any) -> list[_Plan]:
    """Cases engaged from a year and more ago to last week, for each of three workers, most with a
    person causing harm named: enough for every kind of record and the demo's branches (a reviewed
    safety plan, an achieved goal, interventions started, only offered and declined, an order)."""
    plans = []
    for n in range(14):
        engaged_on = TODAY - timedelta(days=7 + n * 29)
        plans.append(_engaged(team, n, engaged_on, worker=n % 3, harm=n % 4 != 3))
    return plans


# --- The replay -----------------------------------------------------------------------------------


def _through_actions(team: Any, plans: list[_Plan], bulk: dict[Any, list[dict]]) -> None:
    """The same records, each by the action a caseworker would use, on the record's own date."""
    from waymark.support import actions
    from waymark.support.models import Service

    for plan in plans:
        worker = team.workers[plan.worker]
        case = Case.objects.get(referral_id=plan.referral.id)
        mine = ("case", plan.referral.id)
        for row in sorted((r for r in bulk[SafetyPlan] if r["case"] == mine), key=lambda r: r["version"]):
            with time_machine.travel(at(row["reviewed_on"], 12), tick=False):
                actions.safety_plan_record(
                    actor=worker,
                    case=case,
                    sections={name: row[name] for name in actions.SAFETY_PLAN_FIELDS},
                    reviewed_on=row["reviewed_on"],
                    next_review_on=row["next_review_on"],
                )
        for row in sorted((r for r in bulk[Need] if r["case"] == mine), key=lambda r: r["domain"]):
            with time_machine.travel(at(row["identified_on"], 12), tick=False):
                need = actions.need_record(
                    actor=worker,
                    case=case,
                    domain=row["domain"],
                    level=row["level"],
                    description=row["description"],
                    identified_on=row["identified_on"],
                )
            need_key = ("need", mine, row["domain"])
            for goal_row in (g for g in bulk[Goal] if g["need"] == need_key):
                with time_machine.travel(at(goal_row["set_on"], 12), tick=False):
                    goal = actions.goal_add(
                        actor=worker,
                        need=need,
                        description=goal_row["description"],
                        target_on=goal_row["target_on"],
                        set_on=goal_row["set_on"],
                    )
                goal_key = ("goal", need_key, goal_row["description"])
                updates = sorted(
                    (u for u in bulk[GoalProgress] if u["goal"] == goal_key), key=lambda u: u["recorded_on"]
                )
                for update in updates:
                    with time_machine.travel(at(update["recorded_on"], 13), tick=False):
                        actions.goal_progress_record(
                            actor=worker,
                            goal=goal,
                            status=update["status"],
                            recorded_on=update["recorded_on"],
                            note=update["note"],
                        )
        for row in sorted((r for r in bulk[Intervention] if r["case"] == mine), key=lambda r: r["offered_on"]):
            with time_machine.travel(at(row["offered_on"], 12), tick=False):
                made = actions.intervention_record(
                    actor=worker,
                    case=case,
                    service=Service.objects.get(pk=row["service"]),
                    offered_on=row["offered_on"],
                    note=row["outcome_note"],
                )
            moved_on = row["started_on"] or row["ended_on"]
            if moved_on is not None:
                with time_machine.travel(at(moved_on, 14), tick=False):
                    actions.intervention_update(actor=worker, intervention=made, status=row["status"], on=moved_on)
        for row in (r for r in bulk[LegalOrder] if r["case"] == mine):
            key = ("order", mine, row["kind"], row["granted_on"])
            people = {_key(Person, person.pk): person for person in Person.objects.all()}
            protected = [people[p["person"]] for p in bulk[Protects] if p["legalorder"] == key]
            with time_machine.travel(at(row["granted_on"] or row["applied_on"], 15), tick=False):
                actions.legal_order_record(
                    actor=worker,
                    case=case,
                    kind=row["kind"],
                    status=row["status"],
                    applied_on=row["applied_on"],
                    granted_on=row["granted_on"],
                    expires_on=row["expires_on"],
                    protects=protected,
                    against=people[row["against"]],
                    terms=row["terms"],
                )


# --- Comparing ------------------------------------------------------------------------------------


def _key(model: Any, pk: Any) -> Any:
    """A row made in the scenario, named by what it is rather than its id."""
    if pk is None:
        return None
    if model is Case:
        return ("case", Case.objects.values_list("referral_id", flat=True).get(pk=pk))
    if model is Need:
        need = Need.objects.get(pk=pk)
        return ("need", _key(Case, need.case_id), need.domain)
    if model is Goal:
        goal = Goal.objects.get(pk=pk)
        return ("goal", _key(Need, goal.need_id), goal.description)
    if model is Person:
        person = Person.objects.get(pk=pk)
        return ("person", person.given_name, person.family_name, person.date_of_birth)
    if model is LegalOrder:
        order = LegalOrder.objects.get(pk=pk)
        return ("order", _key(Case, order.case_id), order.kind, order.granted_on)
    return pk


SCENARIO_MODELS = {Case, Need, Goal, LegalOrder, Person}


def _rows(kind: type[models.Model]) -> list[dict[str, Any]]:
    return comparable_rows(kind, skip=SKIP | SKIP_FOR.get(kind, set()), scenario_models=SCENARIO_MODELS, key=_key)


def _build(way: Any, kinds: list[Any] = KINDS) -> dict[Any, list[Any]]:
    """Writes with ``way`` inside a transaction that is rolled back, and returns the rows."""
    before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    with transaction.atomic():
        way()
        rows: dict[Any, list[Any]] = {kind: _rows(kind) for kind in kinds}
        written = AuditEvent.objects.filter(sequence__gt=before).order_by("sequence")
        rows[AuditEvent] = list(written.values_list("action", "object_type"))
        transaction.set_rollback(True)
    return rows


def test_the_support_records_the_demo_writes_are_what_the_actions_write(demo_team, monkeypatch):
    support_writer = casework._SupportWriter
    monkeypatch.setattr(casework, "_SupportWriter", _NoSupport)  # written below, twice
    monkeypatch.setattr(casework, "_ProgrammeWriter", _NoSupport)
    plans = _scenario(demo_team)
    writer = casework._Writer(demo_team, TODAY, CaseworkReport())
    writer.write(plans)  # the cases: the casework loader, proved in test_bulk_equals_actions.py

    bulk = _build(lambda: support_writer(writer).write(plans))
    assert all(bulk[kind] for kind in KINDS), [kind.__name__ for kind in KINDS if not bulk[kind]]
    # The scenario reaches the demo's branches: a reviewed plan, goals under way and achieved,
    # interventions started, only offered and declined.
    assert {row["version"] for row in bulk[SafetyPlan]} == {1, 2}
    assert {row["status"] for row in bulk[Goal]} >= {"in_progress", "achieved"}
    assert {row["status"] for row in bulk[Intervention]} >= {"started", "offered", "declined"}
    replayed = _build(lambda: _through_actions(demo_team, plans, bulk))

    differences = {kind.__name__: _diff(bulk[kind], replayed[kind]) for kind in KINDS}
    assert differences == {kind.__name__: [] for kind in KINDS}
    # The loader writes no audit rows (deliberately, docs/demo.md); the actions write theirs.
    assert bulk[AuditEvent] == []
    assert ("create", "support.safetyplan") in replayed[AuditEvent]


def _children_through_actions(team: Any, plans: list[_Plan], bulk: dict[Any, list[dict]]) -> None:
    """The same children, each recorded on its case by the worker (``case_child_create``) on the
    day it was linked, and the therapy offered to some (``intervention_record``) on its day."""
    from waymark.support import actions
    from waymark.support.models import Service

    made: dict[Any, Person] = {}
    for plan in plans:
        worker = team.workers[plan.worker]
        case = Case.objects.get(referral_id=plan.referral.id)
        mine = ("case", plan.referral.id)
        for link in (r for r in bulk[CaseChild] if r["case"] == mine):
            child = next(
                p
                for p in bulk[Person]
                if ("person", p["given_name"], p["family_name"], p["date_of_birth"]) == link["child"]
            )
            with time_machine.travel(at(link["linked_on"], 12), tick=False):
                made[link["child"]] = actions.case_child_create(
                    actor=worker,
                    case=case,
                    fields={name: child[name] for name in ("given_name", "family_name", "date_of_birth", "sex")},
                    relationship_to_client=link["relationship_to_client"],
                    lives_in_household=link["lives_in_household"],
                ).child
        for row in (r for r in bulk[Intervention] if r["case"] == mine):
            with time_machine.travel(at(row["offered_on"], 12), tick=False):
                actions.intervention_record(
                    actor=worker,
                    case=case,
                    service=Service.objects.get(pk=row["service"]),
                    offered_on=row["offered_on"],
                    child=made[row["child"]],
                    note=row["outcome_note"],
                )


def test_the_children_the_demo_writes_are_what_the_actions_write(demo_team, monkeypatch):
    support_writer = casework._SupportWriter
    monkeypatch.setattr(casework, "_SupportWriter", _NoSupport)  # written below, twice
    monkeypatch.setattr(casework, "_ProgrammeWriter", _NoSupport)
    plans = _scenario(demo_team)
    for n, plan in enumerate(plans):
        plan.referral.children_in_household = n % 4
    writer = casework._Writer(demo_team, TODAY, CaseworkReport())
    writer.write(plans)

    def bulk_way() -> None:
        from waymark.support.models import Service

        support_writer(writer).children(plans, Service.objects.get(code="childrens_therapeutic").pk)

    bulk = _build(bulk_way, CHILD_KINDS)
    assert all(bulk[kind] for kind in CHILD_KINDS), [kind.__name__ for kind in CHILD_KINDS if not bulk[kind]]
    replayed = _build(lambda: _children_through_actions(demo_team, plans, bulk), CHILD_KINDS)

    differences = {kind.__name__: _diff(bulk[kind], replayed[kind]) for kind in CHILD_KINDS}
    assert differences == {kind.__name__: [] for kind in CHILD_KINDS}
    assert bulk[AuditEvent] == []
    assert ("link", "support.casechild") in replayed[AuditEvent]
