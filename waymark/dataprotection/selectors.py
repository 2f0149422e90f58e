"""The per-record access log, from the audit trail's read rows (aggregated in the database)."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import CharField, Count, Max, Min, Q, Value

from waymark.audit.models import AuditAction, AuditEvent
from waymark.audit.scoping import READS

PERSON_TYPE = "people.person"
# Reads on paper or in a file (the access log's "Printed or downloaded" column).
ON_PAPER = (AuditAction.PRINT, AuditAction.EXPORT)


def records_about(person_id: uuid.UUID) -> Q:
    """The audit rows naming a record about her as the person at risk, whose page shows her: the
    MARAC cases where she is the victim (their research, meeting-mode and referral pages), her
    cases, and the referrals about her. Their ids in one query, whatever their number.

    Not the records naming someone as the person causing harm: a referral or MARAC case about her,
    read by the service supporting her, must not tell whoever holds his record which service that
    is. He is listed through the pages that write a row on his own record (the MARAC agenda and
    minutes write one per person named)."""
    from waymark.cases.models import Case
    from waymark.marac.models import MaracCase
    from waymark.referrals.models import Referral

    def ids_of(records: Any) -> Any:
        kind = Value(records.model._meta.label_lower, output_field=CharField())
        return records.order_by().annotate(kind=kind).values_list("kind", "pk")

    about = ids_of(MaracCase.objects.filter(victim_id=person_id)).union(
        ids_of(Case.objects.filter(person_id=person_id)),
        ids_of(Referral.objects.filter(subject_id=person_id)),
        all=True,
    )
    ids: dict[str, list[str]] = {}
    for object_type, pk in about:
        ids.setdefault(object_type, []).append(str(pk))
    named = Q(pk__in=[])
    for object_type, object_ids in sorted(ids.items()):
        named |= Q(object_type=object_type, object_id__in=object_ids)
    return named


def reads_of(person_id: uuid.UUID) -> Any:
    """Every read of her record: a VIEW, PRINT or EXPORT row on her person record (the MARAC agenda
    and minutes write one for each person they name) or on a record about her (``records_about``).
    What the access log lists and what a subject access request answers count alike."""
    return AuditEvent.objects.filter(
        Q(object_type=PERSON_TYPE, object_id=str(person_id)) | records_about(person_id),
        action__in=sorted(READS),
    )


def viewers_of_person(person_id: uuid.UUID) -> Any:
    """One row per person who read the record (``reads_of``): name and agency at the time, how many
    times (and how many of those on paper or in a file), first and last. Newest first."""
    return (
        reads_of(person_id)
        .values("actor_id", "actor_label", "actor_agency_id")
        .annotate(
            views=Count("pk"),
            printed=Count("pk", filter=Q(action__in=ON_PAPER)),
            first_viewed=Min("occurred_at"),
            last_viewed=Max("occurred_at"),
        )
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
    from waymark.dataprotection.retention import SCHEDULES, held_record_ids, ledger_ids

    schedule = SCHEDULES[schedule_key]
    rows = schedule.due(as_of)
    if among is not None:
        rows = rows.filter(pk__in=among)
    # The ledger as a subquery, not a list of ids: a first run over a partnership's history has tens
    # of thousands of records due (SQLite caps the parameters of a query). Holds are few.
    held = held_record_ids(as_of, [schedule_key]).get(schedule_key, [])
    return rows.exclude(pk__in=ledger_ids(schedule_key)).exclude(pk__in=held).order_by("pk")


def held_for(schedule_key: str, as_of: Any) -> Any:
    from waymark.dataprotection.models import RetentionHold

    return RetentionHold.objects.filter(record_type=schedule_key, until__gte=as_of)
