"""The state machine: every allowed move, every refused one, and reasons where required."""

import pytest

from waymark.referrals.states import (
    REASON_REQUIRED,
    TRANSITIONS,
    InvalidTransition,
    ReferralStatus,
    check_transition,
)

pytestmark = pytest.mark.django_db  # the receiving-service fixture needs the database

ALL = list(ReferralStatus)
ALLOWED = [(a, b) for a in ALL for b in ALL if b in TRANSITIONS[a]]
REFUSED = [(a, b) for a in ALL for b in ALL if b not in TRANSITIONS[a]]


def test_the_allowed_moves_are_exactly_those_of_the_issue():
    assert set(ALLOWED) == {
        (ReferralStatus.RECEIVED, ReferralStatus.TRIAGED),
        (ReferralStatus.TRIAGED, ReferralStatus.ACCEPTED),
        (ReferralStatus.TRIAGED, ReferralStatus.SIGNPOSTED),
        (ReferralStatus.TRIAGED, ReferralStatus.DECLINED),
    }


@pytest.mark.parametrize(("current", "target"), ALLOWED)
def test_allowed_move_with_a_reason_passes(current, target):
    check_transition(current, target, "outside_area" if target in REASON_REQUIRED else "")


@pytest.mark.parametrize(("current", "target"), REFUSED)
def test_refused_move_says_why(current, target):
    with pytest.raises(InvalidTransition) as error:
        check_transition(current, target, "outside_area")
    assert str(error.value)
    assert "_" not in str(error.value)  # phrased for people, not code


@pytest.mark.parametrize("target", sorted(REASON_REQUIRED))
@pytest.mark.parametrize("reason", ["", "   "])
def test_signposting_and_declining_need_a_reason(target, reason):
    with pytest.raises(InvalidTransition, match="Give a reason"):
        check_transition(ReferralStatus.TRIAGED, target, reason)


@pytest.mark.parametrize("target", [ReferralStatus.ACCEPTED])
def test_accepting_needs_no_reason(target):
    check_transition(ReferralStatus.TRIAGED, target, "")


def test_unknown_status_is_refused():
    with pytest.raises(InvalidTransition, match="not a referral status"):
        check_transition("received", "closed", "")


def test_final_states_cannot_change():
    for final in (ReferralStatus.ACCEPTED, ReferralStatus.SIGNPOSTED, ReferralStatus.DECLINED):
        with pytest.raises(InvalidTransition, match="cannot change"):
            check_transition(final, ReferralStatus.TRIAGED, "x")
