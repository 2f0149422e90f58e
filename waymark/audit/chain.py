"""The hash chain over audit events, and its verification.

Each row's hash is an HMAC-SHA256 (keyed with ``AUDIT_CHAIN_KEY``) of its own fields, its
``sequence`` and the previous row's hash. So:

- editing any field of a row breaks that row's hash;
- inserting a row (with or without renumbering the sequence) needs a hash only the key can
  make, and the forged row fails to verify;
- deleting a row from the middle leaves a gap in ``sequence`` and a broken link;
- deleting the *newest* rows leaves a valid, shorter chain. Only a head recorded outside the
  database (``ChainHead``: sequence and hash, printed by ``verify_audit_chain`` and accepted
  back by its ``--expect-head`` and ``--checkpoint`` options) shows that.

Someone with write access to the database but not the key cannot forge a consistent chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings

from waymark.audit.models import JUSTIFICATION_REF, AuditEvent, Justification

GENESIS_HASH = "0" * 64
# Stands in for a justification whose row is gone: no honest text equals it, so the hash fails.
_MISSING = "\x00justification missing"


def justification_id(event: AuditEvent) -> str | None:
    """The id of the event's Justification, or None when it references none."""
    column = event.justification or ""
    return column[len(JUSTIFICATION_REF) :] if column.startswith(JUSTIFICATION_REF) else None


def hashed_justification(event: AuditEvent) -> str:
    """The justification as the chain hashes it: the plaintext, read (decrypted) from its row.

    A row written before justifications moved out holds its text in the column itself and was
    hashed over it; migration audit 0003 moved that text without changing what is hashed.
    """
    ref = justification_id(event)
    if ref is None:
        return event.justification
    found = Justification.objects.filter(pk=ref).values_list("text", flat=True).first()
    return _MISSING if found is None else found


_HEAD_PATTERN = re.compile(r"^\s*(\d+):([0-9a-f]{64})\s*$")


def compute_hash(event: AuditEvent, previous_hash: str, *, justification: str | None = None) -> str:
    """The row's HMAC. ``justification`` is the plaintext when the caller holds it already
    (``audit_record``); otherwise it is read from the row the event references."""
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
        "justification": hashed_justification(event) if justification is None else justification,
        "detail": event.detail,
        "previous_hash": previous_hash,
    }
    message = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str).encode()
    return hmac.new(settings.AUDIT_CHAIN_KEY.encode(), message, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class ChainHead:
    """The newest row of a chain: its sequence (so also the count of rows) and its hash."""

    sequence: int
    entry_hash: str

    def __str__(self) -> str:
        return f"{self.sequence}:{self.entry_hash}"

    @classmethod
    def parse(cls, text: str) -> ChainHead:
        """Reads ``SEQUENCE:HASH`` as printed by ``verify_audit_chain``; ValueError if malformed."""
        match = _HEAD_PATTERN.match(text)
        if not match:
            raise ValueError("A chain head is written SEQUENCE:HASH (64 lower-case hex digits).")
        return cls(int(match.group(1)), match.group(2))


@dataclass(frozen=True)
class ChainProblem:
    """The first row that does not verify (``row_id`` None when the row itself is missing)."""

    sequence: int
    row_id: int | None
    reason: str

    def __str__(self) -> str:
        where = f"sequence {self.sequence}" + (f" (row id {self.row_id})" if self.row_id is not None else "")
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class ChainReport:
    """The outcome of a walk: the first problem if any, and the head reached."""

    problem: ChainProblem | None
    head: ChainHead | None
    rows: int


def _events_in_order(batch_size: int = 5000) -> Iterator[AuditEvent]:
    return AuditEvent.objects.order_by("sequence").iterator(chunk_size=batch_size)


def _row_problem(event: AuditEvent, expected_sequence: int, previous_hash: str) -> ChainProblem | None:
    if event.sequence > expected_sequence:
        missing = (
            f"row {expected_sequence}"
            if event.sequence == expected_sequence + 1
            else f"rows {expected_sequence} to {event.sequence - 1}"
        )
        return ChainProblem(event.sequence, event.pk, f"{missing} missing before this one (deleted?)")
    if event.sequence < expected_sequence:
        return ChainProblem(event.sequence, event.pk, "sequence out of order (inserted or renumbered?)")
    if event.previous_hash != previous_hash:
        return ChainProblem(event.sequence, event.pk, "does not link to the row before it (a row inserted or deleted?)")
    ref = justification_id(event)
    if ref is not None and not Justification.objects.filter(pk=ref).exists():
        return ChainProblem(event.sequence, event.pk, "its justification is missing (deleted?)")
    if compute_hash(event, previous_hash) != event.entry_hash:
        return ChainProblem(
            event.sequence, event.pk, "contents do not match their hash (edited, forged or renumbered?)"
        )
    return None


def verify_chain(expect_heads: Iterable[ChainHead] = ()) -> ChainReport:
    """Walks the whole chain, oldest first, and stops at the first row that does not verify.

    With ``expect_heads`` (heads recorded earlier, outside the database), also fails when the
    chain no longer reaches one of them, or reaches a different row there: the newest rows were
    deleted, or the chain was rebuilt.
    """
    expected_at = {head.sequence: head.entry_hash for head in expect_heads}
    expected_sequence = 1
    previous_hash = GENESIS_HASH
    head: ChainHead | None = None
    for event in _events_in_order():
        problem = _row_problem(event, expected_sequence, previous_hash)
        if problem is None and expected_at.get(event.sequence, event.entry_hash) != event.entry_hash:
            problem = ChainProblem(
                event.sequence, event.pk, "differs from the recorded head (the chain was rebuilt from here?)"
            )
        if problem is not None:
            return ChainReport(problem, head, expected_sequence - 1)
        previous_hash = event.entry_hash
        head = ChainHead(event.sequence, event.entry_hash)
        expected_sequence += 1
    rows = expected_sequence - 1
    beyond = [sequence for sequence in expected_at if sequence > rows]
    if beyond:
        reason = f"missing: the chain ends at sequence {rows}, before the recorded head (newest rows deleted?)"
        return ChainReport(ChainProblem(min(beyond), None, reason), head, rows)
    return ChainReport(None, head, rows)


def first_problem(expect_heads: Iterable[ChainHead] = ()) -> ChainProblem | None:
    """The first row that does not verify, or None when the chain is intact."""
    return verify_chain(expect_heads).problem
