"""The range of dates Waymark accepts anywhere: forms, the API, imports and, as a backstop, the
database layer (``refuse_insane_dates``, a ``pre_save`` guard on every model).

A date of birth in 0001 or an incident in 9999 is always a typing error, and arithmetic on it
(an age, a review date 6 months on, a financial year) overflows and breaks every page that shows
the record. ``manage.py check_stored_values`` reports such values already stored.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models

EARLIEST = date(1900, 1, 1)
LATEST = date(2100, 12, 31)
RANGE_MESSAGE = f"must be between {EARLIEST.year} and {LATEST.year}"


def is_sane(value: date | datetime | None) -> bool:
    if value is None:
        return True
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST


def validate_sane_date(value: date | datetime | None) -> None:
    """A validator for form, serializer and model fields."""
    if not is_sane(value):
        raise ValidationError(f"The date {RANGE_MESSAGE}.", code="date_out_of_range")


def date_fields(model: type[models.Model]) -> list[models.Field[Any, Any]]:
    """The concrete date and date-time fields of a model."""
    return [
        field
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField | models.DateTimeField)  # DateTimeField is a DateField
    ]


def is_waymark_model(model: type[models.Model]) -> bool:
    return model._meta.app_config is not None and model._meta.app_config.name.startswith("waymark.")


def refuse_insane_dates(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """``pre_save``: refuses to store a date outside the range, whoever calls ``save()``, as a
    ValidationError naming the field (so actions' callers show it as a field error, and the
    transaction saves nothing). Fixture loading (``raw``) is not checked, nor are other
    libraries' models (a task queue stores ``datetime.max`` to mean "no time set")."""
    if raw or not is_waymark_model(sender):
        return
    errors = {}
    for field in date_fields(sender):
        value = getattr(instance, field.attname, None)
        if isinstance(value, date) and not is_sane(value):
            errors[field.name] = f"{str(field.verbose_name).capitalize()} {RANGE_MESSAGE}."
    if errors:
        raise ValidationError(errors)
