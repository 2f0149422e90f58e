"""The two MARAC repeat rules, computed in bulk, each with its evidence. The only place they live.

- National (12-month) rule: a case is a repeat when the same victim AND the same person causing
  harm had an earlier MARAC referral dated D with D < referral date <= D + ``window_months()``
  calendar months (default 12; 29 February + 12 months = 28 February), D being the most recent
  earlier referral of that pair. A referral counts whether or not it has been listed or heard yet,
  but a referral the coordinator did not accept, or one withdrawn, is not a MARAC referral
  (``counts_as_referral``). A case with no known perpetrator is never a 12-month repeat.
- Local rule (this borough's): the victim was discussed at any earlier MARAC meeting, with anyone.
  Discussed means *heard* (``heard_cases`` / ``CaseRow.is_heard``: status heard at a meeting not
  cancelled). Earlier means held strictly before the meeting that lists this case, so cases heard
  at the same meeting are not repeats of each other. A case not yet listed is compared with every
  case heard. The evidence is the most recent earlier hearing.

"Heard" is the one definition of "cases discussed" used by performance, both rules, the quarterly
return and the benchmarks. The window (``window_months``/``window_end``) is the one flag and tag
uses too (``waymark.marac.flags``).

Both rules depend only on the same victim's history, so computing them for some victims
(``repeats_for_victims``) gives the same answers as for everyone. One pass over rows sorted in
memory (no query per case).
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from waymark.core.dates import add_months
from waymark.marac.models import MaracCase, MaracCaseStatus, MeetingStatus

# Not MARAC referrals for the 12-month rule or flag and tag: refused at triage, or withdrawn.
NOT_MARAC_REFERRALS = frozenset({MaracCaseStatus.NOT_ACCEPTED.value, MaracCaseStatus.WITHDRAWN.value})
# A case is heard only at a meeting in one of these statuses (never a cancelled meeting).
HEARING_MEETING_STATUSES = (MeetingStatus.HELD, MeetingStatus.IN_PROGRESS, MeetingStatus.SCHEDULED)


def heard_cases(queryset: QuerySet[MaracCase] | None = None) -> QuerySet[MaracCase]:
    """The cases a MARAC discussed: status heard, at a meeting not cancelled (imported history is
    status heard). The one definition of "cases discussed"; ``CaseRow.is_heard`` is its twin."""
    qs = MaracCase.objects.all() if queryset is None else queryset
    return qs.filter(status=MaracCaseStatus.HEARD, meeting__status__in=HEARING_MEETING_STATUSES)


def window_months() -> int:
    """The 12-month rule's window, also flag and tag's: settings.MARAC_REPEAT_WINDOW_MONTHS (default 12)."""
    return int(settings.MARAC_REPEAT_WINDOW_MONTHS)


def window_end(referred_on: dt.date, months: int | None = None) -> dt.date:
    """The last day (inclusive) still within the window of a referral dated ``referred_on``."""
    return add_months(referred_on, window_months() if months is None else months)


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
    status: str = MaracCaseStatus.HEARD.value
    meeting_status: str | None = None

    @property
    def is_heard(self) -> bool:
        """Heard at a meeting not cancelled: the twin of ``heard_cases``."""
        return (
            self.status == MaracCaseStatus.HEARD
            and self.held_on is not None
            and self.meeting_status != MeetingStatus.CANCELLED
        )

    @property
    def counts_as_referral(self) -> bool:
        """A MARAC referral for the 12-month rule and flag and tag (not refused, not withdrawn)."""
        return self.status not in NOT_MARAC_REFERRALS


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
    """The end of the window after ``day`` (12 calendar months by default, 29 Feb -> 28 Feb)."""
    return window_end(day)


def case_rows(queryset: Iterable[MaracCase] | None = None) -> list[CaseRow]:
    """Every case (or those of ``queryset``) as CaseRows, in one query."""
    qs = MaracCase.objects.all() if queryset is None else queryset
    values = qs.values_list(  # type: ignore[attr-defined]
        "id",
        "ref",
        "victim_id",
        "perpetrator_id",
        "referred_on",
        "meeting__ref",
        "meeting__held_on",
        "status",
        "meeting__status",
    )
    return [CaseRow(*v) for v in values]


def _evidence(row: CaseRow) -> Evidence:
    return Evidence(case_ref=row.ref, referred_on=row.referred_on, meeting_ref=row.meeting_ref, held_on=row.held_on)


def compute_repeats(rows: Iterable[CaseRow]) -> dict[uuid.UUID, RepeatFinding]:
    """Both rules for every row, keyed by case id. Rows must include the whole earlier history."""
    rows = list(rows)
    months = window_months()
    national: dict[uuid.UUID, Evidence | None] = {}
    latest_by_pair: dict[tuple[uuid.UUID, uuid.UUID], CaseRow] = {}
    by_referral = sorted(rows, key=lambda r: (r.referred_on, r.ref))
    for _, group_iter in itertools.groupby(by_referral, key=lambda r: r.referred_on):
        group = list(group_iter)
        # Look up before recording the day's referrals: an earlier referral is strictly earlier.
        for row in group:
            earlier = latest_by_pair.get((row.victim_id, row.perpetrator_id)) if row.perpetrator_id else None
            within = earlier is not None and row.referred_on <= window_end(earlier.referred_on, months)
            national[row.id] = _evidence(earlier) if within and earlier is not None else None
        for row in group:
            if row.perpetrator_id and row.counts_as_referral:
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
            if row.is_heard:
                last_heard[row.victim_id] = row
    for row in rows:
        if row.held_on is None:
            earlier = last_heard.get(row.victim_id)
            local[row.id] = _evidence(earlier) if earlier is not None else None

    return {r.id: RepeatFinding(case=r, twelve_month=national[r.id], ever=local[r.id]) for r in rows}


def repeats_for_all_cases() -> dict[uuid.UUID, RepeatFinding]:
    """Both rules for every recorded case (one query)."""
    return compute_repeats(case_rows())


def repeats_for_victims(victim_ids: Iterable[uuid.UUID] | QuerySet[Any]) -> dict[uuid.UUID, RepeatFinding]:
    """Both rules for every case of these victims (one query): the same answers as for everyone,
    since both rules look only at the same victim's history. Accepts ids or a values() subquery."""
    if not isinstance(victim_ids, QuerySet):
        victim_ids = list(victim_ids)
        if not victim_ids:
            return {}
    return compute_repeats(case_rows(MaracCase.objects.filter(victim_id__in=victim_ids)))


def repeats_for_cases(cases: Iterable[MaracCase]) -> dict[uuid.UUID, RepeatFinding]:
    """Both rules for ``cases`` (and their victims' other cases): what a page of cases needs."""
    return repeats_for_victims({case.victim_id for case in cases})
