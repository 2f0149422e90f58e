"""Small-number suppression: one configurable rule for every aggregate a commissioner, a
partnership lead or the board sees, so no figure lets someone pick out a person.

The rule (settings):

- ``DISCLOSURE_SUPPRESS_BELOW`` (N, default 10): a count from 1 to N-1 is not shown (primary
  suppression). Zero is shown: it identifies nobody.
- ``DISCLOSURE_ROUND_TO`` (default 0: no rounding): when set, e.g. 5, every count that is shown is
  rounded to the nearest multiple (the NHS England practice).

Secondary suppression: a table's cells are linked by totals (a column's quarters add up to the
year; a row's parts add up to its total). ``protect`` hides further cells until no hidden cell can
be worked out from the shown ones by any combination of additions and subtractions of the totals:
it solves the linear system the totals form (exactly, in whole numbers) and, while some hidden cell is
determined, hides a shown cell that shares a total with it. Rates are shown only when their
numerator is shown (a rate and its denominator give the numerator away).

Which cell is hidden for another (the cost rule). Whichever shown cell is chosen, cells go on being
hidden until no hidden one can be worked out, so the choice never weakens the guarantee: it
decides how useful the figures left are, so it is made for the reader. Among the shown cells that
share a total with a cell that can be worked out: a part before a total (a total is shown by other
tables too, so hiding it here would protect nothing there); a cell that is not zero before a zero
(hidden beside a zero, a count is still their sum, which the totals give); then the cell whose
loss matters least, by the caller's ``cost``; then the smallest. The outcome figures' cost
(``waymark.outcomes.disclosure.figure_cost``) puts a cell no page shows first, then a minor
category of a breakdown ("same", "rose", a "not recorded" group), and a headline figure (the cases
supported, a rate's count or denominator) last. With a cost, the cells considered are those
sharing a total with any cell that can be worked out (not only the first), since the cheapest
way to protect one is often beside another hidden for it: a group's rate withheld, the "not
recorded" group's with it, and each row's count less its denominator. Without ``cost`` every cell
costs the same, and the smallest beside the first such cell is hidden, as before.

Periods: a figure protected in one period's table could still be recovered by comparing two
periods (July to September, less July to August, is September). So every period a commissioner's
figure is counted over is a run of whole quarters (``whole_quarters``), each quarter's table is
protected on its own, and a figure withheld in any quarter is withheld in every period containing
it: whatever periods are compared, nothing is learned beyond the quarters' own protected tables
(``waymark.outcomes.disclosure.withheld_in_units``). Survivor feedback, recorded by the month, does
the same with months. What remains, and is documented: figures change as records are added, so the
same period seen on two days differs by what was recorded in between.

``Suppressed`` is what a hidden figure becomes: it prints as the symbol in ``SYMBOL`` (and the page
says, with ``note``, that the rule was applied and where).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Hashable, Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import gcd
from typing import Any

from django.conf import settings

SYMBOL = "[c]"
_NOTHING = object()  # a marker no key can be


class Suppressed:
    """A figure withheld under the disclosure rule. Formats as ``[c]`` whatever the format asked."""

    __slots__ = ()

    def __str__(self) -> str:
        return SYMBOL

    def __repr__(self) -> str:
        return "Suppressed()"

    def __format__(self, spec: str) -> str:
        return SYMBOL

    def __bool__(self) -> bool:
        return True

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Suppressed)

    def __hash__(self) -> int:
        return hash(SYMBOL)


HIDDEN = Suppressed()


@dataclass(frozen=True)
class Rule:
    suppress_below: int
    round_to: int

    def is_small(self, value: Any) -> bool:
        return isinstance(value, int) and 1 <= value < self.suppress_below

    def describe(self) -> str:
        text = (
            f"Counts from 1 to {self.suppress_below - 1} are not shown ({SYMBOL}), and neither is any figure "
            "that would let one of them be worked out from the totals, nor a rate whose count is not shown."
        )
        if self.round_to > 1:
            text += f" Other counts are rounded to the nearest {self.round_to}."
        return text


def rule() -> Rule:
    below = int(getattr(settings, "DISCLOSURE_SUPPRESS_BELOW", 10))
    round_to = int(getattr(settings, "DISCLOSURE_ROUND_TO", 0) or 0)
    if below < 1:
        raise ValueError("DISCLOSURE_SUPPRESS_BELOW must be 1 (no suppression) or more.")
    return Rule(below, round_to)


def whole_quarters(start: date, end: date) -> tuple[date, date]:
    """The run of whole quarters (January, April, July and October; a financial year's quarters)
    that holds ``start`` to ``end``: the periods a commissioner's outcome figures are counted over."""
    first = date(start.year, (start.month - 1) // 3 * 3 + 1, 1)
    last_month = (end.month - 1) // 3 * 3 + 3
    after = date(end.year + 1, 1, 1) if last_month == 12 else date(end.year, last_month + 1, 1)
    return first, after - timedelta(days=1)


Key = Hashable
Constraint = tuple[Key, Sequence[Key]]  # total = sum(parts)
# What hiding a shown cell loses given the cells hidden so far, lowest first (``protect``'s
# ``cost``): compared among the cells that could be hidden, so any values that compare with each
# other (numbers, tuples of numbers). Given the hidden cells because a cell no page shows, worked
# out from shown ones (a rate's denominator less its count), loses nothing once one of those is
# hidden, and otherwise costs one of them.
Cost = Callable[[Key, AbstractSet[Key]], Any]


def _no_cost(key: Key, hidden: AbstractSet[Key]) -> int:
    return 0


def _determined(hidden: list[Key], constraints: Sequence[Constraint], shown: set[Key]) -> list[Key]:
    """The hidden cells the shown cells and the totals pin down exactly (linear algebra over the
    hidden cells: a cell is determined when its unit vector lies in the row space), in the order of
    ``hidden``, solved from nothing: what an attacker holding the shown figures can work out (the
    differencing tests use it; ``protect`` keeps the same answer up to date as it hides cells,
    ``_HiddenBlocks``). The system is solved per connected group of hidden cells (cells that share
    a total, directly or through others): the row space of such a block system is the sum of the
    blocks', so the answer is the same as solving it whole."""
    index = {key: i for i, key in enumerate(hidden)}
    parent = list(range(len(hidden)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    equations: list[dict[int, int]] = []
    for total, parts in constraints:
        coefficients: dict[int, int] = {}
        for key in parts:
            if key in index:
                coefficients[index[key]] = coefficients.get(index[key], 0) + 1
        if total in index:
            coefficients[index[total]] = coefficients.get(index[total], 0) - 1
        if coefficients:
            equations.append(coefficients)
            first, *others = coefficients
            for other in others:
                parent[root(other)] = root(first)
    blocks: dict[int, list[dict[int, int]]] = {}
    for coefficients in equations:
        blocks.setdefault(root(next(iter(coefficients))), []).append(coefficients)
    found: list[int] = []
    for block in blocks.values():
        columns = sorted({i for coefficients in block for i in coefficients})
        found += [columns[c] for c in _pinned(block, columns)]
    return [hidden[i] for i in sorted(found)]


def _pinned(equations: list[dict[int, int]], columns: list[int]) -> list[int]:
    """Positions (in ``columns``) of the unknowns the equations fix: reduced row echelon form on
    sparse rows (each equation names a few cells), and a row with nothing but its pivot. Exact, in
    whole numbers: a row is combined as (pivot's lead x row) - (row's entry x pivot row) and divided
    by its entries' greatest common divisor, which has the zero pattern of the rational form
    (several times faster than fractions)."""
    position = {column: p for p, column in enumerate(columns)}
    rows: list[dict[int, int]] = []
    for coefficients in equations:
        row = {position[column]: value for column, value in coefficients.items() if value}
        if row:
            rows.append(row)
    if len(rows) == 1:  # one total: it pins a cell only when that cell is its only unknown
        return list(rows[0]) if len(rows[0]) == 1 else []
    pivots: list[int] = []
    r = 0
    for column in range(len(columns)):
        pivot = next((i for i in range(r, len(rows)) if column in rows[i]), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        lead_row = rows[r]
        lead = lead_row[column]
        for i in range(len(rows)):
            if i != r and column in rows[i]:
                rows[i] = _combined(lead, rows[i], rows[i][column], lead_row)
        pivots.append(column)
        r += 1
    return [column for row_index, column in enumerate(pivots) if len(rows[row_index]) == 1]


class _HiddenBlocks:
    """The hidden cells of one table and the ones the totals pin down, kept up to date as cells
    are hidden one at a time, with no system solved again (a table split by 19 ethnic groups has
    hundreds of cells and withholds dozens in turn; ``_determined`` answers the same question from
    nothing).

    It keeps combinations of the table's totals (equations), in whole numbers:

    - a basis of the combinations in which every hidden cell cancels out (the left null space),
      and
    - for each pinned cell x, a certificate: a combination that leaves a multiple of x alone (the
      cell is worked out from it).

    Hiding a cell h adds h's column to the equations it is in, and any equation that had no hidden
    cell before joins with h as its only unknown. Then (``_hide_one``): a cell not pinned before is
    never pinned after, except h itself. If a new equation has h alone, h is pinned and every
    certificate and null combination is corrected with it. Otherwise h is pinned when some null
    combination meets h's column (it is then used up to correct the others), and when none does, a
    certificate that meets h's column stops pinning its cell.

    Only the combinations that meet h's column change, and a combination can meet it only through
    one of h's few equations: an index from each equation to the combinations using it finds them,
    so hiding a cell costs what it touches, not what is already hidden. (Correcting every
    combination at every step made a quarter's table split by ethnicity, with hundreds of hidden
    cells, take about half a second, and a page of 112 such tables about a minute.) A combination
    that does not meet h is left as it is: corrected by nothing, it would only be scaled.
    ``tests/core/test_disclosure.py`` checks that this withholds exactly what solving the whole
    system from nothing after each step withholds."""

    def __init__(self, constraints: Sequence[Constraint]) -> None:
        self.equations: list[dict[Key, int]] = []
        self.touching: dict[Key, list[int]] = {}  # a cell -> the equations it is in
        self.naming: dict[Key, list[int]] = {}  # a cell -> the totals naming it (as a part or the total)
        for total, parts in constraints:
            coefficients: dict[Key, int] = {}
            for key in parts:
                coefficients[key] = coefficients.get(key, 0) + 1
            coefficients[total] = coefficients.get(total, 0) - 1
            for key, value in coefficients.items():
                self.naming.setdefault(key, []).append(len(self.equations))
                if value:  # a total among its own parts cancels out of its equation
                    self.touching.setdefault(key, []).append(len(self.equations))
            self.equations.append(coefficients)
        self.hidden: set[Key] = set()
        self.held: set[int] = set()  # the equations with a hidden cell in them
        self.combinations: dict[int, dict[int, int]] = {}  # id -> combination of equations
        self.pinning: dict[int, Key] = {}  # a certificate's id -> the cell it pins (null ones are absent)
        self.certificate: dict[Key, int] = {}  # a pinned cell -> its certificate's id
        self.using: dict[int, set[int]] = {}  # an equation -> the ids of the combinations using it
        self.next_id = 0
        self.order: list[tuple[str, int, Key]] = []  # pinned cells by repr, a heap (cells unpinned left in)

    def _add(self, combination: dict[int, int], pins: Key | None = None, *, certificate: bool = False) -> None:
        identity = self.next_id
        self.next_id += 1
        self.combinations[identity] = combination
        for n in combination:
            self.using.setdefault(n, set()).add(identity)
        if certificate:
            self.pinning[identity] = pins
            self.certificate[pins] = identity
            heapq.heappush(self.order, (repr(pins), identity, pins))

    def _replace(self, identity: int, combination: dict[int, int]) -> None:
        old = self.combinations[identity]
        for n in old.keys() - combination.keys():
            self.using[n].discard(identity)
        for n in combination.keys() - old.keys():
            self.using.setdefault(n, set()).add(identity)
        self.combinations[identity] = combination

    def _remove(self, identity: int) -> None:
        for n in self.combinations.pop(identity):
            self.using[n].discard(identity)
        pinned = self.pinning.pop(identity, _NOTHING)
        if pinned is not _NOTHING:
            del self.certificate[pinned]

    def hide(self, keys: Iterable[Key]) -> None:
        for key in keys:
            if key not in self.hidden:
                self._hide_one(key)

    def _hide_one(self, h: Key) -> None:
        self.hidden.add(h)
        column = {n: self.equations[n][h] for n in self.touching.get(h, ())}
        fresh = [n for n in column if n not in self.held]  # equations with no hidden cell before h
        self.held.update(column)
        # The combinations meeting h's column, with their coefficient of h; the rest stay as they are.
        met: dict[int, int] = {}
        for identity in sorted({i for n in column for i in self.using.get(n, ())}):
            combination = self.combinations[identity]
            value = sum(combination.get(n, 0) * c for n, c in column.items())
            if value:
                met[identity] = value
        if fresh:
            m = fresh[0]  # its row is column[m] times h: h is pinned
            alone = {m: 1}
            for identity, value in met.items():
                self._replace(identity, _combined(column[m], self.combinations[identity], value, alone))
            for other in fresh[1:]:
                self._add(_combined(column[m], {other: 1}, column[other], alone))
            self._add(alone, h, certificate=True)
            return
        star = next((i for i in met if i not in self.pinning), None)  # a null combination meeting h
        if star is None:  # h is not pinned, and neither is any cell whose certificate meets h
            for identity in met:
                self._remove(identity)
            return
        used, value = self.combinations[star], met.pop(star)
        self._remove(star)
        for identity, q in met.items():
            self._replace(identity, _combined(value, self.combinations[identity], q, used))
        self._add(used, h, certificate=True)

    def determined(self) -> list[Key]:
        return list(self.certificate)

    def first_determined(self) -> Key | None:
        """The pinned cell first by repr (``protect``'s target), or None."""
        while self.order and self.order[0][2] not in self.certificate:
            heapq.heappop(self.order)  # unpinned since: a cell unpinned is never pinned again
        return self.order[0][2] if self.order else None


def _combined(p: int, one: dict[int, int], q: int, other: dict[int, int]) -> dict[int, int]:
    """p x one - q x other, divided by its entries' greatest common divisor (sparse, whole numbers)."""
    result = {n: p * value for n, value in one.items()}
    if q:
        for n, value in other.items():
            entry = result.get(n, 0) - q * value
            if entry:
                result[n] = entry
            else:
                result.pop(n, None)
    divisor = gcd(*result.values()) if result else 1
    return {n: value // divisor for n, value in result.items()} if divisor > 1 else result


def protect(
    cells: dict[Key, int],
    constraints: Iterable[Constraint],
    *,
    the_rule: Rule | None = None,
    also_hidden: Iterable[Key] = (),
    cost: Cost | None = None,
) -> set[Key]:
    """The keys of the cells to hide: primary (small counts, and ``also_hidden``: cells the caller
    must hide for a reason of its own) and secondary (so that no hidden cell can be worked out
    from the shown cells and the totals). ``cost``: what hiding each cell loses, so that among the
    cells that would protect a hidden one, the one that matters least is hidden (the module's cost
    rule); by default every cell costs the same."""
    the_rule = the_rule or rule()
    linked = [(total, list(parts)) for total, parts in constraints]
    totals = {total for total, _ in linked}
    hidden = {key for key, value in cells.items() if the_rule.is_small(value)} | (set(also_hidden) & set(cells))
    if not hidden:
        return hidden
    blocks = _HiddenBlocks(linked)
    cost_of = cost or _no_cost
    named: dict[Key, str] = {}  # each key's repr, worked out once

    def preference(key: Key) -> tuple[bool, bool, Any, int, str]:
        name = named.get(key)
        if name is None:
            name = named[key] = repr(key)
        return (key in totals, cells[key] == 0, cost_of(key, hidden), cells[key], name)

    # The shown cells of the totals that have a hidden cell in them (the fallback's candidates),
    # kept as cells are hidden: a heap by preference, with cells hidden since left in it (without
    # a cost: a cost changes as cells are hidden, so the fallback then looks at ``active`` afresh).
    active: set[int] = set()
    nearby: list[tuple[tuple[bool, bool, Any, int, str], Key]] = []

    def withhold(keys: Iterable[Key]) -> None:
        keys = list(keys)
        hidden.update(keys)
        blocks.hide(keys)
        for key in keys:
            for n in blocks.naming.get(key, ()):
                if n not in active:
                    active.add(n)
                    total, parts = linked[n]
                    for member in (total, *parts):
                        if cost is None and member in cells and member not in hidden:
                            heapq.heappush(nearby, (preference(member), member))

    withhold(sorted(hidden, key=repr))
    while True:
        # Without a cost: the shown cells sharing a total with the first pinned cell (by repr).
        # With one: those sharing a total with any pinned cell, so that the least costly of all
        # is hidden (the first pinned cell's partners may all be headline figures while another
        # pinned cell, hidden for it, has a minor partner that completes the protection: a
        # group's count and the "not recorded" group's, each with its row's rest).
        if cost is None:
            target = blocks.first_determined()
            if target is None:
                return hidden
            naming: Iterable[int] = blocks.naming[target]
        else:
            pinned = blocks.determined()
            if not pinned:
                return hidden
            naming = sorted({n for key in pinned for n in blocks.naming[key]})
        # The least costly of them (``preference``: the module's cost rule); failing that (every
        # cell beside them is hidden, yet together they pin them down), the least costly shown
        # cell in any total that has a hidden cell in it. A part before a total: a total
        # (everyone's row, a year) is also shown by other tables that break it down differently,
        # so withholding it here would protect nothing there, while another table showing it
        # could give this table's hidden part away.
        candidates = _shown_in([linked[n] for n in naming], cells, hidden)
        if candidates:
            withheld = min(candidates, key=preference)
        elif cost is not None:  # a cost changes as cells are hidden: the fallback's worked out afresh
            everywhere = _shown_in([linked[n] for n in active], cells, hidden)
            if not everywhere:  # pragma: no cover - only when every linked cell is already hidden
                return hidden
            withheld = min(everywhere, key=preference)
        else:
            while nearby and nearby[0][1] in hidden:
                heapq.heappop(nearby)
            if not nearby:  # pragma: no cover - only when every linked cell is already hidden
                return hidden
            withheld = nearby[0][1]
        withhold([withheld])


def protect_together(
    cells: dict[Key, int],
    tables: Sequence[Iterable[Constraint]],
    links: Iterable[Constraint],
    *,
    the_rule: Rule | None = None,
    also_hidden: Iterable[Key] = (),
    cost: Cost | None = None,
) -> set[Key]:
    """The keys of the cells to hide in tables shown side by side that share cells or whose rows
    add up to each other's (``links``: a coarser table's row as the sum of a finer table's rows,
    such as an ethnic group and its census categories; a row linked to one row alone is the same
    figure in both tables). Protected apart, a cell withheld in one table could be worked out from
    the cells the other shows.

    Each table is protected on its own with what the others withhold, and a cell linked to a
    single other is withheld with it, until nothing changes (so each table's secondary cells are
    chosen within it, as they would be alone); then the whole system, every table and link, is
    protected as one (``protect``), so that no withheld cell is pinned down by all the shown cells
    together, whatever the tables. ``cost`` as ``protect``'s, in every table."""
    the_rule = the_rule or rule()
    own = [[(total, list(parts)) for total, parts in table] for table in tables]
    linked = [(total, list(parts)) for total, parts in links]
    hidden = {key for key, value in cells.items() if the_rule.is_small(value)} | (set(also_hidden) & set(cells))
    same = [(total, parts[0]) for total, parts in linked if len(parts) == 1]
    keys_of = [{key for total, parts in table for key in (total, *parts) if key in cells} for table in own]
    # What each table's protection returned last: asked again with exactly that, it would return
    # it unchanged (nothing in it can be worked out), so it is not asked again.
    settled: list[set[Key] | None] = [None] * len(own)
    while True:
        before = len(hidden)
        for index, (table, keys) in enumerate(zip(own, keys_of, strict=True)):
            if hidden & keys == settled[index]:
                continue
            protected = protect(
                {key: cells[key] for key in keys}, table, the_rule=the_rule, also_hidden=hidden & keys, cost=cost
            )
            settled[index] = protected
            hidden |= protected
        for one, other in same:
            if one in hidden or other in hidden:
                hidden |= {one, other} & set(cells)
        if len(hidden) == before:
            break
    return protect(
        cells, [c for table in own for c in table] + linked, the_rule=the_rule, also_hidden=hidden, cost=cost
    )


def _shown_in(constraints: list[tuple[Key, list[Key]]], cells: dict[Key, int], hidden: set[Key]) -> set[Key]:
    return {key for total, parts in constraints for key in (total, *parts) if key in cells and key not in hidden}


def shown(value: Any, hidden: bool, *, the_rule: Rule | None = None) -> Any:
    """The value as it may be shown: ``HIDDEN`` when suppressed, rounded when the rule rounds."""
    if hidden:
        return HIDDEN
    the_rule = the_rule or rule()
    if the_rule.round_to > 1 and isinstance(value, int) and not isinstance(value, bool):
        return the_rule.round_to * round(value / the_rule.round_to)
    return value


@dataclass
class Applied:
    """Where suppression was applied on a page, for the note the page shows."""

    rule: Rule = field(default_factory=rule)
    places: dict[str, int] = field(default_factory=dict)  # table name -> figures hidden

    def record(self, place: str, hidden: int) -> None:
        if hidden:
            self.places[place] = self.places.get(place, 0) + hidden

    @property
    def hidden(self) -> int:
        return sum(self.places.values())

    def note(self) -> str:
        text = self.rule.describe()
        if self.places:
            where = "; ".join(f"{place}: {n} figure{'s' if n != 1 else ''}" for place, n in self.places.items())
            return f"{text} Applied on this page to {where}."
        return f"{text} No figure on this page needed it."


def hidden_in_table(
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    *,
    total_row: dict[str, Any] | None = None,
    row_totals: Sequence[tuple[str, Sequence[str]]] = (),
    the_rule: Rule | None = None,
    also_hidden: Iterable[Key] = (),
    total_of: Sequence[Sequence[int]] | None = None,
    row_sums: Sequence[tuple[int, Sequence[int]]] = (),
    cost: Cost | None = None,
) -> tuple[set[Key], set[Key]]:
    """(the cells of a table, keyed ``(row index or "total", column)``; those to hide).

    Linked tables are protected as one: ``total_of`` lists the sets of rows that each add up to the
    total row (by default, every row), and ``row_sums`` the rows that are the sum of other rows. A
    table of the five ethnic groups and one of the 19 categories are one table here: the groups'
    rows and the categories' rows each add up to "All", and each group's row is its categories'
    added up (a group with one category is the same row twice). Protected apart, a figure withheld
    in one could be worked out from the other (a group's denominator shown, its category's
    numerator shown: the rest withheld in both is their difference). ``cost``, as ``protect``'s,
    of a cell keyed ``(row index or "total", column)``."""
    cells: dict[Key, int] = {}
    for index, row in enumerate(rows):
        for column in columns:
            if isinstance(row.get(column), int):
                cells[(index, column)] = row[column]
    if total_row is not None:
        for column in columns:
            if isinstance(total_row.get(column), int):
                cells[("total", column)] = total_row[column]

    def within(index: Any) -> list[Constraint]:
        return [((index, total_column), [(index, part) for part in parts]) for total_column, parts in row_totals]

    def present(constraints: list[Constraint]) -> list[Constraint]:
        return [(t, [p for p in ps if p in cells]) for t, ps in constraints if t in cells]

    everyone = ["total"] if total_row is not None else []
    if total_of is None and not row_sums:
        constraints: list[Constraint] = []
        if total_row is not None:
            for column in columns:
                constraints.append((("total", column), [(i, column) for i in range(len(rows))]))
        for index in [*range(len(rows)), *everyone]:
            constraints += within(index)
        return set(cells), protect(cells, present(constraints), the_rule=the_rule, also_hidden=also_hidden, cost=cost)
    # Linked tables: each set of rows adding up to the total row is a table of its own, and the
    # rows that are the sum of others link them (``protect_together``).
    tables = []
    for members in total_of if total_of is not None else [range(len(rows))]:
        table: list[Constraint] = []
        if total_row is not None:
            for column in columns:
                table.append((("total", column), [(i, column) for i in members]))
        for scope in [*members, *everyone]:
            table += within(scope)
        tables.append(present(table))
    covered = {i for members in (total_of if total_of is not None else [range(len(rows))]) for i in members}
    links = present(
        [((index, column), [(i, column) for i in members]) for index, members in row_sums for column in columns]
        + [c for index in range(len(rows)) if index not in covered for c in within(index)]
    )
    return set(cells), protect_together(cells, tables, links, the_rule=the_rule, also_hidden=also_hidden, cost=cost)


def protect_table(
    rows: list[dict[str, Any]],
    columns: Sequence[str],
    *,
    total_row: dict[str, Any] | None = None,
    row_totals: Sequence[tuple[str, Sequence[str]]] = (),
    the_rule: Rule | None = None,
    also_hidden: Iterable[Key] = (),
    total_of: Sequence[Sequence[int]] | None = None,
    row_sums: Sequence[tuple[int, Sequence[int]]] = (),
    cost: Cost | None = None,
) -> tuple[list[dict[str, Any]], dict[str, Any] | None, int]:
    """A table of counts (rows of dicts) with, optionally, a total row (each column's sum) and
    totals within each row (``row_totals``: (total column, part columns)); ``total_of`` and
    ``row_sums`` link rows, and ``cost`` chooses among cells, as ``hidden_in_table`` says. Returns the rows and total row with hidden
    figures replaced by ``HIDDEN``, and how many were hidden."""
    the_rule = the_rule or rule()
    cells, hidden = hidden_in_table(
        rows,
        columns,
        total_row=total_row,
        row_totals=row_totals,
        the_rule=the_rule,
        also_hidden=also_hidden,
        total_of=total_of,
        row_sums=row_sums,
        cost=cost,
    )

    def apply(index: Any, row: dict[str, Any]) -> dict[str, Any]:
        return {
            key: shown(value, (index, key) in hidden, the_rule=the_rule) if (index, key) in cells else value
            for key, value in row.items()
        }

    new_rows = [apply(i, row) for i, row in enumerate(rows)]
    new_total = apply("total", total_row) if total_row is not None else None
    return new_rows, new_total, len(hidden)
