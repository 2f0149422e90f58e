"""The per-record access log, from the audit trail's VIEW rows (aggregated in the database)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Count, Max, Min

from waymark.audit.models import AuditAction, AuditEvent

PERSON_TYPE = "people.person"


def viewers_of_person(person_id: uuid.UUID) -> Any:
    """One row per person who viewed the record: name and agency at the time, how many times,
    first and last. Newest first."""
    return (
        AuditEvent.objects.filter(action=AuditAction.VIEW, object_type=PERSON_TYPE, object_id=str(person_id))
        .values("actor_id", "actor_label", "actor_agency_id")
        .annotate(views=Count("pk"), first_viewed=Min("occurred_at"), last_viewed=Max("occurred_at"))
        .order_by("-last_viewed", "actor_label")
    )


def agency_names(rows: list[dict[str, Any]]) -> dict[Any, str]:
    from waymark.organisations.models import Agency

    ids = {row["actor_agency_id"] for row in rows if row["actor_agency_id"]}
    return dict(Agency.objects.filter(pk__in=ids).values_list("pk", "name"))


# --- The retention review queue --------------------------------------------------------------


def due_for(schedule_key: str, as_of: Any, *, among: Any = None) -> Any:
    """The records of one schedule due on ``as_of``: past their period, not yet disposed of, not
    held. A queryset (paged by the caller, never cut off). ``among`` (ids) asks only about those
    records: whether a case's referral goes with it (``retention.goes_with_case``) by this same
    rule."""
    from waymark.dataprotection.models import RetentionHold
    from waymark.dataprotection.retention import SCHEDULES, ledger_ids

    schedule = SCHEDULES[schedule_key]
    rows = schedule.due(as_of)
    if among is not None:
        rows = rows.filter(pk__in=among)
    # The ledger as a subquery, not a list of ids: a first run over a partnership's history has tens
    # of thousands of records due (SQLite caps the parameters of a query). Holds are few, and one
    # typed wrongly must not break the query, so they are read and parsed here.
    held = []
    for record_id in RetentionHold.objects.filter(record_type=schedule_key, until__gte=as_of).values_list(
        "record_id", flat=True
    ):
        try:
            held.append(uuid.UUID(record_id))
        except ValueError:
            continue
    return rows.exclude(pk__in=ledger_ids(schedule_key)).exclude(pk__in=held).order_by("pk")


def held_for(schedule_key: str, as_of: Any) -> Any:
    from waymark.dataprotection.models import RetentionHold

    return RetentionHold.objects.filter(record_type=schedule_key, until__gte=as_of)
