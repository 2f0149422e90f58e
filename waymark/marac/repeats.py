"""The two MARAC repeat rules, computed in bulk, each with its evidence. The only place they live.

- National (12-month) rule: a case is a repeat when the same victim AND the same person causing
  harm had an earlier MARAC referral dated D with D < referral date <= D + 12 calendar months
  (29 February + 12 months = 28 February), D being the most recent earlier referral of that pair.
  Every referral counts, listed at a meeting or not. A case with no known perpetrator is never a
  12-month repeat.
- Local rule (this borough's): the victim was discussed at any earlier MARAC meeting, with anyone.
  Earlier means held strictly before the meeting that hears this case, so cases heard at the same
  meeting are not repeats of each other. A case not yet listed is compared with every meeting held.
  The evidence is the most recent earlier meeting (and the case heard there).

Both rules are computed for every case in one pass over rows sorted in memory (no query per case).
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from waymark.core.dates import add_months
from waymark.marac.models import MaracCase


@dataclass(frozen=True)
class CaseRow:
    """What the rules need of a case."""

    id: uuid.UUID
    ref: str
    victim_id: uuid.UUID
    perpetrator_id: uuid.UUID | None
    referred_on: dt.date
    meeting_ref: str | None = None
    held_on: dt.date | None = None


@dataclass(frozen=True)
class Evidence:
    """The earlier case (and, for the local rule, its meeting) that makes a case a repeat."""

    case_ref: str
    referred_on: dt.date
    meeting_ref: str | None = None
    held_on: dt.date | None = None


@dataclass(frozen=True)
class RepeatFinding:
    case: CaseRow
    twelve_month: Evidence | None
    ever: Evidence | None

    @property
    def is_repeat_12_month(self) -> bool:
        return self.twelve_month is not None

    @property
    def is_repeat_ever(self) -> bool:
        return self.ever is not None


def twelve_months_after(day: dt.date) -> dt.date:
    """The same day 12 calendar months later, clamped to the month's end (29 Feb -> 28 Feb)."""
    return add_months(day, 12)


def case_rows(queryset: Iterable[MaracCase] | None = None) -> list[CaseRow]:
    """Every case (or those of ``queryset``) as CaseRows, in one query."""
    qs = MaracCase.objects.all() if queryset is None else queryset
    values = qs.values_list(  # type: ignore[attr-defined]
        "id", "ref", "victim_id", "perpetrator_id", "referred_on", "meeting__ref", "meeting__held_on"
    )
    return [CaseRow(*v) for v in values]


def _evidence(row: CaseRow) -> Evidence:
    return Evidence(case_ref=row.ref, referred_on=row.referred_on, meeting_ref=row.meeting_ref, held_on=row.held_on)


def compute_repeats(rows: Iterable[CaseRow]) -> dict[uuid.UUID, RepeatFinding]:
    """Both rules for every row, keyed by case id. Rows must include the whole earlier history."""
    rows = list(rows)
    national: dict[uuid.UUID, Evidence | None] = {}
    latest_by_pair: dict[tuple[uuid.UUID, uuid.UUID], CaseRow] = {}
    by_referral = sorted(rows, key=lambda r: (r.referred_on, r.ref))
    for _, group_iter in itertools.groupby(by_referral, key=lambda r: r.referred_on):
        group = list(group_iter)
        # Look up before recording the day's referrals: an earlier referral is strictly earlier.
        for row in group:
            earlier = latest_by_pair.get((row.victim_id, row.perpetrator_id)) if row.perpetrator_id else None
            within = earlier is not None and row.referred_on <= twelve_months_after(earlier.referred_on)
            national[row.id] = _evidence(earlier) if within and earlier is not None else None
        for row in group:
            if row.perpetrator_id:
                latest_by_pair[(row.victim_id, row.perpetrator_id)] = row

    local: dict[uuid.UUID, Evidence | None] = {}
    last_heard: dict[uuid.UUID, CaseRow] = {}
    listed = sorted((r for r in rows if r.held_on is not None), key=lambda r: (r.held_on, r.meeting_ref, r.ref))
    for _, group_iter in itertools.groupby(listed, key=lambda r: r.held_on):
        group = list(group_iter)
        for row in group:
            earlier = last_heard.get(row.victim_id)
            local[row.id] = _evidence(earlier) if earlier is not None else None
        for row in group:
            last_heard[row.victim_id] = row
    for row in rows:
        if row.held_on is None:
            earlier = last_heard.get(row.victim_id)
            local[row.id] = _evidence(earlier) if earlier is not None else None

    return {r.id: RepeatFinding(case=r, twelve_month=national[r.id], ever=local[r.id]) for r in rows}


def repeats_for_all_cases() -> dict[uuid.UUID, RepeatFinding]:
    """Both rules for every recorded case (one query)."""
    return compute_repeats(case_rows())
