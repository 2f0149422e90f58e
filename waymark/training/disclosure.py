"""The disclosure rule (``waymark.core.disclosure``) applied to the training figures the partnership
lead and commissioners see (the *Training figures* page): the table by course (split by audience,
sector, quarter or financial year), confidence before and after, and referrals by trained
champions. The training coordinator, who keeps the register, sees them whole.

- Split by audience or sector, each course's rows are protected with the course's total (what the
  table by course shows) as their total row: or the course's total, less the groups shown, would
  give a withheld group away.
- Referrals by champions: an agency's referrals by a champion are a part of all its referrals, and
  the rest (all, less those by a champion) is a count of people too, shown nowhere but worked out
  by anyone from the two: where the rule would withhold it, it is a hidden cell of the table, so
  one of the two is withheld with it (``_hidden_champions``).
- The page counts over whole quarters, and each quarter is protected on its own: a figure withheld
  in any quarter of the period is withheld for the period, so that no two periods compared give
  one away (a year less three of its quarters would be the fourth).

Which figure is withheld to protect a small one (the cost rule, ``core.disclosure``;
``course_cost``): a course split by audience or sector withholds, lowest first, a minor figure (the
"Other" sector's, or the did-not-attend and cancelled counts, operational detail beside the
bookings, attendance and completions a commissioner reads), then a headline figure (a named group's
bookings, attendances, completions and people); among equals the smallest. The course's total is
withheld last whatever it costs. The other tables make no such choice: confidence and the table not
split have no totals, and a small rest of the referrals by champions has one shown part beside its
total, which is withheld (a part before a total).
"""

from __future__ import annotations

from collections.abc import Set as AbstractSet
from datetime import date
from typing import Any, cast

from waymark.core.disclosure import Applied, Cost, Key, Rule, hidden_in_table, protect, protect_table, rule, shown
from waymark.training.choices import Sector
from waymark.training.selectors import COUNT_COLUMNS, champion_referrals, confidence_change, training_counts

CONFIDENCE_COLUMNS = ["answered", "more_confident"]
CHAMPION_COLUMNS = ["by_champion", "all_referrals", "active_champions"]
NOT_BY_CHAMPION = "not_by_champion"  # all_referrals - by_champion: never shown, protected all the same
BY_GROUP = ("audience", "sector", "none")


def _identity(table: str, row: dict[str, Any]) -> tuple[Any, ...]:
    """What a row is about, whatever period it counts: a course (and audience or sector), an agency."""
    if table == "courses":
        return (row["course"], row["group"])
    return (row["session__course__name"],) if table == "confidence" else (row["agency"],)


class _Withheld:
    """What each quarter's own tables withhold, as (table, row identity, column) per quarter."""

    def __init__(self) -> None:
        self.by_quarter: list[tuple[str, set[tuple[Any, ...]]]] = []  # (quarter label, cells)

    def cells(self, table: str, rows: list[dict[str, Any]]) -> set[tuple[Any, str]]:
        """The cells of ``rows`` to withhold: a row counting a period (by quarter or financial year)
        withholds what its quarters withhold; any other row counts the whole period."""
        found = set()
        for index, row in enumerate(rows):
            label = row.get("period", "") if table == "courses" else ""
            for quarter, withheld in self.by_quarter:
                if label and " to " not in label and not (quarter == label or quarter.startswith(f"{label} ")):
                    continue
                found |= {(index, c) for t, identity, c in withheld if t == table and identity == _identity(t, row)}
        return found


def _withheld_in_quarters(start: date, end: date, by: str) -> _Withheld:
    """Each quarter of [start, end] (whole quarters) protected on its own: a figure withheld in any
    of them is withheld for the period, so that no two periods compared give one away."""
    from waymark.marac.reports.selectors import periods_between

    withheld = _Withheld()
    for quarter in periods_between(start, end, "quarter"):
        tables = {
            "courses": (
                training_counts(quarter.start, quarter.end, by=by if by in BY_GROUP else "none"),
                COUNT_COLUMNS,
            ),
            "confidence": (confidence_change(quarter.start, quarter.end), CONFIDENCE_COLUMNS),
            "champions": (champion_referrals(quarter.start, quarter.end), CHAMPION_COLUMNS),
        }
        cells: set[tuple[Any, ...]] = set()
        for table, (rows, columns) in tables.items():
            if table == "courses":
                hidden = _hidden_courses(rows, by)
            elif table == "champions":
                hidden = _hidden_champions(rows)
            else:
                hidden = hidden_in_table(rows, columns)[1]
            for i, c in cast(set[tuple[Any, str]], hidden):
                if isinstance(i, int):
                    cells.add((table, _identity(table, rows[i]), c))
        withheld.by_quarter.append((quarter.label, cells))
    return withheld


# The cost rule's tiers (``course_cost``): the lowest is withheld first.
MINOR = 1  # the "Other" sector's figures; did not attend and cancelled
HEADLINE = 2  # a named group's bookings, attendances, completions and people
MINOR_COLUMNS = frozenset({"did_not_attend", "cancelled"})
MINOR_GROUPS = frozenset({Sector.OTHER.label})


def course_cost(rows: list[dict[str, Any]]) -> Cost:
    """What withholding a cell (keyed (row index or "total", column)) of a course's rows by
    audience or sector loses: the tiers above."""

    def cost(key: Key, hidden: AbstractSet[Key]) -> int:
        assert isinstance(key, tuple)
        index, column = key
        if column in MINOR_COLUMNS or (isinstance(index, int) and rows[index].get("group") in MINOR_GROUPS):
            return MINOR
        return HEADLINE

    return cost


def _hidden_courses(rows: list[dict[str, Any]], by: str, also_hidden: set[Any] | None = None) -> set[Any]:
    """The cells of a table by course to withhold, keyed (row index, column). Split by audience or
    sector, each course's rows are protected with the course's total (what the table by course
    shows) as their total row: or the course's total, less the groups shown, would give a withheld
    group away."""
    if by not in ("audience", "sector"):
        return hidden_in_table(rows, COUNT_COLUMNS, also_hidden=also_hidden or ())[1]
    courses: dict[Any, list[int]] = {}
    for index, row in enumerate(rows):
        courses.setdefault((row.get("period"), row["course"]), []).append(index)
    found: set[Any] = set()
    for indexes in courses.values():
        part = [rows[i] for i in indexes]
        total = {column: sum(row[column] for row in part) for column in COUNT_COLUMNS}
        also = {(j, cell[1]) for j, i in enumerate(indexes) for cell in (also_hidden or ()) if cell[0] == i}
        _, hidden = hidden_in_table(part, COUNT_COLUMNS, total_row=total, also_hidden=also, cost=course_cost(part))
        found |= {(indexes[key[0]], key[1]) for key in cast(set[tuple[Any, str]], hidden) if isinstance(key[0], int)}
    return found


def _protect_courses(rows: list[dict[str, Any]], by: str, *, also_hidden: set[Any]) -> tuple[list[dict[str, Any]], int]:
    """The table by course with ``_hidden_courses`` withheld (as ``[c]``), and how many were."""
    hidden = _hidden_courses(rows, by, also_hidden)
    shown_rows = [
        {k: shown(v, (i, k) in hidden) if k in COUNT_COLUMNS else v for k, v in row.items()}
        for i, row in enumerate(rows)
    ]
    return shown_rows, len(hidden)


def _hidden_champions(
    rows: list[dict[str, Any]], *, the_rule: Rule | None = None, also_hidden: set[Any] | None = None
) -> set[Any]:
    """The cells of the referrals by champions to withhold, keyed (row index, column): small counts,
    ``also_hidden``, and then enough that none can be worked out. An agency's referrals not by a
    champion (all less by a champion) are shown nowhere, yet anyone takes one from the other: a rest
    the rule would withhold is a cell of the table (``NOT_BY_CHAMPION``), all referrals its sum with
    those by a champion. A rest the rule would show is left out: shown nowhere and in no other sum,
    it pins nothing down (counted as shown, it would withhold all referrals wherever those by a
    champion are few)."""
    the_rule = the_rule or rule()
    cells: dict[Any, int] = {}
    constraints = []
    for index, row in enumerate(rows):
        for column in CHAMPION_COLUMNS:
            if isinstance(row.get(column), int):
                cells[(index, column)] = row[column]
        everyone, by_champion = row.get("all_referrals"), row.get("by_champion")
        if isinstance(everyone, int) and isinstance(by_champion, int) and the_rule.is_small(everyone - by_champion):
            cells[(index, NOT_BY_CHAMPION)] = everyone - by_champion
            constraints.append(((index, "all_referrals"), [(index, "by_champion"), (index, NOT_BY_CHAMPION)]))
    return protect(cells, constraints, the_rule=the_rule, also_hidden=also_hidden or ())


def protect_figures(
    start: date,
    end: date,
    by: str,
    *,
    courses: list[dict[str, Any]],
    confidence: list[dict[str, Any]],
    referrals: list[dict[str, Any]],
    applied: Applied,
) -> tuple[list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    """The figures page's three tables for [start, end] (whole quarters) under the rule: the table
    by course (``by``: its split), confidence and referrals by champions, each withholding its small
    counts and whatever any quarter of the period withholds. Records on ``applied`` what was hidden
    where, for the page's note."""
    withheld = _withheld_in_quarters(start, end, by)
    courses, hidden = _protect_courses(courses, by, also_hidden=withheld.cells("courses", courses))
    applied.record("training by course", hidden)
    confidence, _, hidden = protect_table(
        confidence, CONFIDENCE_COLUMNS, also_hidden=withheld.cells("confidence", confidence)
    )
    applied.record("confidence", hidden)
    withheld_referrals = _hidden_champions(referrals, also_hidden=withheld.cells("champions", referrals))
    referrals = [
        {k: shown(v, (i, k) in withheld_referrals) if k in CHAMPION_COLUMNS else v for k, v in row.items()}
        for i, row in enumerate(referrals)
    ]
    applied.record("referrals by champions", sum(1 for _i, column in withheld_referrals if column != NOT_BY_CHAMPION))
    return courses, confidence, referrals
