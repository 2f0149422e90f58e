"""Training figures by sector under the disclosure rule: a minor figure (the "Other" sector's, a
did-not-attend or cancelled count) is withheld to protect a small one before a named sector's
bookings, attendances or completions, and nothing withheld can be worked out (an attacker solving
the totals exactly over the rationals, ``tests.core.test_disclosure_cost.pinned``)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from tests.core.test_disclosure_cost import pinned
from waymark.training.disclosure import _hidden_courses
from waymark.training.selectors import COUNT_COLUMNS

SECTORS = ["Police", "Health", "Housing", "Other"]


@pytest.fixture(autouse=True)
def the_rule(settings):
    settings.DISCLOSURE_SUPPRESS_BELOW = 10
    settings.DISCLOSURE_ROUND_TO = 0


def _row(course: str, group: str, **counts: int) -> dict:
    return {
        "period": "2026-04-01 to 2026-06-30",
        "course": course,
        "course_name": course,
        "group": group,
        **dict.fromkeys(COUNT_COLUMNS, 0),
        **counts,
    }


def test_a_small_sectors_bookings_are_protected_by_the_other_sector_not_a_named_one():
    """Three police officers booked on a course: one more sector's bookings must go. Before, the
    smallest: health's 12. Now the "Other" sector's 30, which a commissioner misses least."""
    rows = [
        _row("intro", "Police", booked=3),
        _row("intro", "Health", booked=12),
        _row("intro", "Other", booked=30),
    ]
    assert _hidden_courses(rows, "sector") == {(0, "booked"), (2, "booked")}


@hypothesis_settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.sampled_from(["intro", "advanced"]),
            st.sampled_from(SECTORS),
            st.lists(st.integers(0, 25), min_size=len(COUNT_COLUMNS), max_size=len(COUNT_COLUMNS)),
        ),
        min_size=1,
        max_size=6,
        unique_by=lambda item: item[:2],
    )
)
def test_with_the_cost_nothing_withheld_can_be_worked_out(items):
    """Courses split by sector, each course's total shown by the table by course: every small count
    is withheld, and no withheld one is pinned down by the shown ones and each course's totals (the
    table by course shows them, but for the small ones)."""
    rows = [_row(course, group, **dict(zip(COUNT_COLUMNS, counts, strict=True))) for course, group, counts in items]
    hidden = _hidden_courses(rows, "sector")
    cells = {(i, c): row[c] for i, row in enumerate(rows) for c in COUNT_COLUMNS}
    assert {k for k, v in cells.items() if 1 <= v < 10} <= hidden
    constraints = []
    for course in {row["course"] for row in rows}:
        members = [i for i, row in enumerate(rows) if row["course"] == course]
        for c in COUNT_COLUMNS:
            cells[(course, c)] = sum(rows[i][c] for i in members)  # the table by course shows it,
            constraints.append(((course, c), [(i, c) for i in members]))
    small_totals = {k for k, v in cells.items() if not isinstance(k[0], int) and 1 <= v < 10}  # unless small
    assert pinned(cells, constraints, hidden | small_totals) == set()
