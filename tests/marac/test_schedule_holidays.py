"""The regular schedule's days, as plain date arithmetic (no database, no clock): a meeting due on
a bank holiday (England and Wales, ``waymark.core.dates``) or in the Christmas closure (24
December to 1 January) is held on the next working day after it; a moved meeting that would reach
the next meeting's day is not held, the next meeting hearing its cases. The meetings these make
are tested in test_meeting_schedule.py."""

from __future__ import annotations

import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from waymark.marac.meetings.selectors import (
    held_on_for,
    in_christmas_closure,
    is_meeting_day,
    regular_schedule,
    schedule_dates,
)


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def test_a_fortnightly_schedule_over_christmas():
    # Thursday 24 December 2026: the closure, then Friday 1 January (a bank holiday), a weekend.
    assert schedule_dates(d(2026, 12, 10), 8, interval=14) == [
        d(2026, 12, 10),
        d(2027, 1, 4),
        d(2027, 1, 7),
        d(2027, 1, 21),
    ]


def test_a_bank_holiday_moves_to_the_next_working_day_even_over_another():
    # Good Friday 2027 is 26 March and Easter Monday 29 March: the meeting is on Tuesday 30 March.
    assert held_on_for(d(2027, 3, 26)) == d(2027, 3, 30)
    # The early May bank holiday, Monday 3 May 2027: Tuesday 4 May.
    assert held_on_for(d(2027, 5, 3)) == d(2027, 5, 4)
    assert schedule_dates(d(2027, 4, 19), 4, interval=14) == [d(2027, 4, 19), d(2027, 5, 4)]
    # An ordinary day stays where it is.
    assert held_on_for(d(2027, 5, 10)) == d(2027, 5, 10)


def test_every_day_of_the_closure_moves_past_it():
    for day in (d(2027, 12, 24) + dt.timedelta(days=n) for n in range(9)):
        assert in_christmas_closure(day)
        # 2027: 25 and 26 December fall at the weekend, so 27 and 28 are bank holidays, and 1
        # January 2028 is a Saturday, so Monday 3 January is one too.
        assert held_on_for(day) == d(2028, 1, 4), day
    assert not in_christmas_closure(d(2027, 12, 23)) and not in_christmas_closure(d(2028, 1, 2))


WEEKDAYS = st.dates(d(2025, 1, 1), d(2034, 12, 31)).filter(lambda day: day.weekday() < 5)


@given(first_on=WEEKDAYS, weeks=st.integers(1, 52), interval=st.sampled_from([7, 14, 21, 28]))
def test_no_regular_meeting_is_held_on_a_bank_holiday_or_in_the_closure(first_on, weeks, interval):
    """Over ten years of schedules: every meeting is held on a working day outside the closure,
    never before it was due, on the first such day after it when moved; the days only go forward;
    and a due date with no meeting of its own has its cases heard no later than it would have been."""
    schedule = regular_schedule(first_on, weeks, interval=interval)
    held = [r.held_on for r in schedule if r.held_on is not None]
    assert held == sorted(set(held))
    assert schedule[-1].held_on is not None
    for index, regular in enumerate(schedule):
        if regular.held_on is None:
            later = next(r.held_on for r in schedule[index + 1 :] if r.held_on is not None)
            assert later <= held_on_for(regular.due_on)
            assert interval < 14  # a fortnightly (or longer) rhythm never loses a meeting
            continue
        assert is_meeting_day(regular.held_on)
        assert regular.held_on >= regular.due_on
        if regular.moved:
            between = (regular.due_on + dt.timedelta(days=n) for n in range(1, (regular.held_on - regular.due_on).days))
            assert not any(is_meeting_day(day) for day in between)
