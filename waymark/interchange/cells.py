"""Reading one cell of an interchange CSV. Each parser returns the value or raises CellError
with a message a person fixing the spreadsheet can act on (never echoing sensitive values)."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from django.db import models

from waymark.core import daterange
from waymark.core.numbers import is_whole_number

# Dates outside Waymark's one range (waymark/core/daterange.py) are typing mistakes (1023 for
# 2023, 9999 for "no end"), for every date field, future dates allowed or not.
EARLIEST_DATE = daterange.EARLIEST
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# A reference (``*_ref``): the source system's identifier. Printable, no separators we use.
_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._:/\-]{0,63}$")
# Control characters other than tab, line feed and carriage return.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class CellError(ValueError):
    """A cell that cannot be read. The message is shown to whoever runs the import."""


def text(max_length: int, *, required: bool = False) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip()
        if required and not value:
            raise CellError("is empty: it must be filled in")
        if len(value) > max_length:
            raise CellError(f"is {len(value)} characters long: at most {max_length} are allowed")
        if _CONTROL.search(value):
            raise CellError("contains control characters")
        return value

    return parse


def ref(*, required: bool) -> Callable[[str], str]:
    def parse(raw: str) -> str:
        value = raw.strip()
        if not value:
            if required:
                raise CellError("is empty: every row needs a reference")
            return ""
        if not _REF.match(value):
            raise CellError(
                "is not a valid reference: use up to 64 letters, digits and . _ : / - (starting with a letter or digit)"
            )
        return value

    return parse


def iso_date(*, required: bool, today: date, allow_future: bool = False) -> Callable[[str], date | None]:
    def parse(raw: str) -> date | None:
        value = raw.strip()
        if not value:
            if required:
                raise CellError("is empty: give the date as YYYY-MM-DD")
            return None
        if not _ISO_DATE.match(value):
            raise CellError("is not a date in the form YYYY-MM-DD (for example 2017-04-01)")
        try:
            parsed = date.fromisoformat(value)
        except ValueError:
            raise CellError("is not a real date (check the day and month)") from None
        if parsed < EARLIEST_DATE:
            raise CellError(f"is before {EARLIEST_DATE.year}: check the year")
        if parsed > daterange.LATEST:
            raise CellError(f"is after {daterange.LATEST.year}: check the year")
        if not allow_future and parsed > today:
            raise CellError("is in the future: it must be today or earlier")
        return parsed

    return parse


def choice(choices: type[models.TextChoices], *, required: bool, default: str = "") -> Callable[[str], str]:
    allowed = list(choices.values)
    known = frozenset(allowed)

    def parse(raw: str) -> str:
        value = raw.strip()
        if not value:
            if required:
                raise CellError(f"is empty: use one of {', '.join(allowed)}")
            return default
        if value not in known:
            raise CellError(f"must be one of {', '.join(allowed)}")
        return value

    return parse


def choice_list(choices: type[models.TextChoices]) -> Callable[[str], list[str]]:
    """A ``;``-separated list. Stored sorted and without repeats (as intake stores it)."""
    allowed = set(choices.values)

    def parse(raw: str) -> list[str]:
        items = [item.strip() for item in raw.split(";") if item.strip()]
        unknown = sorted({item for item in items if item not in allowed})
        if unknown:
            raise CellError(
                f"has {len(unknown)} value(s) not in the list: use ;-separated values from {', '.join(sorted(allowed))}"
            )
        return sorted(set(items))

    return parse


def count(*, maximum: int, required: bool = False) -> Callable[[str], int | None]:
    def parse(raw: str) -> int | None:
        value = raw.strip()
        if not value:
            if required:
                raise CellError("is empty: give a whole number")
            return None
        if not is_whole_number(value):
            raise CellError("is not a whole number of 0 or more")
        number = int(value)
        if number > maximum:
            raise CellError(f"is more than {maximum}")
        return number

    return parse


def join_list(values: Iterable[str]) -> str:
    return ";".join(values)


def iso(value: date | None) -> str:
    return value.isoformat() if value else ""


def as_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    return str(value)
