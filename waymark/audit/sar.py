"""Who has viewed a person's record, for a subject access request (waymark/core/subject_access.py):
the recipients of their data (UK GDPR Art. 15(1)(c) allows "categories of recipient"), by kind of
agency, from the audit trail. Not by agency name: for a person causing harm, the name of the
service that looked at his record could say which service supports the person he harmed, and
where."""

from __future__ import annotations

import uuid

from django.apps import apps
from django.db.models import Count, Max, Min

from waymark.audit.models import AuditAction, AuditEvent
from waymark.core.subject_access import Item, register_part


@register_part("audit", "Who has viewed your record", order=900)
def viewers_part(person_id: uuid.UUID) -> list[Item]:
    rows = (
        AuditEvent.objects.filter(action=AuditAction.VIEW, object_type="people.person", object_id=str(person_id))
        .values("actor_agency__kind")
        .annotate(views=Count("pk"), first=Min("occurred_at"), last=Max("occurred_at"))
        .order_by("-last")
    )
    # The agency kinds' labels through the app registry: audit imports no app above it (docs/architecture.md).
    kinds = dict(apps.get_model("organisations", "Agency")._meta.get_field("kind").choices or [])
    return [
        Item(kinds.get(row["actor_agency__kind"] or "", "Staff of the partnership"))
        .own("Views", row["views"])
        .own("First viewed", row["first"].date())
        .own("Last viewed", row["last"].date())
        for row in rows
    ]
