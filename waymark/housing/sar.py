"""Homelessness applications, temporary accommodation and DA tenancy panel cases about a person,
for a subject access request (waymark/core/subject_access.py)."""

from __future__ import annotations

import uuid

from waymark.core.subject_access import PANEL_INTELLIGENCE, Item, register_locator, register_part
from waymark.housing.models import (
    Duty,
    HomelessnessApplication,
    HouseholdMember,
    PanelIntelligence,
    TemporaryPlacement,
    TenancyPanelCase,
)


@register_part("housing", "Housing", order=100)
def housing_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    for application in HomelessnessApplication.objects.filter(person_id=person_id).select_related("agency"):
        item = (
            Item(f"Homelessness application {application.number}")
            .own("Council", application.agency.name)
            .own("Applied", application.applied_on)
            .own("Reason for loss of last settled home", application.get_loss_reason_display())
            .own("Stage", application.get_stage_display())
            .own("Assessment", application.get_assessment_outcome_display() if application.assessment_outcome else "")
            .own("Priority need", application.priority_need)
        )
        for member in HouseholdMember.objects.filter(application=application):
            item.third_party("Household member", f"{member.get_role_display()}, age {member.age}")
        for duty in Duty.objects.filter(application=application).order_by("started_on"):
            item.own(f"{duty.get_kind_display()} duty", f"from {duty.started_on} to {duty.ended_on or 'now'}")
        items.append(item)
        for placement in TemporaryPlacement.objects.filter(application=application).order_by("started_on"):
            items.append(
                Item(f"Temporary accommodation from {placement.started_on:%d %B %Y}")
                .own("Type", placement.get_placement_type_display())
                .own("Area", placement.area)
                .own("Address", placement.address)
                .own("Ended", placement.ended_on or "")
            )
    for panel_case in TenancyPanelCase.objects.filter(survivor_id=person_id):
        items.append(
            Item(f"DA tenancy panel case {panel_case.number}")
            .own("Status", panel_case.get_status_display())
            .own("Referred", panel_case.referred_on)
            .text("Representations", panel_case.representations)
        )
        for intelligence in PanelIntelligence.objects.filter(case=panel_case):
            items.append(
                Item("Intelligence shared with the panel", withheld=PANEL_INTELLIGENCE).exempt(
                    "Summary", intelligence.summary, PANEL_INTELLIGENCE
                )
            )
    return items


@register_locator("housing")
def housing_locations(person_ids: set[uuid.UUID]) -> list[str]:
    placements = TemporaryPlacement.objects.filter(application__person__in=person_ids)
    return [placement.address for placement in placements if placement.address]
