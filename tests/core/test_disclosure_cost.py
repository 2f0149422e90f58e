"""The cost rule of secondary suppression (``core.disclosure.protect``'s ``cost``): which shown cell
is hidden to protect another. The choice must never weaken the guarantee: with any cost, no hidden
cell is pinned down by the shown cells and the totals. An attacker here solves the totals exactly
over the rationals in a way of its own (a cell is pinned when the hidden cells' system loses rank
without it), not with the module's solver."""

from __future__ import annotations

from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.core.test_disclosure import _protect_by_whole_system
from waymark.core.disclosure import HIDDEN, Rule, hidden_in_table, protect, protect_table

RULE = Rule(suppress_below=10, round_to=0)


def _rank(rows: list[list[Fraction]]) -> int:
    rows = [list(row) for row in rows if any(row)]
    rank, width = 0, len(rows[0]) if rows else 0
    for column in range(width):
        pivot = next((i for i in range(rank, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[rank], rows[pivot] = rows[pivot], rows[rank]
        for i in range(len(rows)):
            if i != rank and rows[i][column] != 0:
                factor = rows[i][column] / rows[rank][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[rank], strict=True)]
        rank += 1
    return rank


def pinned(cells, constraints, hidden) -> set:
    """The hidden cells an attacker holding every other cell and the totals works out exactly: the
    equations' rows over the hidden cells (shown cells are known numbers), and a hidden cell is
    fixed exactly when removing its column lowers the rank (its unit vector is in the row space)."""
    order = sorted(hidden, key=repr)
    rows = []
    for total, parts in constraints:
        row = [Fraction(0)] * len(order)
        for i, key in enumerate(order):
            row[i] += sum(1 for p in parts if p == key)
            row[i] -= 1 if total == key else 0
        rows.append(row)
    whole = _rank(rows)
    return {key for i, key in enumerate(order) if _rank([r[:i] + r[i + 1 :] for r in rows]) < whole}


def test_the_attacker_is_real():
    """Hidden alone, a small part is worked out from its total; hidden with a partner, it is not."""
    cells = {"a": 3, "b": 40, "c": 25, "t": 68}
    constraints = [("t", ["a", "b", "c"])]
    assert pinned(cells, constraints, {"a"}) == {"a"}
    assert pinned(cells, constraints, {"a", "c"}) == set()
    assert pinned(cells, [*constraints, ("c", ["c"]), ("t", ["b", "a", "c"])], {"a", "c"}) == set()


def test_without_a_cost_the_smallest_partner_is_hidden_as_before():
    cells = {"headline": 12, "minor": 30, "small": 3, "all": 45}
    constraints = [("all", ["headline", "minor", "small"])]
    assert protect(cells, constraints, the_rule=RULE) == {"small", "headline"}


def test_a_cost_hides_the_minor_cell_instead_of_the_smaller_headline():
    cells = {"headline": 12, "minor": 30, "small": 3, "all": 45}
    constraints = [("all", ["headline", "minor", "small"])]
    costs = {"headline": 2, "minor": 1, "small": 2, "all": 2}
    assert protect(cells, constraints, the_rule=RULE, cost=lambda key, hidden: costs[key]) == {"small", "minor"}


def test_a_cost_does_not_put_a_total_or_a_zero_before_a_part():
    """A total stays last (other tables show it) and a zero after a count (hidden beside a zero, a
    count is their sum): the cost orders only cells alike in both."""
    cells = {"headline": 12, "zero": 0, "small": 3, "all": 15, "grand": 15}
    constraints = [("all", ["headline", "zero", "small"]), ("grand", ["all"])]
    costs = {"headline": 9, "zero": 0, "small": 9, "all": 0, "grand": 0}
    assert protect(cells, constraints, the_rule=RULE, cost=lambda key, hidden: costs[key]) == {"small", "headline"}


def test_protect_table_passes_the_cost_on():
    rows = [{"key": "a", "n": 3}, {"key": "b", "n": 12}, {"key": None, "n": 30}]

    def cost(key, hidden):
        index, _column = key
        return 0 if index != "total" and rows[index]["key"] is None else 1

    shown, total, hidden = protect_table(rows, ["n"], total_row={"n": 45}, the_rule=RULE, cost=cost)
    assert [r["n"] for r in shown] == [HIDDEN, 12, HIDDEN] and total["n"] == 45 and hidden == 2
    before, _, _ = protect_table(rows, ["n"], total_row={"n": 45}, the_rule=RULE)
    assert [r["n"] for r in before] == [HIDDEN, HIDDEN, 30]  # without the cost: the smaller


counts = st.integers(min_value=0, max_value=30)


@st.composite
def linked_cells(draw):
    """Cells and totals that hold (each total is its parts added up): counts, totals over any
    cells so far (a part may count twice, a total may be a part of another), and the same total
    added up a second way through a subtotal (as a year is its quarters and its halves), with a
    cost for each cell."""
    values: list[int] = [draw(counts) for _ in range(draw(st.integers(1, 6)))]
    constraints: list[tuple[int, list[int]]] = []
    for _ in range(draw(st.integers(0, 7))):
        if constraints and draw(st.booleans()):
            total, parts = draw(st.sampled_from(constraints))
            if len(parts) < 2:
                continue
            cut = draw(st.integers(1, len(parts) - 1))
            values.append(sum(values[p] for p in parts[:cut]))
            constraints.append((len(values) - 1, parts[:cut]))
            constraints.append((total, [len(values) - 1, *parts[cut:]]))
        else:
            parts = draw(st.lists(st.integers(0, len(values) - 1), min_size=1, max_size=5))
            values.append(sum(values[p] for p in parts))
            constraints.append((len(values) - 1, parts))
    costs = draw(st.lists(st.integers(0, 3), min_size=len(values), max_size=len(values)))
    return dict(enumerate(values)), constraints, costs


def shifting(costs):
    """A cost per cell that changes as cells are hidden (as a cell worked out from shown ones costs
    nothing once one of them is hidden): any cost at all must keep the guarantee."""
    return lambda key, hidden: (costs[key] + len(hidden) * (key + 1)) % 4


@settings(max_examples=400, deadline=None)
@given(linked_cells())
def test_with_any_cost_no_hidden_cell_is_pinned_down(case):
    """Totals that hold, however they are linked, and an arbitrary cost per cell: every small count
    is hidden, and the attacker pins down nothing."""
    cells, constraints, costs = case
    hidden = protect(cells, constraints, the_rule=RULE, cost=shifting(costs))
    assert {k for k, v in cells.items() if RULE.is_small(v)} <= hidden
    assert pinned(cells, constraints, hidden) == set()


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=1, max_value=12).flatmap(
        lambda n: st.tuples(
            st.lists(counts, min_size=n, max_size=n),
            st.lists(st.tuples(st.integers(0, n - 1), st.lists(st.integers(0, n - 1), max_size=5)), max_size=9),
            st.lists(st.integers(0, 3), min_size=n, max_size=n),
        )
    )
)
def test_with_a_cost_protect_withholds_what_the_whole_system_withholds(case):
    """The incremental solver with a cost withholds exactly what solving the whole system afresh
    after each step, choosing by the same order, withholds (the reference of ``test_disclosure``,
    given the cost)."""
    values, raw, costs = case
    cells = dict(enumerate(values))
    constraints = [(total, parts) for total, parts in raw]
    assert protect(cells, constraints, the_rule=RULE, cost=shifting(costs)) == _protect_by_whole_system(
        cells, constraints, RULE, cost=shifting(costs)
    )


@settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.tuples(counts, counts), min_size=1, max_size=4), min_size=1, max_size=4),
    st.lists(st.integers(0, 2), min_size=64, max_size=64),
)
def test_linked_tables_with_a_cost_give_nothing_away(groups, costs):
    """Linked tables (categories and groups, ``total_of``/``row_sums``), a total within each row and
    a cost per cell: no withheld cell of either table is pinned down by every shown cell of both."""
    fine = [{"n": n, "rest": rest, "d": n + rest} for group in groups for n, rest in group]
    coarse = [{"n": sum(n for n, _ in g), "rest": sum(r for _, r in g), "d": sum(n + r for n, r in g)} for g in groups]
    total = {c: sum(row[c] for row in fine) for c in ("n", "rest", "d")}
    members, start = [], 0
    for group in groups:
        members.append(list(range(start, start + len(group))))
        start += len(group)
    n = len(fine)
    rows = [*fine, *coarse]
    row_sums = [(n + j, m) for j, m in enumerate(members)]

    keys = [*((i, c) for i in range(len(rows)) for c in ("n", "rest", "d")), *(("total", c) for c in total)]
    position = {key: i for i, key in enumerate(sorted(keys, key=repr))}

    def cost(key, hidden):
        return costs[position[key] % len(costs)]

    cells, hidden = hidden_in_table(
        rows,
        ["n", "rest", "d"],
        total_row=total,
        row_totals=[("d", ["n", "rest"])],
        total_of=[list(range(n)), list(range(n, len(rows)))],
        row_sums=row_sums,
        the_rule=RULE,
        cost=cost,
    )
    value = {(i, c): rows[i][c] for i in range(len(rows)) for c in ("n", "rest", "d")}
    value.update({("total", c): total[c] for c in total})
    assert {k for k in cells if RULE.is_small(value[k])} <= hidden
    constraints = []
    for c in ("n", "rest", "d"):
        constraints.append((("total", c), [(i, c) for i in range(n)]))
        constraints.append((("total", c), [(i, c) for i in range(n, len(rows))]))
        constraints += [((j, c), [(i, c) for i in m]) for j, m in row_sums]
    constraints += [((i, "d"), [(i, "n"), (i, "rest")]) for i in [*range(len(rows)), "total"]]
    assert pinned(value, constraints, hidden) == set()
