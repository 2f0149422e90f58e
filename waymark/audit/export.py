"""CSV export of audit events, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator

from waymark.audit.models import AuditEvent
from waymark.core.spreadsheets import csv_safe

COLUMNS = [
    "sequence",
    "occurred_at_utc",
    "actor_id",
    "actor_label",
    "actor_agency_id",
    "actor_agency",
    "action",
    "outcome",
    "object_type",
    "object_id",
    "request_id",
    "ip_address",
    "justification_given",
    "detail",
    "entry_hash",
]


def _row(event: AuditEvent) -> list[str]:
    agency = event.actor_agency
    values = [
        event.sequence,
        event.occurred_at.isoformat(),
        event.actor_id,
        event.actor_label,
        event.actor_agency_id,
        agency.name if agency else "",
        event.action,
        event.outcome,
        event.object_type,
        event.object_id,
        event.request_id,
        event.ip_address,
        # Never the text (free text can locate someone): whether a reason was given.
        "yes" if event.justification else "",
        json.dumps(event.detail, sort_keys=True) if event.detail else "",
        event.entry_hash,
    ]
    return [csv_safe(value) for value in values]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def csv_lines(events: Iterable[AuditEvent]) -> Iterator[str]:
    """The header then one line per event, produced lazily so large exports stream."""
    writer = csv.writer(_Echo())
    yield writer.writerow(COLUMNS)
    for event in events:
        yield writer.writerow(_row(event))
