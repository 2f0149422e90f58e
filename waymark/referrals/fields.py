"""The GOV.UK date input (day, month, year boxes) as a Django form field, with GOV.UK messages."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.utils import timezone

from waymark.core.daterange import LATEST, is_sane
from waymark.core.numbers import is_whole_number


class GovukDateInput(forms.MultiWidget):
    template_name = "referrals/widgets/date_input.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__([forms.TextInput(), forms.TextInput(), forms.TextInput()], attrs)

    def decompress(self, value: Any) -> list[Any]:
        if isinstance(value, date):
            return [value.day, value.month, value.year]
        return [None, None, None]


class GovukDateField(forms.MultiValueField):
    """A date typed as day, month and year. Refuses impossible dates and, unless allowed, future ones."""

    widget = GovukDateInput

    def __init__(self, *, allow_future: bool = False, earliest_year: int = 1900, **kwargs: Any) -> None:
        self.allow_future = allow_future
        self.earliest_year = earliest_year
        fields = (
            forms.CharField(max_length=2),
            forms.CharField(max_length=2),
            forms.CharField(max_length=4),
        )
        kwargs.setdefault("error_messages", {})
        super().__init__(fields=fields, require_all_fields=False, **kwargs)

    def clean(self, value: Any) -> date | None:
        parts = [str(part or "").strip() for part in (value or [])] + ["", "", ""]
        day, month, year = parts[:3]
        label = str(self.label or "The date")
        if not any((day, month, year)):
            if self.required:
                raise forms.ValidationError(f"Enter {label.lower()}")
            return None
        missing = [name for name, part in (("day", day), ("month", month), ("year", year)) if not part]
        if missing:
            raise forms.ValidationError(f"{label} must include a {' and '.join(missing)}")
        if not (is_whole_number(day) and is_whole_number(month) and is_whole_number(year)) or len(year) != 4:
            raise forms.ValidationError(f"{label} must be a real date, for example 27 3 2007")
        try:
            result = date(int(year), int(month), int(day))
        except ValueError as error:
            raise forms.ValidationError(f"{label} must be a real date, for example 27 3 2007") from error
        if not self.allow_future and result > timezone.localdate():
            raise forms.ValidationError(f"{label} must be today or in the past")
        if result.year < self.earliest_year:
            raise forms.ValidationError(f"{label} must be after {self.earliest_year}")
        if not is_sane(result):  # a future date allowed, but not year 9999 (waymark/core/daterange.py)
            raise forms.ValidationError(f"{label} must be before {LATEST.year + 1}")
        return result

    def compress(self, data_list: Any) -> Any:  # clean() does the work
        return data_list
