"""Project timelines: dates read as written, flags for the ones that look wrong, and the geometry
of the timeline chart (an SVG drawn by ``templates/strategy/_timeline_chart.html``).

Dates are never corrected. An activity is flagged when a date as written cannot be read as a
day/month/year date, when it finishes before it starts, or when it starts before the activity
listed before it (plans list activities in the order they start).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

_WRITTEN = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


def parse_written_date(text: str) -> date | None:
    """'17/02/2018' -> 17 February 2018 (UK order); anything else (e.g. '19/112018') -> None."""
    match = _WRITTEN.match(text or "")
    if not match:
        return None
    day, month, year = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


@dataclass
class Row:
    activity: Any
    flags: list[str] = field(default_factory=list)
    x: float = 0.0
    width: float = 0.0
    y: float = 0.0
    drawn: bool = False


@dataclass
class Chart:
    rows: list[Row]
    start: date | None
    end: date | None
    months: list[tuple[float, str]]
    width: int
    height: int
    label_width: int
    row_height: int

    @property
    def flagged(self) -> list[Row]:
        return [row for row in self.rows if row.flags]


def _d(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


def flags_for(activities: list[Any]) -> list[list[str]]:
    found: list[list[str]] = []
    previous_start: date | None = None
    for activity in activities:
        flags = []
        if activity.start_as_written and activity.starts_on is None:
            flags.append(f"The start date as written, “{activity.start_as_written}”, is not a date")
        if activity.finish_as_written and activity.finishes_on is None:
            flags.append(f"The finish date as written, “{activity.finish_as_written}”, is not a date")
        if activity.starts_on and activity.finishes_on and activity.finishes_on < activity.starts_on:
            flags.append(f"Finishes ({_d(activity.finishes_on)}) before it starts ({_d(activity.starts_on)})")
        if activity.starts_on and previous_start and activity.starts_on < previous_start:
            flags.append(
                f"Starts ({_d(activity.starts_on)}) before the activity listed before it ({_d(previous_start)})"
            )
        if activity.starts_on:
            previous_start = activity.starts_on
        found.append(flags)
    return found


def build_chart(
    activities: list[Any], *, chart_width: int = 640, label_width: int = 300, row_height: int = 28
) -> Chart:
    """Bars for activities whose dates can be drawn (readable, finish not before start). The
    chart's span is the earliest to the latest drawable date; months are marked along the top."""
    flags = flags_for(activities)
    rows = [Row(activity=a, flags=f) for a, f in zip(activities, flags, strict=True)]
    drawable = [
        r
        for r in rows
        if r.activity.starts_on and r.activity.finishes_on and r.activity.finishes_on >= r.activity.starts_on
    ]
    header = 30
    if not drawable:
        return Chart(
            rows, None, None, [], label_width + chart_width, header + row_height * len(rows), label_width, row_height
        )
    start = min(r.activity.starts_on for r in drawable)
    end = max(r.activity.finishes_on for r in drawable)
    span = max((end - start).days + 1, 1)
    scale = chart_width / span
    for index, row in enumerate(rows):
        row.y = header + index * row_height
        if row in drawable:
            row.drawn = True
            row.x = label_width + (row.activity.starts_on - start).days * scale
            row.width = max(((row.activity.finishes_on - row.activity.starts_on).days + 1) * scale, 3)
    months = []
    cursor = date(start.year, start.month, 1)
    while cursor <= end:
        if cursor >= start:
            months.append((label_width + (cursor - start).days * scale, f"{cursor:%b %Y}"))
        cursor = (cursor.replace(day=28) + timedelta(days=4)).replace(day=1)
    return Chart(
        rows, start, end, months, label_width + chart_width, header + row_height * len(rows), label_width, row_height
    )
