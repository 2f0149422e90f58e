"""The exception report: exactly the amber and red actions; paused and reprogrammed are not red;
the saved copy is what the board saw and does not change when an action is later updated."""

from __future__ import annotations

from datetime import date

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError

from tests.factories import AgencyFactory, make_member
from tests.strategy.factories import make_action, make_strategy
from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind
from waymark.strategy.actions import UpdateDetails, action_update_record, exception_report_generate
from waymark.strategy.choices import Rag
from waymark.strategy.models import ExceptionReport

pytestmark = pytest.mark.django_db


@pytest.fixture
def police():
    return AgencyFactory(name="Southmere Police", kind=AgencyKind.POLICE)


@pytest.fixture
def owner(police):
    return make_member(Role.REFERRER, agency=police, full_name="Claire Dawson")


@pytest.fixture
def lead():
    return make_member(Role.PARTNERSHIP_LEAD, full_name="Lisa Nunes")


def _update(action, actor, rag, **extra):
    details = UpdateDetails(rag=rag, **extra)
    return action_update_record(actor=actor, action=action, details=details, version=action.version)


@pytest.fixture
def plan(owner):
    strategy = make_strategy()
    actions = {rag: make_action(strategy, owner=owner, number=f"1.{i}") for i, rag in enumerate(Rag, start=1)}
    actions["none"] = make_action(strategy, owner=owner, number="2.1", area=2)
    with time_machine.travel(date(2020, 9, 15), tick=False):
        for rag, action in actions.items():
            if rag == "none":
                continue
            extra = {}
            if rag in (Rag.AMBER, Rag.RED):
                extra = {
                    "reason": "Venue lost",
                    "corrective_action": "New venue booked",
                    "revised_target_on": date(2020, 12, 31),
                }
            elif rag == Rag.REPROGRAMMED:
                extra = {"reason": "Approved by the group", "revised_target_on": date(2021, 3, 31)}
            elif rag == Rag.PAUSED:
                extra = {"reason": "Paused during the pandemic"}
            _update(action, owner, rag, **extra)
    return strategy, actions


def test_lists_exactly_the_amber_and_red_actions(plan, lead):
    strategy, actions = plan
    with time_machine.travel(date(2020, 10, 2), tick=False):
        report = exception_report_generate(actor=lead, strategy=strategy, financial_year=2020, quarter=2)
    content = report.content
    assert [row["number"] for row in content["exceptions"]] == [actions[Rag.RED].number, actions[Rag.AMBER].number]
    assert {row["number"] for row in content["held"]} == {actions[Rag.PAUSED].number, actions[Rag.REPROGRAMMED].number}
    summary = content["summary"]
    assert summary["actions"] == 7
    assert (summary["green"], summary["amber"], summary["red"]) == (1, 1, 1)
    assert summary["paused"] == 1 and summary["reprogrammed"] == 1 and summary["not_updated"] == 1
    assert summary["red_share"] == 33.3  # paused and reprogrammed are not counted as red
    amber = content["exceptions"][1]
    assert amber["reason"] == "Venue lost"
    assert amber["corrective_action"] == "New venue booked"
    assert amber["revised_target_on"] == "31 December 2020"
    assert content["escalations"] == [actions[Rag.RED].number]  # red always escalates onward
    assert content["escalates_to"] == "Safer Communities Delivery Group"
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(report.pk)).exists()


def test_the_saved_copy_does_not_change_when_an_action_is_later_updated(plan, lead, owner):
    strategy, actions = plan
    with time_machine.travel(date(2020, 10, 2), tick=False):
        report = exception_report_generate(actor=lead, strategy=strategy, financial_year=2020, quarter=2)
    saved = report.content
    amber = actions[Rag.AMBER]
    amber.refresh_from_db()
    with time_machine.travel(date(2020, 11, 2), tick=False):
        _update(amber, owner, Rag.GREEN, progress="Back on track")
        amber.aim = "A different aim"
        amber.save()
    stored = ExceptionReport.objects.get(pk=report.pk)
    assert stored.content == saved
    assert [row["number"] for row in stored.content["exceptions"]] == [actions[Rag.RED].number, amber.number]
    with pytest.raises(ValidationError):
        stored.save()  # the record cannot be changed


def test_only_the_partnership_lead_generates(plan, owner):
    strategy, _ = plan
    with pytest.raises(PermissionDenied):
        exception_report_generate(actor=owner, strategy=strategy, financial_year=2020, quarter=2)


def test_amber_needs_a_reason_corrective_action_and_revised_date(plan, owner):
    _strategy, actions = plan
    action = actions[Rag.GREEN]
    action.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        _update(action, owner, Rag.AMBER)
    assert "reason" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _update(action, owner, Rag.AMBER, reason="Slipped")
    assert "corrective_action" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        _update(action, owner, Rag.PAUSED)
    assert "reason" in error.value.message_dict


def test_an_owner_updates_only_her_own_actions(plan, police):
    _strategy, actions = plan
    colleague = make_member(Role.REFERRER, agency=police)
    action = actions[Rag.GREEN]
    action.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _update(action, colleague, Rag.GREEN)


def test_a_stale_update_is_refused(plan, owner):
    _, actions = plan
    action = actions[Rag.GREEN]
    action.refresh_from_db()
    old_version = action.version
    _update(action, owner, Rag.GREEN, progress="On track")
    with pytest.raises(ValidationError):
        action_update_record(actor=owner, action=action, details=UpdateDetails(rag=Rag.GREEN), version=old_version)


def test_the_suggestion_is_kept_with_the_update(plan, owner):
    _, actions = plan
    action = actions[Rag.GREEN]
    action.refresh_from_db()
    with time_machine.travel(date(2020, 4, 30), tick=False):  # target 31 March 2020: exactly a month late
        update = _update(action, owner, Rag.GREEN, progress="Nearly there")
    assert update.suggested_rag == Rag.AMBER
    assert (update.financial_year, update.quarter) == (2020, 1)
