"""MARAC performance by financial year (April to March) or financial quarter.

A case counts in the period of the meeting that heard it (cases not yet listed count nowhere).
Repeats are counted over the whole history by ``waymark.marac.repeats`` (so a case early in the
range can be a repeat of one before it), under both rules, in the database
(``heard_tallies_between``). ``in_recommended_range`` checks the
repeat rate of the partnership's headline rule, ``settings.MARAC_HEADLINE_REPEAT_RULE`` ("local",
this borough's rule and the default, or "12_month"), against ``MARAC_RECOMMENDED_REPEAT_RANGE``
(default 28%-40%, inclusive). Rates are fractions, rounded to 4 places; ``None`` when no cases.
"""

from __future__ import annotations

import argparse
import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.management.base import CommandError

from waymark.core.dates import financial_year_start
from waymark.marac.repeats import Tally, heard_tallies_between
from waymark.web.reports import add_date_range_arguments, register_report

RULES = ("local", "12_month")
BY = ("financial-year", "quarter")
COLUMNS = [
    "period",
    "cases",
    "repeats_12_month",
    "repeats_ever",
    "repeat_rate_12_month",
    "repeat_rate_ever",
    "in_recommended_range",
]


@dataclass(frozen=True)
class Period:
    label: str
    start: dt.date
    end: dt.date  # inclusive


def period_of(day: dt.date, by: str) -> Period:
    year = financial_year_start(day)
    fy = f"{year}/{(year + 1) % 100:02d}"
    if by == "financial-year":
        return Period(fy, dt.date(year, 4, 1), dt.date(year + 1, 3, 31))
    quarter = ((day.month - 4) % 12) // 3 + 1
    first_month = (quarter - 1) * 3 + 4
    start_year = year + (1 if first_month > 12 else 0)
    start = dt.date(start_year, (first_month - 1) % 12 + 1, 1)
    end_month = start.month + 2
    after = dt.date(start.year + (1 if end_month == 12 else 0), end_month % 12 + 1, 1)
    return Period(f"{fy} Q{quarter}", start, after - dt.timedelta(days=1))


def periods_between(start: dt.date, end: dt.date, by: str) -> list[Period]:
    found: list[Period] = []
    day = start
    while day <= end:
        period = period_of(day, by)
        found.append(period)
        day = period.end + dt.timedelta(days=1)
    return found


def headline_rule() -> str:
    rule = settings.MARAC_HEADLINE_REPEAT_RULE
    if rule not in RULES:
        raise ValueError(f"MARAC_HEADLINE_REPEAT_RULE must be one of {RULES}, not {rule!r}.")
    return rule


def recommended_range() -> tuple[float, float]:
    low, high = settings.MARAC_RECOMMENDED_REPEAT_RANGE
    return float(low), float(high)


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def marac_performance(
    start: dt.date,
    end: dt.date,
    by: str = "financial-year",
    tallies: dict[dt.date, Tally] | None = None,
) -> list[dict[str, Any]]:
    """One row per period overlapping [start, end]; only cases heard (``heard_cases``) at meetings
    held within [start, end] count. ``tallies`` (``heard_tallies_between``, by day of hearing) lets
    a page that shows several reports count once (they must cover the range)."""
    if by not in BY:
        raise ValueError(f"by must be one of {BY}.")
    if end < start:
        raise ValueError("The end date is before the start date.")
    if tallies is None:
        tallies = heard_tallies_between(start, end)
    periods = periods_between(start, end, by)
    counts = {p.label: [0, 0, 0] for p in periods}
    for held_on, tally in tallies.items():
        if not start <= held_on <= end:
            continue
        total = counts[period_of(held_on, by).label]
        total[0] += tally.cases
        total[1] += tally.repeats_12_month
        total[2] += tally.repeats_ever
    rule = headline_rule()
    low, high = recommended_range()
    rows = []
    for period in periods:
        cases, twelve, ever = counts[period.label]
        headline = ever if rule == "local" else twelve
        rows.append(
            {
                "period": period.label,
                "cases": cases,
                "repeats_12_month": twelve,
                "repeats_ever": ever,
                "repeat_rate_12_month": _rate(twelve, cases),
                "repeat_rate_ever": _rate(ever, cases),
                # The exact fraction is compared, not the rounded rate.
                "in_recommended_range": (low <= headline / cases <= high) if cases else None,
            }
        )
    return rows


@register_report
class MaracPerformanceReport:
    name = "marac-performance"
    help = "MARAC cases discussed and repeats under both rules, by financial year or quarter."
    columns = COLUMNS

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_date_range_arguments(parser)
        parser.add_argument("--by", choices=BY, default="financial-year", help="Period (default financial-year).")

    def rows(self, **options: Any) -> list[dict[str, Any]]:
        try:
            return marac_performance(options["start"], options["end"], options["by"])
        except ValueError as error:
            raise CommandError(str(error)) from error


# The quarterly return and the volume benchmarks register alongside (waymark/marac/reports/returns.py).
from waymark.marac.reports import returns  # noqa: E402, F401

# The reports page shows this many financial years of performance, ending with the chosen one.
YEARS_SHOWN = 5

Table = tuple[list[str], list[dict[str, Any]]]


def report_tables(year: int, quarter: int) -> tuple[dict[str, Table], list[dict[str, Any]]]:
    """Every table of the MARAC reports page (and the board pack), by the name its download uses,
    and the performance of every quarter of the years shown: what ``protect_tables`` needs to
    protect them, never shown as it is."""
    from waymark.marac.reports.returns import (
        BENCHMARK_COLUMNS,
        RETURN_COLUMNS,
        financial_year_period,
        marac_benchmarks,
        marac_return,
    )

    first = financial_year_period(year - YEARS_SHOWN + 1)
    this = financial_year_period(year)
    # The performance figures counted once, in the database, for every year shown; the return
    # works out the repeats of its own quarter's cases (it shows them case by case in its counts).
    tallies = heard_tallies_between(first.start, this.end)
    quarters = marac_performance(first.start, this.end, "quarter", tallies=tallies)
    return {
        "performance-by-year": (COLUMNS, marac_performance(first.start, this.end, "financial-year", tallies=tallies)),
        "performance-by-quarter": (COLUMNS, marac_performance(this.start, this.end, "quarter", tallies=tallies)),
        "quarterly-return": (RETURN_COLUMNS, marac_return(f"{year}-Q{quarter}")),
        "benchmarks": (BENCHMARK_COLUMNS, [marac_benchmarks(year)]),
    }, quarters
