"""The hash chain over audit events.

Each row's hash is an HMAC (keyed with AUDIT_CHAIN_KEY) of its own fields and the previous
row's hash. Editing a row breaks its hash; inserting or deleting a row breaks the sequence or
the link. Someone with write access to the database but not the key cannot forge a chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings

from waymark.audit.models import AuditEvent

GENESIS_HASH = "0" * 64


def compute_hash(event: AuditEvent, previous_hash: str) -> str:
    payload = {
        "sequence": event.sequence,
        "occurred_at": event.occurred_at.isoformat(),
        "actor": str(event.actor_id or ""),
        "actor_label": event.actor_label,
        "actor_agency": str(event.actor_agency_id or ""),
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "outcome": event.outcome,
        "request_id": event.request_id,
        "ip_address": event.ip_address or "",
        "justification": event.justification,
        "detail": event.detail,
        "previous_hash": previous_hash,
    }
    message = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainProblem:
    sequence: int
    row_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"sequence {self.sequence}" + (f" (row id {self.row_id})" if self.row_id is not None else "")
        return f"{where}: {self.reason}"


def _events_in_order(batch_size: int = 5000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size)


def first_problem() -> ChainProblem | None:
    """Walks the whole chain and returns the first row that does not verify, or None."""
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    for event in _events_in_order():
        if event.sequence != expected_sequence:
            reason = (
                "row missing before this one (deleted?)"
                if event.sequence > expected_sequence
                else "sequence out of order (inserted?)"
            )
            return ChainProblem(expected_sequence, event.pk, reason)
        if event.previous_hash != previous_hash:
            return ChainProblem(
                event.sequence,
                event.pk,
                "does not link to the row before it (inserted or deleted?)",
            )
        if compute_hash(event, previous_hash) != event.entry_hash:
            return ChainProblem(event.sequence, event.pk, "contents do not match their hash (edited?)")
        previous_hash = event.entry_hash
        expected_sequence += 1
    return None
