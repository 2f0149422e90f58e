"""The disclosure rule (``waymark.core.disclosure``) applied to the outcome figures a page or a
download shows: the whole period's figures and each sub-period's (whose counts add up to the whole
period's), including the abuse-at-exit table (whose columns add up to each row's clients). A rate
is hidden with its count, and the count of people *not* counted (denominator less numerator) is
protected like any other count."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from waymark.core.disclosure import HIDDEN, Applied, Key, Rule, Suppressed, protect, shown
from waymark.outcomes.kpis import (
    TREND_KEYS,
    KpiResult,
    OutcomeFigures,
    Outcomes,
    Tally,
    TrendRow,
    Unit,
    outcomes_from_tally,
)

COUNT_KEYS = ("referred", "supported")
RATE_KEYS = (
    "reduced_risk_within_3_months_rate",
    "first_contact_within_standard_rate",
    "engagement_rate",
    "feeling_safer_at_exit_rate",
    "wellbeing_improved_at_exit_rate",
    "quality_of_life_improved_at_exit_rate",
)
ABUSE_PARTS = ("ceased", "reduced", "unchanged", "increased")
ABUSE_COUNTS = ("denominator", *ABUSE_PARTS)


@dataclass
class ShownAbuseRow:
    """An abuse-at-exit row as shown: counts and rates, each possibly ``HIDDEN``."""

    kind: str
    label: str
    denominator: Any
    ceased: Any
    reduced: Any
    unchanged: Any
    increased: Any
    ceased_rate: Any
    reduced_rate: Any
    ceased_or_reduced_rate: Any


def _rate(numerator: Any, denominator: Any, value: Any) -> Any:
    return HIDDEN if isinstance(numerator, Suppressed) or isinstance(denominator, Suppressed) else value


def _cells(scope: Any, outcomes: Outcomes, cells: dict[Key, int], constraints: list[tuple[Key, list[Key]]]) -> None:
    for key in COUNT_KEYS:
        cells[(scope, key)] = int(outcomes[key].value or 0)
    cells[(scope, "people_supported")] = int(outcomes["people_supported"].value or 0)
    cells[(scope, "contacted")] = int(outcomes["median_working_days_to_first_contact"].denominator or 0)
    for key in RATE_KEYS:
        numerator, denominator = outcomes[key].numerator or 0, outcomes[key].denominator or 0
        cells[(scope, key, "n")] = numerator
        cells[(scope, key, "d")] = denominator
        cells[(scope, key, "rest")] = denominator - numerator
        # Those not in the denominator (not yet measurable, not yet due): a count the download shows.
        cells[(scope, key, "x")] = int(outcomes[key].excluded or 0)
        constraints.append(((scope, key, "d"), [(scope, key, "n"), (scope, key, "rest")]))
    # Every case supported has a risk result: measured (the denominator) or not yet measurable.
    risk = "reduced_risk_within_3_months_rate"
    constraints.append(((scope, "supported"), [(scope, risk, "d"), (scope, risk, "x")]))
    # First contact's denominator is those contacted (within the standard or after it) and those
    # missed: the denominator less the contacted cases would otherwise show the missed.
    contact = "first_contact_within_standard_rate"
    cells[(scope, contact, "missed")] = cells[(scope, contact, "d")] - cells[(scope, "contacted")]
    constraints.append(((scope, contact, "d"), [(scope, "contacted"), (scope, contact, "missed")]))
    for row in outcomes.abuse:
        for part in ABUSE_COUNTS:
            cells[(scope, "abuse", row.kind, part)] = getattr(row, part)
        constraints.append(
            ((scope, "abuse", row.kind, "denominator"), [(scope, "abuse", row.kind, p) for p in ABUSE_PARTS])
        )


def _table(outcomes: Outcomes, parts: list[Outcomes]) -> tuple[dict[Key, int], list[tuple[Key, list[Key]]]]:
    """The cells of a table of outcome figures, keyed (scope, figure...): scope "total" for
    ``outcomes`` and the index of each of ``parts`` (sub-periods, or the groups of a split), whose
    additive figures add up to the total's."""
    cells: dict[Key, int] = {}
    constraints: list[tuple[Key, list[Key]]] = []
    _cells("total", outcomes, cells, constraints)
    for index, part in enumerate(parts):
        _cells(index, part, cells, constraints)
    if parts:  # each additive figure of the whole is the sum of the parts'
        totals = [k for k in cells if isinstance(k, tuple) and k[0] == "total" and k[1] != "people_supported"]
        for key in totals:
            assert isinstance(key, tuple)
            constraints.append((key, [(i, *key[1:]) for i in range(len(parts))]))
    return cells, constraints


EVERYONE = ("everyone",)  # the "All" row of a quarter's table, as ``withheld_in_units`` keys it


def withheld_in_units(units: list[Unit], *, split: bool, the_rule: Rule) -> list[set[tuple[Any, ...]]]:
    """For each quarter (``OutcomeFigures.units``), the figures the rule withholds when that quarter
    is shown on its own, keyed (``EVERYONE`` or, for a split, the group; then the figure as
    ``_table`` names it). A split's quarter table is everyone's row and a row per group that has
    records in the quarter, the same whichever page asks. Different people supported (counted
    distinct, so not counted per quarter) are withheld wherever the cases supported are
    (``_with_people``), and each page withholds small ones itself.

    Why: every period a page or the API shows is a run of whole quarters, and a figure withheld in
    any of them is withheld for the period. Then every figure shown is a quarter's shown figure or
    a sum of them, and comparing any number of periods tells nobody more than the quarters' own
    tables, each protected with its secondary suppression. (Protected period by period instead, a
    year less three of its quarters would give the fourth's withheld figure.)"""
    found = []
    for unit in units:
        everyone = Tally()
        for tally in unit.by_group.values():
            everyone.merge(tally)
        groups = sorted(unit.by_group, key=lambda g: (g is None, str(g))) if split else []
        cells, constraints = _table(
            outcomes_from_tally(everyone, unit.start, unit.end, unit.end),
            [outcomes_from_tally(unit.by_group[g], unit.start, unit.end, unit.end) for g in groups],
        )
        hidden = _with_people(protect(cells, constraints, the_rule=the_rule))
        found.append({(EVERYONE if k[0] == "total" else groups[k[0]], *k[1:]) for k in hidden if isinstance(k, tuple)})
    return found


def _with_people(hidden: set[Key]) -> set[Key]:
    """``hidden`` and the different people supported wherever the cases supported are withheld:
    counted distinct, they do not add up, but a year's people less those of its first three
    quarters is close to the fourth's, and exactly it when nobody was supported twice."""
    return hidden | {(k[0], "people_supported") for k in hidden if isinstance(k, tuple) and k[1:] == ("supported",)}


def withheld_in_split(units: list[Unit], groups: list[Any], *, the_rule: Rule) -> set[tuple[Any, ...]]:
    """``also_hidden`` for ``protect_outcomes`` of a split over a whole period (everyone as
    "total", then ``groups`` in order): every figure withheld in any of its quarters' tables."""
    position = {g: i for i, g in enumerate(groups)}
    also: set[tuple[Any, ...]] = set()
    for withheld in withheld_in_units(units, split=True, the_rule=the_rule):
        for key in withheld:
            also.add(("total" if key[0] == EVERYONE else position[key[0]], *key[1:]))
    return also


def protect_outcomes(
    outcomes: Outcomes,
    periods: list[Outcomes],
    applied: Applied,
    *,
    place: str = "the outcome figures",
    also_hidden: Iterable[Key] = (),
) -> tuple[Outcomes, list[Outcomes]]:
    """``outcomes`` (the whole period) and its sub-periods (or a split's groups) with the rule
    applied, hiding ``also_hidden`` as well (``withheld_in_units``, mapped to this table)."""
    cells, constraints = _table(outcomes, periods)
    hidden = _with_people(protect(cells, constraints, the_rule=applied.rule, also_hidden=also_hidden)) & set(cells)
    applied.record(place, len(hidden))

    def show(key: Key) -> Any:
        return shown(cells[key], key in hidden, the_rule=applied.rule)

    def protected(scope: Any, source: Outcomes) -> Outcomes:
        kpis = dict(source.kpis)
        for key in (*COUNT_KEYS, "people_supported"):
            kpis[key] = replace(kpis[key], value=show((scope, key)))
        for key in RATE_KEYS:
            n, d = show((scope, key, "n")), show((scope, key, "d"))
            kpis[key] = replace(
                kpis[key],
                numerator=n,
                denominator=d,
                value=_rate(n, d, kpis[key].value),
                excluded=show((scope, key, "x")),
                breakdown={},  # counts by result: never shown under the rule
            )
        median = kpis["median_working_days_to_first_contact"]
        contacted = show((scope, "contacted"))
        kpis["median_working_days_to_first_contact"] = replace(
            median, denominator=contacted, value=HIDDEN if isinstance(contacted, Suppressed) else median.value
        )
        abuse = []
        for row in source.abuse:
            parts = {part: show((scope, "abuse", row.kind, part)) for part in ABUSE_COUNTS}
            denominator = parts.pop("denominator")
            either_hidden = any(isinstance(parts[p], Suppressed) for p in ("ceased", "reduced"))
            abuse.append(
                ShownAbuseRow(
                    kind=row.kind,
                    label=row.label,
                    denominator=denominator,
                    **parts,
                    ceased_rate=_rate(parts["ceased"], denominator, row.ceased_rate),
                    reduced_rate=_rate(parts["reduced"], denominator, row.reduced_rate),
                    ceased_or_reduced_rate=HIDDEN
                    if either_hidden or isinstance(denominator, Suppressed)
                    else row.ceased_or_reduced_rate,
                )
            )
        return Outcomes(start=source.start, end=source.end, as_of=source.as_of, kpis=kpis, abuse=abuse)  # type: ignore[arg-type]

    return protected("total", outcomes), [protected(i, part) for i, part in enumerate(periods)]


@dataclass
class ShownFigures:
    """What a page shows of ``OutcomeFigures`` for one dimension value: the whole period and the
    sub-periods that have begun, protected together."""

    outcomes: Outcomes
    periods: list[tuple[str, Outcomes]]
    by: str

    def trend_rows(self) -> list[TrendRow]:
        return [TrendRow(label, o.start, o.end, {key: o.kpis[key] for key in TREND_KEYS}) for label, o in self.periods]


def shown_figures(figures: OutcomeFigures, applied: Applied, group: Any = None, *, place: str = "") -> ShownFigures:
    """The figures as a page shows them: the whole period's and each sub-period's that has begun
    (for one group of a split, ``group``), protected together, with every figure withheld in any
    of their quarters withheld (``withheld_in_units``)."""
    begun = [p for p in figures.periods if p.begins <= figures.as_of]
    row = EVERYONE if figures.overall is None else group  # its row in each quarter's table
    withheld_each = withheld_in_units(figures.units, split=figures.overall is not None, the_rule=applied.rule)
    also: set[Key] = set()
    for unit, withheld in zip(figures.units, withheld_each, strict=True):
        for key in withheld:
            assert isinstance(key, tuple)
            if key[0] != row:
                continue
            also.add(("total", *key[1:]))  # the whole period's figure
            also |= {(i, *key[1:]) for i, p in enumerate(begun) if p.start <= unit.start and unit.end <= p.end}
    total, parts = protect_outcomes(
        figures.outcomes(group),
        [p.outcomes(group) for p in begun],
        applied,
        place=place or "the outcome figures",
        also_hidden=also,
    )
    return ShownFigures(total, [(p.label, o) for p, o in zip(begun, parts, strict=True)], figures.by)


__all__ = [
    "EVERYONE",
    "KpiResult",
    "ShownAbuseRow",
    "ShownFigures",
    "protect_outcomes",
    "shown_figures",
    "withheld_in_split",
    "withheld_in_units",
]
