"""Writing audit events. The only way rows get into the audit trail.

Call ``audit_record`` (or ``audit_records``, for many records read at once) inside the same
transaction as the change it records: if the change rolls back, so does its audit row, and an
audited change can never commit without its row.
"""

from __future__ import annotations

import ipaddress
import json
import uuid
from collections.abc import Iterable
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
    writer = _Writer(actor, action, detail, actor_label=actor_label, omit_client_ip=omit_client_ip)
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
        last = _chain_head()
        event = writer.event(
            last,
            object_type,
            object_id,
            outcome=outcome,
            justification_ref=f"{JUSTIFICATION_REF}{note.pk}" if note else "",
            justification=justification,
        )
        event.save()
    return event


def audit_records(
    *,
    actor: User | AnonymousUser | None,
    action: AuditAction,
    records: Iterable[tuple[str, str]],
    detail: dict[str, Any] | None = None,
) -> list[AuditEvent]:
    """Appends one event per record (``(object_type, object_id)``, in order), by the same actor,
    for the same action and with the same ``detail``, chained one after another exactly as that
    many ``audit_record`` calls would chain them, in one INSERT: for a page that reads many
    records at once (a MARAC agenda, naming every victim and person causing harm), so its
    statements do not grow with them. No justification: a reason is given for one record, through
    ``audit_record``. Call it inside the page's or action's transaction, as ``audit_record``."""
    pairs = list(records)
    if not pairs:
        return []
    writer = _Writer(actor, action, detail)
    with transaction.atomic():
        _lock_chain()
        last = _chain_head()
        events = []
        for object_type, object_id in pairs:
            last = writer.event(last, object_type, object_id)
            events.append(last)
        # The queryset refuses bulk_create to every other caller: rows arrive only chained, from here.
        models.QuerySet[AuditEvent](model=AuditEvent).bulk_create(events)
    return events


def _chain_head() -> AuditEvent | None:
    return AuditEvent.objects.order_by("-sequence").only("sequence", "entry_hash").first()


class _Writer:
    """What every event an actor's call appends shares (the actor, their agency and label, the
    action, the request's id and address, the detail), and how the next event is chained."""

    def __init__(
        self,
        actor: User | AnonymousUser | None,
        action: AuditAction,
        detail: dict[str, Any] | None,
        *,
        actor_label: str = "",
        omit_client_ip: bool = False,
    ) -> None:
        self.actor = None if actor is None or isinstance(actor, AnonymousUser) or not actor.is_authenticated else actor
        self.action = action
        # Hash exactly what the database will hand back: JSON turns tuples into lists and keys
        # into strings. Something JSON cannot hold (a UUID, a date) fails here, loudly.
        self.detail = json.loads(json.dumps(detail or {}))
        self.label = (actor_label or (str(self.actor) if self.actor else ""))[:_LABEL_LENGTH]
        self.agency = self.actor.primary_agency if self.actor else None
        context = request_context.current()
        self.request_id = context.request_id if context else ""
        self.ip_address = _stored_ip(context.ip_address) if context and not omit_client_ip else None

    def event(
        self,
        last: AuditEvent | None,
        object_type: str,
        object_id: str,
        *,
        outcome: AuditOutcome = AuditOutcome.SUCCESS,
        justification_ref: str = "",
        justification: str = "",
    ) -> AuditEvent:
        """The event after ``last`` (the chain's head; None for the first), hashed, not saved."""
        previous_hash = last.entry_hash if last else GENESIS_HASH
        event = AuditEvent(
            sequence=(last.sequence + 1) if last else 1,
            occurred_at=timezone.now(),
            actor=self.actor,
            actor_label=self.label,
            actor_agency=self.agency,
            action=self.action,
            object_type=object_type,
            object_id=object_id,
            outcome=outcome,
            request_id=self.request_id,
            ip_address=self.ip_address,
            justification=justification_ref,
            detail=self.detail,
            previous_hash=previous_hash,
        )
        event.entry_hash = compute_hash(event, previous_hash, justification=justification)
        return event
