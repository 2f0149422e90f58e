"""Recording incidents: atomic, validated and audited (never with the description)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.incidents.models import Incident

if TYPE_CHECKING:
    from waymark.accounts.models import User

MAX_DESCRIPTION = 10_000

# Called with (incident, actor) inside the transaction that records an incident. MARAC's flag and
# tag registers here (waymark/marac/flags.py), so an incident recorded any way is checked.
ON_RECORDED: list[Callable[[Incident, Any], None]] = []


@transaction.atomic
def incident_record(
    *,
    actor: User | None,
    victim: Any,
    occurred_on: date,
    perpetrator: Any | None = None,
    agency: Any | None = None,
    description: str = "",
    ref: str | None = None,
    imported: bool = False,
) -> Incident:
    """Records an incident. ValidationError names every problem; nothing is saved on error."""
    errors: dict[str, str] = {}
    if occurred_on > timezone.localdate():
        errors["occurred_on"] = "The date of the incident must be today or in the past."
    if perpetrator is not None and perpetrator.pk == victim.pk:
        errors["perpetrator"] = "The person causing harm cannot be the same person as the victim."
    if len(description) > MAX_DESCRIPTION:
        errors["description"] = f"The description must be {MAX_DESCRIPTION:,} characters or fewer."
    if ref and Incident.objects.filter(ref=ref).exists():
        errors["ref"] = f"An incident with reference {ref} already exists."
    if errors:
        raise ValidationError(errors)
    incident = Incident.objects.create(
        ref=ref or None,
        occurred_on=occurred_on,
        victim=victim,
        perpetrator=perpetrator,
        agency=agency if agency is not None else (actor.primary_agency if actor is not None else None),
        description=description.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit_record(
        actor=actor,
        action=AuditAction.IMPORT if imported else AuditAction.CREATE,
        obj=incident,
        detail={
            "victim": str(victim.pk),
            "perpetrator": str(perpetrator.pk) if perpetrator is not None else "",
            "has_description": bool(incident.description),
        },
    )
    for hook in ON_RECORDED:
        hook(incident, actor)
    return incident
