"""Incidents a person was harmed in or caused, for a subject access request
(waymark/core/subject_access.py)."""

from __future__ import annotations

import uuid

from django.db.models import Q

from waymark.core.subject_access import Item, name_of, register_part
from waymark.incidents.models import Incident

SUPPORTING_SERVICE = "Names the service that recorded it, which could locate the person harmed"


@register_part("incidents", "Incidents", order=40)
def incident_part(person_id: uuid.UUID) -> list[Item]:
    items: list[Item] = []
    rows = Incident.objects.filter(Q(victim_id=person_id) | Q(perpetrator_id=person_id)).select_related(
        "victim", "perpetrator", "agency"
    )
    for incident in rows.order_by("occurred_on"):
        harmed = incident.victim_id == person_id
        other = incident.perpetrator if harmed else incident.victim
        agency = name_of(incident.agency)
        item = Item(f"Incident, {incident.occurred_on:%d %B %Y}")
        if harmed:
            item.own("Recorded by", agency).own("Your part", "Harmed")
        else:
            item.locates("Recorded by", agency, SUPPORTING_SERVICE).own("Your part", "Recorded as causing harm")
        if other is not None:
            item.third_party("Harmed by" if harmed else "Person harmed", other.full_name or "another person", other.pk)
        item.text("What happened", incident.description)
        items.append(item)
    return items
