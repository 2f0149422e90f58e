"""Pin the whole suite's clock: ``WAYMARK_TEST_CLOCK`` or ``pytest --clock``.

The suite must pass at any hour. To prove it, run it with the clock set to a chosen local
(Europe/London) time, for example just after and just before midnight:

    WAYMARK_TEST_CLOCK=00:30 make test
    .venv/bin/python -m pytest tests/cases --clock=23:30
    WAYMARK_TEST_CLOCK=2026-03-29T00:30 .venv/bin/python -m pytest tests/marac   # the spring clock change

A value with only a time uses today's date in London; a full ISO date-time is taken as London
local time unless it carries an offset. The clock keeps ticking from there (``tick=True``), so
timeouts and ordering behave as in a real run. Tests that pin their own dates with
``time_machine.travel`` still do so: they nest inside this one.
"""

from __future__ import annotations

import datetime as dt
import os
from zoneinfo import ZoneInfo

import time_machine

LONDON = ZoneInfo("Europe/London")
ENV_VAR = "WAYMARK_TEST_CLOCK"


def parse_clock(value: str, *, today: dt.date | None = None) -> dt.datetime:
    """The aware instant a clock setting names ("00:30", "2026-12-02T23:30", "...+00:00")."""
    value = value.strip()
    if not value:
        raise ValueError("empty clock setting")
    if "T" not in value and " " not in value and ":" in value:
        hour, minute = (int(part) for part in value.split(":", 1))
        day = today or dt.datetime.now(LONDON).date()
        return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=LONDON)
    moment = dt.datetime.fromisoformat(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=LONDON)
    return moment


def clock_setting(option_value: str | None) -> str | None:
    """The command-line option wins over the environment variable; neither means the real clock."""
    return option_value or os.environ.get(ENV_VAR) or None


# A test that moves to a fixed day starts no later than this, so that it cannot cross midnight
# (and change its "today") while it runs.
LATEST_START = dt.time(23, 45)


def on_day(day: dt.date) -> time_machine.travel:
    """The clock moved to ``day``, at the run's own London time of day (pinned or real, no later
    than ``LATEST_START``), ticking. For a test module that reasons about days before and after a
    fixed "today" (``TODAY = date(...)``) instead of a date read at import, which is the wall
    clock's however the run is pinned; a run at 00:30 or 23:30 still exercises that hour.

        @pytest.fixture(autouse=True)
        def fixed_day():
            with on_day(TODAY):
                yield
    """
    hour = min(dt.datetime.now(LONDON).time().replace(tzinfo=None), LATEST_START)
    return time_machine.travel(dt.datetime.combine(day, hour, tzinfo=LONDON), tick=True)
