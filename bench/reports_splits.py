"""The commissioning splits' own counts, by DuckDB, for the reports bench (``bench.reports_bench``).

A split page ("since April 2013 by provider", by contract, service, referral source or ethnic group)
counts every KPI per quarter and group, for the period and the same period a year earlier, and the
different people supported per group in each period (``commissioning.dashboard.count_splits``).
Its baseline is therefore not the unsplit totals but DuckDB doing the same: the same KPIs grouped
by quarter and group over the same tables exported to Parquet (the cases and referrals with the
columns the groups are read from, the people's recorded ethnicity, the agencies' kinds, the
client's interventions and their catalogue services, and the contracts), each group worked out by
DuckDB from those tables with the rule ``commissioning/dimensions.py`` states. The counts are
checked equal to Waymark's, quarter by quarter and group by group, before any ratio is given.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

SPLITS = ("provider", "contract", "service", "source", "ethnicity")


def with_year_earlier(start: date, end: date) -> list[tuple[date, date]]:
    """A period and the same dates a year earlier: the two periods a split page counts."""
    from waymark.commissioning.dashboard import year_earlier

    return [(start, end), (year_earlier(start), year_earlier(end))]


def export_split_tables(write: Callable[[str, Any, list[str]], Path]) -> dict[str, Path]:
    """The tables the groups are read from, as Parquet (``write`` as ``export_parquet``'s)."""
    from waymark.commissioning.models import Contract
    from waymark.organisations.models import Agency
    from waymark.people.models import Person
    from waymark.support.models import Intervention, Service

    # The contracts in the order Waymark reads them (``dimensions._contract``: the latest to start
    # first, then by reference, as the database sorts them), so DuckDB takes the same one.
    ordered = Contract.objects.filter(provider_agency__isnull=False).order_by("-starts_on", "reference")
    contracts = ordered.values_list("provider_agency_id", "starts_on", "ends_on", "reference")
    return {
        "people": write(
            "people",
            Person.objects.all(),
            ["id", "ethnicity", "sex", "date_of_birth", "disability", "lgbt", "gender_identity", "sexual_orientation"],
        ),
        "agencies": write("agencies", Agency.objects.all(), ["id", "kind"]),
        "interventions": write(
            "interventions",
            Intervention.objects.all(),
            ["id", "case_id", "child_id", "service_id", "offered_on", "created_at"],
        ),
        "services": write("services", Service.objects.all(), ["id", "code"]),
        "contracts": write(
            "contracts",
            _Rows(Contract, [(*row, position) for position, row in enumerate(contracts)]),
            ["provider_agency_id", "starts_on", "ends_on", "reference", "position"],
        ),
    }


class _Rows:
    """Rows already read, in the shape ``write`` reads a queryset (``values_list``)."""

    def __init__(self, model: Any, rows: list[tuple[Any, ...]]) -> None:
        self.model, self.rows = model, rows

    def values_list(self, *columns: str) -> list[tuple[Any, ...]]:
        return self.rows


def _quoted(values: Any) -> str:
    return ", ".join(f"'{value}'" for value in values)


def _or_not_recorded(column: str) -> str:
    from waymark.people.choices import Sex, YesNoUnknown

    unknown = _quoted(["", Sex.UNKNOWN, YesNoUnknown.UNKNOWN])
    return f"CASE WHEN {column} IS NULL OR {column} IN ({unknown}) THEN 'not_recorded' ELSE {column} END"


def _words(column: str, groups: list[tuple[str, str]], other: str) -> str:
    whens = " ".join(f"WHEN {condition} THEN '{key}'" for key, condition in groups)
    return f"CASE WHEN {column} IS NULL OR {column} = '' THEN 'not_recorded' {whens} ELSE '{other}' END"


def _any_of(test: str, column: str, words: tuple[str, ...]) -> str:
    return "(" + " OR ".join(test.format(col=f"lower({column})", word=word) for word in words) + ")"


def equality_group(key: str, day: str) -> str:
    """DuckDB SQL for a person's (``p``) group by the equality characteristic ``key``, on the day of
    referral ``day`` (for the age band): the rules of ``commissioning/dimensions.py``."""
    from waymark.commissioning.dimensions import AGE_BANDS
    from waymark.people.choices import Ethnicity

    if key in ("sex", "disability", "lgbt"):
        return _or_not_recorded(f"p.{key}")
    if key == "ethnicity_category":
        unknown = _quoted(["", Ethnicity.NOT_KNOWN, Ethnicity.NOT_SAID])
        return f"CASE WHEN p.ethnicity IS NULL OR p.ethnicity IN ({unknown}) THEN 'not_recorded' ELSE p.ethnicity END"
    if key == "ethnicity":
        groups = ("asian", "black", "mixed", "white", "other")
        whens = " ".join(f"WHEN starts_with(p.ethnicity, '{g}_') THEN '{g}'" for g in groups)
        return f"CASE {whens} ELSE 'not_recorded' END"
    if key == "age":
        age = (
            f"(year({day}) - year(p.date_of_birth)"
            f" - CASE WHEN strftime(p.date_of_birth, '%m-%d') > strftime({day}, '%m-%d') THEN 1 ELSE 0 END)"
        )
        bands = " ".join(f"WHEN {age} < {high} THEN '{band}'" for band, _l, _low, high in AGE_BANDS if high is not None)
        return f"CASE WHEN p.date_of_birth IS NULL THEN 'not_recorded' {bands} ELSE '{AGE_BANDS[-1][0]}' END"
    exact, contains = "{col} = '{word}'", "contains({col}, '{word}')"
    if key == "gender_identity":
        column = "p.gender_identity"
        return _words(
            column,
            [
                ("prefer_not", _any_of(exact, column, ("prefer not to say", "prefers not to say", "not said"))),
                ("woman", _any_of(exact, column, ("woman", "female", "cis woman", "f"))),
                ("man", _any_of(exact, column, ("man", "male", "cis man", "m"))),
                ("non_binary", _any_of(contains, column, ("non-binary", "nonbinary"))),
                ("trans", _any_of(contains, column, ("trans",))),
            ],
            "other",
        )
    if key == "sexual_orientation":
        column = "p.sexual_orientation"
        return _words(
            column,
            [
                ("prefer_not", _any_of(contains, column, ("prefer not",))),
                ("bisexual", _any_of(contains, column, ("bisexual",))),
                ("gay_lesbian", _any_of(contains, column, ("gay", "lesbian"))),
                ("straight", _any_of(contains, column, ("straight", "heterosexual"))),
            ],
            "other",
        )
    raise ValueError(f"No DuckDB form of the equality split by {key}.")


def equality_views(keys: list[str]) -> tuple[str, str, str | None]:
    """(each case, each referral) with ``g`` the list of its groups, one per characteristic in
    ``keys`` (as "key|group"), and, when the ethnic categories are among them, the cases' column of
    their five ethnic groups (``c``, for the people by group)."""

    def listed(day: str) -> str:
        return "[" + ", ".join(f"'{key}|' || {equality_group(key, day)}" for key in keys) + "]"

    # The five ethnic groups' people are counted beside the 19 categories' (``linked_splits``).
    coarse = "ethnicity_category" in keys
    group = f", {equality_group('ethnicity', 'c.referred_on')} AS c" if coarse else ""
    return (
        f"SELECT c.*, {listed('c.referred_on')} AS g{group} FROM cases c LEFT JOIN people p ON p.id = c.person_id",
        f"SELECT r.*, {listed('r.received_on')} AS g FROM referrals r LEFT JOIN people p ON p.id = r.subject_id",
        "c" if coarse else None,
    )


def group_views(by: str) -> tuple[str, str, str | None]:
    """DuckDB SQL for (each case with its group ``g``, each referral with its group ``g``, and for
    the ethnic groups each case with its coarser group ``c``), the rule of ``DIMENSIONS[by]``."""
    from waymark.organisations.models import AgencyKind
    from waymark.referrals.choices import ReferralSource

    if by == "provider":
        return "SELECT *, agency_id AS g FROM cases", "SELECT *, receiving_agency_id AS g FROM referrals", None
    if by == "contract":

        def contract(agency: str, day: str) -> str:
            return f"""(SELECT arg_min(k.reference, k.position) FROM contracts k
                        WHERE k.provider_agency_id = {agency}
                          AND (k.starts_on IS NULL OR k.starts_on <= {day})
                          AND (k.ends_on IS NULL OR k.ends_on >= {day}))"""

        return (
            f"SELECT c.*, {contract('c.agency_id', 'c.referred_on')} AS g FROM cases c",
            f"SELECT r.*, {contract('r.receiving_agency_id', 'r.received_on')} AS g FROM referrals r",
            None,
        )
    if by == "service":
        first = """(SELECT i.case_id, arg_min(s.code, (i.offered_on, i.created_at, i.id)) AS code
                    FROM interventions i JOIN services s ON s.id = i.service_id
                    WHERE i.child_id IS NULL GROUP BY i.case_id)"""
        return (
            f"SELECT c.*, f.code AS g FROM cases c LEFT JOIN {first} f ON f.case_id = c.id",
            f"""SELECT r.*, f.code AS g FROM referrals r LEFT JOIN cases c ON c.referral_id = r.id
                LEFT JOIN {first} f ON f.case_id = c.id""",
            None,
        )
    if by == "source":
        social_care = _quoted([AgencyKind.CHILDRENS_SOCIAL_CARE, AgencyKind.ADULTS_SOCIAL_CARE])
        source = f"""CASE WHEN r.source = '{ReferralSource.SELF_REFERRAL}' THEN 'self'
                          WHEN r.source = '{ReferralSource.CHAMPION}' THEN 'champion'
                          WHEN r.source = '{ReferralSource.IMPORT}' THEN 'imported'
                          WHEN a.kind = '{AgencyKind.POLICE}' THEN 'police'
                          WHEN a.kind = '{AgencyKind.HOUSING}' THEN 'housing'
                          WHEN a.kind = '{AgencyKind.HEALTH_PRIMARY}' THEN 'gp'
                          WHEN a.kind = '{AgencyKind.HEALTH_ACUTE}' THEN 'hospital'
                          WHEN a.kind IN ({social_care}) THEN 'social_care'
                          WHEN r.source IS NULL THEN 'imported'
                          ELSE 'other' END"""
        return (
            f"""SELECT c.*, {source} AS g FROM cases c LEFT JOIN referrals r ON r.id = c.referral_id
                LEFT JOIN agencies a ON a.id = r.referring_agency_id""",
            f"SELECT r.*, {source} AS g FROM referrals r LEFT JOIN agencies a ON a.id = r.referring_agency_id",
            None,
        )
    if by == "ethnicity":
        # Counted by the 19 categories, the different people by the five groups as well
        # (``commissioning.dimensions.linked_splits``).
        category = equality_group("ethnicity_category", "c.referred_on")
        coarse = equality_group("ethnicity", "c.referred_on")
        return (
            f"SELECT c.*, {category} AS g, {coarse} AS c FROM cases c LEFT JOIN people p ON p.id = c.person_id",
            f"SELECT r.*, {category} AS g FROM referrals r LEFT JOIN people p ON p.id = r.subject_id",
            "c",
        )
    raise ValueError(f"No DuckDB form of the split by {by}.")


def _people_query(cases: str, periods: list[tuple[date, date]], coarse: str | None, *, stacked: bool = False) -> str:
    """Different people supported in each period (a column each), per group, everyone and per
    coarser group, in one reading (as Waymark counts them: ``kpis._people_counted``)."""
    within = [f"engaged_on BETWEEN DATE '{start}' AND DATE '{end}'" for start, end in periods]
    rows = f"(SELECT * EXCLUDE (g), unnest(g) AS g FROM ({cases}))" if stacked else f"({cases})"
    counts = ", ".join(f"count(DISTINCT person_id) FILTER (WHERE {w})" for w in within)
    if coarse:
        return f"""SELECT GROUPING(g), GROUPING({coarse}), g, {coarse}, {counts} FROM {rows}
                   WHERE {" OR ".join(within)} GROUP BY GROUPING SETS ((g), (), ({coarse}))"""
    return f"""SELECT GROUPING(g), 1, g, NULL, {counts} FROM {rows}
               WHERE {" OR ".join(within)} GROUP BY GROUPING SETS ((g), ())"""


def split_queries(
    by: str, kpi_queries: Callable[..., dict[str, str]], periods: list[tuple[date, date]]
) -> dict[str, str]:
    """The KPI queries (``reports_bench.kpi_queries``) over the cases and referrals with their
    groups, counted per quarter and group, and the different people per period and group."""
    cases, referrals, coarse = group_views(by)
    return {**kpi_queries(f"({cases})", f"({referrals})", split=True), "people": _people_query(cases, periods, coarse)}


def pack_queries(
    kpi_queries: Callable[..., dict[str, str]],
    as_of: date,
    year: tuple[date, date],
    periods: list[tuple[date, date]],
    keys: list[str],
) -> tuple[dict[str, str], dict[str, str]]:
    """The board pack's outcome counts: (the financial year to date per quarter, with different
    people per quarter and over the year; the quarter and the same quarter a year earlier by every
    equality characteristic in ``keys`` at once, per quarter and group, with people per period)."""
    first, last = min(s for s, _ in periods), max(e for _, e in periods)
    unsplit = kpi_queries(
        *year, as_of, "(SELECT *, NULL AS g FROM cases)", "(SELECT *, NULL AS g FROM referrals)", split=True
    )
    quarters = "CAST(date_trunc('quarter', engaged_on) AS DATE)"
    within = f"engaged_on BETWEEN DATE '{year[0]}' AND DATE '{year[1]}'"
    unsplit["people by quarter"] = f"""SELECT GROUPING(q), {quarters} AS q, count(DISTINCT person_id) FROM cases
                                        WHERE {within} GROUP BY GROUPING SETS ((q), ())"""
    cases, referrals, coarse = equality_views(keys)
    split = kpi_queries(first, last, as_of, f"({cases})", f"({referrals})", split=True, stacked=True)
    return unsplit, {**split, "people": _people_query(cases, periods, coarse, stacked=True)}


def _number(value: Any) -> Any:
    if value is None:
        return None
    return float(value) if isinstance(value, float) else int(value)


def _group(value: Any) -> str | None:
    return None if value is None else str(value)


def run_split_queries(connection: Any, queries: dict[str, str]) -> dict[str, Any]:
    """Run ``split_queries``: {"quarters": {(quarter's first day, group): {kpi: counts}}, "people":
    {(kind, period, group): n}}, with nothing counted left out (as Waymark's tallies leave it out)."""
    quarters: dict[tuple[date, str | None], dict[str, list[Any]]] = {}
    people: dict[tuple[Any, ...], int] = {}
    for name, sql in queries.items():
        rows = connection.execute(sql).fetchall()
        if name == "people":  # per group, everyone, per coarser group (``_people_query``)
            for by_group, by_coarser, g, k, *per_period in rows:
                kind, key = ("people", g) if not by_group else ("coarse", k) if not by_coarser else ("everyone", None)
                for position, n in enumerate(per_period):
                    if n:
                        people[(kind, position, _group(key))] = int(n)
            continue
        if name == "people by quarter":  # per quarter and over the year (``pack_queries``)
            for over_the_year, q, n in rows:
                if n:
                    people[("everyone", 0, None) if over_the_year else ("people", 0, _group(q))] = int(n)
            continue
        for q, g, *counts in rows:
            found = [_number(v) for v in counts]
            if any(found):
                quarters.setdefault((q, _group(g)), {})[name] = found
    return {"quarters": quarters, "people": people}


def in_periods(found: dict[str, Any], periods: list[tuple[date, date]]) -> dict[str, Any]:
    """Only the quarters inside the periods: the quarters between a quarter and the same quarter a
    year earlier are read (one reading from the first to the last day, as Waymark reads them) but
    shown in neither."""
    quarters = {key: counts for key, counts in found["quarters"].items() if any(s <= key[0] <= e for s, e in periods)}
    return {"quarters": quarters, "people": found["people"]}


def _unit_counts(figures: Any, as_of: date, label: Callable[[Any], str | None]) -> dict[tuple[date, str | None], Any]:
    """Each quarter's counts per group from Waymark's figures (their ``units``)."""
    from bench.reports_bench import outcome_counts
    from waymark.outcomes.kpis import outcomes_from_tally

    quarters = {}
    for unit in figures.units:
        for g, tally in unit.by_group.items():
            counted = outcome_counts(outcomes_from_tally(tally, unit.start, unit.end, as_of), people=False)
            found = {name: counts for name, counts in counted.items() if any(counts)}
            if found:
                quarters[(unit.start, label(g))] = found
    return quarters


def _split_people(figures: list[Any], label: Callable[[Any], str | None]) -> dict[tuple[Any, ...], int]:
    """Different people per period (a split's figures, one a period): per group, everyone, per coarser group."""
    people: dict[tuple[Any, ...], int] = {}
    for position, period in enumerate(figures):
        for g, outcomes in period.total.items():
            if outcomes["people_supported"].value:
                people[("people", position, label(g))] = outcomes["people_supported"].value
        assert period.overall is not None
        if period.overall["people_supported"].value:
            people[("everyone", position, None)] = period.overall["people_supported"].value
        for g, n in period.people_by.items():
            people[("coarse", position, _group(g))] = n
    return people


def _merge(into: dict[Any, Any], found: dict[Any, Any]) -> None:
    """The periods' quarters into one: a quarter two periods share must be counted the same in both."""
    for key, counts in found.items():
        if into.setdefault(key, counts) != counts:
            raise AssertionError(f"The quarter {key} is counted differently in two periods: {into[key]}, {counts}")


def waymark_split_counts(by: str, start: date, end: date, as_of: date) -> dict[str, Any]:
    """The same counts as ``duckdb_split_counts`` from what the page counts (``count_splits``)."""
    from waymark.commissioning.dashboard import count_splits
    from waymark.commissioning.dimensions import DIMENSIONS

    figures = count_splits(start, end, [DIMENSIONS[by]], as_of=as_of)[by]
    quarters: dict[tuple[date, str | None], Any] = {}
    for period in figures:
        _merge(quarters, _unit_counts(period, as_of, _group))
    return {"quarters": quarters, "people": _split_people(figures, _group)}


def pack_keys(keys: tuple[str, ...]) -> list[str]:
    """The characteristics the pack's equality splits are counted by (a linked split by the finer)."""
    from waymark.commissioning.dashboard import _counted_by
    from waymark.commissioning.dimensions import DIMENSIONS

    counted = []
    for key in keys:
        by = _counted_by(DIMENSIONS[key])[0].key
        if by not in counted:
            counted.append(by)
    return counted


def waymark_pack_counts(
    year: tuple[date, date], start: date, end: date, as_of: date, keys: tuple[str, ...]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """The same counts as ``pack_queries`` from what the board pack counts (``outcome_figures`` for
    the year by quarter, ``count_splits`` for its equality splits)."""
    from waymark.commissioning.dashboard import count_splits
    from waymark.commissioning.dimensions import DIMENSIONS
    from waymark.outcomes.kpis import outcome_figures

    figures = outcome_figures(*year, as_of=as_of, by="quarter", partnership_wide=True)
    people: dict[tuple[Any, ...], int] = {}
    for unit in figures.units:  # a quarter with no records has no tally
        if None in unit.by_group and unit.by_group[None].people:
            people[("people", 0, _group(unit.start))] = unit.by_group[None].people
    if figures.total[None]["people_supported"].value:
        people[("everyone", 0, None)] = figures.total[None]["people_supported"].value
    unsplit = {"quarters": _unit_counts(figures, as_of, _group), "people": people}

    counted = pack_keys(keys)
    splits = count_splits(start, end, [DIMENSIONS[key] for key in counted], as_of=as_of)
    quarters, people = {}, {}
    for key in counted:
        label = partial(_labelled, key)
        for period in splits[key]:
            _merge(quarters, _unit_counts(period, as_of, label))
        people.update(_split_people(splits[key], label))
    return unsplit, {"quarters": quarters, "people": people}


def _labelled(key: str, g: Any) -> str:
    return f"{key}|{g}"


def differences(ours: dict[str, Any], theirs: dict[str, Any], most: int = 5) -> dict[str, Any]:
    """The first few counts that differ, to name in the error."""
    found: dict[str, Any] = {}
    for part in ("quarters", "people"):
        keys = sorted(set(ours[part]) | set(theirs[part]), key=str)
        for key in keys:
            if ours[part].get(key) != theirs[part].get(key) and len(found) < most:
                found[f"{part} {key}"] = {"waymark": ours[part].get(key), "duckdb": theirs[part].get(key)}
    return found
