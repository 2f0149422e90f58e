"""Every move of the tenancy panel's lifecycle: each allowed one passes, every other is refused."""

from __future__ import annotations

import itertools

import pytest

from waymark.housing.states import TRANSITIONS, InvalidTransition, PanelStatus, check_transition

ALLOWED = {(source, target) for source, targets in TRANSITIONS.items() for target in targets}


def test_the_lifecycle_is_the_one_documented():
    assert {
        (PanelStatus.REFERRED, PanelStatus.INTELLIGENCE),
        (PanelStatus.REFERRED, PanelStatus.LEGAL_ACTION),
        (PanelStatus.REFERRED, PanelStatus.NO_FURTHER_ACTION),
        (PanelStatus.INTELLIGENCE, PanelStatus.LEGAL_ACTION),
        (PanelStatus.INTELLIGENCE, PanelStatus.NO_FURTHER_ACTION),
        (PanelStatus.LEGAL_ACTION, PanelStatus.CLOSED),
        (PanelStatus.LEGAL_ACTION, PanelStatus.NO_FURTHER_ACTION),
    } == ALLOWED


@pytest.mark.parametrize(("source", "target"), sorted(ALLOWED))
def test_each_allowed_move_passes(source, target):
    check_transition(source, target)


@pytest.mark.parametrize(
    ("source", "target"), [pair for pair in itertools.product(PanelStatus, PanelStatus) if pair not in ALLOWED]
)
def test_every_other_move_is_refused_with_a_message(source, target):
    with pytest.raises(InvalidTransition) as error:
        check_transition(source, target)
    assert str(error.value)


def test_closed_cases_say_to_refer_again():
    with pytest.raises(InvalidTransition, match="refer again"):
        check_transition(PanelStatus.NO_FURTHER_ACTION, PanelStatus.INTELLIGENCE)


def test_unknown_status_is_refused():
    with pytest.raises(InvalidTransition):
        check_transition("referred", "archived")
