"""The commissioning dashboard's figures: the outcome KPIs for a period split by provider, referral
source or an equality characteristic, beside the same period a year earlier, with the disclosure
rule applied to each year's table (the groups add up to the total shown)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from waymark.core.disclosure import HIDDEN, SYMBOL, Applied, Key, Suppressed, hidden_in_table
from waymark.outcomes.disclosure import (
    Coarse,
    coarse_tallies,
    linked_parts,
    protect_outcomes,
    withheld_in_splits,
)
from waymark.outcomes.kpis import (
    Dimension,
    OutcomeFigures,
    Outcomes,
    Tally,
    outcome_figures_compared_each,
    outcomes_from_tally,
)

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
    # The period is not over (its figures are to date) while the year earlier is the whole of the
    # same dates: not like with like, so no change is worked out.
    part_year: bool = False

    def as_dict(self) -> dict[str, Any]:
        row: dict[str, Any] = {"group": self.label}
        for key in ("referred", "supported"):
            row[key] = self.now[key].value
            row[f"{key}_last_year"] = self.before[key].value
            row[f"{key}_change"] = None if self.part_year else _change(self.now[key].value, self.before[key].value)
        for key, _ in RATES:
            result = self.now[key]
            row[key] = None if result.value is None else result.value
            row[f"{key}_numerator"] = result.numerator
            row[f"{key}_denominator"] = result.denominator
            row[f"{key}_last_year"] = self.before[key].value
            row[f"{key}_change_points"] = None if self.part_year else _points(result.value, self.before[key].value)
        return row


def printable(row: dict[str, Any]) -> dict[str, Any]:
    return {
        k: SYMBOL if isinstance(v, Suppressed) else (round(v, 4) if isinstance(v, float) else v) for k, v in row.items()
    }


def _protect_linked_people(
    total: Outcomes,
    parts: list[Outcomes],
    shown_total: Outcomes,
    shown_parts: list[Outcomes],
    sums: Any,
    applied: Applied,
) -> None:
    """Different people supported in linked splits, protected as one table (in place, on the
    protected figures). Each person has one ethnicity, so people do add up here: the categories to
    everyone, the groups to everyone, each group its categories (``sums``, from ``linked_parts``).
    ``protect_outcomes`` withholds the small ones and those beside withheld cases, but links no
    people (across a period's quarters they do not add up); shown a group's people and all but one
    of its categories', the last would be their difference. So more are withheld until none can
    be worked out (``core.disclosure.hidden_in_table``, linked as the cases are)."""
    key = "people_supported"
    rows = [{key: int(part[key].value or 0)} for part in parts]
    hidden: set[Key] = {(i, key) for i, part in enumerate(shown_parts) if isinstance(part[key].value, Suppressed)}
    if isinstance(shown_total[key].value, Suppressed):
        hidden.add(("total", key))
    _, withheld = hidden_in_table(
        rows,
        [key],
        total_row={key: int(total[key].value or 0)},
        the_rule=applied.rule,
        also_hidden=hidden,
        total_of=[members for scope, members in sums if scope == "total"],
        row_sums=[(scope, members) for scope, members in sums if scope != "total"],
    )
    for cell in withheld - hidden:
        assert isinstance(cell, tuple)
        outcomes = shown_total if cell[0] == "total" else shown_parts[cell[0]]
        outcomes.kpis[key] = replace(outcomes.kpis[key], value=HIDDEN)


def _counted_by(dimension: Dimension) -> tuple[Dimension, Dimension | None]:
    """The split a dimension's figures are counted by, and the coarser one whose different people
    are counted with it: a split linked to another (``linked_splits``) is counted by the finer."""
    from waymark.commissioning.dimensions import DIMENSIONS, linked_splits

    link = linked_splits(dimension.key)
    if link is None:
        return dimension, None
    return DIMENSIONS[link.fine], DIMENSIONS[link.coarse]


def count_splits(
    start: date, end: date, dimensions: list[Dimension], *, as_of: date | None = None
) -> dict[str, list[OutcomeFigures]]:
    """What ``split_figures`` counts for each of ``dimensions`` (this period and a year earlier),
    the records read once for all of them (``outcome_figures_compared_each``), to pass to it as
    ``counted_figures``: the board pack's equality splits of its quarter."""
    earlier = (year_earlier(start), year_earlier(end))
    splits = [_counted_by(dimension) for dimension in dimensions]
    found = outcome_figures_compared_each([(start, end), earlier], splits, as_of=as_of, partnership_wide=True)
    return {dimension.key: figures for dimension, figures in zip(dimensions, found, strict=True)}


def split_figures(
    start: date,
    end: date,
    dimension: Dimension,
    labels: Any,
    applied: Applied,
    *,
    as_of: date | None = None,
    counted_figures: list[OutcomeFigures] | None = None,
) -> tuple[GroupRow, list[GroupRow]]:
    """(the total row, a row per group), this period and a year earlier, each year protected.
    ``labels`` takes the groups found and returns each one's name (``dimensions.labels_for``).

    A split linked to another (the five ethnic groups and the 19 categories, ``linked_splits``) is
    counted by the finer one, and each year's table (and each quarter's) is both splits protected
    together: the page by ethnic group and the page by category withhold the same figures, and
    neither gives away a figure the other withholds."""
    from waymark.commissioning.dimensions import linked_splits

    link = linked_splits(dimension.key)
    # Both years from one reading of the records (they overlap for a long period). Different
    # people supported by a coarser group are counted distinct in the database (in the same query
    # as each year's people by the finer group): unlike cases, people are not the finer groups'
    # figures added up in general. ``counted_figures``: the same, already counted (``count_splits``).
    if counted_figures is None:
        counted_figures = count_splits(start, end, [dimension], as_of=as_of)[dimension.key]
    now_split, before_split = counted_figures
    now_total, before_total = now_split.overall, before_split.overall  # the groups added up: computed once
    assert now_total is not None and before_total is not None
    found = {g for g in now_split.groups} | {g for g in before_split.groups}
    coarser = link.group_of if link is not None else None
    if link is None:
        shown_groups = found
    elif dimension.key == link.coarse:
        shown_groups = {link.group_of(g) for g in found}
    else:
        shown_groups = found
    names = labels(shown_groups)  # every group's name at once: one query whatever the number of groups
    groups = sorted(shown_groups, key=lambda g: (g is None, str(names[g])))

    # The table protected: the page's groups or, for linked splits, the finer groups (in their own
    # order, the same on either split's page) and the coarser ones (``linked_parts``).
    keys: list[Any] = groups
    sums = None
    if coarser is not None:
        keys, sums = linked_parts(sorted(found, key=lambda g: (g is None, str(g))), coarser)
    position = {k: i for i, k in enumerate(keys)}
    shown_keys = [Coarse(g) if link is not None and dimension.key == link.coarse else g for g in groups]

    def parts(figures: Any, people: dict[Any, int]) -> list[Outcomes]:
        """Each key's figures; nothing counted when it had no records that year."""
        empty = outcomes_from_tally(Tally(), figures.start, figures.end, figures.as_of)
        if coarser is None:
            return [figures.total.get(g) or empty for g in keys]
        coarse = coarse_tallies(figures.tallies, coarser)  # the period's finer groups' counts added up
        for group, tally in coarse.items():
            tally.people = people.get(group, 0)
        return [
            outcomes_from_tally(coarse.get(k.group) or Tally(), figures.start, figures.end, figures.as_of)
            if isinstance(k, Coarse)
            else figures.total.get(k) or empty
            for k in keys
        ]

    # Each year's table hides, besides its own small figures, every figure withheld in any of its
    # quarters' tables: so no two periods asked for can be compared to recover one.
    counted = [position[k] for k in shown_keys]
    now_parts, before_parts = parts(now_split, now_split.people_by), parts(before_split, before_split.people_by)
    # Both years' quarters at once: they share all but a year's worth.
    withheld_now, withheld_before = withheld_in_splits(
        [now_split.units, before_split.units], keys, the_rule=applied.rule, coarser=coarser
    )
    shown_now, keys_now = protect_outcomes(
        now_total,
        now_parts,
        applied,
        place=f"this period by {dimension.label.lower()}",
        also_hidden=withheld_now,
        sums=sums,
        counted=counted,
        groups=keys,
    )
    shown_before, keys_before = protect_outcomes(
        before_total,
        before_parts,
        applied,
        place=f"a year earlier by {dimension.label.lower()}",
        also_hidden=withheld_before,
        sums=sums,
        counted=counted,
        groups=keys,
    )
    if sums is not None:
        _protect_linked_people(now_total, now_parts, shown_now, keys_now, sums, applied)
        _protect_linked_people(before_total, before_parts, shown_before, keys_before, sums, applied)
    part_year = end > now_split.as_of  # the period is not over: figures to date against a whole period
    total = GroupRow(None, "All", shown_now, shown_before, part_year)
    rows = [
        GroupRow(g, names[g], keys_now[position[k]], keys_before[position[k]], part_year)
        for g, k in zip(groups, shown_keys, strict=True)
    ]
    return total, rows
