"""Actions: validation (nothing saved on bad input), permissions, the closed-case rule, audit rows."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from tests.factories import AgencyFactory
from tests.people.factories import PersonFactory
from tests.support.conftest import days_ago
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.people.choices import PersonRole
from waymark.support import actions
from waymark.support.access import CaseClosed
from waymark.support.choices import SAFETY_PLAN_FIELDS, GoalStatus, InterventionStatus, OrderStatus
from waymark.support.models import CaseChild, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan

pytestmark = pytest.mark.django_db

CANARY = "CANARY-7f3e Flat 9 Harbour Road"


def _plan(actor, case, **overrides):
    values = {
        "sections": {
            "safe_contact": "Text only after 6pm. Code word: " + CANARY,
            "emergency_plan": "Bag at a friend's",
        },
        "reviewed_on": days_ago(1),
        "next_review_on": timezone.localdate() + timedelta(days=60),
    }
    values.update(overrides)
    return actions.safety_plan_record(actor=actor, case=case, **values)


def _audit_text() -> str:
    return json.dumps(list(AuditEvent.objects.values_list("detail", flat=True)))


# --- Safety plan: versioning -------------------------------------------------------------------


def test_safety_plan_update_keeps_the_earlier_version(idva, colleague, case):
    first = _plan(idva, case)
    second = _plan(
        colleague,
        case,
        sections={"safe_contact": "Only call the work mobile", "technology": "Location sharing turned off"},
        reviewed_on=timezone.localdate(),
    )
    assert (first.version, second.version) == (1, 2)
    first.refresh_from_db()
    assert first.safe_contact.endswith(CANARY) and first.emergency_plan == "Bag at a friend's"
    assert second.safe_contact == "Only call the work mobile" and second.emergency_plan == ""
    assert second.reviewed_by == colleague
    assert SafetyPlan.objects.filter(case=case).count() == 2
    event = AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(second.pk)).get()
    assert event.detail["version"] == 2
    assert event.detail["sections_changed"] == ["safe_contact", "emergency_plan", "technology"]
    assert CANARY not in _audit_text()


def test_safety_plan_text_is_encrypted_at_rest(idva, case):
    from django.db import connection

    plan = _plan(idva, case)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT safe_contact FROM support_safetyplan WHERE id = %s",
            [plan.pk.hex if connection.vendor == "sqlite" else plan.pk],
        )
        stored = cursor.fetchone()[0]
    assert stored.startswith("v1:") and CANARY not in stored


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"sections": {name: "  " for name in SAFETY_PLAN_FIELDS}}, "safe_contact"),
        ({"reviewed_on": timezone.localdate() + timedelta(days=1)}, "reviewed_on"),
        ({"next_review_on": days_ago(1)}, "next_review_on"),
        ({"reviewed_on": days_ago(3), "next_review_on": days_ago(3)}, "next_review_on"),
        ({"sections": {"safe_contact": "x" * 10_001}}, "safe_contact"),
    ],
)
def test_safety_plan_refuses_bad_input_and_saves_nothing(idva, case, overrides, field):
    with pytest.raises(ValidationError) as error:
        _plan(idva, case, **overrides)
    assert field in error.value.message_dict
    assert not SafetyPlan.objects.exists()


def test_a_review_cannot_be_dated_before_the_last_one(idva, case):
    _plan(idva, case, reviewed_on=days_ago(2))
    with pytest.raises(ValidationError) as error:
        _plan(idva, case, reviewed_on=days_ago(5))
    assert "reviewed_on" in error.value.message_dict
    assert SafetyPlan.objects.count() == 1


def test_safety_plan_refused_to_anyone_who_also_works_with_perpetrators(dual_role_worker, case):
    with pytest.raises(PermissionDenied):
        _plan(dual_role_worker, case)


def test_nothing_changes_on_someone_elses_case(other_team_worker, case):
    with pytest.raises(PermissionDenied):
        _plan(other_team_worker, case)
    with pytest.raises(PermissionDenied):
        actions.need_record(
            actor=other_team_worker, case=case, domain="housing", level="high", identified_on=days_ago(0)
        )


def test_closed_case_is_a_record(idva, case):
    case.status = CaseStatus.CLOSED
    case.save()
    with pytest.raises(CaseClosed):
        _plan(idva, case)
    with pytest.raises(CaseClosed):
        actions.need_record(actor=idva, case=case, domain="housing", level="high", identified_on=days_ago(0))


# --- Support plan -------------------------------------------------------------------------------


def test_need_goal_and_progress(idva, case):
    need = actions.need_record(
        actor=idva,
        case=case,
        domain="housing",
        level="high",
        description="Private let, notice served",
        identified_on=days_ago(10),
    )
    goal = actions.goal_add(
        actor=idva, need=need, description="Secure a safe tenancy", set_on=days_ago(9), target_on=days_ago(-60)
    )
    assert goal.status == GoalStatus.NOT_STARTED
    actions.goal_progress_record(actor=idva, goal=goal, status="in_progress", recorded_on=days_ago(5), note="Applied")
    actions.goal_progress_record(actor=idva, goal=goal, status="achieved", recorded_on=days_ago(1))
    goal.refresh_from_db()
    assert goal.status == GoalStatus.ACHIEVED
    assert list(goal.progress_updates.values_list("status", flat=True)) == ["in_progress", "achieved"]
    event = AuditEvent.objects.filter(object_type="support.goalprogress").order_by("sequence").last()
    assert event.detail["from_status"] == "in_progress" and event.detail["to_status"] == "achieved"
    assert "Applied" not in _audit_text() and "notice served" not in _audit_text()


def test_one_need_per_domain_per_person(idva, case, child):
    actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    actions.need_record(actor=idva, case=case, domain="housing", level="high", identified_on=days_ago(1))
    with pytest.raises(ValidationError) as error:
        actions.need_record(actor=idva, case=case, domain="housing", level="low", identified_on=days_ago(1))
    assert "domain" in error.value.message_dict
    # The child's own housing need is a different need.
    actions.need_record(actor=idva, case=case, child=child, domain="housing", level="low", identified_on=days_ago(1))
    assert Need.objects.filter(case=case).count() == 2


def test_a_childs_need_must_be_for_a_child_on_the_case(idva, case, child):
    with pytest.raises(ValidationError) as error:
        actions.need_record(
            actor=idva, case=case, child=child, domain="housing", level="low", identified_on=days_ago(1)
        )
    assert "child" in error.value.message_dict


def test_need_update_records_changed_fields(idva, case):
    need = actions.need_record(actor=idva, case=case, domain="money", level="low", identified_on=days_ago(1))
    assert actions.need_update(actor=idva, need=need, level="high", description="") == ["level"]
    assert actions.need_update(actor=idva, need=need, level="high", description="") == []
    need.refresh_from_db()
    assert need.level == "high"


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"description": " ", "set_on": days_ago(1), "target_on": days_ago(-5)}, "description"),
        ({"description": "Goal", "set_on": days_ago(1), "target_on": days_ago(2)}, "target_on"),
        ({"description": "Goal", "set_on": days_ago(-1), "target_on": days_ago(-5)}, "set_on"),
    ],
)
def test_goal_validation(idva, case, kwargs, field):
    need = actions.need_record(actor=idva, case=case, domain="legal", level="medium", identified_on=days_ago(3))
    with pytest.raises(ValidationError) as error:
        actions.goal_add(actor=idva, need=need, **kwargs)
    assert field in error.value.message_dict
    assert not need.goals.exists()


def test_progress_validation(idva, case):
    need = actions.need_record(actor=idva, case=case, domain="legal", level="medium", identified_on=days_ago(9))
    goal = actions.goal_add(actor=idva, need=need, description="Goal", set_on=days_ago(5), target_on=days_ago(-5))
    with pytest.raises(ValidationError) as error:  # same status, nothing said
        actions.goal_progress_record(actor=idva, goal=goal, status="not_started", recorded_on=days_ago(1))
    assert "note" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # before the goal was agreed
        actions.goal_progress_record(actor=idva, goal=goal, status="in_progress", recorded_on=days_ago(6))
    assert "recorded_on" in error.value.message_dict
    actions.goal_progress_record(actor=idva, goal=goal, status="in_progress", recorded_on=days_ago(2))
    with pytest.raises(ValidationError) as error:  # before the last update
        actions.goal_progress_record(actor=idva, goal=goal, status="achieved", recorded_on=days_ago(3))
    assert "recorded_on" in error.value.message_dict
    assert GoalProgress.objects.count() == 1


# --- Interventions -----------------------------------------------------------------------------


def test_intervention_lifecycle(idva, case, counselling):
    row = actions.intervention_record(actor=idva, case=case, service=counselling, offered_on=days_ago(20))
    assert row.status == InterventionStatus.OFFERED
    actions.intervention_update(actor=idva, intervention=row, status="started", on=days_ago(10))
    actions.intervention_update(
        actor=idva, intervention=row, status="completed", on=days_ago(1), outcome_note="12 sessions"
    )
    row.refresh_from_db()
    assert (row.status, row.started_on, row.ended_on, row.outcome_note) == (
        "completed",
        days_ago(10),
        days_ago(1),
        "12 sessions",
    )
    with pytest.raises(ValidationError) as error:
        actions.intervention_update(actor=idva, intervention=row, status="ended_early", on=days_ago(0))
    assert "cannot change any more" in error.value.message_dict["status"][0]
    assert "12 sessions" not in _audit_text()


@pytest.mark.parametrize(
    ("start", "to", "allowed"),
    [
        ("offered", "started", True),
        ("offered", "declined", True),
        ("offered", "ended_early", True),
        ("offered", "completed", False),
        ("started", "completed", True),
        ("started", "ended_early", True),
        ("started", "declined", False),
        ("started", "offered", False),
    ],
)
def test_intervention_transitions(idva, case, counselling, start, to, allowed):
    row = actions.intervention_record(actor=idva, case=case, service=counselling, offered_on=days_ago(20))
    if start == "started":
        actions.intervention_update(actor=idva, intervention=row, status="started", on=days_ago(10))
    if allowed:
        actions.intervention_update(actor=idva, intervention=row, status=to, on=days_ago(1))
        assert Intervention.objects.get(pk=row.pk).status == to
    else:
        with pytest.raises(ValidationError):
            actions.intervention_update(actor=idva, intervention=row, status=to, on=days_ago(1))
        assert Intervention.objects.get(pk=row.pk).status == start


def test_intervention_dates_and_services(idva, case, counselling, childrens_service, child):
    row = actions.intervention_record(actor=idva, case=case, service=counselling, offered_on=days_ago(5))
    with pytest.raises(ValidationError):  # started before it was offered
        actions.intervention_update(actor=idva, intervention=row, status="started", on=days_ago(6))
    counselling.is_active = False
    counselling.save()
    with pytest.raises(ValidationError) as error:
        actions.intervention_record(actor=idva, case=case, service=counselling, offered_on=days_ago(1))
    assert "service" in error.value.message_dict
    actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    from waymark.support.models import Service

    with pytest.raises(ValidationError) as error:  # not a children's service
        actions.intervention_record(
            actor=idva, case=case, child=child, service=Service.objects.get(code="sanctuary"), offered_on=days_ago(1)
        )
    assert "service" in error.value.message_dict
    own = actions.intervention_record(
        actor=idva, case=case, child=child, service=childrens_service, offered_on=days_ago(1)
    )
    assert own.child == child


# --- Legal orders ------------------------------------------------------------------------------


def _order(actor, case, **overrides):
    values = {
        "kind": "non_molestation",
        "status": OrderStatus.GRANTED,
        "applied_on": days_ago(40),
        "granted_on": days_ago(30),
        "expires_on": days_ago(-335),
        "protects": [case.person],
        "terms": "Not to come within 100 metres of " + CANARY,
    }
    values.update(overrides)
    return actions.legal_order_record(actor=actor, case=case, **values)


def test_order_recorded_and_audited_without_its_terms(idva, case, harmer):
    order = _order(idva, case, against=harmer)
    assert list(order.protects.all()) == [case.person] and order.against == harmer
    assert order.is_in_force(timezone.localdate())
    assert CANARY not in _audit_text()


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"granted_on": None}, "granted_on"),
        ({"status": "applied", "granted_on": days_ago(3), "expires_on": None}, "granted_on"),
        ({"status": "applied", "applied_on": None, "granted_on": None, "expires_on": None}, "applied_on"),
        ({"granted_on": days_ago(50)}, "granted_on"),
        ({"expires_on": days_ago(30)}, "expires_on"),
        ({"status": "applied", "granted_on": None}, "expires_on"),
        ({"protects": []}, "protects"),
        ({"kind": "banishment"}, "kind"),
    ],
)
def test_order_validation(idva, case, harmer, overrides, field):
    with pytest.raises(ValidationError) as error:
        _order(idva, case, against=harmer, **overrides)
    assert field in error.value.message_dict
    assert not LegalOrder.objects.exists()


def test_order_people_must_be_on_the_case(idva, case, harmer, specialist_agency):
    stranger = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.PERSON_CAUSING_HARM)
    with pytest.raises(ValidationError) as error:
        _order(idva, case, against=stranger)
    assert "against" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _order(idva, case, against=case.person)
    assert "against" in error.value.message_dict
    with pytest.raises(ValidationError) as error:  # the harmer is on the case but an order cannot protect them
        _order(idva, case, against=harmer, protects=[harmer])
    assert "protects" in error.value.message_dict


def test_order_protects_children_on_the_case(idva, case, harmer, child):
    actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    order = _order(idva, case, against=harmer, protects=[case.person, child], kind="prohibited_steps")
    assert set(order.protects.all()) == {case.person, child}


def test_order_update_names_changed_fields(idva, case, harmer):
    order = _order(idva, case, against=harmer, status="applied", granted_on=None, expires_on=None)
    changed = actions.legal_order_update(
        actor=idva,
        order=order,
        status="granted",
        applied_on=order.applied_on,
        granted_on=days_ago(2),
        expires_on=days_ago(-180),
        protects=[case.person],
        against=harmer,
        terms=order.terms,
    )
    assert changed == ["expires_on", "granted_on", "status"]
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(order.pk)).get()
    assert event.detail["fields"] == changed


# --- Children -----------------------------------------------------------------------------------


def test_create_a_child_through_the_people_actions(idva, case):
    link = actions.case_child_create(
        actor=idva,
        case=case,
        fields={
            "given_name": "Ada",
            "family_name": "Client",
            "date_of_birth": None,
            "approximate_age": 6,
            "sex": "female",
        },
        relationship_to_client="child",
        lives_in_household="yes",
    )
    assert link.child.primary_role == PersonRole.CHILD
    assert link.child.held_by == case.agency
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(link.child.pk)).exists()
    event = AuditEvent.objects.filter(action=AuditAction.LINK, object_id=str(link.pk)).get()
    assert event.detail == {"case": str(case.pk), "child": str(link.child.pk), "new_person": True}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"given_name": "Ada", "family_name": "", "date_of_birth": None, "approximate_age": None}, "date_of_birth"),
        ({"given_name": "Ada", "family_name": "", "date_of_birth": None, "approximate_age": 19}, "approximate_age"),
        ({"given_name": "", "family_name": "", "date_of_birth": None, "approximate_age": 4}, "family_name"),
    ],
)
def test_create_child_validation_saves_nothing(idva, case, fields, field):
    from waymark.people.models import Person

    before = Person.objects.count()
    with pytest.raises(ValidationError) as error:
        actions.case_child_create(
            actor=idva, case=case, fields=fields, relationship_to_client="child", lives_in_household="yes"
        )
    assert field in error.value.message_dict
    assert Person.objects.count() == before and not CaseChild.objects.exists()


def test_link_refuses_adults_duplicates_the_client_and_people_not_visible(idva, case, child, specialist_agency):
    adult = PersonFactory(held_by=specialist_agency, date_of_birth=days_ago(365 * 30))
    with pytest.raises(ValidationError):
        actions.case_child_link(
            actor=idva, case=case, child=adult, relationship_to_client="child", lives_in_household="no"
        )
    with pytest.raises(ValidationError):
        actions.case_child_link(
            actor=idva, case=case, child=case.person, relationship_to_client="child", lives_in_household="no"
        )
    hidden = PersonFactory(held_by=AgencyFactory(), primary_role=PersonRole.CHILD, date_of_birth=days_ago(2000))
    with pytest.raises(ValidationError):
        actions.case_child_link(
            actor=idva, case=case, child=hidden, relationship_to_client="child", lives_in_household="no"
        )
    actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    with pytest.raises(ValidationError):
        actions.case_child_link(
            actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
        )
    assert CaseChild.objects.count() == 1


def test_child_link_update(idva, case, child):
    link = actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="unknown"
    )
    assert actions.case_child_update(
        actor=idva, link=link, relationship_to_client="child", lives_in_household="no"
    ) == ["lives_in_household"]
