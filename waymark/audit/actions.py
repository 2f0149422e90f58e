"""Writing audit events. The only way rows get into the audit trail.

Call ``audit_record`` inside the same transaction as the change it records: if the change
rolls back, so does its audit row, and an audited change can never commit without its row.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from typing import TYPE_CHECKING, Any

from django.contrib.auth.models import AnonymousUser
from django.db import connection, models, transaction
from django.utils import timezone

from waymark.audit.chain import GENESIS_HASH, compute_hash
from waymark.audit.models import JUSTIFICATION_REF, AuditAction, AuditEvent, AuditOutcome, Justification
from waymark.core import request_context

if TYPE_CHECKING:
    from waymark.accounts.models import User

# Arbitrary constant naming the PostgreSQL advisory lock that serialises appends to the chain.
_CHAIN_LOCK_KEY = 7_341_905_122
_LABEL_LENGTH = AuditEvent._meta.get_field("actor_label").max_length or 254


def _lock_chain() -> None:
    """Only one transaction at a time may append (on SQLite, writes are serialised anyway)."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHAIN_LOCK_KEY])


def _stored_ip(raw: str | None) -> str | None:
    """The client IP as the database will hand it back, so that the row's hash still verifies.

    (Django rewrites IPv6 addresses to their short lower-case form on save: hashing the raw
    text would make an honest row look edited.) Anything that is not an IP address is dropped.
    """
    if not raw:
        return None
    try:
        ipaddress.ip_address(raw)
    except ValueError:
        return None
    prepared = AuditEvent._meta.get_field("ip_address").get_prep_value(raw)
    return str(prepared) if prepared else None


def audit_record(
    *,
    actor: User | AnonymousUser | None,
    action: AuditAction,
    obj: models.Model | None = None,
    object_type: str = "",
    object_id: str = "",
    outcome: AuditOutcome = AuditOutcome.SUCCESS,
    justification: str = "",
    detail: dict[str, Any] | None = None,
    actor_label: str = "",
    omit_client_ip: bool = False,
) -> AuditEvent:
    """Appends one event to the audit trail and returns it.

    ``obj`` names the record (its type and id are stored, never its contents). ``detail`` must
    hold only non-sensitive context such as counts or field names. ``justification`` (free text
    a user gave as their reason) is never written into the row: it is kept encrypted in a
    ``Justification`` the row references, and the chain hashes its plaintext. ``omit_client_ip`` leaves the
    IP address out, for requests from members of the public (a survivor's self-referral), whose
    address could locate them; the request id is still kept.
    """
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(obj.pk)
    actor = None if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated else actor
    # Hash exactly what the database will hand back: JSON turns tuples into lists and keys
    # into strings. Something JSON cannot hold (a UUID, a date) fails here, loudly.
    stored_detail = json.loads(json.dumps(detail or {}))
    label = (actor_label or (str(actor) if actor else ""))[:_LABEL_LENGTH]
    context = request_context.current()
    justification = justification.strip()
    with transaction.atomic():
        _lock_chain()
        note = None
        if justification:
            note = Justification.objects.create(
                id=uuid.uuid4(),
                text=justification,
                object_type=object_type[:64],
                object_id=object_id[:64],
                recorded_at=timezone.now(),
            )
        last = AuditEvent.objects.order_by("-sequence").only("sequence", "entry_hash").first()
        previous_hash = last.entry_hash if last else GENESIS_HASH
        event = AuditEvent(
            sequence=(last.sequence + 1) if last else 1,
            occurred_at=timezone.now(),
            actor=actor,
            actor_label=label,
            actor_agency=actor.primary_agency if actor else None,
            action=action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            request_id=context.request_id if context else "",
            ip_address=_stored_ip(context.ip_address) if context and not omit_client_ip else None,
            justification=f"{JUSTIFICATION_REF}{note.pk}" if note else "",
            detail=stored_detail,
            previous_hash=previous_hash,
        )
        event.entry_hash = compute_hash(event, previous_hash, justification=justification)
        event.save()
    return event
