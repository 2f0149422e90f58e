"""Refuge referrals and sanctuary records about a person, for a subject access request
(waymark/core/subject_access.py). A refuge's or safe house's name and address locate everyone
living there, so they are always redacted; every safe house's address is a locator."""

from __future__ import annotations

import uuid

from waymark.core.subject_access import REFUGE_LOCATION, Item, register_locator, register_part
from waymark.refuge.models import RefugeReferral, SafeHouse, Sanctuary


@register_part("refuge", "Safe accommodation and sanctuary", order=110)
def refuge_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    for referral in RefugeReferral.objects.filter(person_id=person_id).select_related("service"):
        items.append(
            Item(f"Safe accommodation referral {referral.number}")
            .own("Accommodation type", referral.service.get_accommodation_type_display())
            .locates("Service", referral.service.name, REFUGE_LOCATION)
            .locates("Area", referral.service.area, REFUGE_LOCATION)
            .own("Status", referral.get_status_display())
            .own("Received", referral.received_on)
            .own("Arrived", referral.arrived_on or "")
            .own("Left", referral.left_on or "")
            .text("Decision note", referral.decision_note)
        )
    for sanctuary in Sanctuary.objects.filter(person_id=person_id):
        items.append(
            Item(f"Sanctuary scheme {sanctuary.number}")
            .own("Status", sanctuary.get_status_display())
            .own(
                "Address",
                ", ".join(p for p in (sanctuary.line1, sanctuary.line2, sanctuary.town, sanctuary.postcode) if p),
            )
            .own("Referred", sanctuary.referred_on)
            .own("Fitted", sanctuary.fitted_on or "")
            .text("Your feedback", sanctuary.feedback_comment)
        )
    return items


@register_locator("refuge")
def refuge_locations(person_ids: set[uuid.UUID]) -> list[str]:
    found: list[str] = []
    for house in SafeHouse.objects.all():
        found += [house.line1, house.line2, house.postcode]
    for sanctuary in Sanctuary.objects.filter(person__in=person_ids):
        found += [sanctuary.line1, sanctuary.line2, sanctuary.postcode]
    return [value for value in found if value]
