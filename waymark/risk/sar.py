"""Risk assessments of a person, for a subject access request (waymark/core/subject_access.py)."""

from __future__ import annotations

import uuid

from waymark.core.subject_access import Item, name_of, register_part
from waymark.risk.models import RiskAnswer, RiskAssessment


@register_part("risk", "Risk assessments", order=30)
def risk_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    for assessment in RiskAssessment.objects.filter(person_id=person_id).select_related("instrument", "agency"):
        item = (
            Item(f"Risk assessment, {assessment.assessed_on:%d %B %Y}")
            .own("Checklist", assessment.instrument.name)
            .own("By", name_of(assessment.agency))
            .own("Questions answered yes", assessment.yes_count)
            .own("Risk level", assessment.get_final_level_display())
            .text("Professional judgement", assessment.judgement_reason)
        )
        for answer in RiskAnswer.objects.filter(assessment=assessment).select_related("item").order_by("item__number"):
            item.own(f"{answer.item.number}. {answer.item.text}", answer.get_answer_display())
        items.append(item)
    return items
