"""Flag and tag: an incident between a pair referred to MARAC in the last 12 months alerts the coordinator.

The rule, exactly (``referral_covering``):

- the pair is the same as the repeat rules' (``waymark.marac.repeats``): the same victim AND the
  same person causing harm; an incident whose person causing harm is not known never flags;
- only MARAC referrals count, as for the 12-month rule: a referral the coordinator did not accept,
  or one withdrawn, neither raises a flag nor covers an incident (``CaseRow.counts_as_referral``);
- the pair's referral that counts is the most recent one dated D strictly before the incident
  (an incident on the referral's own day is the one being referred);
- the incident flags when D < incident date <= D + ``window_months()`` calendar months: the
  12-month rule's own window (``waymark.marac.repeats.window_months``, one setting,
  MARAC_REPEAT_WINDOW_MONTHS, default 12; 29 February + 12 months = 28 February);
- unless the pair has already been referred again on or after the incident's date: that later
  referral already covers it, and a second repeat referral would be a duplicate.

Raised whichever way the incident arrives: the incident page and any other caller of
``waymark.incidents.actions.incident_record`` (through its ``ON_RECORDED`` hook) and an interchange
import (``IncidentsFile.apply``). Idempotent: one alert per incident and earlier referral
(a unique constraint, and existing pairs are skipped), so re-importing raises nothing new.

The coordinator then makes the repeat referral the alert offers (``marac:refer?flag=<id>``) or
dismisses it with a reason (``waymark.marac.referrals.actions.flag_dismiss``).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction
from waymark.incidents.actions import ON_RECORDED
from waymark.incidents.models import Incident
from waymark.marac.models import FlagAlert, MaracCase
from waymark.marac.repeats import CaseRow, case_rows, window_end, window_months

if TYPE_CHECKING:
    from waymark.accounts.models import User

SYSTEM_LABEL = "Flag and tag (automatic)"

__all__ = ["flag_incidents", "referral_covering", "window_end", "window_months"]


def referral_covering(pair_rows: Iterable[CaseRow], occurred_on: dt.date, months: int | None = None) -> CaseRow | None:
    """The pair's referral that an incident on ``occurred_on`` should be flagged against, if any."""
    rows = [row for row in pair_rows if row.counts_as_referral]
    if any(row.referred_on >= occurred_on for row in rows):
        return None  # referred on or after the incident: that referral covers it
    earlier = max(rows, key=lambda row: (row.referred_on, row.ref), default=None)
    if earlier is None or occurred_on > window_end(earlier.referred_on, months):
        return None
    return earlier


def _pair_rows(victim_ids: set[uuid.UUID]) -> dict[tuple[uuid.UUID, uuid.UUID], list[CaseRow]]:
    by_pair: dict[tuple[uuid.UUID, uuid.UUID], list[CaseRow]] = defaultdict(list)
    cases = MaracCase.objects.filter(victim_id__in=victim_ids, perpetrator__isnull=False)
    for row in case_rows(cases):
        if row.perpetrator_id is not None:
            by_pair[(row.victim_id, row.perpetrator_id)].append(row)
    return by_pair


CHUNK = 500  # ids per query: an import may bring tens of thousands of incidents


@transaction.atomic
def flag_incidents(incident_ids: Iterable[uuid.UUID]) -> list[FlagAlert]:
    """Raises an alert for each of these incidents that the rule above flags; returns the new ones.

    Audited as the system's own act (whoever recorded the incident did not choose to raise it)."""
    ids = list(incident_ids)
    if not ids or not MaracCase.objects.filter(perpetrator__isnull=False).exists():
        return []
    raised: list[FlagAlert] = []
    for start in range(0, len(ids), CHUNK):
        raised += _flag_chunk(ids[start : start + CHUNK])
    return raised


def _flag_chunk(ids: list[uuid.UUID]) -> list[FlagAlert]:
    incidents = list(
        Incident.objects.filter(pk__in=ids, perpetrator__isnull=False, archived_at__isnull=True).values_list(
            "id", "victim_id", "perpetrator_id", "occurred_on"
        )
    )
    if not incidents:
        return []
    by_pair = _pair_rows({victim_id for _, victim_id, _, _ in incidents})
    if not by_pair:
        return []
    already = set(FlagAlert.objects.filter(incident_id__in=ids).values_list("incident_id", "earlier_case_id"))
    now = timezone.now()
    raised = []
    for incident_id, victim_id, perpetrator_id, occurred_on in incidents:
        earlier = referral_covering(by_pair.get((victim_id, perpetrator_id), []), occurred_on)
        if earlier is None or (incident_id, earlier.id) in already:
            continue
        flag = FlagAlert.objects.create(incident_id=incident_id, earlier_case_id=earlier.id, raised_at=now)
        audit_record(
            actor=None,
            actor_label=SYSTEM_LABEL,
            action=AuditAction.CREATE,
            obj=flag,
            detail={"incident": str(incident_id), "earlier_case": str(earlier.id)},
        )
        raised.append(flag)
    return raised


def _on_incident_recorded(incident: Incident, actor: User) -> None:
    flag_incidents([incident.pk])


if _on_incident_recorded not in ON_RECORDED:
    ON_RECORDED.append(_on_incident_recorded)
