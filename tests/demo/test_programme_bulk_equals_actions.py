"""The demo's perpetrator programme (``casework._ProgrammeWriter``) is written in bulk: this test
replays the same enrolments through the programme's actions and compares every row.

A handful of open cases engaged since the programme began, each with a person causing harm named,
is made by the casework loader (proved in test_bulk_equals_actions.py); every one is referred (the
demo refers one in eighty), by the victim's caseworker at the demo's DA service. The demo's writer
writes their enrolments, victim links, session registers, behaviour outcomes and risk flags; the
same are replayed through ``enrolment_refer``, ``enrolment_assess``, ``enrolment_enrol``,
``attendance_record``, ``outcome_record``, ``enrolment_complete``, ``enrolment_drop_out`` and
``victim_link`` on each record's date, and compared field by field (ids and row timestamps aside).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import time_machine

from tests.demo.test_bulk_equals_actions import _diff, _NoSupport, at
from tests.demo.test_support_bulk_equals_actions import _build, _engaged, _key
from waymark.demo import casework
from waymark.demo.casework import CaseworkReport
from waymark.people.models import Person
from waymark.perpetrators.models import BehaviourOutcome, Enrolment, RiskFlag, SessionAttendance, VictimLink

KINDS: list[Any] = [Enrolment, VictimLink, SessionAttendance, BehaviourOutcome, RiskFlag]
TODAY = date(2018, 6, 29)


def _through_actions(team: Any, plans: list[Any], bulk: dict[Any, list[dict]]) -> None:
    from waymark.accounts.models import User
    from waymark.perpetrators import actions

    tom = User.objects.get(email="tom.reid@sass.example")
    by_harm = {plan.referral.person_causing_harm_id: plan for plan in plans}
    people = {_key(Person, person.pk): person for person in Person.objects.all()}
    for row in sorted(bulk[Enrolment], key=lambda r: r["referred_on"]):
        participant = people[row["participant"]]
        plan = by_harm[participant.pk]
        key = ("enrolment", row["participant"], row["referred_on"])
        with time_machine.travel(at(row["referred_on"], 10), tick=False):
            enrolment = actions.enrolment_refer(
                actor=team.workers[plan.worker],
                agency=team.agency,
                referred_on=row["referred_on"],
                participant=participant,
            )
        link = next(r for r in bulk[VictimLink] if r["enrolment"] == key)
        with time_machine.travel(at(row["referred_on"], 11), tick=False):
            actions.victim_link(
                actor=tom, enrolment=enrolment, victim=people[link["victim"]], relationship=link["relationship"]
            )
        if row["assessed_on"] is None:
            continue
        with time_machine.travel(at(row["assessed_on"], 10), tick=False):
            enrolment = actions.enrolment_assess(
                actor=tom,
                enrolment=enrolment,
                assessed_on=row["assessed_on"],
                suitable=row["status"] != "not_suitable",
                not_suitable_reason=row["not_suitable_reason"],
            )
        if row["starts_on"] is None:
            continue
        with time_machine.travel(at(row["assessed_on"], 11), tick=False):
            enrolment = actions.enrolment_enrol(
                actor=tom, enrolment=enrolment, starts_on=row["starts_on"], sessions_planned=row["sessions_planned"]
            )
        outcomes = {o["recorded_on"]: o for o in bulk[BehaviourOutcome] if o["enrolment"] == key}
        for session in sorted(
            (s for s in bulk[SessionAttendance] if s["enrolment"] == key), key=lambda s: s["session_on"]
        ):
            with time_machine.travel(at(session["session_on"], 18), tick=False):
                actions.attendance_record(
                    actor=tom, enrolment=enrolment, session_on=session["session_on"], attendance=session["attendance"]
                )
                outcome = outcomes.get(session["session_on"])
                if outcome is not None:
                    actions.outcome_record(
                        actor=tom,
                        enrolment=enrolment,
                        point=outcome["point"],
                        recorded_on=outcome["recorded_on"],
                        measures={name: outcome[name] for name in actions.OUTCOME_MEASURES},
                    )
        if row["ended_on"] is None:
            continue
        with time_machine.travel(at(row["ended_on"], 19), tick=False):
            if row["status"] == "completed":
                actions.enrolment_complete(actor=tom, enrolment=enrolment, ended_on=row["ended_on"])
            else:
                actions.enrolment_drop_out(
                    actor=tom, enrolment=enrolment, ended_on=row["ended_on"], reason=row["drop_out_reason"]
                )


def _enrolment_key(model: Any, pk: Any) -> Any:
    if model is Enrolment and pk is not None:
        enrolment = Enrolment.objects.get(pk=pk)
        return ("enrolment", _key(Person, enrolment.participant_id), enrolment.referred_on)
    if model is SessionAttendance and pk is not None:
        session = SessionAttendance.objects.get(pk=pk)
        return ("session", _enrolment_key(Enrolment, session.enrolment_id), session.session_on)
    return _key(model, pk)


def test_the_programme_the_demo_writes_is_what_the_actions_write(demo_team, monkeypatch):
    from tests.demo import test_support_bulk_equals_actions as support

    programme_writer = casework._ProgrammeWriter
    monkeypatch.setattr(casework, "_SupportWriter", _NoSupport)
    monkeypatch.setattr(casework, "_ProgrammeWriter", _NoSupport)
    monkeypatch.setattr(casework, "PROGRAMME_SHARE", 1.0)  # every one referred
    monkeypatch.setattr(casework, "PROGRAMME_SOURCES", [("da_service", 1)])
    monkeypatch.setattr(support, "_key", _enrolment_key)
    monkeypatch.setattr(support, "SCENARIO_MODELS", {*support.SCENARIO_MODELS, Enrolment, SessionAttendance})
    monkeypatch.setattr(support, "SKIP_FOR", {Person: {"ref"}, Enrolment: {"ref"}})
    plans = [_engaged(demo_team, n, TODAY - timedelta(days=60 + n * 47), worker=n % 3, harm=True) for n in range(12)]
    for plan in plans:
        Person.objects.filter(pk=plan.referral.person_causing_harm_id).update(primary_role="person_causing_harm")
    writer = casework._Writer(demo_team, TODAY, CaseworkReport())
    writer.write(plans)

    bulk = _build(lambda: programme_writer(writer).write(plans), KINDS)
    assert all(bulk[kind] for kind in KINDS), [kind.__name__ for kind in KINDS if not bulk[kind]]
    assert {row["status"] for row in bulk[Enrolment]} >= {"completed", "dropped_out", "enrolled", "not_suitable"}
    replayed = _build(lambda: _through_actions(demo_team, plans, bulk), KINDS)

    differences = {kind.__name__: _diff(bulk[kind], replayed[kind]) for kind in KINDS}
    assert differences == {kind.__name__: [] for kind in KINDS}
    assert bulk[support.AuditEvent] == []
    assert ("create", "perpetrators.enrolment") in replayed[support.AuditEvent]
