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
