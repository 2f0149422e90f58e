"""What the demo's equivalence tests compare: every row of a kind as its content fields, so the
rows the demo's bulk writer made and the rows the actions made can be compared as lists."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

from django.db import models


def comparable_rows(
    kind: type[models.Model],
    *,
    skip: Collection[str],
    scenario_models: Collection[type[models.Model]],
    key: Callable[[Any, Any], Any],
) -> list[dict[str, Any]]:
    """Every row of ``kind``, without the ``skip`` fields (ids and bookkeeping), each foreign key to
    a row made in the scenario itself (``scenario_models``) replaced by ``key(model, pk)``, which
    names that row by its content; sorted, so two builds compare as lists."""
    rows = []
    for obj in kind._default_manager.all():
        row: dict[str, Any] = {}
        for f in kind._meta.concrete_fields:
            if f.name in skip:
                continue
            value = getattr(obj, f.attname)
            if f.is_relation and f.related_model in scenario_models:
                value = key(f.related_model, value)
            row[f.name] = value
        rows.append(row)
    return sorted(rows, key=lambda r: repr(sorted(r.items(), key=lambda kv: kv[0])))
