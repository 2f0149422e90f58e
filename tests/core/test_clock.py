"""The suite's pinned clock (tests/clock.py): what a WAYMARK_TEST_CLOCK setting means."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.clock import LONDON, clock_setting, parse_clock


def test_a_time_alone_is_today_in_london():
    moment = parse_clock("00:30", today=dt.date(2026, 7, 15))
    assert moment == dt.datetime(2026, 7, 15, 0, 30, tzinfo=LONDON)
    assert moment.astimezone(dt.UTC) == dt.datetime(2026, 7, 14, 23, 30, tzinfo=dt.UTC)  # summer time


def test_a_full_date_time_is_london_time_unless_it_has_an_offset():
    assert parse_clock("2026-12-02T23:30") == dt.datetime(2026, 12, 2, 23, 30, tzinfo=LONDON)
    assert parse_clock("2026-12-02T23:30+00:00").utcoffset() == dt.timedelta(0)


def test_an_empty_setting_is_refused():
    with pytest.raises(ValueError):
        parse_clock(" ")


def test_the_option_wins_over_the_environment(monkeypatch):
    monkeypatch.setenv("WAYMARK_TEST_CLOCK", "23:30")
    assert clock_setting("00:30") == "00:30"
    assert clock_setting(None) == "23:30"
    monkeypatch.delenv("WAYMARK_TEST_CLOCK")
    assert clock_setting(None) is None
