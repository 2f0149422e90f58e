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

The figures (cases heard and repeats under each rule, by day of hearing) also have a query form,
``heard_tallies_between``: the 12-month rule as an EXISTS over the same victim's cases, the local
rule against the victim's first hearing (a window over her hearings), counted in the database, so
a performance panel does not load every victim's history into Python.
``tallies_of`` counts the Python findings the same way; a property test holds the two equal.
"""

from __future__ import annotations

import datetime as dt
import itertools
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import connections
from django.db.models import Case, Exists, F, Func, IntegerField, Min, OuterRef, Q, QuerySet, Value, When, Window
from django.db.models.functions import ExtractDay, ExtractMonth, ExtractYear

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


@dataclass(frozen=True)
class Tally:
    """The cases heard on one day, and how many of them are repeats under each rule."""

    cases: int
    repeats_12_month: int
    repeats_ever: int


def tallies_of(findings: Iterable[RepeatFinding]) -> dict[dt.date, Tally]:
    """The heard cases among ``findings``, counted by day of hearing (the Python twin of
    ``heard_tallies_between``)."""
    counts: dict[dt.date, list[int]] = {}
    for finding in findings:
        if finding.case.is_heard and finding.case.held_on is not None:
            tally = counts.setdefault(finding.case.held_on, [0, 0, 0])
            tally[0] += 1
            tally[1] += finding.is_repeat_12_month
            tally[2] += finding.is_repeat_ever
    return {day: Tally(*tally) for day, tally in counts.items()}


class _MonthDayKey(Func):
    """A date as (year * 12 + month) * 32 + day: a number in the dates' order in which adding
    ``32 * m`` moves a date ``m`` calendar months on. So "``r`` is no later than ``d`` plus ``m``
    months" (``window_end``, the day kept when the month is shorter) is ``key(d) + 32 * m >= key(r)``:
    when the months differ the day cannot outweigh 32; in the same month it is ``day(d) >= day(r)``,
    which a shorter month's last day cannot change, as ``day(r)`` is within that month. On SQLite
    in its own date functions, as Django's extracts call back into Python for every row."""

    output_field = IntegerField()

    def __init__(self, day: Any) -> None:
        extracted = (ExtractYear(day) * 12 + ExtractMonth(day)) * 32 + ExtractDay(day)
        super().__init__(day, extracted)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        day, params = compiler.compile(self.source_expressions[0])
        sql = (
            f"((CAST(strftime('%%Y', {day}) AS INTEGER) * 12 + CAST(strftime('%%m', {day}) AS INTEGER)) * 32"
            f" + CAST(strftime('%%d', {day}) AS INTEGER))"
        )
        return sql, [*params, *params, *params]

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        return compiler.compile(self.source_expressions[1])


def heard_tallies_between(start: dt.date, end: dt.date) -> dict[dt.date, Tally]:
    """The cases heard (``heard_cases``) at meetings held in [start, end], by day of hearing, with
    both rules counted in the database over the victims' whole history: the same figures as
    ``tallies_of`` the findings, in one query.

    - 12-month: an EXISTS for each case, along the victim's own cases: an earlier referral
      (strictly earlier day, ``counts_as_referral``) of the same victim and the same known
      perpetrator whose window holds this referral. The most recent earlier referral's window holds
      it exactly when any earlier one's does, as the window's end never falls when the day it
      counts from moves on.
    - Local: the victim's first hearing was held strictly before this one: a window (the
      earliest of each victim's hearings) over every hearing of the victims heard in the range.
      Asked as an EXISTS for each case, PostgreSQL hashed every meeting for every case (about 50
      microseconds a case); joined to each victim's first hearing grouped apart, SQLite scanned
      the groups for every case.
    """
    earlier_referral = (
        MaracCase.objects.exclude(status__in=NOT_MARAC_REFERRALS)
        .filter(
            victim_id=OuterRef("victim_id"),
            perpetrator_id=OuterRef("perpetrator_id"),
            referred_on__lt=OuterRef("referred_on"),
        )
        .annotate(window_key=_MonthDayKey(F("referred_on")) + 32 * window_months())
        .filter(window_key__gte=OuterRef("referred_key"))
    )
    held_in_range = Q(meeting__held_on__gte=start, meeting__held_on__lte=end)
    # Every hearing of the victims heard in the range, each with the victim's first hearing (a
    # window over her hearings); the 12-month rule asked only of those in the range.
    hearings = (
        heard_cases()
        .filter(victim_id__in=heard_cases().filter(held_in_range).values("victim_id"))
        .annotate(
            heard_on=F("meeting__held_on"),
            in_range=Case(When(held_in_range, then=Value(1)), default=Value(0)),
            referred_key=_MonthDayKey(F("referred_on")),
            twelve_month=Case(
                When(held_in_range, then=Case(When(Exists(earlier_referral), then=Value(1)), default=Value(0))),
                default=Value(0),
            ),
            first_heard_on=Window(Min("meeting__held_on"), partition_by=[F("victim_id")]),
        )
        .order_by()
        .values("heard_on", "in_range", "twelve_month", "first_heard_on")
    )
    sql, params = hearings.query.sql_with_params()
    query = (
        "SELECT hearings.heard_on, COUNT(*), SUM(hearings.twelve_month),"  # noqa: S608 (Django's SQL, fixed names)
        " SUM(CASE WHEN hearings.first_heard_on < hearings.heard_on THEN 1 ELSE 0 END)"
        f" FROM ({sql}) hearings WHERE hearings.in_range = 1 GROUP BY hearings.heard_on"
    )
    with connections[hearings.db].cursor() as cursor:
        cursor.execute(query, params)
        found = cursor.fetchall()
    return {_day(day): Tally(cases, int(twelve), int(ever)) for day, cases, twelve, ever in found}


def _day(value: dt.date | str) -> dt.date:
    """A date column read with raw SQL: SQLite gives its text."""
    return dt.date.fromisoformat(value) if isinstance(value, str) else value
