"""The disclosure rule (``waymark.core.disclosure``) applied to the outcome figures a page or a
download shows: the whole period's figures and each sub-period's (whose counts add up to the whole
period's), including the abuse-at-exit table (whose columns add up to each row's clients). A rate
is hidden with its count, and the count of people *not* counted (denominator less numerator) is
protected like any other count."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from waymark.core.disclosure import HIDDEN, Applied, Key, Suppressed, protect, shown
from waymark.outcomes.kpis import TREND_KEYS, KpiResult, OutcomeFigures, Outcomes, TrendRow

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
        constraints.append(((scope, key, "d"), [(scope, key, "n"), (scope, key, "rest")]))
    for row in outcomes.abuse:
        for part in ABUSE_COUNTS:
            cells[(scope, "abuse", row.kind, part)] = getattr(row, part)
        constraints.append(
            ((scope, "abuse", row.kind, "denominator"), [(scope, "abuse", row.kind, p) for p in ABUSE_PARTS])
        )


def protect_outcomes(
    outcomes: Outcomes, periods: list[Outcomes], applied: Applied, *, place: str = "the outcome figures"
) -> tuple[Outcomes, list[Outcomes]]:
    """``outcomes`` (the whole period) and its sub-periods with the rule applied."""
    cells: dict[Key, int] = {}
    constraints: list[tuple[Key, list[Key]]] = []
    _cells("total", outcomes, cells, constraints)
    for index, part in enumerate(periods):
        _cells(index, part, cells, constraints)
    if periods:  # each additive figure of the whole period is the sum of the sub-periods'
        totals = [k for k in cells if isinstance(k, tuple) and k[0] == "total" and k[1] != "people_supported"]
        for key in totals:
            assert isinstance(key, tuple)
            constraints.append((key, [(i, *key[1:]) for i in range(len(periods))]))
    hidden = protect(cells, constraints, the_rule=applied.rule)
    applied.record(place, len(hidden))

    def show(key: Key) -> Any:
        return shown(cells[key], key in hidden, the_rule=applied.rule)

    def protected(scope: Any, source: Outcomes) -> Outcomes:
        kpis = dict(source.kpis)
        for key in (*COUNT_KEYS, "people_supported"):
            kpis[key] = replace(kpis[key], value=show((scope, key)))
        for key in RATE_KEYS:
            n, d = show((scope, key, "n")), show((scope, key, "d"))
            kpis[key] = replace(kpis[key], numerator=n, denominator=d, value=_rate(n, d, kpis[key].value))
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
    begun = [p for p in figures.periods if p.begins <= figures.as_of]
    total, parts = protect_outcomes(
        figures.outcomes(group), [p.outcomes(group) for p in begun], applied, place=place or "the outcome figures"
    )
    return ShownFigures(total, [(p.label, o) for p, o in zip(begun, parts, strict=True)], figures.by)


__all__ = ["KpiResult", "ShownAbuseRow", "ShownFigures", "protect_outcomes", "shown_figures"]
