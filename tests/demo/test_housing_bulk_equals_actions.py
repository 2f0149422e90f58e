"""The demo's historic housing applications are a bulk loader (``bulk_create``, docs/demo.md): this
test proves that what it writes, for a season of applications, is what the housing actions write.

The demo's own builder (``waymark.demo.housing._Builder``) plans and writes a few dozen applications
with their households, assessments, duties and emergency placements; the same plan is then replayed
through the actions a housing officer uses (``application_create``, ``application_assess``,
``placement_start``, ``placement_end``, ``duty_end``), and every row of each kind is compared
field by field, leaving out only ids and the row's own timestamps. Foreign keys to rows made in the
scenario are compared through what they point at (an application by its number, a person by name
and date of birth).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest
from django.db import models, transaction

from tests.demo.compare import comparable_rows
from waymark.accounts.models import User
from waymark.demo import housing as demo_housing
from waymark.demo.partnership import build_partnership
from waymark.housing import actions
from waymark.housing.models import Duty, HomelessnessApplication, HouseholdMember, NumberSequence, TemporaryPlacement
from waymark.organisations.models import Agency
from waymark.people.models import Person

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 24)
# One season: enough applications for the paths the builder takes (prevention, relief, emergency
# accommodation, duties and placements ended and still running).
SEASON = (date(2026, 4, 1), TODAY, 40, 14)
SKIP = {"id", "created_at", "modified_at"}
KINDS: list[type[models.Model]] = [HomelessnessApplication, HouseholdMember, Duty, TemporaryPlacement]
PERSON_FIELDS = ["given_name", "family_name", "sex", "primary_role", "held_by_id", "date_of_birth"]


def _person_key(pk: Any) -> Any:
    person = Person.objects.get(pk=pk)
    return tuple(getattr(person, name) for name in PERSON_FIELDS)


def _key(model: type[models.Model], pk: Any) -> Any:
    if pk is None:
        return None
    if model is HomelessnessApplication:
        return HomelessnessApplication.objects.values_list("number", flat=True).get(pk=pk)
    if model is Person:
        return _person_key(pk)
    return pk


def _rows(kind: type[models.Model]) -> list[dict[str, Any]]:
    return comparable_rows(kind, skip=SKIP, scenario_models=(HomelessnessApplication, Person), key=_key)


def _snapshot() -> dict[type, list[dict[str, Any]]]:
    return {kind: _rows(kind) for kind in KINDS}


def _bulk() -> tuple[dict[type, list[dict[str, Any]]], list[dict[str, Any]]]:
    """The builder's season, written and read back, then rolled back; and the people it made."""
    with transaction.atomic():
        builder = demo_housing._Builder(TODAY)
        builder.years = lambda: [SEASON]  # type: ignore[method-assign]
        builder.build_applications([])
        rows = _snapshot()
        people = [
            {name: getattr(p, name) for name in PERSON_FIELDS}
            for p in Person.objects.filter(homelessness_applications__isnull=False)
        ]
        transaction.set_rollback(True)
    return rows, people


def _through_actions(bulk: dict[type, list[dict[str, Any]]], people: list[dict[str, Any]]) -> None:
    """The same applications, each step by the action the housing officer would use."""
    officer = User.objects.get(email=demo_housing.OFFICER_EMAIL)
    by_key = {tuple(p[name] for name in PERSON_FIELDS): Person.objects.create(**p) for p in people}
    members = bulk[HouseholdMember]
    duties = bulk[Duty]
    placements = bulk[TemporaryPlacement]
    for row in sorted(bulk[HomelessnessApplication], key=lambda r: r["number"]):
        number = row["number"]
        application = actions.application_create(
            actor=officer,
            agency=Agency.objects.get(ref=demo_housing.HOUSING_REF),
            person=by_key[row["person"]],
            applied_on=row["applied_on"],
            loss_reason=row["loss_reason"],
            support_needs=row["support_needs"],
            accommodation_at_application=row["accommodation_at_application"],
            referral_route=row["referral_route"],
            referring_agency=Agency.objects.filter(pk=row["referring_agency"]).first(),
            household=[
                actions.Member(role=m["role"], age=m["age"], pregnant=m["pregnant"])
                for m in members
                if m["application"] == number
            ],
        )
        assert application.number == number, (application.number, number)
        if not row["assessment_outcome"]:
            continue
        application = actions.application_assess(
            actor=officer, application=application, assessed_on=row["assessed_on"], outcome=row["assessment_outcome"]
        )
        for placement in [p for p in placements if p["application"] == number]:
            made = actions.placement_start(
                actor=officer,
                application=application,
                placement_type=placement["placement_type"],
                started_on=placement["started_on"],
                area=placement["area"],
                out_of_district=placement["out_of_district"],
                household_with_children=placement["household_with_children"],
                emergency=placement["emergency"],
            )
            if placement["ended_on"] is not None:
                actions.placement_end(actor=officer, placement=made, ended_on=placement["ended_on"])
        # The duty the assessment started, then the relief duty its ending may have started.
        for duty in sorted((d for d in duties if d["application"] == number), key=lambda d: d["started_on"]):
            if duty["ended_on"] is not None:
                actions.duty_end(
                    actor=officer,
                    duty=Duty.objects.get(application=application, kind=duty["kind"]),
                    ended_on=duty["ended_on"],
                    reason=duty["end_reason"],
                )


def _diff(bulk: list[dict[str, Any]], replayed: list[dict[str, Any]]) -> list[str]:
    problems = []
    if len(bulk) != len(replayed):
        problems.append(f"{len(bulk)} rows in bulk, {len(replayed)} through the actions")
    for mine, theirs in zip(bulk, replayed, strict=False):
        for name in mine:
            if mine[name] != theirs.get(name):
                problems.append(f"{name}: bulk {mine[name]!r}, actions {theirs.get(name)!r}")
    return problems


def test_the_housing_bulk_loader_writes_what_the_actions_write(time_machine):
    time_machine.move_to(TODAY, tick=False)
    build_partnership()
    bulk, people = _bulk()
    assert all(bulk[kind] for kind in KINDS), [kind.__name__ for kind in KINDS if not bulk[kind]]
    # Every path is in the season: no duty, each duty ended and running, placements ended and not.
    assert {d["ended_on"] is None for d in bulk[Duty]} == {True, False}
    assert {p["ended_on"] is None for p in bulk[TemporaryPlacement]} == {True, False}
    assert {a["assessment_outcome"] for a in bulk[HomelessnessApplication]} >= {"homeless", "threatened"}
    NumberSequence.objects.filter(prefix="HA").delete()
    with transaction.atomic():
        _through_actions(bulk, people)
        replayed = _snapshot()
        transaction.set_rollback(True)
    differences = {kind.__name__: _diff(bulk[kind], replayed[kind]) for kind in KINDS}
    assert differences == {kind.__name__: [] for kind in KINDS}
