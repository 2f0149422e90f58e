"""Needs analytics: rates per 1,000 population and year-on-year change, per financial year, for
police-recorded incidents (a loaded series), referrals to the service (the ``referred`` KPI),
MARAC cases heard and homelessness applications where domestic abuse was the reason.

Denominators are reference data the partnership loads (``PopulationEstimate``: ONS mid-year
estimates by age and sex); a financial year uses the mid-year estimate of the year it starts
(2017/18: mid-2017) or, until that is published, the latest loaded before it
(``estimate_years``: ONS publishes each mid-year estimate about a year later, so the current year
never has its own), and every table says which estimate each year used. ``manage.py report
needs`` writes the rows; the figures are aggregates only.

Loading: ``load_population`` and ``load_incidents`` read CSV files (the demo's are in
``fixtures/``), replace the area's rows for the years given, and are audited.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
from bisect import bisect_right
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.db.models import Sum
from django.utils import timezone

from waymark.accounts.models import User
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.commissioning.models import PopulationEstimate, RecordedIncidents
from waymark.core.disclosure import Cost, Key
from waymark.web.reports import register_report

FIXTURES = Path(__file__).resolve().parent / "fixtures"
DEMO_AREA = "Southmere"
SERIES = ("incidents", "referrals", "marac_cases", "housing_applications")
COLUMNS = [
    "financial_year",
    "population",
    "population_year",
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


def _same_day_years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def year_spans(first: int, last: int, through: dt.date | None = None) -> dict[int, tuple[dt.date, dt.date]]:
    """The days each financial year from ``first`` to ``last`` is counted over: the whole year, or,
    when ``through`` falls before the last year's end (a year to date, such as a board pack's
    financial year to the end of its quarter), every year from 1 April to the same day: the
    elapsed part of each year, so that the years compare like with like."""
    if through is None or through >= _year_span(last)[1]:
        return {y: _year_span(y) for y in range(first, last + 1)}
    through = max(through, _year_span(last)[0])
    return {y: (_year_span(y)[0], _same_day_years_before(through, last - y)) for y in range(first, last + 1)}


def year_label(year: int, span: tuple[dt.date, dt.date]) -> str:
    """ "2026/27", or "2026/27 to 30 September" for part of the year."""
    label = f"{year}/{(year + 1) % 100:02d}"
    return label if span == _year_span(year) else f"{label} to {span[1]:%-d %B}"


def quarters_of(spans: dict[int, tuple[dt.date, dt.date]]) -> list[tuple[dt.date, dt.date]]:
    """The whole quarters (April to June, ...) from the first span's first day to the last span's
    last day: the units every needs figure is counted in (each span is a run of them)."""
    from waymark.marac.reports.selectors import periods_between

    first, last = min(s for s, _ in spans.values()), max(e for _, e in spans.values())
    return [(p.start, p.end) for p in periods_between(first, last, "quarter")]


def _in_span(quarters: list[tuple[dt.date, dt.date]], span: tuple[dt.date, dt.date]) -> list[int]:
    return [i for i, (start, end) in enumerate(quarters) if span[0] <= start and end <= span[1]]


def _by_quarter(queryset: Any, day_field: str, quarters: list[tuple[dt.date, dt.date]]) -> list[int]:
    """Rows of ``queryset`` per quarter (by ``day_field``), in one grouped query; 0 for a quarter
    with none."""
    from django.db.models import Case, Count, IntegerField, Value, When

    quarter = Case(
        *[When(**{f"{day_field}__range": span}, then=Value(i)) for i, span in enumerate(quarters)],
        default=Value(None),
        output_field=IntegerField(),
    )
    counted = dict(
        queryset.filter(**{f"{day_field}__range": (quarters[0][0], quarters[-1][1])})
        .annotate(q=quarter)
        .order_by()
        .values_list("q")
        .annotate(n=Count("pk"))
    )
    return [counted.get(i, 0) for i in range(len(quarters))]


def marac_cases_by_quarter(quarters: list[tuple[dt.date, dt.date]]) -> list[int]:
    """MARAC cases heard per quarter, by the day of the meeting (``heard_cases``: the MARAC
    reports' "cases" column)."""
    from waymark.marac.repeats import heard_cases

    return _by_quarter(heard_cases(), "meeting__held_on", quarters)


def housing_applications_by_quarter(quarters: list[tuple[dt.date, dt.date]]) -> list[int] | None:
    """Homelessness applications where domestic abuse was the reason, per quarter (the board pack's
    housing figure for its quarter); None when the housing app is not installed (the hook the needs
    report leaves for it)."""
    from django.apps import apps

    if not apps.is_installed("waymark.housing"):
        return None
    from waymark.housing.choices import LossReason
    from waymark.housing.models import HomelessnessApplication

    return _by_quarter(
        HomelessnessApplication.objects.filter(loss_reason=LossReason.DOMESTIC_ABUSE), "applied_on", quarters
    )


def _change(now: int | None, before: int | None) -> float | None:
    if now is None or not before:
        return None
    return round((now - before) / before, 4)


def estimate_years(area: str, years: Iterable[int]) -> dict[int, int]:
    """The mid-year estimate each financial year's rates use: its own year's when loaded, else the
    latest loaded before it (as analysts do until ONS publishes the year's own; the tables name the
    year used). A year with no estimate loaded on or before it has none, and no rates."""
    years = list(years)
    if not years:
        return {}
    loaded = sorted(
        PopulationEstimate.objects.filter(area=area, year__lte=max(years))
        .order_by()
        .values_list("year", flat=True)
        .distinct()
    )
    used = {}
    for year in years:
        found = bisect_right(loaded, year)
        if found:
            used[year] = loaded[found - 1]
    return used


def _population_totals(area: str, used: dict[int, int]) -> dict[int, int]:
    """{financial year: population} by the estimate each year uses (``estimate_years``)."""
    totals = dict(
        PopulationEstimate.objects.filter(area=area, year__in=set(used.values()))
        .values_list("year")
        .annotate(total=Sum("count"))
        .order_by()
    )
    return {year: totals[estimate] for year, estimate in used.items() if estimate in totals}


def _per_1000(count: int | None, population: int | None) -> float | None:
    if count is None or not population:
        return None
    return round(count * 1000 / population, 1)


def quarter_spans(first: int, last: int, through: dt.date | None) -> dict[int, tuple[dt.date, dt.date]]:
    """``year_spans``, each ending on the last day of its quarter: every needs figure is counted
    over whole quarters, as every other figure a commissioner sees (``core.disclosure.whole_quarters``),
    so that each is a run of the quarters other tables show."""
    from waymark.core.disclosure import whole_quarters

    return {
        year: (start, whole_quarters(end, end)[1]) for year, (start, end) in year_spans(first, last, through).items()
    }


# The needs series counted by the quarter, as the quarters' own tables elsewhere show them:
# referrals (the outcome figures' "referred", on the dashboards, the API and the board pack's
# outcome KPIs), MARAC cases heard (the MARAC reports' performance by quarter, in the pack too) and
# domestic abuse homelessness applications (each quarter's board pack). Police-recorded incidents
# are loaded for whole years and shown nowhere by the quarter.
QUARTERLY_SERIES = ("referrals", "marac_cases", "housing_applications")


def _needs_table(
    first: int, last: int, *, area: str, through: dt.date | None
) -> tuple[list[dict[str, Any]], set[tuple[int, str]]]:
    """``needs_rows``' rows, and the cells (row index, series) that a quarter in the row's span
    withholds on its own (``_withheld_quarters``)."""
    from waymark.outcomes.kpis import referred_by_period

    if last < first:
        raise ValueError("The last year is before the first.")
    spans = quarter_spans(first, last, through)
    whole = spans[last] == _year_span(last)
    quarters = quarters_of(spans)
    used = estimate_years(area, range(first, last + 1))
    population = _population_totals(area, used)
    incidents: dict[int, int] = {}
    if whole:  # loaded by the whole year: a part year has none
        incidents = dict(
            RecordedIncidents.objects.filter(area=area, financial_year__range=(first, last)).values_list(
                "financial_year", "count"
            )
        )
    by_quarter: dict[str, list[int] | None] = {
        "referrals": [
            n for *_, n in referred_by_period(quarters[0][0], quarters[-1][1], "quarter", partnership_wide=True)
        ],
        "marac_cases": marac_cases_by_quarter(quarters),
        "housing_applications": housing_applications_by_quarter(quarters),
    }
    withheld_quarters = _withheld_quarters(by_quarter, quarters)
    inside = {year: _in_span(quarters, span) for year, span in spans.items()}
    series: dict[str, dict[int, int] | None] = {"incidents": incidents}
    for name, counts in by_quarter.items():
        series[name] = None if counts is None else {y: sum(counts[i] for i in inside[y]) for y in spans}
    referrals = series["referrals"] or {}
    rows = []
    withheld: set[tuple[int, str]] = set()
    for index, year in enumerate(range(first, last + 1)):
        row: dict[str, Any] = {
            "financial_year": year_label(year, spans[year]),
            "population": population.get(year),
            "population_year": used.get(year),
        }
        # A year not over yet is counted to date: no change against whole years or the same days.
        comparable = spans[year][1] <= timezone.localdate()
        for name, values in series.items():
            count = None if values is None else values.get(year)
            before = None if values is None else values.get(year - 1)
            row[name] = count
            row[f"{name}_change"] = _change(count, before) if comparable else None
            # A year counted to date gives no rate either: part of a year over a whole year's
            # population would sit beside whole years' rates as if it were one.
            row[f"{name}_per_1000"] = _per_1000(count, population.get(year)) if comparable else None
            if any((i, name) in withheld_quarters for i in inside[year]):
                withheld.add((index, name))
        row["referrals_change_since_first_year"] = (
            _change(referrals.get(year), referrals.get(first)) if comparable else None
        )
        if not comparable:
            row["financial_year"] += " (to date)"
        rows.append(row)
    return rows, withheld


def _withheld_quarters(
    by_quarter: dict[str, list[int] | None], quarters: list[tuple[dt.date, dt.date]]
) -> set[tuple[int, str]]:
    """(quarter index, series) for each quarter whose figure the quarter's own table withholds:
    referrals as the outcome figures' quarter tables withhold everyone's "referred"
    (``outcomes.disclosure.withheld_in_units``, the dashboards' and the board pack's rule); MARAC
    cases heard and domestic abuse homelessness applications when small, as the MARAC reports
    (``marac.reports.disclosure.withheld_in_quarters``) and each quarter's board pack withhold
    them. A year (or year to date) holding such a quarter is withheld, so that it less the
    quarters shown gives nothing away."""
    from waymark.core.disclosure import rule
    from waymark.outcomes.disclosure import EVERYONE, withheld_in_units
    from waymark.outcomes.kpis import Tally, Unit

    the_rule = rule()
    found: set[tuple[int, str]] = set()
    referrals = by_quarter["referrals"] or []
    units = [Unit(start, end, {None: Tally(referred=n)}) for (start, end), n in zip(quarters, referrals, strict=True)]
    for index, hidden in enumerate(withheld_in_units(units, split=False, the_rule=the_rule)):
        if (EVERYONE, "referred") in hidden:
            found.add((index, "referrals"))
    for name in ("marac_cases", "housing_applications"):
        for index, count in enumerate(by_quarter[name] or []):
            if the_rule.is_small(count):
                found.add((index, name))
    return found


def needs_rows(first: int, last: int, *, area: str = DEMO_AREA, through: dt.date | None = None) -> list[dict[str, Any]]:
    """One row per financial year from ``first`` to ``last`` (the years they start), as counted
    (``protected_needs_rows`` is what anyone sees). ``through``: the last year is counted to the
    end of that day's quarter, and every year before it to the same day (``year_spans``), so each
    change compares like with like; the rows are labelled so ("2026/27 to 30 September").
    Police-recorded incidents are loaded by the whole year: a part year has none. Every figure
    but the incidents is its quarters' added up (``quarters_of``)."""
    return _needs_table(first, last, area=area, through=through)[0]


NEEDS_COUNTS = ["incidents", *QUARTERLY_SERIES]


def protected_needs_rows(
    first: int,
    last: int,
    applied: Any,
    *,
    area: str = DEMO_AREA,
    through: dt.date | None = None,
    place: str = "needs",
) -> list[dict[str, Any]]:
    """``needs_rows`` under the disclosure rule, as the API, the board pack and ``report needs``
    show them. A count is withheld when it is small or when any quarter in its span is withheld by
    that quarter's own table (``_withheld_quarters``): the year, less the quarters shown on the
    dashboards, the MARAC reports and the board packs, would otherwise give that quarter's figure
    away. A rate per 1,000 is withheld with its count, and a change with either of its counts
    (the change and one count give the other back)."""
    from waymark.core.disclosure import HIDDEN, Suppressed, protect_table

    rows, withheld = _needs_table(first, last, area=area, through=through)
    # No total links these cells (a year is not shown beside its quarters here), so nothing is
    # withheld to protect another and no cost rule is needed: only the small and ``withheld``.
    protected, _, hidden = protect_table(rows, NEEDS_COUNTS, also_hidden=withheld)
    applied.record(place, hidden)

    def out(row: dict[str, Any], column: str) -> bool:
        return isinstance(row[column], Suppressed)

    for index, row in enumerate(protected):
        previous = protected[index - 1] if index else None
        for name in NEEDS_COUNTS:
            if out(row, name) and row[f"{name}_per_1000"] is not None:
                row[f"{name}_per_1000"] = HIDDEN
            if row[f"{name}_change"] is not None and (out(row, name) or (previous is not None and out(previous, name))):
                row[f"{name}_change"] = HIDDEN
        since = row["referrals_change_since_first_year"]
        if since is not None and (out(row, "referrals") or out(protected[0], "referrals")):
            row["referrals_change_since_first_year"] = HIDDEN
    return protected


# Equality breakdowns of referrals per financial year. Sex and age band have a denominator (the
# mid-year estimates are by sex and by the same age bands), so each group also has its rate per
# 1,000 of that group's population; the others are counts.
EQUALITY_SPLITS = (
    "sex",
    "age",
    "ethnicity",
    "ethnicity_category",
    "disability",
    "sexual_orientation",
    "gender_identity",
)


def _group_population(key: str, used: dict[int, int], area: str) -> dict[tuple[int, Any], int]:
    """{(financial year, group): population} for a split with denominators (sex, age band), by the
    estimate each year uses (``estimate_years``); empty otherwise."""
    by_estimate: dict[tuple[int, Any], int] = {}
    estimates = PopulationEstimate.objects.filter(area=area, year__in=set(used.values()))
    if key == "sex":
        rows = estimates.values_list("year", "sex").annotate(total=Sum("count")).order_by()
        by_estimate = {(year, sex): total for year, sex, total in rows}
    elif key == "age":
        from waymark.commissioning.dimensions import AGE_BANDS

        # Only an estimate for exactly the band's ages is its denominator (a wider band is not).
        bands = {(low or 0, None if high is None else high - 1): band for band, _label, low, high in AGE_BANDS}
        rows = estimates.values_list("year", "age_from", "age_to").annotate(total=Sum("count")).order_by()
        by_estimate = {
            (year, bands[(age_from, age_to)]): total
            for year, age_from, age_to, total in rows
            if (age_from, age_to) in bands
        }
    return {
        (year, group): total
        for year, estimate in used.items()
        for (from_year, group), total in by_estimate.items()
        if from_year == estimate
    }


def _counted_by(key: str) -> Any:
    """The split a characteristic's referrals are counted by: a split linked to another (the five
    ethnic groups and the 19 categories) by the finer one."""
    from waymark.commissioning.dimensions import DIMENSIONS, linked_splits

    link = linked_splits(key)
    return DIMENSIONS[link.fine] if link is not None else DIMENSIONS[key]


def count_needs_splits(
    first: int, last: int, keys: list[str], *, through: dt.date | None = None
) -> dict[str, dict[tuple[int, Any], int]]:
    """What ``needs_by_group`` counts for each of ``keys`` (referrals by quarter and group), from
    one reading of the records, to pass to it as ``counted``: the board pack's equality splits."""
    from waymark.outcomes.kpis import referred_by_period_and_group_each

    quarters = quarters_of(quarter_spans(first, last, through))
    _, found = referred_by_period_and_group_each(
        quarters[0][0], quarters[-1][1], "quarter", [_counted_by(key) for key in keys], partnership_wide=True
    )
    return dict(zip(keys, found, strict=True))


def needs_by_group(
    first: int,
    last: int,
    key: str,
    *,
    area: str = DEMO_AREA,
    through: dt.date | None = None,
    counted: dict[tuple[int, Any], int] | None = None,
) -> dict[str, Any]:
    """Referrals per financial year split by an equality characteristic (``EQUALITY_SPLITS``), with
    the rate per 1,000 of the group's population where there is one: ``{"label", "columns", "rows",
    "total"}``, a row per group and the "All" row (each year's groups add up to it). Raw counts:
    ``protect_needs_split`` applies the disclosure rule before anyone sees them.

    Counted by the quarter (two grouped queries whatever the years) and each year (or year to the
    end of ``through``'s quarter) is its quarters added up; ``"withheld"``: the (group, year column)
    cells, ``None`` for the "All" row, that some quarter in the year withholds in its own table (the
    dashboard's split by the same characteristic, ``outcomes.disclosure.withheld_in_units``). A
    split linked to another (the five ethnic groups and the 19 categories) is counted by the
    finer one, each group its categories added up, and its quarters protected as the two together."""
    from waymark.commissioning.dimensions import DIMENSIONS, labels_for, linked_splits
    from waymark.core.disclosure import rule
    from waymark.outcomes.disclosure import EVERYONE, Coarse, withheld_in_units
    from waymark.outcomes.kpis import Tally, Unit

    if key not in EQUALITY_SPLITS:
        raise ValueError(f"Needs can be split by {', '.join(EQUALITY_SPLITS)}, not {key!r}.")
    if last < first:
        raise ValueError("The last year is before the first.")
    dimension = DIMENSIONS[key]
    link = linked_splits(key)
    coarse = link is not None and key == link.coarse
    # A counted group's group in this split (a census category's ethnic group).
    own: Any = link.group_of if link is not None and coarse else (lambda group: group)

    years = list(range(first, last + 1))
    spans = quarter_spans(first, last, through)  # part of each year: the same days of each
    quarters = quarters_of(spans)
    if counted is None:  # ``counted``: the same, already counted (``count_needs_splits``)
        counted = count_needs_splits(first, last, [key], through=through)[key]
    by_quarter = counted
    units = [
        Unit(start, end, {g: Tally(referred=n) for (q, g), n in by_quarter.items() if q == index})
        for index, (start, end) in enumerate(quarters)
    ]
    withheld_each = withheld_in_units(
        units, split=True, the_rule=rule(), coarser=link.group_of if link is not None else None
    )
    inside = {year: _in_span(quarters, spans[year]) for year in years}
    counts: dict[tuple[int, Any], int] = {}
    for index, year in enumerate(years):
        for (q, group), n in by_quarter.items():
            if q in inside[year]:
                counts[(index, own(group))] = counts.get((index, own(group)), 0) + n
    used = estimate_years(area, years)
    population = _group_population(key, used, area)
    totals = _population_totals(area, used)
    groups = {g for _, g in counts} | {g for _, g in population}
    names = labels_for(dimension, groups)
    labels = {year: year_label(year, spans[year]) for year in years}
    withheld: set[tuple[Any, str]] = set()
    for year in years:
        for q in inside[year]:
            for scope, *figure in withheld_each[q]:
                if figure == ["referred"]:
                    group = None if scope == EVERYONE else (scope.group if isinstance(scope, Coarse) else scope)
                    if scope == EVERYONE or isinstance(scope, Coarse) == coarse:
                        withheld.add((group, labels[year]))
    columns = ["group"]
    for year in years:
        columns += [labels[year], f"{labels[year]} per 1,000"] if population else [labels[year]]
    keys = sorted(groups, key=lambda g: (g is None or g == "not_recorded", str(names[g])))
    rows = []
    for group in keys:
        row: dict[str, Any] = {"group": names[group]}
        for index, year in enumerate(years):
            row[labels[year]] = counts.get((index, group), 0)
            if population:
                row[f"{labels[year]} per 1,000"] = _per_1000(row[labels[year]], population.get((year, group)))
        rows.append(row)
    total: dict[str, Any] = {"group": "All"}
    for index, year in enumerate(years):
        total[labels[year]] = sum(n for (i, _), n in counts.items() if i == index)
        if population:
            total[f"{labels[year]} per 1,000"] = _per_1000(total[labels[year]], totals.get(year))
    return {
        "key": key,
        "label": dimension.label,
        "columns": columns,
        "count_columns": [labels[year] for year in years],
        "rows": rows,
        "keys": keys,  # the rows' groups
        "total": total,
        # The mid-year estimate each year column's rates use (only where the split has rates).
        "estimates": {labels[year]: used[year] for year in years if year in used} if population else {},
        "withheld": withheld,
        "first": first,
        "last": last,
        "area": area,
        "through": through,
    }


# The cost rule (``core.disclosure``: which figure is withheld to protect a small one) for a split
# by group (``group_cost``), lowest first: a "not recorded" group's figure, which a reader comparing
# groups misses least; then a named group's. The "All" row is a total, withheld last whatever it
# costs. Among equals, the smallest.
MINOR_GROUP = 1
NAMED_GROUP = 2


def group_cost(groups: Sequence[Any]) -> Cost:
    """What withholding a cell (keyed (row index or "total", column), ``core.disclosure.hidden_in_table``)
    of a split loses, ``groups`` being the rows' groups in order: the tiers above (a group is "not
    recorded" as ``outcomes.disclosure.not_recorded`` says). Used by needs by an equality group
    that is not linked to another split (``protect_needs_split`` says why not linked ones)."""
    from waymark.outcomes.disclosure import not_recorded

    minor = frozenset(i for i, group in enumerate(groups) if not_recorded(group))

    def cost(key: Key, hidden: AbstractSet[Key]) -> int:
        assert isinstance(key, tuple)
        return MINOR_GROUP if key[0] in minor else NAMED_GROUP

    return cost


def _also_hidden(split: dict[str, Any], offset: int = 0) -> set[tuple[Any, str]]:
    """The split's cells its quarters withhold (``needs_by_group``'s ``"withheld"``), keyed as
    ``core.disclosure.hidden_in_table`` keys a table's cells (its rows start at ``offset``)."""
    position = {group: offset + i for i, group in enumerate(split["keys"])}
    return {
        ("total" if group is None else position[group], column)
        for group, column in split.get("withheld", ())
        if group is None or group in position
    }


def protect_needs_split(split: dict[str, Any], applied: Any, *, place: str = "") -> list[dict[str, Any]]:
    """The split's rows and its "All" row (last) under the disclosure rule: small counts withheld,
    every count a quarter in its year withholds (``needs_by_group``'s ``"withheld"``: the year less
    the quarters shown on the dashboard would give it away), and more until none can be worked out
    from the year's total; a rate is withheld with its count.

    A split linked to another (the five ethnic groups and the 19 categories:
    ``dimensions.linked_splits``) is protected together with it, each group's row the sum of its
    categories' rows, so that the two tables read together give no withheld figure away. Not
    linked, the figures withheld to protect others are chosen by ``group_cost``: the "not recorded"
    group's first."""
    from waymark.commissioning.dimensions import linked_splits
    from waymark.core.disclosure import HIDDEN, Suppressed, protect_table

    link = linked_splits(split.get("key", ""))
    if link is None:
        rows, total, hidden = protect_table(
            split["rows"],
            split["count_columns"],
            total_row=split["total"],
            also_hidden=_also_hidden(split),
            cost=group_cost(split["keys"]),
        )
    else:
        other = needs_by_group(
            split["first"],
            split["last"],
            link.coarse if split["key"] == link.fine else link.fine,
            area=split["area"],
            through=split.get("through"),
        )
        fine, coarse = (split, other) if split["key"] == link.fine else (other, split)
        n = len(fine["rows"])
        together = [*fine["rows"], *coarse["rows"]]
        coarse_rows = range(n, len(together))
        row_sums = [
            (n + j, [i for i, g in enumerate(fine["keys"]) if link.group_of(g) == group])
            for j, group in enumerate(coarse["keys"])
        ]
        protected, total, _ = protect_table(
            together,
            split["count_columns"],
            total_row=split["total"],
            total_of=[list(range(n)), list(coarse_rows)],
            row_sums=row_sums,
            also_hidden=_also_hidden(fine) | _also_hidden(coarse, n),
            # No cost here: linked, the "not recorded" category is also the coarse split's "not
            # recorded" group, so withholding it for a small category makes the coarse split
            # withhold a named group's figure for it (3 White British, 12 White Irish: the White
            # group's figure went instead of the 12). Over 400 random linked tables the cost
            # withheld 2% more cells for 9% fewer of the five groups' figures: not a clear gain.
        )
        rows = protected[:n] if split is fine else protected[n:]
        hidden = sum(
            1
            for row in [*rows, total]
            for c in split["count_columns"]
            if row is not None and isinstance(row[c], Suppressed)
        )
    applied.record(place or f"needs by {split['label'].lower()}", hidden)
    out = []
    for row in [*rows, total]:
        assert row is not None
        row = dict(row)
        for column in split["count_columns"]:
            if isinstance(row[column], Suppressed) and f"{column} per 1,000" in row:
                row[f"{column} per 1,000"] = HIDDEN
        out.append(row)
    return out


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
        from waymark.commissioning.dashboard import printable
        from waymark.core.disclosure import Applied

        try:
            rows = protected_needs_rows(options["first"], options["last"], Applied(), area=options["area"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        return [printable(row) for row in rows]


@register_report
class NeedsByGroupReport:
    name = "needs-by-group"
    help = (
        "Referrals per financial year by an equality characteristic (sex, age band, ethnic group, disability, "
        "sexual orientation, gender identity), with the rate per 1,000 of the group's population for sex and age, "
        "under the disclosure rule (withheld counts are [c])."
    )
    columns: list[str] = []  # the years asked for decide the columns

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--from-year", dest="first", type=int, default=2013, help="First financial year (start).")
        parser.add_argument("--to-year", dest="last", type=int, default=2017, help="Last financial year (start).")
        parser.add_argument("--by", choices=EQUALITY_SPLITS, default="sex", help="The characteristic (default sex).")
        parser.add_argument("--area", default=DEMO_AREA, help="The area of the population series.")

    def rows(self, **options: Any) -> list[dict[str, Any]]:
        from waymark.commissioning.dashboard import printable
        from waymark.core.disclosure import Applied

        try:
            split = needs_by_group(options["first"], options["last"], options["by"], area=options["area"])
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.columns = split["columns"]
        return [printable(row) for row in protect_needs_split(split, Applied())]
