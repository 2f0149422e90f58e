"""Import cells take dates only in Waymark's one range, future dates allowed or not (issue 11, 8)."""

from __future__ import annotations

from datetime import date

import pytest

from waymark.interchange.cells import CellError, iso_date

TODAY = date(2026, 6, 1)


@pytest.mark.parametrize("allow_future", [False, True])
@pytest.mark.parametrize("raw", ["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01"])
def test_a_date_outside_the_range_is_a_cell_error(raw, allow_future):
    with pytest.raises(CellError, match="check the year"):
        iso_date(required=True, today=TODAY, allow_future=allow_future)(raw)


@pytest.mark.parametrize("raw", ["1900-01-01", "2026-06-01"])
def test_dates_in_range_are_read(raw):
    assert iso_date(required=True, today=TODAY)(raw) == date.fromisoformat(raw)


def test_a_meeting_date_far_ahead_but_in_range_is_read():
    assert iso_date(required=True, today=TODAY, allow_future=True)("2100-12-31") == date(2100, 12, 31)
