from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from waymark.core.dates import add_months, latest_start_due_by


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2025, 6, 30), -12, date(2024, 6, 30)),
        (date(2024, 2, 29), -12, date(2023, 2, 28)),
        (date(2025, 1, 31), 1, date(2025, 2, 28)),
        (date(2025, 11, 15), 3, date(2026, 2, 15)),
        (date(2025, 1, 15), -1, date(2024, 12, 15)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "year"),
    [(date(2015, 3, 31), 2014), (date(2015, 4, 1), 2015), (date(2016, 1, 15), 2015), (date(2017, 12, 31), 2017)],
)
def test_financial_year_runs_april_to_march(day, year):
    from waymark.core.dates import financial_year_start

    assert financial_year_start(day) == year


@given(deadline=st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)), months=st.integers(0, 36))
def test_latest_start_due_by_is_the_last_day_due(deadline, months):
    """Every day up to it is due by the deadline ``months`` later, and the day after it is not."""
    start = latest_start_due_by(deadline, months)
    assert add_months(start, months) <= deadline
    assert add_months(start + timedelta(days=1), months) > deadline


@pytest.mark.parametrize(
    ("deadline", "months", "expected"),
    [
        (date(2027, 2, 28), 3, date(2026, 11, 30)),  # 29 and 30 November + 3 months: 28 February
        (date(2027, 2, 27), 3, date(2026, 11, 27)),
        (date(2028, 2, 29), 3, date(2027, 11, 30)),
        (date(2027, 4, 30), 2, date(2027, 2, 28)),
        (date(2027, 3, 31), 1, date(2027, 2, 28)),
    ],
)
def test_latest_start_due_by_examples(deadline, months, expected):
    assert latest_start_due_by(deadline, months) == expected
