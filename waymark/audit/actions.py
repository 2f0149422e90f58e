"""Writing audit events. The only way rows get into the audit trail.

Call ``audit_record`` inside the same transaction as the change it records: if the change
rolls back, so does its audit row, and an audited change can never commit without its row.
"""

from __future__ import annotations

from typing import Any

from django.db import connection, models, transaction
from django.utils import timezone

from waymark.audit.chain import GENESIS_HASH, compute_hash
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.core import request_context

# Arbitrary constant naming the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_341_905_122


def _lock_chain() -> None:
    """Only one transaction at a time may append (on SQLite, writes are serialised anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def audit_record(
    *,
    actor: Any | None,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    justification: str = "",
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
) -> AuditEvent:
    """Appends one event to the audit trail and returns it.

    ``obj`` names the record (its type and id are stored, never its contents). ``detail`` must
    hold only non-sensitive context such as counts or field names.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor = actor if actor is not None and getattr(actor, "is_authenticated", False) else None
    context = request_context.current()
    with transaction.atomic():
        _lock_chain()
        last = AuditEvent.objects.order_by("-sequence").only("sequence", "entry_hash").first()
        previous_hash = last.entry_hash if last else GENESIS_HASH
        event = AuditEvent(
            sequence=(last.sequence + 1) if last else 1,
            occurred_at=timezone.now(),
            actor=actor,
            actor_label=actor_label or (str(actor) if actor else ""),
            actor_agency=actor.primary_agency if actor else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            request_id=context.request_id if context else "",
            ip_address=context.ip_address if context else None,
            justification=justification,
            detail=detail or {},
            previous_hash=previous_hash,
        )
        event.entry_hash = compute_hash(event, previous_hash)
        event.save()
    return event
