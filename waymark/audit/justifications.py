"""Reading the reasons users gave, on the page of the record they concern.

A justification is free text and may locate someone, so the audit trail's own pages (search,
export, the event page) never show it. The record's own page does, to whoever that page's access
rules already let see the record: call ``given_for(record)`` only after the page's own check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db import models

from waymark.audit.models import JUSTIFICATION_REF, AuditEvent, Justification


@dataclass(frozen=True)
class GivenReason:
    """One reason, with who gave it, when, and for which action."""

    text: str
    given_at: datetime
    given_by: str
    action: str


def given_for(record: models.Model) -> list[GivenReason]:
    """Every reason given for an audited action on ``record``, oldest first."""
    object_type, object_id = record._meta.label_lower, str(record.pk)
    notes = {str(note.pk): note for note in Justification.objects.filter(object_type=object_type, object_id=object_id)}
    if not notes:
        return []
    events = AuditEvent.objects.filter(
        object_type=object_type,
        object_id=object_id,
        justification__in=[f"{JUSTIFICATION_REF}{pk}" for pk in notes],
    ).order_by("sequence")
    return [
        GivenReason(
            text=notes[event.justification[len(JUSTIFICATION_REF) :]].text,
            given_at=event.occurred_at,
            given_by=event.actor_label,
            action=event.get_action_display(),
        )
        for event in events
    ]
