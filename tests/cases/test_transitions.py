"""Every allowed and every refused transition, through the actions that make them."""

from __future__ import annotations

import itertools

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from tests.cases.conftest import record_exit_outcomes
from waymark.cases import actions
from waymark.cases.models import CaseStatusChange
from waymark.cases.states import TRANSITIONS, CaseStatus, InvalidTransition, check_transition

PAIRS = list(itertools.product(CaseStatus, CaseStatus))


@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_check_transition_allows_exactly_the_lifecycle(current, target):
    if target in TRANSITIONS[current]:
        check_transition(current, target)
    else:
        with pytest.raises(InvalidTransition) as refused:
            check_transition(current, target)
        message = str(refused.value)
        assert f"cannot become {target.label.lower()}" in message
        assert message.startswith(f"A case that is {current.label.lower()}")


def test_check_transition_refuses_an_unknown_status():
    with pytest.raises(InvalidTransition, match="not a case status"):
        check_transition("active", "vanished")


def _act(target, *, case, idva, manager):
    """The action a person uses to move a case to ``target``."""
    if target == CaseStatus.ALLOCATED:
        return actions.case_allocate(actor=manager, case=case, caseworker=idva)
    if target == CaseStatus.CONTACT_ATTEMPTED:
        return actions.contact_attempt_record(
            actor=manager, case=case, kind="in_person", outcome="no_answer", attempted_at=timezone.now()
        )
    if case.status == CaseStatus.CLOSURE_REQUESTED and target in {
        CaseStatus.ENGAGED,
        CaseStatus.ACTIVE,
        CaseStatus.UNABLE_TO_ENGAGE,
    }:
        return actions.case_decline_closure(actor=manager, case=case, reason="More to do")
    if target == CaseStatus.ENGAGED:
        return actions.case_mark_engaged(actor=idva, case=case)
    if target == CaseStatus.UNABLE_TO_ENGAGE:
        return actions.case_mark_unable_to_engage(actor=idva, case=case, reason="No reply to five attempts")
    if target == CaseStatus.ACTIVE:
        return actions.case_activate(actor=idva, case=case)
    if target == CaseStatus.CLOSURE_REQUESTED:
        return actions.case_request_closure(actor=idva, case=case, reason="support_completed", note="Goals met")
    if target == CaseStatus.CLOSED:
        return actions.case_approve_closure(actor=manager, case=case)
    if target == CaseStatus.AWAITING_ALLOCATION:
        return actions.case_reopen(actor=manager, case=case, reason="Referred again")
    raise AssertionError(target)


@pytest.mark.django_db
@pytest.mark.parametrize(("current", "target"), PAIRS, ids=[f"{a.value}->{b.value}" for a, b in PAIRS])
def test_each_action_moves_a_case_only_where_the_lifecycle_allows(
    current, target, case_factory, idva, idva_team, manager, colleague
):
    # Whatever the state, every other precondition is met: contact made, exit outcomes recorded,
    # and (for a pending closure) the state it would return to is the target.
    case = case_factory(
        status=current,
        caseworker=None if current == CaseStatus.AWAITING_ALLOCATION else colleague,
        team=idva_team,
        first_contact_at=timezone.now() - timezone.timedelta(days=1),
        referred_on=timezone.localdate() - timezone.timedelta(days=3),
        status_before_closure_request=target if current == CaseStatus.CLOSURE_REQUESTED else "",
        closure_reason="support_completed" if current in {CaseStatus.CLOSURE_REQUESTED, CaseStatus.CLOSED} else "",
    )
    record_exit_outcomes(case)
    allowed = target in TRANSITIONS[current]
    try:
        _act(target, case=case, idva=idva, manager=manager)
    except (InvalidTransition, ValidationError):
        refused = True
    else:
        refused = False
    case.refresh_from_db()
    moved = CaseStatusChange.objects.filter(case=case, from_status=current, to_status=target).exists()
    assert moved == allowed
    if allowed:
        assert not refused and case.status == target
    else:
        assert case.status == current


@pytest.mark.django_db
def test_a_refused_move_shows_the_lifecycle_message(allocated_case, idva):
    with pytest.raises(InvalidTransition) as refused:
        actions.case_activate(actor=idva, case=allocated_case)
    assert str(refused.value) == ("A case that is allocated cannot become active. It can become: contact attempted.")


@pytest.mark.django_db
def test_a_caseworker_cannot_move_a_case_whose_closure_awaits_a_manager(case_factory, idva, idva_team):
    case = case_factory(
        status=CaseStatus.CLOSURE_REQUESTED,
        caseworker=idva,
        team=idva_team,
        first_contact_at=timezone.now(),
        status_before_closure_request=CaseStatus.ACTIVE,
    )
    for move in (actions.case_activate, actions.case_mark_engaged):
        with pytest.raises(InvalidTransition, match="team manager approves or declines"):
            move(actor=idva, case=case)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSURE_REQUESTED
