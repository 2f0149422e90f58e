"""Timeline dates: read as written, never corrected, flagged when they look wrong."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

from waymark.strategy.timeline import build_chart, flags_for, parse_written_date


def test_dates_are_read_as_written_in_uk_order():
    assert parse_written_date("17/02/2018") == date(2018, 2, 17)
    assert parse_written_date("1/9/2018") == date(2018, 9, 1)
    assert parse_written_date("19/112018") is None
    assert parse_written_date("31/02/2019") is None
    assert parse_written_date("") is None


def _activity(position, start, finish):
    return SimpleNamespace(
        position=position,
        name=f"Activity {position}",
        start_as_written=start,
        finish_as_written=finish,
        starts_on=parse_written_date(start),
        finishes_on=parse_written_date(finish),
    )


def test_flags():
    activities = [
        _activity(1, "01/09/2018", "17/02/2018"),  # finishes before it starts
        _activity(2, "03/09/2018", "10/09/2018"),
        _activity(3, "19/112018", "03/12/2018"),  # unreadable start
        _activity(4, "01/09/2018", "08/09/2018"),  # starts before the one listed before it
    ]
    flags = flags_for(activities)
    assert flags[0] == ["Finishes (17 February 2018) before it starts (1 September 2018)"]
    assert flags[1] == []
    assert flags[2] == ["The start date as written, “19/112018”, is not a date"]
    assert flags[3] == ["Starts (1 September 2018) before the activity listed before it (3 September 2018)"]
    chart = build_chart(activities)
    assert [row.drawn for row in chart.rows] == [False, True, False, True]  # never drawn backwards
    assert chart.start == date(2018, 9, 1) and chart.end == date(2018, 9, 10)
