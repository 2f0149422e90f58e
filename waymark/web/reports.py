"""A small registry of named reports for ``manage.py report <name>``.

An app registers a report (usually from its ``AppConfig.ready``) with ``@register_report``; the
command dispatches by name and writes the rows as JSON, CSV or XLSX. A report is a class with a
``name``, ``help``, ``columns``, ``add_arguments(parser)`` and ``rows(**options) -> list[dict]``.
Rows hold plain numbers and text (no personal data in these aggregate reports).

Reports over a period take the same ``--from``/``--to`` arguments: ``add_date_range_arguments``
and ``date_range`` below, written once for every report. The writers (JSON, CSV, XLSX) are shared
by the command and by the pages that download a report.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import json
import sys
from collections.abc import Callable
from typing import Any, Protocol

from django.core.management.base import CommandError

from waymark.core.spreadsheets import csv_safe


class Report(Protocol):
    name: str
    help: str
    columns: list[str]

    def add_arguments(self, parser: argparse.ArgumentParser) -> None: ...

    def rows(self, **options: Any) -> list[dict[str, Any]]: ...


_REPORTS: dict[str, Callable[[], Report]] = {}


def register_report(factory: Callable[[], Report]) -> Callable[[], Report]:
    """Class decorator: registers a report under its ``name``."""
    name = factory().name
    if name in _REPORTS and _REPORTS[name] is not factory:
        raise ValueError(f"Two reports are registered as {name!r}.")
    _REPORTS[name] = factory
    return factory


def registered_reports() -> dict[str, Callable[[], Report]]:
    return dict(sorted(_REPORTS.items()))


def report_date(text: str) -> dt.date:
    """An argparse ``type``: a day written YYYY-MM-DD, or a clear error naming what was given."""
    try:
        return dt.date.fromisoformat(text)
    except ValueError as error:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date in the form YYYY-MM-DD.") from error


def add_date_range_arguments(parser: argparse.ArgumentParser, *, of: str = "") -> None:
    """The period a report covers: ``--from`` and ``--to`` (both days included, both required),
    read into the options ``start`` and ``end``. ``of`` names what the days are of, for the help."""
    of_what = f" of {of}" if of else ""
    parser.add_argument(
        "--from", dest="start", type=report_date, required=True, help=f"First day{of_what} (YYYY-MM-DD)."
    )
    parser.add_argument("--to", dest="end", type=report_date, required=True, help=f"Last day{of_what} (YYYY-MM-DD).")


def date_range(options: dict[str, Any]) -> tuple[dt.date, dt.date]:
    """The ``start`` and ``end`` options, refused when the period runs backwards."""
    start, end = options["start"], options["end"]
    if end < start:
        raise CommandError("--to must be on or after --from.")
    return start, end


def to_json(rows: list[dict[str, Any]]) -> str:
    return json.dumps(rows, indent=2) + "\n"


def to_csv(columns: list[str], rows: list[dict[str, Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else csv_safe(row.get(c)) for c in columns])
    return buffer.getvalue()


def write_xlsx(columns: list[str], rows: list[dict[str, Any]], path: str) -> None:
    """Numbers stay numbers; any text a spreadsheet would run as a formula is neutralised."""
    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(columns)
    for row in rows:
        cells: list[Any] = []
        for column in columns:
            value = row.get(column)
            if isinstance(value, str) or value is None:
                cells.append(csv_safe(value))
            else:
                cells.append(value)
        sheet.append(cells)
    book.save(path if path != "-" else sys.stdout.buffer)
