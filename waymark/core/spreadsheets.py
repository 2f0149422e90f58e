"""Text safe to open in a spreadsheet: the one rule against formula injection ("CSV injection").

Every CSV and XLSX Waymark writes for a person to open goes through ``csv_safe``: reports, the
audit trail's export, the board pack and the interchange export's ``--for-spreadsheet`` copies.
The plain interchange files are machine data and stay exact (docs/interchange.md): they are not
made safe, so an export imports back unchanged.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

# A cell starting with one of these is read by spreadsheets as a formula (OWASP, CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_safe(value: Any) -> str:
    """The value as text, with a leading ``'`` when a spreadsheet would run it as a formula.

    None is the empty cell. A number is written as it is: a negative count or change on the year
    before is a value, never a formula, and a BI tool reading the CSV must see a number. Text is
    always checked, even text that looks like a number ("-1+1" is a formula)."""
    if value is None:
        return ""
    if isinstance(value, int | float | Decimal):
        return str(value)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text
