"""Needs analytics: rates per 1,000 population and year-on-year change, per financial year, for
police-recorded incidents (a loaded series), referrals to the service (the ``referred`` KPI),
MARAC cases heard and homelessness applications where domestic abuse was the reason.

Denominators are reference data the partnership loads (``PopulationEstimate``: ONS mid-year
estimates by age and sex); a financial year uses the mid-year estimate of the year it starts
(2017/18: mid-2017). ``manage.py report needs`` writes the rows; the figures are aggregates only.

Loading: ``load_population`` and ``load_incidents`` read CSV files (the demo's are in
``fixtures/``), replace the area's rows for the years given, and are audited.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.commissioning.models import PopulationEstimate, RecordedIncidents
from waymark.web.reports import register_report

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_AREA = "Southmere"
SERIES = ("incidents", "referrals", "marac_cases", "housing_applications")
COLUMNS = [
    "financial_year",
    "population",
    *[f"{s}{suffix}" for s in SERIES for suffix in ("", "_change", "_per_1000")],
    "referrals_change_since_first_year",
]


def _int(row: dict[str, str], key: str, line: int) -> int:
    try:
        value = int(row[key])
    except (KeyError, ValueError) as error:
        raise ValidationError(f"Line {line}: {key} must be a whole number.") from error
    if value < 0:
        raise ValidationError(f"Line {line}: {key} cannot be negative.")
    return value


def load_population(*, actor: User | None, path: Path, actor_label: str = "") -> int:
    """Loads mid-year estimates (area, year, sex, age_from, age_to, count, source); every line is
    checked before any is saved. Returns the rows loaded."""
    with path.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    rows = []
    for number, line in enumerate(lines, start=2):
        if line.get("sex") not in ("female", "male"):
            raise ValidationError(f"Line {number}: sex must be female or male.")
        rows.append(
            PopulationEstimate(
                area=line["area"].strip(),
                year=_int(line, "year", number),
                sex=line["sex"],
                age_from=_int(line, "age_from", number),
                age_to=_int(line, "age_to", number) if line.get("age_to") else None,
                count=_int(line, "count", number),
                source=line.get("source", ""),
            )
        )
    with transaction.atomic():
        for area, year in {(r.area, r.year) for r in rows}:
            PopulationEstimate.objects.filter(area=area, year=year).delete()
        PopulationEstimate.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.IMPORT,
            object_type="commissioning:population",
            detail={"rows": len(rows), "file": path.name},
        )
    return len(rows)


def load_incidents(*, actor: User | None, path: Path, actor_label: str = "") -> int:
    """Loads police-recorded incidents per financial year (area, financial_year, count, source)."""
    with path.open(newline="", encoding="utf-8") as handle:
        lines = list(csv.DictReader(handle))
    rows = [
        RecordedIncidents(
            area=line["area"].strip(),
            financial_year=_int(line, "financial_year", number),
            count=_int(line, "count", number),
            source=line.get("source", ""),
        )
        for number, line in enumerate(lines, start=2)
    ]
    with transaction.atomic():
        for row in rows:
            RecordedIncidents.objects.filter(area=row.area, financial_year=row.financial_year).delete()
        RecordedIncidents.objects.bulk_create(rows)
        audit_record(
            actor=actor,
            actor_label=actor_label,
            action=AuditAction.IMPORT,
            object_type="commissioning:incidents",
            detail={"rows": len(rows), "file": path.name},
        )
    return len(rows)


def load_demo_reference() -> None:
    load_population(actor=None, actor_label="seed_demo", path=FIXTURES / "demo_population.csv")
    load_incidents(actor=None, actor_label="seed_demo", path=FIXTURES / "demo_police_incidents.csv")


def _year_span(year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year, 4, 1), dt.date(year + 1, 3, 31)


def marac_cases_by_year(first: int, last: int) -> dict[int, int]:
    from waymark.marac.repeats import heard_cases

    return {
        year: heard_cases().filter(meeting__held_on__range=_year_span(year)).count() for year in range(first, last + 1)
    }


def housing_applications_by_year(first: int, last: int) -> dict[int, int] | None:
    """Homelessness applications where domestic abuse was the reason, per financial year; None
    when the housing app is not installed (the hook the needs report leaves for it)."""
    from django.apps import apps

    if not apps.is_installed("waymark.housing"):
        return None
    from waymark.housing.choices import LossReason
    from waymark.housing.models import HomelessnessApplication

    return {
        year: HomelessnessApplication.objects.filter(
            loss_reason=LossReason.DOMESTIC_ABUSE, applied_on__range=_year_span(year)
        ).count()
        for year in range(first, last + 1)
    }


def _change(now: int | None, before: int | None) -> float | None:
    if now is None or not before:
        return None
    return round((now - before) / before, 4)


def _per_1000(count: int | None, population: int | None) -> float | None:
    if count is None or not population:
        return None
    return round(count * 1000 / population, 1)


def needs_rows(first: int, last: int, *, area: str = DEMO_AREA) -> list[dict[str, Any]]:
    """One row per financial year from ``first`` to ``last`` (the years they start)."""
    from waymark.outcomes.kpis import referred_by_period

    if last < first:
        raise ValueError("The last year is before the first.")
    population = dict(
        PopulationEstimate.objects.filter(area=area, year__range=(first, last))
        .values_list("year")
        .annotate(total=Sum("count"))
        .order_by()
    )
    incidents = dict(
        RecordedIncidents.objects.filter(area=area, financial_year__range=(first, last)).values_list(
            "financial_year", "count"
        )
    )
    referrals = {
        first + index: count
        for index, (_, _, _, count) in enumerate(
            referred_by_period(_year_span(first)[0], _year_span(last)[1], partnership_wide=True)
        )
    }
    series: dict[str, dict[int, int] | None] = {
        "incidents": incidents,
        "referrals": referrals,
        "marac_cases": marac_cases_by_year(first, last),
        "housing_applications": housing_applications_by_year(first, last),
    }
    rows = []
    for year in range(first, last + 1):
        row: dict[str, Any] = {"financial_year": f"{year}/{(year + 1) % 100:02d}", "population": population.get(year)}
        for name, values in series.items():
            count = None if values is None else values.get(year)
            before = None if values is None else values.get(year - 1)
            row[name] = count
            row[f"{name}_change"] = _change(count, before)
            row[f"{name}_per_1000"] = _per_1000(count, population.get(year))
        row["referrals_change_since_first_year"] = _change(referrals.get(year), referrals.get(first))
        rows.append(row)
    return rows


@register_report
class NeedsReport:
    name = "needs"
    help = (
        "Needs analytics per financial year: police-recorded incidents, referrals, MARAC cases and domestic abuse "
        "homelessness applications, each with the change on the year before and the rate per 1,000 population."
    )
    columns = COLUMNS

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--from-year", dest="first", type=int, default=2013, help="First financial year (start).")
        parser.add_argument("--to-year", dest="last", type=int, default=2017, help="Last financial year (start).")
        parser.add_argument("--area", default=DEMO_AREA, help="The area of the population and incident series.")

    def rows(self, **options: Any) -> list[dict[str, Any]]:
        try:
            return needs_rows(options["first"], options["last"], area=options["area"])
        except ValueError as error:
            raise CommandError(str(error)) from error
