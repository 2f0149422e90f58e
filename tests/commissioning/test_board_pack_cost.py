"""The board pack's housing "of which" rows and the cost rule: no cell is ever chosen to protect
another there, so no cost could withhold fewer or less important figures. A rest (a row less its
"of which" part) the rule would withhold is withheld with its whole, by design (the part is also
shown summed over quarters, the whole nowhere else), and whole, part and rest are then one total
with two unknowns at least: nothing else is ever pinned. The property test checks both, with an
exact attacker over the rationals (``tests.core.test_disclosure_cost.pinned``)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.core.test_disclosure_cost import pinned
from waymark.commissioning.boardpack import _protect_of_which
from waymark.core.disclosure import Applied, Rule, Suppressed

RULE = Rule(suppress_below=10, round_to=0)


@st.composite
def housing_rows(draw):
    """Measures, each whole followed by up to two "of which" parts no larger than it."""
    rows, wholes = [], []
    for n in range(draw(st.integers(1, 4))):
        whole = draw(st.integers(0, 40))
        rows.append({"measure": f"Measure {n}", "count": whole})
        for m in range(draw(st.integers(0, 2))):
            rows.append({"measure": f"of which part {n}.{m}", "count": draw(st.integers(0, whole))})
            wholes.append((len(rows) - 1, len(rows) - 1 - m - 1))
    return rows, wholes


@hypothesis_settings(max_examples=300, deadline=None)
@given(housing_rows())
def test_of_which_rows_withhold_only_what_the_rule_names_and_nothing_comes_back(case):
    rows, parts = case  # parts: (the part's row, its whole's row)
    shown = _protect_of_which(rows, Applied(rule=RULE))
    hidden = {i for i, row in enumerate(shown) if isinstance(row["count"], Suppressed)}
    small_rests = {whole for part, whole in parts if RULE.is_small(rows[whole]["count"] - rows[part]["count"])}
    small = {i for i, row in enumerate(rows) if RULE.is_small(row["count"])}
    # Nothing chosen: exactly the small counts and the wholes of small rests.
    assert hidden == small | small_rests
    cells = {i: row["count"] for i, row in enumerate(rows)}
    constraints = []
    for part, whole in parts:  # a reader knows each rest is its whole less its part
        cells[("rest", part)] = rows[whole]["count"] - rows[part]["count"]
        constraints.append((whole, [part, ("rest", part)]))
    rests = {("rest", part) for part, _ in parts}
    found = pinned(cells, constraints, hidden | rests)
    assert not {key for key in found if key not in rests or RULE.is_small(cells[key])}, found
