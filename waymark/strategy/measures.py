"""Live measures an action can be tied to, so that its RAG can be suggested from the figures.

Each measure is computed from the records of the last four whole quarters (to the end of the last
quarter before the day asked) and returns a number or None when there is nothing to measure, or
when the disclosure rule would withhold it. Rates are percentages (0-100) so targets read as the
plan writes them ("85%").

Why whole quarters and the rule: commissioners read every action, and each update stores the
measure. A count over "the 12 months to today", less the quarters the training or outcomes pages
show, would give a withheld quarter's count away; so a measure is counted over whole quarters and
is not given where any of its quarters withholds what it counts (``waymark/core/disclosure.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from waymark.core.disclosure import rule, whole_quarters


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    compute: Callable[[date, date], float | None]


def measured_quarters(today: date) -> tuple[date, date]:
    """The four whole quarters before the quarter ``today`` is in."""
    end = whole_quarters(today, today)[0] - timedelta(days=1)  # 31 March, 30 June, 30 September or 31 December
    return date(end.year - 1, end.month, end.day) + timedelta(days=1), end


def _reduced_risk(start: date, end: date) -> float | None:
    """The dashboard's KPI, counted in the database, as the dashboard shows it over these quarters
    (withheld where any quarter withholds its count)."""
    from waymark.core.disclosure import Applied, Suppressed
    from waymark.outcomes.disclosure import shown_figures
    from waymark.outcomes.kpis import outcome_figures

    figures = outcome_figures(start, end, by="none", partnership_wide=True, risk_only=True)
    value = shown_figures(figures, Applied()).outcomes["reduced_risk_within_3_months_rate"].value
    return None if value is None or isinstance(value, Suppressed) else round(float(value) * 100, 1)


def _marac_repeat_rate(start: date, end: date) -> float | None:
    """Withheld where any quarter's cases, repeats or cases not repeats are small (as the MARAC
    reports withhold a year's row where one of its quarters is)."""
    from waymark.marac.reports.selectors import headline_rule, marac_performance

    key = "repeats_ever" if headline_rule() == "local" else "repeats_12_month"
    quarters = marac_performance(start, end, by="quarter")
    cases = sum(row["cases"] for row in quarters)
    if not cases:
        return None
    if any(_small(row[key], row["cases"]) for row in quarters):
        return None
    return round(sum(row[key] for row in quarters) / cases * 100, 1)


def _small(part: int, whole: int) -> bool:
    """The rule withholds the part, the whole or the rest."""
    the_rule = rule()
    return the_rule.is_small(part) or the_rule.is_small(whole) or the_rule.is_small(whole - part)


def _training(which: str) -> Callable[[date, date], float | None]:
    """Bookings attended (or completed): withheld where any course's count in any quarter is small
    (the training figures show each course's count by quarter, so a total less the courses shown
    would give a withheld course away)."""

    def count(start: date, end: date) -> float | None:
        from waymark.marac.reports.selectors import period_of
        from waymark.training.choices import ATTENDED_STATUSES, BookingStatus
        from waymark.training.models import Booking

        statuses = [BookingStatus.COMPLETED] if which == "completed" else list(ATTENDED_STATUSES)
        days = Booking.objects.filter(
            status__in=statuses, session__starts_on__gte=start, session__starts_on__lte=end
        ).values_list("session__course_id", "session__starts_on")
        by_course_and_quarter: dict[tuple[object, str], int] = {}
        for course, day in days.order_by():
            key = (course, period_of(day, "quarter").label)
            by_course_and_quarter[key] = by_course_and_quarter.get(key, 0) + 1
        if any(rule().is_small(n) for n in by_course_and_quarter.values()):
            return None
        return float(sum(by_course_and_quarter.values()))

    return count


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("reduced_risk_3_months", "% with reduced risk within 3 months of engaging", "%", _reduced_risk),
        Measure("marac_repeat_rate", "MARAC repeat rate (headline rule)", "%", _marac_repeat_rate),
        Measure("training_completions", "Training completions", "people", _training("completed")),
        Measure("training_attendance", "Training attendances", "people", _training("attended")),
    )
}


def measure_choices() -> list[tuple[str, str]]:
    return [("", "Not tied to a measure"), *((m.key, m.label) for m in MEASURES.values())]


def measure_value(key: str, today: date) -> float | None:
    """The measure over the four whole quarters before ``today``'s (None when not tied, nothing to
    measure or withheld under the disclosure rule)."""
    measure = MEASURES.get(key)
    if measure is None:
        return None
    return measure.compute(*measured_quarters(today))
