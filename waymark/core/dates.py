"""Calendar rules shared by every report and rule, each in one place: calendar-month
arithmetic ("12 months back", "3 months after") and the UK financial year (April to March)."""

from __future__ import annotations

import calendar
from datetime import date


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


def financial_year_start(day: date) -> int:
    """The calendar year in which ``day``'s financial year (1 April to 31 March) begins."""
    return day.year if day.month >= 4 else day.year - 1
