"""The 56-day clock and the rules for ending a homelessness duty (waymark/housing/duties.py)."""

from __future__ import annotations

from datetime import date

import pytest

from waymark.housing import duties
from waymark.housing.choices import DutyKind, PreventionEnd, ReliefEnd
from waymark.housing.duties import DutyClock, DutyEndRefused, check_end, target_date


def test_target_is_56_calendar_days_after_the_start():
    assert target_date(date(2026, 3, 2)) == date(2026, 4, 27)


def test_target_across_a_month_end():
    # 31 January + 56 days: 28 days of February (2026 is not a leap year) then 27 of March.
    assert target_date(date(2026, 1, 31)) == date(2026, 3, 28)
    assert target_date(date(2026, 11, 30)) == date(2027, 1, 25)


def test_target_across_29_february_in_a_leap_year():
    assert target_date(date(2024, 1, 31)) == date(2024, 3, 27)
    assert target_date(date(2024, 2, 29)) == date(2024, 4, 25)
    # One day earlier than in a common year: the leap day is counted.
    assert target_date(date(2023, 1, 31)) == date(2023, 3, 28)


def test_days_left_counts_down_and_goes_negative_past_the_target():
    clock = DutyClock(started_on=date(2026, 1, 1))
    assert clock.days_left(date(2026, 1, 1)) == 56
    assert clock.days_left(date(2026, 2, 25)) == 1
    assert clock.days_left(date(2026, 2, 26)) == 0
    assert clock.days_left(date(2026, 3, 1)) == -3
    assert clock.overdue(date(2026, 3, 1))
    assert not clock.overdue(date(2026, 2, 26))


def test_a_frozen_clock_keeps_its_days_left_whatever_the_date():
    clock = DutyClock(started_on=date(2024, 2, 1), ended_on=date(2024, 3, 1))
    assert clock.frozen
    expected = (date(2024, 3, 28) - date(2024, 3, 1)).days
    assert clock.days_left(date(2024, 3, 1)) == expected == 27
    assert clock.days_left(date(2030, 1, 1)) == 27
    assert not clock.ends_soon(date(2024, 3, 27))
    assert not clock.overdue(date(2030, 1, 1))


def test_ends_soon_is_within_14_days_inclusive():
    clock = DutyClock(started_on=date(2026, 1, 1))  # target 26 February
    assert not clock.ends_soon(date(2026, 2, 11))  # 15 days left
    assert clock.ends_soon(date(2026, 2, 12))  # 14 days left
    assert clock.ends_soon(date(2026, 3, 10))  # past the target


@pytest.mark.parametrize("reason", PreventionEnd.values)
def test_every_prevention_end_reason_is_accepted_at_the_target(reason):
    check_end(kind=DutyKind.PREVENTION, started_on=date(2026, 1, 1), ended_on=date(2026, 2, 26), reason=reason)


@pytest.mark.parametrize("reason", ReliefEnd.values)
def test_every_relief_end_reason_is_accepted_at_the_target(reason):
    check_end(kind=DutyKind.RELIEF, started_on=date(2026, 1, 1), ended_on=date(2026, 2, 26), reason=reason)


@pytest.mark.parametrize(
    "reason",
    [
        ReliefEnd.LOCAL_CONNECTION,
        ReliefEnd.INTENTIONALLY_HOMELESS,
        ReliefEnd.REFUSED_FINAL,
        ReliefEnd.NON_COOPERATION_NOTICE,
    ],
)
def test_the_relief_only_reasons_do_not_end_a_prevention_duty(reason):
    with pytest.raises(DutyEndRefused, match="prevention duty ended"):
        check_end(kind=DutyKind.PREVENTION, started_on=date(2026, 1, 1), ended_on=date(2026, 1, 5), reason=reason)


def test_homeless_is_a_prevention_end_not_a_relief_end():
    check_end(kind=DutyKind.PREVENTION, started_on=date(2026, 1, 1), ended_on=date(2026, 1, 5), reason="homeless")
    with pytest.raises(DutyEndRefused):
        check_end(kind=DutyKind.RELIEF, started_on=date(2026, 1, 1), ended_on=date(2026, 1, 5), reason="homeless")


def test_relief_has_its_four_extra_reasons_and_prevention_has_nine():
    assert len(PreventionEnd.values) == 9
    assert set(ReliefEnd.values) - set(PreventionEnd.values) == {
        "local_connection",
        "intentionally_homeless",
        "refused_final",
        "non_cooperation_notice",
    }


@pytest.mark.parametrize("kind", [DutyKind.PREVENTION, DutyKind.RELIEF])
def test_56_days_elapsed_only_from_the_target_date(kind):
    start = date(2024, 2, 1)  # target 28 March 2024 (leap year)
    with pytest.raises(DutyEndRefused, match="28 March 2024"):
        check_end(kind=kind, started_on=start, ended_on=date(2024, 3, 27), reason="days_elapsed")
    check_end(kind=kind, started_on=start, ended_on=date(2024, 3, 28), reason="days_elapsed")


def test_cannot_end_before_it_started():
    with pytest.raises(DutyEndRefused, match="before it started"):
        check_end(kind=DutyKind.RELIEF, started_on=date(2026, 3, 1), ended_on=date(2026, 2, 28), reason="withdrawn")


def test_an_ended_duty_cannot_end_again():
    with pytest.raises(DutyEndRefused, match="frozen"):
        check_end(
            kind=DutyKind.RELIEF,
            started_on=date(2026, 3, 1),
            ended_on=date(2026, 3, 2),
            reason="withdrawn",
            already_ended=True,
        )


def test_unknown_reason_and_unknown_kind_are_refused():
    with pytest.raises(DutyEndRefused):
        check_end(kind=DutyKind.RELIEF, started_on=date(2026, 3, 1), ended_on=date(2026, 3, 2), reason="made_up")
    with pytest.raises(DutyEndRefused):
        check_end(kind="main", started_on=date(2026, 3, 1), ended_on=date(2026, 3, 2), reason="withdrawn")


def test_only_prevention_ending_homeless_starts_relief():
    assert duties.starts_relief(DutyKind.PREVENTION, PreventionEnd.HOMELESS)
    assert not duties.starts_relief(DutyKind.PREVENTION, PreventionEnd.CONTACT_LOST)
    assert not duties.starts_relief(DutyKind.RELIEF, ReliefEnd.SECURED_MOVED)
