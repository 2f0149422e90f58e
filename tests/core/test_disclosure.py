"""Small-number suppression: no count from 1 to N-1 is shown, and none can be worked out from the
shown figures and totals by subtraction (a test plays the attacker)."""

from __future__ import annotations

from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from waymark.core.disclosure import HIDDEN, SYMBOL, Applied, Rule, Suppressed, protect_table, rule, shown

RULE = Rule(suppress_below=10, round_to=0)


def attack(rows, total_row, columns, row_totals):
    """Recover hidden cells by subtraction, repeatedly: any total with exactly one unknown gives it
    away. Returns the recovered cells {(row, column): value}."""
    table = {(i, c): row[c] for i, row in enumerate(rows) for c in columns}
    if total_row is not None:
        table.update({("total", c): total_row[c] for c in columns})
    constraints = []
    if total_row is not None:
        constraints += [(("total", c), [(i, c) for i in range(len(rows))]) for c in columns]
    indexes = [*range(len(rows)), *(["total"] if total_row is not None else [])]
    constraints += [((i, t), [(i, p) for p in parts]) for t, parts in row_totals for i in indexes]
    known = {k: v for k, v in table.items() if not isinstance(v, Suppressed)}
    recovered = {}
    changed = True
    while changed:
        changed = False
        for total, parts in constraints:
            unknown = [k for k in (total, *parts) if k not in known]
            if len(unknown) != 1:
                continue
            key = unknown[0]
            value = known[total] - sum(known[p] for p in parts if p in known) if key != total else None
            if key == total:
                value = sum(known[p] for p in parts)
            known[key] = recovered[key] = value
            changed = True
    return recovered


counts = st.integers(min_value=0, max_value=40)


@settings(max_examples=300, deadline=None)
@given(
    data=st.lists(st.lists(counts, min_size=3, max_size=3), min_size=1, max_size=6),
    with_row_totals=st.booleans(),
)
def test_no_hidden_cell_can_be_recovered_from_the_totals(data, with_row_totals):
    columns = ["a", "b", "c", "all"]
    rows = [{"a": a, "b": b, "c": c, "all": a + b + c} for a, b, c in data]
    total_row = {col: sum(r[col] for r in rows) for col in columns}
    row_totals = [("all", ["a", "b", "c"])] if with_row_totals else []
    shown_rows, shown_total, hidden = protect_table(
        rows, columns, total_row=total_row, row_totals=row_totals, the_rule=RULE
    )
    everything = [*zip(rows, shown_rows, strict=True), (total_row, shown_total)]
    for original, protected in everything:
        for col in columns:
            if 1 <= original[col] < 10:
                assert isinstance(protected[col], Suppressed), "a small count is shown"
            if not isinstance(protected[col], Suppressed):
                assert protected[col] == original[col]
    assert attack(shown_rows, shown_total, columns, row_totals) == {}
    assert hidden == sum(isinstance(p[c], Suppressed) for _, p in everything for c in columns)


def test_a_single_small_cell_takes_a_second_cell_with_it():
    rows = [{"n": 3}, {"n": 40}, {"n": 25}]
    shown_rows, total, hidden = protect_table(rows, ["n"], total_row={"n": 68}, the_rule=RULE)
    assert [r["n"] for r in shown_rows] == [HIDDEN, 40, HIDDEN]  # the smallest other cell goes too
    assert total["n"] == 68 and hidden == 2
    assert attack(shown_rows, total, ["n"], []) == {}


def test_without_protection_the_attack_works():
    """The attacker in these tests is real: on a table with only the small cell hidden, it recovers it."""
    rows = [{"n": HIDDEN}, {"n": 40}, {"n": 25}]
    assert attack(rows, {"n": 68}, ["n"], []) == {(0, "n"): 3}


def test_a_small_total_is_hidden_with_its_parts():
    rows = [{"n": 0}, {"n": 4}]
    shown_rows, total, _ = protect_table(rows, ["n"], total_row={"n": 4}, the_rule=RULE)
    assert shown_rows[0]["n"] == 0 and shown_rows[1]["n"] == HIDDEN and total["n"] == HIDDEN


def test_zero_is_shown_and_the_threshold_is_exclusive():
    rows = [{"n": 0}, {"n": 10}, {"n": 9}, {"n": 11}]
    shown_rows, _, _ = protect_table(rows, ["n"], the_rule=RULE)
    assert [r["n"] for r in shown_rows] == [0, 10, HIDDEN, 11]


@override_settings(DISCLOSURE_SUPPRESS_BELOW=8, DISCLOSURE_ROUND_TO=5)
def test_the_rule_is_configuration():
    assert rule() == Rule(8, 5)
    assert shown(8, False) == 10 and shown(12, False) == 10 and shown(7, True) == HIDDEN
    assert "1 to 7" in rule().describe() and "nearest 5" in rule().describe()


def test_the_page_note_says_where():
    applied = Applied(rule=RULE)
    assert "No figure on this page needed it" in applied.note()
    applied.record("Trend by quarter", 2)
    applied.record("Abuse at exit", 0)
    assert applied.note().endswith("Applied on this page to Trend by quarter: 2 figures.")
    assert str(HIDDEN) == f"{HIDDEN:,}" == f"{HIDDEN:.0%}" == SYMBOL


def _determined_whole(hidden, constraints):
    """The reference: the whole system in one reduced row echelon form (as solved before it was
    split into connected groups of cells)."""
    from fractions import Fraction

    index = {key: i for i, key in enumerate(hidden)}
    rows = []
    for total, parts in constraints:
        row = [Fraction(0)] * len(hidden)
        for key in parts:
            if key in index:
                row[index[key]] += 1
        if total in index:
            row[index[total]] -= 1
        if any(row):
            rows.append(row)
    pivots, r = [], 0
    for column in range(len(hidden)):
        pivot = next((i for i in range(r, len(rows)) if rows[i][column] != 0), None)
        if pivot is None:
            continue
        rows[r], rows[pivot] = rows[pivot], rows[r]
        rows[r] = [v / rows[r][column] for v in rows[r]]
        for i in range(len(rows)):
            if i != r and rows[i][column] != 0:
                factor = rows[i][column]
                rows[i] = [a - factor * b for a, b in zip(rows[i], rows[r], strict=True)]
        pivots.append(column)
        r += 1
    return [hidden[c] for i, c in enumerate(pivots) if all(v == 0 for j, v in enumerate(rows[i]) if j != c)]


@settings(max_examples=300, deadline=None)
@given(
    st.integers(min_value=1, max_value=14).flatmap(
        lambda n: st.tuples(
            st.just(n),
            st.lists(st.tuples(st.integers(0, n - 1), st.lists(st.integers(0, n - 1), max_size=5)), max_size=10),
            st.sets(st.integers(0, n - 1)),
        )
    )
)
def test_solving_by_connected_groups_finds_what_the_whole_system_finds(case):
    """The pinned-down cells, solved group by group, are exactly those the whole system pins down,
    in the same order (which decides the next cell secondary suppression withholds)."""
    from waymark.core.disclosure import _determined

    n, raw, hidden_set = case
    constraints = [(total, parts) for total, parts in raw]
    hidden = sorted(hidden_set)
    shown = set(range(n)) - hidden_set
    assert _determined(hidden, constraints, shown) == _determined_whole(hidden, constraints)


def test_a_cell_the_caller_must_hide_is_hidden_with_a_partner_so_the_total_cannot_give_it_back():
    from waymark.core.disclosure import hidden_in_table

    rows = [{"n": 40}, {"n": 50}, {"n": 60}]
    cells, hidden = hidden_in_table(rows, ["n"], total_row={"n": 150}, also_hidden=[(1, "n")])
    assert (1, "n") in hidden and len(hidden & {(0, "n"), (2, "n"), ("total", "n")}) >= 1
    assert cells == {(0, "n"), (1, "n"), (2, "n"), ("total", "n")}
    _, nothing = hidden_in_table(rows, ["n"], total_row={"n": 150})
    assert nothing == set()  # large counts alone: nothing withheld


def _protect_by_whole_system(cells, constraints, the_rule, cost=None):
    """The reference for ``protect``: after each cell it withholds, the whole system solved again
    from nothing (``_determined_whole``), the first pinned cell by repr taken, and its partner
    chosen as ``protect`` chooses (with ``cost``, the least costly partner of any pinned cell)."""
    given, cost = cost, cost or (lambda key, hidden: 0)
    linked = [(total, list(parts)) for total, parts in constraints]
    totals = {total for total, _ in linked}
    hidden = {key for key, value in cells.items() if the_rule.is_small(value)}
    while hidden:
        determined = _determined_whole(sorted(hidden, key=repr), linked)
        if not determined:
            break
        targets = set(determined[:1] if given is None else determined)  # with a cost: every pinned cell

        def shown_in(chosen):
            return {k for t, ps in chosen for k in (t, *ps) if k in cells and k not in hidden}

        candidates = shown_in([c for c in linked if targets & {c[0], *c[1]}])
        if not candidates:
            candidates = shown_in([c for c in linked if hidden & {c[0], *c[1]}])
        if not candidates:
            break
        hidden.add(
            min(candidates, key=lambda key: (key in totals, cells[key] == 0, cost(key, hidden), cells[key], repr(key)))
        )
    return hidden


@settings(max_examples=200, deadline=None)
@given(
    st.integers(min_value=2, max_value=7).flatmap(
        lambda width: st.tuples(
            st.just(width),
            st.lists(st.lists(st.integers(0, 25), min_size=width, max_size=width), min_size=1, max_size=7),
        )
    )
)
def test_protect_withholds_what_solving_the_whole_system_each_time_withholds(case):
    """``protect`` keeps the groups of hidden cells as it hides more and solves only the group that
    changed, in whole numbers: it withholds exactly the cells that solving the whole system from
    nothing after each step (in fractions) withholds, on tables with row totals and column totals."""
    from waymark.core.disclosure import protect

    width, grid = case
    cells = {}
    for r, row in enumerate(grid):
        for c, value in enumerate(row):
            cells[(r, c)] = value
        cells[(r, "total")] = sum(row)
    for c in [*range(width), "total"]:
        cells[("all", c)] = sum(cells[(r, c)] for r in range(len(grid)))
    constraints = [((r, "total"), [(r, c) for c in range(width)]) for r in [*range(len(grid)), "all"]]
    constraints += [(("all", c), [(r, c) for r in range(len(grid))]) for c in [*range(width), "total"]]
    assert protect(cells, constraints, the_rule=RULE) == _protect_by_whole_system(cells, constraints, RULE)


@settings(max_examples=400, deadline=None)
@given(
    st.integers(min_value=1, max_value=14).flatmap(
        lambda n: st.tuples(
            st.lists(st.integers(0, 30), min_size=n, max_size=n),
            st.lists(st.tuples(st.integers(0, n - 1), st.lists(st.integers(0, n - 1), max_size=5)), max_size=10),
        )
    )
)
def test_protect_withholds_what_the_whole_system_withholds_for_any_totals(case):
    """The same on arbitrary totals: a cell the total of several, a part twice in one total, a
    total among its own parts, totals sharing parts."""
    from waymark.core.disclosure import protect

    values, raw = case
    cells = dict(enumerate(values))
    constraints = [(total, parts) for total, parts in raw]
    assert protect(cells, constraints, the_rule=RULE) == _protect_by_whole_system(cells, constraints, RULE)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.lists(st.tuples(st.integers(0, 30), st.integers(0, 30)), min_size=1, max_size=4), min_size=1, max_size=5
    )
)
def test_linked_tables_give_no_withheld_cell_away_together(groups):
    """Two tables of the same records, one finer (categories) and one coarser (groups, each its
    categories added up; a group of one category is the same row twice), each adding up to the
    same "All" row, with a total within each row: protected together (``total_of``, ``row_sums``),
    no withheld cell of either is pinned down by every shown cell of both (exact linear algebra).
    Protected apart, a withheld cell of one table could be shown by the other."""
    from waymark.core.disclosure import _determined, hidden_in_table

    fine = [{"n": n, "rest": rest, "d": n + rest} for group in groups for n, rest in group]
    coarse = [
        {"n": sum(n for n, _ in group), "rest": sum(r for _, r in group), "d": sum(n + r for n, r in group)}
        for group in groups
    ]
    total = {c: sum(row[c] for row in fine) for c in ("n", "rest", "d")}
    members, start = [], 0
    for group in groups:
        members.append(list(range(start, start + len(group))))
        start += len(group)
    n = len(fine)
    rows = [*fine, *coarse]
    row_sums = [(n + j, m) for j, m in enumerate(members)]
    cells, hidden = hidden_in_table(
        rows,
        ["n", "rest", "d"],
        total_row=total,
        row_totals=[("d", ["n", "rest"])],
        total_of=[list(range(n)), list(range(n, len(rows)))],
        row_sums=row_sums,
        the_rule=RULE,
    )
    assert {k for k in cells if RULE.is_small(rows[k[0]][k[1]] if k[0] != "total" else total[k[1]])} <= hidden
    constraints = []
    for c in ("n", "rest", "d"):
        constraints.append((("total", c), [(i, c) for i in range(n)]))
        constraints.append((("total", c), [(i, c) for i in range(n, len(rows))]))
        constraints += [((j, c), [(i, c) for i in m]) for j, m in row_sums]
    constraints += [((i, "d"), [(i, "n"), (i, "rest")]) for i in [*range(len(rows)), "total"]]
    assert _determined(sorted(hidden, key=repr), constraints, cells - hidden) == []
