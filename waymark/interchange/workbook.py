"""Reading an interchange import from one XLSX workbook: one sheet per file.

A partnership's records often live in one spreadsheet with a tab per list. Each sheet named after
an interchange file ("people" or "people.csv") is read as that file, its first row the header, and
turned into the same CSV the importer reads from a folder, so one set of checks serves both. Other
sheets (notes, pivot tables) are listed as skipped by the import report.

Cells are written as the format expects: dates as YYYY-MM-DD, times as YYYY-MM-DDTHH:MM:SS,
whole numbers without a decimal point, empty cells as empty text.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any

from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from waymark.interchange.source import MAX_ARCHIVE_MEMBERS, SourceError, write_csv

# A workbook is a zip too: cap what one upload may expand to, as for a .zip of CSVs.
MAX_WORKBOOK_CELLS = 20_000_000


def cell_text(value: Any) -> str:
    """One cell as the text the interchange format expects."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        if value.time() == time(0, 0):
            return value.date().isoformat()
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, time):
        return value.replace(microsecond=0).isoformat()
    if isinstance(value, float | Decimal) and value == int(value):
        return str(int(value))
    return str(value).strip() if isinstance(value, str) else str(value)


def read_workbook_bytes(data: bytes) -> dict[str, bytes]:
    """Every sheet of the workbook as a CSV file named after the sheet (lower case, ``.csv``)."""
    buffer = io.BytesIO(data)
    if not zipfile.is_zipfile(buffer):
        raise SourceError("The file is not an Excel workbook (.xlsx).")
    try:
        workbook = load_workbook(buffer, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise SourceError(f"The workbook cannot be read ({type(error).__name__}).") from None
    try:
        if len(workbook.sheetnames) > MAX_ARCHIVE_MEMBERS:
            raise SourceError(f"The workbook has {len(workbook.sheetnames)} sheets: at most {MAX_ARCHIVE_MEMBERS}.")
        files: dict[str, bytes] = {}
        cells = 0
        for sheet in workbook.worksheets:
            name = sheet.title.strip().lower()
            name = name if name.endswith(".csv") else f"{name}.csv"
            if name in files:
                raise SourceError(f"The workbook has two sheets named {sheet.title.strip()!r}.")
            rows: list[list[str]] = []
            for values in sheet.iter_rows(values_only=True):
                cells += len(values)
                if cells > MAX_WORKBOOK_CELLS:
                    raise SourceError(f"The workbook has more than {MAX_WORKBOOK_CELLS:,} cells.")
                rows.append([cell_text(value) for value in values])
            files[name] = write_csv(_trim(rows))
        return files
    finally:
        workbook.close()


def _trim(rows: list[list[str]]) -> list[list[str]]:
    """Drops the empty cells a spreadsheet pads to the right of the header, and empty rows at the
    end, so a row's cell count is the header's."""
    while rows and not any(rows[-1]):
        rows.pop()
    if not rows:
        return rows
    width = len(rows[0])
    while width and not rows[0][width - 1]:
        width -= 1
    trimmed = []
    for row in rows:
        if any(row[width:]):
            trimmed.append(row)  # data past the header: the importer reports the row, never drops it
        else:
            trimmed.append(row[:width] + [""] * (width - len(row)))
    return trimmed
