"""Calendar rules shared by every report and rule, each in one place: calendar-month
arithmetic ("12 months back", "3 months after"), the UK financial year (April to March), working
days (Monday to Friday, England and Wales bank holidays excluded), and the days a partnership
meeting (a MARAC, the tenancy panel) may be held: a working day outside the Christmas closure."""

from __future__ import annotations

import calendar
from datetime import date, timedelta
from functools import lru_cache

import holidays


def add_months(day: date, months: int) -> date:
    """The same day of the month ``months`` later (or earlier when negative).

    When that month is shorter, the last day of the month: 31 January + 1 month is 28 (or 29)
    February, and 29 February 2024 - 12 months is 28 February 2023.
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    month += 1
    last_day = calendar.monthrange(year, month)[1]
    return date(year, month, min(day.day, last_day))


def latest_start_due_by(deadline: date, months: int) -> date:
    """The latest day whose ``add_months(day, months)`` falls on or before ``deadline``: a record
    dated on or before it is due by ``deadline``, one dated after is not (``add_months`` never goes
    backwards, so the days due form a prefix). The query form of "``months`` after, by then".

    Usually ``deadline`` less ``months``; but when ``deadline`` is its month's last day, every
    later day of that earlier month is shortened onto it too (30 November + 3 months is 28 February),
    so the whole month counts.
    """
    start = add_months(deadline, -months)
    if deadline.day == calendar.monthrange(deadline.year, deadline.month)[1]:
        start = start.replace(day=calendar.monthrange(start.year, start.month)[1])
    return start


def financial_year_start(day: date) -> int:
    """The calendar year in which ``day``'s financial year (1 April to 31 March) begins."""
    return day.year if day.month >= 4 else day.year - 1


@lru_cache(maxsize=64)
def _bank_holidays(year: int) -> frozenset[date]:
    # England and Wales share one list of bank holidays ("ENG" in the holidays package), including
    # substitute days when a holiday falls at a weekend. Scotland and Northern Ireland differ.
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year).keys())


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and not is_bank_holiday(day)


# The Christmas closure: most partner agencies do not work from Christmas Eve to New Year's Day,
# whatever the weekday, so no partnership meeting (a MARAC, the tenancy panel) is held then.
CLOSURE_STARTS = (12, 24)
CLOSURE_ENDS = (1, 1)


def in_christmas_closure(day: date) -> bool:
    """24 December to 1 January inclusive."""
    return (day.month, day.day) >= CLOSURE_STARTS or (day.month, day.day) <= CLOSURE_ENDS


def is_meeting_day(day: date) -> bool:
    """A day a partnership meeting may be held: a working day outside the Christmas closure."""
    return is_working_day(day) and not in_christmas_closure(day)


def meeting_day_refusal(day: date, today: date) -> str:
    """Why a meeting cannot be arranged for ``day`` ("" when it can): ``is_meeting_day``'s rule, and
    not in the past, said in words for the person choosing the day."""
    said = f"{day.day} {day:%B %Y}"
    if day < today:
        return f"{said} is in the past: choose today or a later date."
    if in_christmas_closure(day):
        also = " and is a bank holiday" if is_bank_holiday(day) else ""
        return (
            f"{said} is in the Christmas closure (24 December to 1 January){also}: most partner agencies "
            "are closed. Choose a working day outside it."
        )
    if is_bank_holiday(day):
        return f"{said} is a bank holiday. Choose a working day."
    if not is_working_day(day):
        return f"{said} is a {day:%A}. Choose a working day, Monday to Friday."
    return ""


def add_working_days(day: date, days: int) -> date:
    """The working day ``days`` working days after ``day`` (``day`` itself need not be one).

    A referral received on Friday with a 2-working-day standard is due on Tuesday; over a bank
    holiday Monday, on Wednesday.
    """
    if days < 0:
        raise ValueError("days must not be negative")
    current = day
    remaining = days
    while remaining:
        current += timedelta(days=1)
        if is_working_day(current):
            remaining -= 1
    return current


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 when ``end`` <= ``start``)."""
    count = 0
    current = start
    while current < end:
        current += timedelta(days=1)
        if is_working_day(current):
            count += 1
    return count
