"""Text safe to open in a spreadsheet (every CSV and XLSX Waymark writes goes through this)."""

from __future__ import annotations

from typing import Any

# A cell starting with one of these is read by spreadsheets as a formula (CSV injection).
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """The value as text, with a leading ``'`` when a spreadsheet would run it as a formula."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(_FORMULA_STARTS) else text
