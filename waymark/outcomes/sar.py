"""Outcome measures recorded for a person, for a subject access request
(waymark/core/subject_access.py)."""

from __future__ import annotations

import uuid

from waymark.core.subject_access import Item, register_part
from waymark.outcomes.models import AbuseKind, OutcomeMeasure


@register_part("outcomes", "Outcome measures", order=70)
def outcome_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    for measure in OutcomeMeasure.objects.filter(subject_id=person_id).select_related("case").order_by("measured_on"):
        item = Item(f"Case {measure.case.number}: {measure}")
        for kind in AbuseKind:
            display = getattr(measure, f"get_{kind.value}_display")()
            item.own(str(kind.label), display)
        item.own("Feeling safe", measure.get_feeling_safe_display() if measure.feeling_safe else "")
        item.own("Wellbeing", measure.get_wellbeing_display() if measure.wellbeing else "")
        item.own("Quality of life", measure.get_quality_of_life_display() if measure.quality_of_life else "")
        items.append(item)
    return items
