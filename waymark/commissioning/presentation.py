"""How the commissioning figures read to a person: column headings in words, rates and shares as
percentages, changes on the year before as percentages and changes in a rate as percentage points,
yes or no for a flag. The saved board pack and the CSV downloads keep the plain values (fractions,
column keys, for BI tools): this is applied when the pack is shown (``views._displayed``) and to
every spreadsheet written for people (``write_table``: the pack's XLSX, the outcomes and survivor
feedback downloads' XLSX, where a rate stays a number with a percentage format). A withheld figure
stays the suppression symbol."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from waymark.core.disclosure import SYMBOL
from waymark.core.spreadsheets import csv_safe

PERCENT = "percent"  # a rate, a share, or a change on the year before: a fraction shown as 84.5%
POINTS = "points"  # a rate's change on a year earlier: a difference of fractions, shown in points
XLSX_FORMATS = {PERCENT: "0.0%", POINTS: '+0.0" pts";-0.0" pts";0.0" pts"'}

NAMES = {
    "reduced_risk_within_3_months_rate": "Risk reduced within 3 months",
    "first_contact_within_standard_rate": "First contact within the standard",
    "engagement_rate": "Engagement",
    "feeling_safer_at_exit_rate": "Feeling safer at exit",
    "wellbeing_improved_at_exit_rate": "Wellbeing improved at exit",
    "quality_of_life_improved_at_exit_rate": "Quality of life improved at exit",
    "repeat_rate_12_month": "Repeat rate (within 12 months)",
    "repeat_rate_ever": "Repeat rate (ever)",
    "repeats_12_month": "Repeats (within 12 months)",
    "repeats_ever": "Repeats (ever)",
    "in_recommended_range": "In the recommended range",
    "people_supported": "Different people supported",
    "median_working_days_to_first_contact": "Median working days to first contact",
    "reduced_risk_not_yet_measurable": "Risk not yet measurable",
    "first_contact_not_yet_due": "First contact not yet due",
    "contacted_cases": "Cases contacted",
    "as_of": "Counted on",
    "financial_year": "Financial year",
    "marac_cases": "MARAC cases",
    "housing_applications": "Homelessness applications (domestic abuse)",
    "incidents": "Police-recorded incidents",
    "population_year": "Population estimate (mid-year)",
    "meeting_ref": "Meeting",
    "held_on": "Held on",
    "course_name": "Course name",
    "did_not_attend": "Did not attend",
    "satisfied": "Happy with the support",
    "safer": "Feel safer",
    "listened": "Listened to and believed",
    "recommend": "Would recommend",
}
# How a column's key ends, and what that adds to its heading.
SUFFIXES = (
    ("_numerator", "{}: count"),
    ("_denominator", "{}: out of"),
    ("_last_year", "{}, a year earlier"),
    ("_change_points", "{}: change on a year earlier (percentage points)"),
    ("_change_since_first_year", "{}: change since the first year"),
    ("_change", "{}: change on the year before"),
    ("_per_1000", "{} per 1,000"),
    ("_share", "{}: share positive"),
    ("_positive", "{}: positive"),
    ("_other", "{}: other answers"),
    ("_skipped", "{}: not answered"),
    ("_ceased_rate", "{}: ceased"),
    ("_reduced_rate", "{}: reduced"),
)


def _words(key: str) -> str:
    if key in NAMES:
        return NAMES[key]
    text = key.replace("_", " ").strip()
    return text[:1].upper() + text[1:]


def heading(column: str) -> str:
    """A column's key in words: "reduced_risk_within_3_months_rate" -> "Risk reduced within 3
    months"; "..._change_points" -> "...: change on a year earlier (percentage points)"."""
    if column in NAMES:
        return NAMES[column]
    for suffix, form in SUFFIXES:
        if column.endswith(suffix) and len(column) > len(suffix):
            return form.format(heading(column[: -len(suffix)]))
    return _words(column)


def kind(column: str) -> str | None:
    """``PERCENT``, ``POINTS`` or None (a count, a label, a rate per 1,000)."""
    if column.endswith("_change_points"):
        return POINTS
    if column.endswith(("_numerator", "_denominator", "_per_1000", "per 1,000")):
        return None
    words = column.split("_")
    if "rate" in words or column.endswith(("_share", "_change", "_change_since_first_year")):
        return PERCENT
    return None


def shown(column: str, value: Any) -> Any:
    """A saved value as the page shows it: 0.8452 -> "84.5%", -0.0119 (points) -> "-1.2 pts",
    True -> "Yes"; the suppression symbol, text and counts as they are."""
    if value is None or value == SYMBOL:
        return value
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, int | float):
        found = kind(column)
        if found == PERCENT:
            return f"{value * 100:.1f}%"
        if found == POINTS:
            return f"{value * 100:+.1f} pts"
    return value


def cell(column: str, value: Any) -> tuple[Any, str | None]:
    """A saved value as written to Excel, with its number format: a rate stays a number (0.8452,
    shown 84.5%), a change in points becomes points (-0.0119 -> -1.19, shown -1.2 pts); a flag is
    Yes or No."""
    if isinstance(value, bool):
        return ("Yes" if value else "No"), None
    if isinstance(value, int | float):
        found = kind(column)
        if found == POINTS:
            return round(value * 100, 4), XLSX_FORMATS[POINTS]
        if found == PERCENT:
            return value, XLSX_FORMATS[PERCENT]
    return value, None


def write_table(
    sheet: Any,
    columns: Sequence[str],
    rows: Sequence[Mapping[str, Any]],
    *,
    headings: Mapping[str, str] | None = None,
) -> None:
    """Appends a table to an openpyxl sheet as a person reads it: a heading row in words
    (``heading``, or ``headings`` for a column the caller names itself), then each row's values as
    ``cell`` writes them, with their number formats. Text that a spreadsheet would run as a
    formula is shown as text (``core.spreadsheets.csv_safe``)."""

    def text_safe(value: Any) -> Any:
        return csv_safe(value) if isinstance(value, str) else value

    sheet.append([text_safe((headings or {}).get(c) or heading(c)) for c in columns])
    for row in rows:
        written = [cell(c, row.get(c)) for c in columns]
        sheet.append([text_safe(value) for value, _ in written])
        for column, (_, number_format) in enumerate(written, start=1):
            if number_format:
                sheet.cell(row=sheet.max_row, column=column).number_format = number_format
