"""Live measures an action can be tied to, so that its RAG can be suggested from the figures.

Each measure is computed from the records over the last 12 months up to the day asked (by
``waymark.core.dates.add_months``) and returns a number or None when there is nothing to measure.
Rates are percentages (0-100) so targets read as the plan writes them ("85%"). A rate is not
given (None) where the disclosure rule would withhold it (``waymark/core/disclosure.py``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from waymark.core.dates import add_months


@dataclass(frozen=True)
class Measure:
    key: str
    label: str
    unit: str
    compute: Callable[[date, date], float | None]


def _reduced_risk(start: date, end: date) -> float | None:
    """Counted in the database (``outcome_figures``, the query form of the KPI), and, like every
    rate the partnership sees, not given when the disclosure rule would withhold its count or the
    rest of its denominator: a rate and a denominator shown elsewhere give the count away."""
    from waymark.outcomes.kpis import outcome_figures

    figures = outcome_figures(start, end, as_of=end, by="none", partnership_wide=True, risk_only=True)
    result = figures.outcomes()["reduced_risk_within_3_months_rate"]
    if result.value is None or _withheld(result.numerator or 0, result.denominator or 0):
        return None
    return round(float(result.value) * 100, 1)


def _marac_repeat_rate(start: date, end: date) -> float | None:
    from waymark.marac.reports.selectors import marac_performance

    rows = marac_performance(start, end, by="financial-year")
    cases = sum(row["cases"] for row in rows)
    if not cases:
        return None
    from waymark.marac.reports.selectors import headline_rule

    key = "repeats_ever" if headline_rule() == "local" else "repeats_12_month"
    repeats = sum(row[key] for row in rows)
    if _withheld(repeats, cases):
        return None
    return round(repeats / cases * 100, 1)


def _withheld(numerator: int, denominator: int) -> bool:
    """A rate the disclosure rule withholds: its count, or the rest of its denominator, is small."""
    from waymark.core.disclosure import rule

    return rule().is_small(numerator) or rule().is_small(denominator - numerator)


def _training_completions(start: date, end: date) -> float | None:
    from waymark.training.choices import BookingStatus
    from waymark.training.models import Booking

    return float(
        Booking.objects.filter(
            status=BookingStatus.COMPLETED, session__starts_on__gte=start, session__starts_on__lte=end
        ).count()
    )


def _training_attended(start: date, end: date) -> float | None:
    from waymark.training.choices import ATTENDED_STATUSES
    from waymark.training.models import Booking

    return float(
        Booking.objects.filter(
            status__in=ATTENDED_STATUSES, session__starts_on__gte=start, session__starts_on__lte=end
        ).count()
    )


MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure("reduced_risk_3_months", "% with reduced risk within 3 months of engaging", "%", _reduced_risk),
        Measure("marac_repeat_rate", "MARAC repeat rate (headline rule)", "%", _marac_repeat_rate),
        Measure("training_completions", "Training completions", "people", _training_completions),
        Measure("training_attendance", "Training attendances", "people", _training_attended),
    )
}


def measure_choices() -> list[tuple[str, str]]:
    return [("", "Not tied to a measure"), *((m.key, m.label) for m in MEASURES.values())]


def measure_value(key: str, today: date) -> float | None:
    """The measure over the 12 months up to ``today`` (None when not tied or nothing to measure)."""
    measure = MEASURES.get(key)
    if measure is None:
        return None
    start = add_months(today, -12) + timedelta(days=1)
    return measure.compute(start, today)
