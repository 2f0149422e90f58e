from datetime import date

import pytest

from waymark.core.dates import add_months


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
