"""``manage.py report training``: bookings, attendance and completion by course, and by
audience (community or professional), sector, quarter or financial year (aggregates only).

    manage.py report training --from 2013-04-01 --to 2018-09-30
    manage.py report training --from 2018-04-01 --to 2018-09-30 --by audience
"""

from __future__ import annotations

import argparse
import datetime as dt
from typing import Any

from waymark.core.reporting import register_report
from waymark.training.selectors import BY, COUNT_COLUMNS, training_counts

COLUMNS = ["period", "course", "course_name", "group", *COUNT_COLUMNS]


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD.") from error


@register_report
class TrainingReport:
    name = "training"
    help = (
        "Training by course: booked, attended, completed (attendance is not completion), did not attend, "
        "cancelled, and distinct people; optionally by audience, sector, quarter or financial year."
    )
    columns = COLUMNS

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        parser.add_argument("--from", dest="start", type=_date, required=True, help="First day (YYYY-MM-DD).")
        parser.add_argument("--to", dest="end", type=_date, required=True, help="Last day (YYYY-MM-DD).")
        parser.add_argument("--by", choices=BY, default="none", help="Split each course's row (default none).")

    def rows(self, **options: Any) -> list[dict[str, Any]]:
        from django.core.management.base import CommandError

        start, end = options["start"], options["end"]
        if end < start:
            raise CommandError("--to must be on or after --from.")
        return training_counts(start, end, by=options.get("by", "none"))
