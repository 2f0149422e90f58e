"""No lost updates (waymark/core/versioning.py): 1,000 conflicting edits from two sessions across
person, safety plan, support plan (need), MARAC action and case, with 0 lost.

Each round is the interleaving that loses an update without the mechanism: session A and
session B read the record at the same version; A saves; B saves what it read plus its own
change. B must be refused (nothing of B's saved, A's change intact); B then merges as the
conflict page lets it (its change re-applied on top of the record now, at the new version) and
saves again. After every round both changes are in the record: that is checked, and counted.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
import time_machine
from django import forms
from django.urls import reverse
from django.utils import timezone

from tests.cases.conftest import make_case
from tests.factories import make_member
from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import in_days, listed_case, make_meeting
from tests.people.factories import PersonFactory
from waymark.cases.actions import case_allocate
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.core.versioning import (
    READ_STATE_FIELD,
    VERSION_FIELD,
    StaleEdit,
    claim_version,
    editing_at,
    merge,
    seal,
    unseal,
)
from waymark.marac.meetings.actions import action_set_status
from waymark.marac.meetings.forms import ActionStatusForm
from waymark.marac.models import ActionStatus, MaracAction, MeetingStatus
from waymark.people.actions import person_update
from waymark.people.forms import PersonEditForm, PersonForm
from waymark.people.models import Person
from waymark.support.actions import need_update, safety_plan_record
from waymark.support.choices import SAFETY_PLAN_FIELDS, NeedDomain, NeedLevel
from waymark.support.forms import NeedUpdateForm, SafetyPlanForm
from waymark.support.models import Need
from waymark.support.selectors import current_safety_plan

pytestmark = pytest.mark.django_db

ROUNDS_PER_RECORD = 200  # x 5 kinds of record = 1,000 conflicting edits
TODAY = dt.date(2026, 12, 2)
LEVELS = (NeedLevel.values[0], NeedLevel.values[-1])


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(dt.datetime(2026, 12, 2, 11, 0, tzinfo=dt.UTC), tick=False):
        yield


@dataclass
class Subject:
    """How one kind of record is read, saved and merged, and what each session changes."""

    read: Callable[[], tuple[int, dict[str, Any]]]
    save: Callable[[Any, dict[str, Any], int], None]
    form_class: Any
    a_changes: Callable[[int, dict[str, Any]], dict[str, Any]]
    b_changes: Callable[[int, dict[str, Any]], dict[str, Any]]
    both_kept: Callable[[int], bool]


def submitted_form(subject: Subject, version: int, read_values: dict[str, Any], yours: dict[str, Any]) -> Any:
    """The form as session B posts it: the version and snapshot it read, and its values."""
    form = subject.form_class()
    form.cleaned_data = {**yours, VERSION_FIELD: version, READ_STATE_FIELD: seal(read_values)}
    return form


def run_rounds(subject: Subject, session_a: Any, session_b: Any, rounds: int) -> tuple[int, int]:
    refused = lost = 0
    for i in range(rounds):
        version_a, values_a = subject.read()
        version_b, values_b = subject.read()
        assert version_a == version_b
        subject.save(session_a, subject.a_changes(i, dict(values_a)), version_a)
        mine = subject.b_changes(i, dict(values_b))
        try:
            subject.save(session_b, mine, version_b)
        except StaleEdit:
            refused += 1
            now_version, now_values = subject.read()
            _, merged = merge(submitted_form(subject, version_b, values_b, mine), now_values)
            subject.save(session_b, merged, now_version)
        if not subject.both_kept(i):
            lost += 1
    return refused, lost


def test_a_thousand_conflicting_edits_lose_nothing(
    specialist_agency, idva_team, police_agency, coordinator, police_rep
):
    idva = make_member(Role.CASEWORKER, team=idva_team)
    colleague = make_member(Role.CASEWORKER, team=idva_team)
    manager = make_member(Role.TEAM_MANAGER, team=idva_team)
    second_manager = make_member(Role.TEAM_MANAGER, team=idva_team)
    person = PersonFactory(held_by=specialist_agency)
    case = make_case(
        person=person,
        agency=specialist_agency,
        status=CaseStatus.ALLOCATED,
        caseworker=idva,
        team=idva_team,
        allocated_at=timezone.now(),
    )
    need = Need.objects.create(
        case=case, domain=NeedDomain.values[0], level=LEVELS[1], description="", identified_on=TODAY, identified_by=idva
    )
    held = make_meeting(held_on=in_days(-14), status=MeetingStatus.HELD)
    action = MaracAction.objects.create(
        marac_case=listed_case(held),
        agreed_at=held,
        description="Action",
        owner_agency=police_agency,
        due_on=in_days(3),
    )

    def person_read() -> tuple[int, dict[str, Any]]:
        fresh = Person.objects.get(pk=person.pk)
        return fresh.version, PersonForm.initial_from(fresh)

    def person_save(actor: Any, values: dict[str, Any], version: int) -> None:
        person_update(actor=actor, person=Person.objects.get(pk=person.pk), fields=values, read_version=version)

    def need_read() -> tuple[int, dict[str, Any]]:
        fresh = Need.objects.get(pk=need.pk)
        return fresh.version, {"level": fresh.level, "description": fresh.description}

    def need_save(actor: Any, values: dict[str, Any], version: int) -> None:
        need_update(actor=actor, need=Need.objects.get(pk=need.pk), read_version=version, **values)

    def action_read() -> tuple[int, dict[str, Any]]:
        fresh = MaracAction.objects.get(pk=action.pk)
        return fresh.version, {"status": fresh.status, "note": fresh.status_note}

    def action_save(actor: Any, values: dict[str, Any], version: int) -> None:
        action_set_status(actor=actor, action=MaracAction.objects.get(pk=action.pk), read_version=version, **values)

    first_section, second_section = SAFETY_PLAN_FIELDS[:2]

    def plan_read() -> tuple[int, dict[str, Any]]:
        latest = current_safety_plan(Case.objects.get(pk=case.pk))
        values: dict[str, Any] = {
            "reviewed_on": TODAY,
            "next_review_on": TODAY + dt.timedelta(days=90),
            **dict.fromkeys(SAFETY_PLAN_FIELDS, ""),
        }
        if latest is not None:
            values.update({section["field"]: section["text"] for section in latest.sections()})
        return (latest.version if latest else 0), values

    def plan_save(actor: Any, values: dict[str, Any], version: int) -> None:
        safety_plan_record(
            actor=actor,
            case=Case.objects.get(pk=case.pk),
            sections={name: values.get(name) or "" for name in SAFETY_PLAN_FIELDS},
            reviewed_on=values["reviewed_on"],
            next_review_on=values["next_review_on"],
            based_on_version=version,
        )

    caseworkers = [idva, colleague, make_member(Role.CASEWORKER, team=idva_team)]
    wanted_by_b: list[str] = []

    def other_caseworker(current: str, step: int) -> str:
        index = next(n for n, user in enumerate(caseworkers) if str(user.pk) == current)
        chosen = str(caseworkers[(index + step) % 3].pk)
        if step == 2:
            wanted_by_b.append(chosen)
        return chosen

    def case_both_kept(i: int) -> bool:
        """B's allocation is the case's now, and A's, made in between, is in the audit trail."""
        from waymark.audit.models import AuditEvent

        fresh = Case.objects.get(pk=case.pk)
        allocations = list(
            AuditEvent.objects.filter(object_id=str(case.pk), detail__field="caseworker")
            .order_by("-sequence")
            .values_list("detail__caseworker_id", flat=True)[:2]
        )
        return str(fresh.caseworker_id) == wanted_by_b[i] and len(allocations) == 2 and allocations[0] != allocations[1]

    def case_read() -> tuple[int, dict[str, Any]]:
        fresh = Case.objects.get(pk=case.pk)
        return fresh.version, {"caseworker": str(fresh.caseworker_id)}

    def case_save(actor: Any, values: dict[str, Any], version: int) -> None:
        fresh = Case.objects.get(pk=case.pk)
        chosen = next(user for user in caseworkers if str(user.pk) == values["caseworker"])
        with editing_at(fresh, version):
            case_allocate(actor=actor, case=fresh, caseworker=chosen, team=idva_team)

    subjects = {
        "person": (
            Subject(
                read=person_read,
                save=person_save,
                form_class=PersonEditForm,
                a_changes=lambda i, v: {**v, "first_language": f"A{i}"},
                b_changes=lambda i, v: {**v, "sexual_orientation": f"B{i}"},
                both_kept=lambda i: (lambda p: p.first_language == f"A{i}" and p.sexual_orientation == f"B{i}")(
                    Person.objects.get(pk=person.pk)
                ),
            ),
            idva,
            colleague,
        ),
        "need": (
            Subject(
                read=need_read,
                save=need_save,
                form_class=NeedUpdateForm,
                a_changes=lambda i, v: {**v, "description": f"A{i}"},
                b_changes=lambda i, v: {**v, "level": LEVELS[i % 2]},
                both_kept=lambda i: (lambda n: n.description == f"A{i}" and n.level == LEVELS[i % 2])(
                    Need.objects.get(pk=need.pk)
                ),
            ),
            idva,
            colleague,
        ),
        "marac_action": (
            Subject(
                read=action_read,
                save=action_save,
                form_class=ActionStatusForm,
                a_changes=lambda i, v: {**v, "note": f"A{i}"},
                b_changes=lambda i, v: {**v, "status": ActionStatus.DONE if i % 2 == 0 else ActionStatus.OPEN},
                both_kept=lambda i: (
                    lambda a: (
                        a.status_note == f"A{i}"
                        and a.status == (ActionStatus.DONE if i % 2 == 0 else ActionStatus.OPEN)
                    )
                )(MaracAction.objects.get(pk=action.pk)),
            ),
            coordinator,
            police_rep,
        ),
        "safety_plan": (
            Subject(
                read=plan_read,
                save=plan_save,
                form_class=SafetyPlanForm,
                a_changes=lambda i, v: {**v, first_section: f"A{i}"},
                b_changes=lambda i, v: {**v, second_section: f"B{i}"},
                both_kept=lambda i: (
                    lambda p: getattr(p, first_section) == f"A{i}" and getattr(p, second_section) == f"B{i}"
                )(current_safety_plan(Case.objects.get(pk=case.pk))),
            ),
            idva,
            colleague,
        ),
        "case": (
            Subject(
                read=case_read,
                save=case_save,
                form_class=_PlainVersioned,
                a_changes=lambda i, v: {"caseworker": other_caseworker(v["caseworker"], 1)},
                b_changes=lambda i, v: {"caseworker": other_caseworker(v["caseworker"], 2)},
                both_kept=case_both_kept,
            ),
            manager,
            second_manager,
        ),
    }
    results = {}
    for name, (subject, session_a, session_b) in subjects.items():
        if subject.form_class is None:
            subject.form_class = _PlainVersioned
        results[name] = run_rounds(subject, session_a, session_b, ROUNDS_PER_RECORD)
    total_edits = sum(2 * ROUNDS_PER_RECORD for _ in subjects)
    assert total_edits == 2_000  # 1,000 rounds, each a conflicting pair
    assert {name: refused for name, (refused, _) in results.items()} == dict.fromkeys(subjects, ROUNDS_PER_RECORD)
    assert {name: lost for name, (_, lost) in results.items()} == dict.fromkeys(subjects, 0)


class _PlainVersioned:
    """A stand-in form for records whose page posts only the version (the case's buttons)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.fields: dict[str, Any] = {"caseworker": forms.CharField(label="Caseworker")}

    def read_values(self) -> dict[str, Any]:
        return unseal(self.cleaned_data[READ_STATE_FIELD])

    def edit_data(self) -> dict[str, Any]:
        return {k: v for k, v in self.cleaned_data.items() if k not in (VERSION_FIELD, READ_STATE_FIELD)}

    def edit_fields(self) -> list[str]:
        return list(self.edit_data())


def test_without_the_version_the_second_save_would_have_been_lost(specialist_agency, idva_team):
    """The control: the same interleaving with no version given loses A's change (last writer
    wins), which is exactly what the mechanism refuses."""
    idva = make_member(Role.CASEWORKER, team=idva_team)
    person = PersonFactory(held_by=specialist_agency)
    read_by_b = PersonForm.initial_from(Person.objects.get(pk=person.pk))
    person_update(
        actor=idva,
        person=Person.objects.get(pk=person.pk),
        fields={**PersonForm.initial_from(person), "first_language": "A"},
    )
    person_update(actor=idva, person=Person.objects.get(pk=person.pk), fields={**read_by_b, "sexual_orientation": "B"})
    assert Person.objects.get(pk=person.pk).first_language != "A"  # lost: why every form carries its version


def test_claim_version_refuses_a_stale_version_and_changes_nothing(specialist_agency):
    person = PersonFactory(held_by=specialist_agency)
    claim_version(person, 1)
    assert Person.objects.get(pk=person.pk).version == 2
    with pytest.raises(StaleEdit) as stale:
        claim_version(Person.objects.get(pk=person.pk), 1)
    assert (stale.value.read_version, stale.value.current_version) == (1, 2)
    assert Person.objects.get(pk=person.pk).version == 2


def test_a_tampered_snapshot_is_treated_as_unknown():
    assert unseal("not-a-ciphertext") == {}
    assert unseal(seal({"a": dt.date(2026, 12, 2)})) == {"a": "2026-12-02"}


# --- The pages: a stale save gets the conflict page, and its merged form saves ----------------


def _post_form(page_form: Any) -> dict[str, Any]:
    """What a browser posts for a rendered form: each bound field's value."""
    data: dict[str, Any] = {}
    for bound in page_form:
        value = bound.value()
        widget = bound.field.widget
        if hasattr(widget, "widgets"):  # a GOV.UK date: day, month, year
            parts = widget.decompress(value) if value else ["", "", ""]
            for suffix, part in zip(widget.widgets_names, parts, strict=False):
                data[bound.html_name + suffix] = "" if part is None else part
            continue
        if isinstance(value, bool):
            if value:
                data[bound.html_name] = "on"
            continue
        data[bound.html_name] = "" if value is None else value
    return data


def test_a_stale_person_edit_shows_what_changed_and_merges(specialist_agency, idva_team, client_for):
    idva = make_member(Role.CASEWORKER, team=idva_team)
    colleague = make_member(Role.CASEWORKER, team=idva_team)
    person = PersonFactory(held_by=specialist_agency)
    url = reverse("people:edit", args=[person.pk])
    a, b = client_for(idva), client_for(colleague)
    form_a = a.get(url).context["form"]
    form_b = b.get(url).context["form"]
    assert a.post(url, {**_post_form(form_a), "first_language": "Polish"}).status_code == 302
    response = b.post(url, {**_post_form(form_b), "sexual_orientation": "Bisexual"})
    assert response.status_code == 409
    page = response.content.decode()
    assert "Someone else changed this record" in page
    assert "Polish" in page and "Bisexual" in page
    assert Person.objects.get(pk=person.pk).sexual_orientation != "Bisexual"  # nothing of B's saved
    merged = response.context["merged_form"]
    assert b.post(url, _post_form(merged)).status_code == 302
    saved = Person.objects.get(pk=person.pk)
    assert (saved.first_language, saved.sexual_orientation) == ("Polish", "Bisexual")
    assert saved.version == 3


def test_a_case_moved_on_since_the_page_was_read_is_refused(specialist_agency, idva_team, client_for):
    manager = make_member(Role.TEAM_MANAGER, team=idva_team)
    person = PersonFactory(held_by=specialist_agency)
    case = make_case(person=person, agency=specialist_agency, status=CaseStatus.ALLOCATED, team=idva_team)
    read_at = case.version
    Case.objects.filter(pk=case.pk).update(version=read_at + 1)  # someone else saved meanwhile
    response = client_for(manager).post(
        reverse("cases:status", args=[case.pk]), {"action": "engaged", "version": str(read_at)}, follow=True
    )
    assert "Someone else changed this case after you opened it" in response.content.decode()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ALLOCATED


def test_unused_uuid_is_not_found_on_the_edit_page(idva, client_for):
    assert client_for(idva).get(reverse("people:edit", args=[uuid.uuid4()])).status_code == 404
