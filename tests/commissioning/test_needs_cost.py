"""Needs by equality group under the disclosure rule: the "not recorded" group's figure is withheld
to protect a small one before a named group's, and nothing withheld can be worked out (an
attacker solving the totals exactly over the rationals, ``tests.core.test_disclosure_cost.pinned``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.core.test_disclosure_cost import pinned
from waymark.commissioning.needs import MINOR_GROUP, NAMED_GROUP, group_cost, protect_needs_split
from waymark.core.disclosure import Applied, Suppressed

YEARS = ["2024/25", "2025/26"]


@pytest.fixture(autouse=True)
def the_rule(settings):
    settings.DISCLOSURE_SUPPRESS_BELOW = 10
    settings.DISCLOSURE_ROUND_TO = 0


def _split(counts: dict, withheld=()) -> dict:
    """A split as ``needs_by_group`` returns it (no rates), by sex (a split linked to no other)."""
    keys = list(counts)
    rows = [{"group": str(g), **dict(zip(YEARS, counts[g], strict=True))} for g in keys]
    total = {"group": "All", **{y: sum(counts[g][i] for g in keys) for i, y in enumerate(YEARS)}}
    return {
        "key": "sex",
        "label": "Sex",
        "columns": ["group", *YEARS],
        "count_columns": YEARS,
        "rows": rows,
        "keys": keys,
        "total": total,
        "withheld": set(withheld),
    }


def test_the_not_recorded_group_costs_less_than_a_named_one():
    cost = group_cost(["female", "male", "not_recorded"])
    assert cost((2, YEARS[0]), set()) == MINOR_GROUP < NAMED_GROUP == cost((1, YEARS[0]), set())


def test_a_small_group_is_protected_by_the_not_recorded_group_not_the_smaller_named_one():
    """Three men referred in 2025/26: one more of that year's groups must go. Before, the smallest,
    the 12 women (a named group, the figure a reader compares); now the 30 not recorded."""
    split = _split({"female": [40, 12], "male": [20, 3], "not_recorded": [25, 30]})
    rows = protect_needs_split(split, Applied(), place="needs by sex")
    withheld = {(row["group"], y) for row in rows for y in YEARS if isinstance(row[y], Suppressed)}
    assert withheld == {("male", "2025/26"), ("not_recorded", "2025/26")}
    assert rows[0]["2025/26"] == 12 and rows[-1]["2025/26"] == 45


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    st.lists(st.lists(st.integers(0, 30), min_size=2, max_size=2), min_size=1, max_size=5),
    st.booleans(),
    st.sets(st.tuples(st.integers(-1, 4), st.sampled_from(YEARS)), max_size=3),
)
def test_with_the_cost_nothing_withheld_can_be_worked_out(counts, with_not_recorded, quarters):
    """Any split (with or without a "not recorded" group, with cells its quarters withhold): every
    small count is withheld, and a reader holding the shown figures and the "All" row's place as
    each year's total pins no withheld figure down."""
    keys = [f"g{i}" for i in range(len(counts))]
    if with_not_recorded:
        keys[-1] = "not_recorded"
    by_group = dict(zip(keys, counts, strict=True))
    withheld = {(None if i < 0 else keys[i], y) for i, y in quarters if i < len(keys)}
    split = _split(by_group, withheld)
    rows = protect_needs_split(split, Applied(), place="needs by sex")
    cells, hidden = {}, set()
    for index, (row, shown) in enumerate(zip([*split["rows"], split["total"]], rows, strict=True)):
        scope = "total" if index == len(keys) else index
        for y in YEARS:
            cells[(scope, y)] = row[y]
            if isinstance(shown[y], Suppressed):
                hidden.add((scope, y))
    assert {k for k, v in cells.items() if 1 <= v < 10} <= hidden
    assert {(None if i == "total" else keys[i], y) for i, y in hidden} >= withheld
    constraints = [(("total", y), [(i, y) for i in range(len(keys))]) for y in YEARS]
    assert pinned(cells, constraints, hidden) == set()
