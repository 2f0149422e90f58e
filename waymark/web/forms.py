"""The form helpers every app's pages share, written once.

- ``GovukDateField``: the GOV.UK date input (day, month, year boxes) with GOV.UK messages;
- the GOV.UK field factories (``name_field``, ``text_field``, ``radios_field``, ``age_field``):
  the label, limits and error messages written the GOV.UK way;
- ``add_action_errors``: puts an action's ``ValidationError`` onto a form, whatever its shape;
- ``MessagesForm``: a form whose fields each say, in one GOV.UK message, what to do;
- ``ButtonForm``: the form of a button that posts nothing the action needs, and ``error_text``:
  every message on a form in one line, for a refusal flashed on the page the button came from.

The view pattern that validates a form and runs an action is ``waymark/web/actions.py``
(``run_action``). Like it, this module imports nothing from the Waymark apps (only the kernel), so
any app's forms may use it without an upward import (docs/architecture.md).
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar

from django import forms
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.utils import timezone

from waymark.core.daterange import LATEST, is_sane
from waymark.core.numbers import is_whole_number


class GovukDateInput(forms.MultiWidget):
    template_name = "web/widgets/date_input.html"

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
            raise forms.ValidationError(f"{label} must be a real date")
        try:
            result = date(int(year), int(month), int(day))
        except (ValueError, OverflowError) as error:  # a day or month of thirty digits overflows
            raise forms.ValidationError(f"{label} must be a real date") from error
        if not self.allow_future and result > timezone.localdate():
            raise forms.ValidationError(f"{label} must be today or in the past")
        if result.year < self.earliest_year:
            raise forms.ValidationError(f"{label} must be after {self.earliest_year}")
        if not is_sane(result):  # a future date allowed, but not year 9999 (waymark/core/daterange.py)
            raise forms.ValidationError(f"{label} must be before {LATEST.year + 1}")
        return result

    def compress(self, data_list: Any) -> Any:  # clean() does the work
        return data_list


# --- GOV.UK field factories -------------------------------------------------------------------

NAME_MAX = 100
TEXT_MAX = 5000


def name_field(label: str, *, required: bool = False, required_message: str = "") -> forms.CharField:
    """A person's name (one part of it): no autocomplete, no spellcheck, 100 characters at most."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=NAME_MAX,
        error_messages={
            "required": required_message or f"Enter the {label.lower()}",
            "max_length": f"{label} must be {NAME_MAX} characters or fewer",
        },
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )


def text_field(
    label: str,
    *,
    required: bool,
    help_text: str = "",
    max_length: int = TEXT_MAX,
    rows: int = 5,
    required_message: str = "",
) -> forms.CharField:
    """A free-text answer in a textarea (five rows unless ``rows`` says)."""
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        error_messages={
            "required": required_message or f"Enter {label[0].lower() + label[1:]}",
            "max_length": f"{label} must be {max_length:,} characters or fewer",
        },
        widget=forms.Textarea(attrs={"rows": rows}),
    )


def radios_field(
    label: str, choices: Any, *, required: bool = True, help_text: str = "", required_message: str = ""
) -> forms.ChoiceField:
    """One answer from a few, as GOV.UK radios."""
    return forms.ChoiceField(
        label=label,
        choices=choices,
        required=required,
        help_text=help_text,
        widget=forms.RadioSelect,
        error_messages={"required": required_message or f"Select an answer: {label[0].lower() + label[1:]}"},
    )


def age_field(label: str) -> forms.IntegerField:
    """An age in whole years, asked only when the date of birth is not known."""
    return forms.IntegerField(
        label=label,
        required=False,
        min_value=0,
        max_value=120,
        help_text="Only if you do not know their date of birth.",
        error_messages={
            "invalid": "Age must be a whole number, like 34",
            "min_value": "Age must be 0 or more",
            "max_value": "Age must be 120 or less",
        },
        widget=forms.NumberInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )


class MessagesForm(forms.Form):
    """A form whose fields say exactly what to do, the GOV.UK way: ``messages`` maps a field's name
    to its one message, shown however its answer is missing or wrong."""

    messages: ClassVar[dict[str, str]] = {}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for name, message in self.messages.items():
            if name in self.fields:
                for key in MESSAGE_KEYS:
                    self.fields[name].error_messages[key] = message


MESSAGE_KEYS = ("required", "invalid", "invalid_choice", "invalid_pk_value", "invalid_list", "min_value", "max_value")


# --- An action's errors on the form -------------------------------------------------------------


def add_action_errors(form: forms.BaseForm, error: ValidationError) -> None:
    """Puts an action's ``ValidationError`` onto ``form``, each message once.

    A message goes against the field it names when the form shows that field; otherwise (no field
    name at all, ``__all__``, a name the form has no field for, or a hidden field such as the
    version a form was read at) it goes against the form as a whole, so it is always shown and
    this never raises, whatever shape the action's error has.

    A form that asks for something under another name than the action's argument says so in
    ``action_field_names`` (the action's name -> the form's field), so the message lands on the
    field the user filled in (an allocation form's ``membership`` for the action's ``caseworker``)."""
    if not hasattr(error, "error_dict"):
        for message in error.messages:
            form.add_error(None, message)
        return
    renamed: dict[str, str] = getattr(form, "action_field_names", {})
    for name, messages in error.message_dict.items():
        name = renamed.get(name, name)
        field = form.fields.get(name)
        target = name if field is not None and not field.widget.is_hidden else None
        for message in messages:
            form.add_error(target, message)


def error_text(form: forms.BaseForm) -> str:
    """Every message on ``form`` (the form's own first, then each field's), in one line."""
    messages = list(form.non_field_errors())
    messages += [message for name, errors in form.errors.items() if name != NON_FIELD_ERRORS for message in errors]
    return " ".join(str(message) for message in messages)


class ButtonForm(forms.Form):
    """The form of a button that posts nothing the action needs (or only what its view reads
    itself): always valid, it is there so that ``run_action`` has somewhere to put the refusal."""
