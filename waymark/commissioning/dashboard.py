"""The commissioning dashboard's figures: the outcome KPIs for a period split by provider, referral
source or an equality characteristic, beside the same period a year earlier, with the disclosure
rule applied to each year's table (the groups add up to the total shown)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from waymark.core.disclosure import HIDDEN, SYMBOL, Applied, Suppressed
from waymark.outcomes.disclosure import protect_outcomes, withheld_in_split
from waymark.outcomes.kpis import Dimension, Outcomes, Tally, outcome_figures_compared, outcomes_from_tally

RATES = (
    ("reduced_risk_within_3_months_rate", "Risk reduced"),
    ("first_contact_within_standard_rate", "First contact within standard"),
    ("engagement_rate", "Engagement"),
    ("feeling_safer_at_exit_rate", "Feeling safer at exit"),
)
COLUMNS = [
    "group",
    "referred",
    "referred_last_year",
    "referred_change",
    "supported",
    "supported_last_year",
    "supported_change",
    *[
        f"{key}{part}"
        for key, _ in RATES
        for part in ("", "_numerator", "_denominator", "_last_year", "_change_points")
    ],
]


def year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _change(now: Any, before: Any) -> Any:
    if isinstance(now, Suppressed) or isinstance(before, Suppressed):
        return HIDDEN
    if now is None or not before:
        return None
    return round((now - before) / before, 4)


def _points(now: Any, before: Any) -> Any:
    if isinstance(now, Suppressed) or isinstance(before, Suppressed):
        return HIDDEN
    if now is None or before is None:
        return None
    return round(now - before, 4)


@dataclass
class GroupRow:
    key: Any
    label: str
    now: Outcomes
    before: Outcomes

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"group": self.label}
        for key in ("referred", "supported"):
            row[key] = self.now[key].value
            row[f"{key}_last_year"] = self.before[key].value
            row[f"{key}_change"] = _change(self.now[key].value, self.before[key].value)
        for key, _ in RATES:
            result = self.now[key]
            row[key] = None if result.value is None else result.value
            row[f"{key}_numerator"] = result.numerator
            row[f"{key}_denominator"] = result.denominator
            row[f"{key}_last_year"] = self.before[key].value
            row[f"{key}_change_points"] = _points(result.value, self.before[key].value)
        return row


def printable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: SYMBOL if isinstance(v, Suppressed) else (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()
    }


def split_figures(
    start: date, end: date, dimension: Dimension, labels: Any, applied: Applied, *, as_of: date | None = None
) -> tuple[GroupRow, list[GroupRow]]:
    """(the total row, a row per group), this period and a year earlier, each year protected.
    ``labels`` takes the groups found and returns each one's name (``dimensions.labels_for``)."""
    earlier = (year_earlier(start), year_earlier(end))
    # Both years from one reading of the records (they overlap for a long period).
    now_split, before_split = outcome_figures_compared(
        [(start, end), earlier], as_of=as_of, dimension=dimension, partnership_wide=True
    )
    now_total, before_total = now_split.overall, before_split.overall  # the groups added up: computed once
    assert now_total is not None and before_total is not None
    found = {g for g in now_split.groups} | {g for g in before_split.groups}
    names = labels(found)  # every group's name at once: one query whatever the number of groups
    groups = sorted(found, key=lambda g: (g is None, str(names[g])))

    def of(figures: Any, g: Any) -> Outcomes:
        """The group's figures; nothing counted when it had no records that year."""
        return figures.total.get(g) or outcomes_from_tally(Tally(), figures.start, figures.end, figures.as_of)

    # Each year's table hides, besides its own small figures, every figure withheld in any of its
    # quarters' tables: so no two periods asked for can be compared to recover one.
    shown_now, groups_now = protect_outcomes(
        now_total,
        [of(now_split, g) for g in groups],
        applied,
        place=f"this period by {dimension.label.lower()}",
        also_hidden=withheld_in_split(now_split.units, groups, the_rule=applied.rule),
    )
    shown_before, groups_before = protect_outcomes(
        before_total,
        [of(before_split, g) for g in groups],
        applied,
        place=f"a year earlier by {dimension.label.lower()}",
        also_hidden=withheld_in_split(before_split.units, groups, the_rule=applied.rule),
    )
    total = GroupRow(None, "All", shown_now, shown_before)
    rows = [GroupRow(g, names[g], n, b) for g, n, b in zip(groups, groups_now, groups_before, strict=True)]
    return total, rows
