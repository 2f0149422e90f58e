"""``manage.py report training``: bookings, attendance and completion by course, and by
audience (community or professional), sector, quarter or financial year (aggregates only).

    manage.py report training --from 2013-04-01 --to 2018-09-30
    manage.py report training --from 2018-04-01 --to 2018-09-30 --by audience
"""

from __future__ import annotations

import argparse
from typing import Any

from waymark.training.selectors import BY, COUNT_COLUMNS, training_counts
from waymark.web.reports import add_date_range_arguments, date_range, register_report

COLUMNS = ["period", "course", "course_name", "group", *COUNT_COLUMNS]


@register_report
class TrainingReport:
    name = "training"
    help = (
        "Training by course: booked, attended, completed (attendance is not completion), did not attend, "
        "cancelled, and distinct people; optionally by audience, sector, quarter or financial year."
    )
    columns = COLUMNS

    def add_arguments(self, parser: argparse.ArgumentParser) -> None:
        add_date_range_arguments(parser)
        parser.add_argument("--by", choices=BY, default="none", help="Split each course's row (default none).")

    def rows(self, **options: Any) -> list[dict[str, Any]]:

        start, end = date_range(options)
        return training_counts(start, end, by=options.get("by", "none"))
