"""Formatting outcome figures the same way everywhere."""

from __future__ import annotations

from typing import Any

from django import template

from waymark.core.disclosure import SYMBOL, Suppressed

register = template.Library()


@register.filter
def rate(value: float | None) -> str:
    """A fraction as a whole percentage; "Not measured" when there was nothing to measure."""
    return "Not measured" if value is None else f"{value:.0%}"


@register.filter
def kpi_value(result: Any, kind: str) -> str:
    """A KPI's headline value by its kind: a count, a rate or a median of working days."""
    value = result.value
    if isinstance(value, Suppressed):
        return SYMBOL
    if kind == "rate":
        return rate(value)
    if kind == "median":
        if value is None:
            return "Not measured"
        days = f"{value:g}"
        return f"{days} working day" if days == "1" else f"{days} working days"
    return f"{value:,}"


@register.filter
def of(numerator: int | None, denominator: int | None) -> str:
    """ "85 of 100" (or nothing when the figure has no denominator)."""
    if denominator is None:
        return ""
    return f"{numerator or 0:,} of {denominator:,}"


@register.filter
def get_item(mapping: Any, key: str) -> Any:
    """``mapping[key]`` in a template (a KPI by its key)."""
    return mapping.get(key) if hasattr(mapping, "get") else None
