"""Who has viewed a person's record, for a subject access request (waymark/core/subject_access.py):
the recipients of their data (UK GDPR Art. 15(1)(c) allows "categories of recipient"), by kind of
agency, counted from the same reads as the record's access log (``selectors.reads_of``: her person
record, the MARAC agenda and minutes that named her, the records about her). Not by agency name:
for a person causing harm, the name of the service that looked at his record could say which
service supports the person he harmed, and where."""

from __future__ import annotations

import uuid

from django.db.models import Count, Max, Min

from waymark.core.subject_access import Item, register_part
from waymark.dataprotection.selectors import reads_of
from waymark.organisations.models import Agency


@register_part("audit", "Who has viewed your record", order=900)
def viewers_part(person_id: uuid.UUID) -> list[Item]:
    rows = (
        reads_of(person_id)
        .values("actor_agency__kind")
        .annotate(views=Count("pk"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("-last")
    )
    kinds = dict(Agency._meta.get_field("kind").choices or [])
    return [
        Item(kinds.get(row["actor_agency__kind"] or "", "Staff of the partnership"))
        .own("Views", row["views"])
        .own("First viewed", row["first"].date())
        .own("Last viewed", row["last"].date())
        for row in rows
    ]
