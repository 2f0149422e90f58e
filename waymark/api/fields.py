"""Serializer fields shared by the API's input serializers."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from waymark.core.daterange import validate_sane_date


class SaneDateField(serializers.DateField):
    """A date between 1900 and 2100 (``waymark/core/daterange``): 0001 and 9999 are a 400 with
    the field named, before anything else runs. Every model refuses them too, as a backstop."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs["validators"] = [*kwargs.get("validators", ()), validate_sane_date]
        super().__init__(**kwargs)
