"""Every transition of the refuge referral and sanctuary lifecycles, allowed and refused."""

from __future__ import annotations

import itertools

import pytest

from waymark.refuge.states import (
    REFERRAL_TRANSITIONS,
    SANCTUARY_TRANSITIONS,
    InvalidTransition,
    ReferralStatus,
    SanctuaryStatus,
    check_referral_transition,
    check_sanctuary_transition,
)

ALLOWED_REFERRAL = {
    ("received", "assessed"),
    ("received", "unsuccessful"),
    ("assessed", "offered"),
    ("assessed", "unsuccessful"),
    ("offered", "arrived"),
    ("offered", "unsuccessful"),
    ("arrived", "left"),
}
ALLOWED_SANCTUARY = {
    ("referred", "eligible"),
    ("referred", "withdrawn"),
    ("eligible", "surveyed"),
    ("eligible", "withdrawn"),
    ("surveyed", "installed"),
    ("surveyed", "withdrawn"),
    ("installed", "removed"),
}


def test_the_tables_are_exactly_the_documented_lifecycles():
    assert {(a.value, b.value) for a, targets in REFERRAL_TRANSITIONS.items() for b in targets} == ALLOWED_REFERRAL
    assert {(a.value, b.value) for a, targets in SANCTUARY_TRANSITIONS.items() for b in targets} == ALLOWED_SANCTUARY


@pytest.mark.parametrize(("current", "target"), list(itertools.product(ReferralStatus.values, repeat=2)))
def test_every_referral_move(current, target):
    if (current, target) in ALLOWED_REFERRAL:
        check_referral_transition(current, target)
    else:
        with pytest.raises(InvalidTransition) as error:
            check_referral_transition(current, target)
        assert "refuge referral" in str(error.value)


@pytest.mark.parametrize(("current", "target"), list(itertools.product(SanctuaryStatus.values, repeat=2)))
def test_every_sanctuary_move(current, target):
    if (current, target) in ALLOWED_SANCTUARY:
        check_sanctuary_transition(current, target)
    else:
        with pytest.raises(InvalidTransition):
            check_sanctuary_transition(current, target)


def test_unknown_status_is_refused_with_a_message():
    with pytest.raises(InvalidTransition, match="not a refuge referral status"):
        check_referral_transition("received", "teleported")


def test_the_message_names_what_may_follow():
    with pytest.raises(InvalidTransition) as error:
        check_referral_transition("received", "arrived")
    assert str(error.value) == (
        "A refuge referral that is received cannot become arrived. It can become: assessed, unsuccessful."
    )
    with pytest.raises(InvalidTransition, match="cannot change any more"):
        check_referral_transition("unsuccessful", "received")
