"""``manage.py report outcomes``: the outcome KPIs for a period as rows (aggregates only: no names,
no ids). The first row is the whole period; ``--by quarter`` or ``--by financial-year`` adds a row
per quarter or year within it. The dashboard's CSV and XLSX downloads write the same rows."""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from django.core.management.base import CommandError

from waymark.core.disclosure import SYMBOL, Suppressed
from waymark.outcomes.kpis import KpiResult, Outcomes, outcome_figures
from waymark.outcomes.models import AbuseKind
from waymark.web.reports import add_date_range_arguments, register_report, report_date

BY = ("none", "quarter", "financial-year")
RATE_KEYS = (
    "reduced_risk_within_3_months_rate",
    "first_contact_within_standard_rate",
    "engagement_rate",
    "feeling_safer_at_exit_rate",
    "wellbeing_improved_at_exit_rate",
    "quality_of_life_improved_at_exit_rate",
)
COLUMNS = [
    "period",
    "from",
    "to",
    "as_of",
    "referred",
    "supported",
    *RATE_KEYS,
    "people_supported",
    "median_working_days_to_first_contact",
    *[f"{key}_{part}" for key in RATE_KEYS for part in ("numerator", "denominator")],
    "reduced_risk_not_yet_measurable",
    "first_contact_not_yet_due",
    "contacted_cases",
    *[f"{kind}_{part}" for kind in AbuseKind.values for part in ("ceased_rate", "reduced_rate", "denominator")],
]


def _rounded(value: Any) -> Any:
    if isinstance(value, Suppressed):
        return SYMBOL
    return None if value is None else round(value, 4)


def _not_in_denominator(result: KpiResult) -> int:
    return result.excluded


def summary_row(outcomes: Outcomes, label: str) -> dict[str, Any]:
    """One row of the report: every KPI of ``outcomes`` as plain numbers."""
    row: dict[str, Any] = {
        "period": label,
        "from": outcomes.start.isoformat(),
        "to": outcomes.end.isoformat(),
        "as_of": outcomes.as_of.isoformat(),
        "referred": outcomes["referred"].value,
        "supported": outcomes["supported"].value,
        "people_supported": outcomes["people_supported"].value,
        "median_working_days_to_first_contact": outcomes["median_working_days_to_first_contact"].value,
        "reduced_risk_not_yet_measurable": _not_in_denominator(outcomes["reduced_risk_within_3_months_rate"]),
        "first_contact_not_yet_due": _not_in_denominator(outcomes["first_contact_within_standard_rate"]),
        "contacted_cases": outcomes["median_working_days_to_first_contact"].denominator,
    }
    for key in RATE_KEYS:
        result = outcomes[key]
        value = result.value
        row[key] = _rounded(value if isinstance(value, float | Suppressed) or value is None else None)
        row[f"{key}_numerator"] = result.numerator
        row[f"{key}_denominator"] = result.denominator
    for abuse in outcomes.abuse:
        row[f"{abuse.kind}_ceased_rate"] = _rounded(abuse.ceased_rate)
        row[f"{abuse.kind}_reduced_rate"] = _rounded(abuse.reduced_rate)
        row[f"{abuse.kind}_denominator"] = abuse.denominator
    return {key: SYMBOL if isinstance(value, Suppressed) else value for key, value in row.items()}


def outcome_rows(
    start: dt.date, end: dt.date, *, by: str = "none", as_of: dt.date | None = None
) -> list[dict[str, Any]]:
    if by not in BY:
        raise ValueError(f"by must be one of {BY}.")
    figures = outcome_figures(start, end, as_of=as_of, by=by, partnership_wide=True)
    rows = [summary_row(figures.outcomes(), f"{start.isoformat()} to {end.isoformat()}")]
    if by != "none":
        rows += [summary_row(period.outcomes(), period.label) for period in figures.periods]
    return rows


@register_report
class OutcomesReport:
    name = "outcomes"
    help = (
        "Outcome KPIs for a period: referred, supported, risk reduced within the window of engaging, first "
        "contact within the service standard, engagement, and change at exit (definitions: docs/outcomes.md)."
    )
    columns = COLUMNS

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_date_range_arguments(parser)
        parser.add_argument(
            "--by", choices=BY, default="none", help="Also one row per quarter or financial year (default none)."
        )
        parser.add_argument(
            "--as-of", dest="as_of", type=report_date, default=None, help="Compute as on this day (default today)."
        )

    def rows(self, **options: Any) -> list[dict[str, Any]]:
        try:
            return outcome_rows(options["start"], options["end"], by=options["by"], as_of=options.get("as_of"))
        except ValueError as error:
            raise CommandError(str(error)) from error
