"""Reading a past attendance register from CSV or XLSX into rows for ``actions.register_import``.

The header names the columns (any order, case-insensitive). Problems reading a cell (a date that
is not a date) are reported by line and column with the rest; nothing is saved on any error.
"""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from typing import Any

from waymark.training.actions import AttendanceRow, ImportError_

COLUMNS = [
    "course",
    "session_date",
    "venue",
    "trainer",
    "full_name",
    "email",
    "organisation",
    "sector",
    "audience",
    "status",
    "confidence_before",
    "confidence_after",
]
REQUIRED = {"course", "session_date", "venue", "full_name", "organisation", "sector", "audience", "status"}
MAX_ROWS = 5000


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _read(data: bytes, filename: str) -> list[list[str]]:
    if filename.lower().endswith(".xlsx"):
        from openpyxl import load_workbook

        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        sheet = book.worksheets[0]
        return [[_cell(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    text = data.decode("utf-8-sig")
    return [[cell.strip() for cell in row] for row in csv.reader(io.StringIO(text))]


def _date(text: str) -> date | None:
    for fmt in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def parse_register(data: bytes, filename: str) -> tuple[list[tuple[int, AttendanceRow]], list[ImportError_]]:
    """Rows numbered by their line in the file (the header is line 1), and errors found reading."""
    errors: list[ImportError_] = []
    if not filename.lower().endswith((".csv", ".xlsx")):
        return [], [ImportError_(0, "", "The file must be a CSV or an XLSX spreadsheet")]
    try:
        table = _read(data, filename)
    except Exception:
        return [], [ImportError_(0, "", "The file could not be read: save it again as CSV (UTF-8) or XLSX")]
    table = [row for row in table if any(row)]
    if not table:
        return [], [ImportError_(1, "", "The file is empty")]
    header = [h.strip().lower() for h in table[0]]
    missing = sorted(REQUIRED - set(header))
    if missing:
        return [], [ImportError_(1, column, "This column is missing from the header") for column in missing]
    if len(table) - 1 > MAX_ROWS:
        return [], [ImportError_(1, "", f"A register can have at most {MAX_ROWS:,} rows: split the file")]
    rows: list[tuple[int, AttendanceRow]] = []
    for line, values in enumerate(table[1:], start=2):
        cells = dict(zip(header, values + [""] * (len(header) - len(values)), strict=False))
        session_date = _date(cells.get("session_date", ""))
        if session_date is None:
            errors.append(ImportError_(line, "session_date", "Enter the date as DD/MM/YYYY"))
        rows.append(
            (
                line,
                AttendanceRow(
                    full_name=cells.get("full_name", ""),
                    email=cells.get("email", ""),
                    organisation=cells.get("organisation", ""),
                    sector=cells.get("sector", "").lower(),
                    audience=cells.get("audience", "").lower(),
                    status=cells.get("status", "").lower().replace(" ", "_"),
                    confidence_before=cells.get("confidence_before") or None,  # type: ignore[arg-type]
                    confidence_after=cells.get("confidence_after") or None,  # type: ignore[arg-type]
                    course_code=cells.get("course", ""),
                    starts_on=session_date,
                    trainer=cells.get("trainer", ""),
                    venue=cells.get("venue", ""),
                ),
            )
        )
    return rows, errors
