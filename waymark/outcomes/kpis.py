"""The outcome KPIs, computed from records and never typed in: each defined once, here, in words
shown in the app (``outcomes:definition``) and in docs/outcomes.md.

Every KPI is computed for a period (first and last day, inclusive) as of a day (``as_of``, today
unless given: some outcomes are not known until a window has passed). Each rule has two forms here:

- ``compute_outcomes`` classifies every record behind every KPI in Python, so that the records page
  (team managers) can list each record with how it counted;
- ``outcome_figures`` (the query form, at the end of this module) computes the same figures in the
  database as counts grouped by period and by a dimension (provider, referral source, ...), in a
  fixed number of queries whatever the number of records: every dashboard, download, report and
  API figure uses it. tests/outcomes/test_kpis_query.py proves the two forms agree on random data.

Rates are fractions from 0 to 1, or None when nothing is in the denominator.
"""

from __future__ import annotations

import functools
import hashlib
import itertools
import statistics
from bisect import bisect_right
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from types import SimpleNamespace
from typing import Any, cast

from django.conf import settings
from django.db import transaction
from django.db.models import DateField, DateTimeField, F, Field, Func, IntegerField, QuerySet, Value
from django.utils import timezone

from waymark.cases.service_standard import episode_start_expression, first_contact_due_on
from waymark.cases.states import CaseStatus
from waymark.core.dates import is_working_day, working_days_between
from waymark.core.parallel_reads import read_together
from waymark.outcomes.models import FREQUENCY_ORDER, AbuseKind, Frequency, OutcomeMeasure, Stage
from waymark.risk.choices import RiskLevel


def risk_window_days() -> int:
    return int(settings.OUTCOMES_RISK_REDUCTION_WINDOW_DAYS)


@dataclass(frozen=True)
class KpiDefinition:
    key: str
    title: str
    kind: str  # "count", "rate" or "median"
    definition: str
    numerator: str = ""
    denominator: str = ""
    records: str = "cases"  # what the records behind it are: "cases" or "referrals and cases"


def _definitions() -> list[KpiDefinition]:
    window = risk_window_days()
    standard = settings.CASES_FIRST_CONTACT_WORKING_DAYS
    return [
        KpiDefinition(
            key="referred",
            title="Referrals received",
            kind="count",
            definition=(
                "Referrals the service received in the period (by the date received), whatever became of them. "
                "Cases imported from an earlier system without their referral count once each, by the "
                "referral date recorded on the case."
            ),
            records="referrals and cases",
        ),
        KpiDefinition(
            key="supported",
            title="Supported",
            kind="count",
            definition=(
                "Episodes of support that began in the period: cases that engaged with the service (by the "
                "date the case engaged: the person took up support after first contact). Counted like "
                "referrals, one per case, so that referred and supported compare like with like: someone "
                "referred and supported twice in the period counts twice in both. Cases that never engaged "
                "are not counted. 'Different people supported' counts each person once."
            ),
        ),
        KpiDefinition(
            key="people_supported",
            title="Different people supported",
            kind="count",
            definition=(
                "Different people with a case that engaged in the period: a person whose cases engaged "
                "twice in the period counts once."
            ),
        ),
        KpiDefinition(
            key="reduced_risk_within_3_months_rate",
            title=f"Risk reduced within {window} days of engaging",
            kind="rate",
            definition=(
                "Of the cases that engaged in the period, the share whose risk level fell within "
                f"{window} days of engaging. The level at engagement is the final level of the person's latest "
                "risk assessment on or before the day the case engaged. The level after is the final level "
                f"of the latest reassessment after that day and no more than {window} days after it (day "
                f"{window} counts, day {window + 1} does not). Risk reduced means the level after is lower "
                "(high to medium or standard, medium to standard). Unchanged or raised risk counts in the "
                f"denominator but not as reduced. No reassessment within the {window} days, once they are "
                "over, also counts as not reduced: without a reassessment the service cannot show a fall. "
                f"Cases whose {window} days are not over yet are not counted until they are; cases with no "
                "assessment on or before engagement cannot be measured and are not counted. Archived "
                "assessments are ignored."
            ),
            numerator="cases whose risk level fell",
            denominator="engaged cases with a level at engagement and the window over",
        ),
        KpiDefinition(
            key="first_contact_within_standard_rate",
            title="First contact within the service standard",
            kind="rate",
            definition=(
                "Of the cases referred in the period, the share whose first successful contact was made within "
                f"{standard} working days of the referral being received (weekends and England and Wales bank "
                "holidays do not count; the same rule the caseload pages use). A case with no successful "
                "contact yet counts as missed once its last day has passed, and is not counted before then."
            ),
            numerator="cases contacted within the standard",
            denominator="cases contacted, and cases past the standard without contact",
        ),
        KpiDefinition(
            key="median_working_days_to_first_contact",
            title="Time to first contact (median working days)",
            kind="median",
            definition=(
                "For cases referred in the period with a successful first contact, the middle value of the "
                "working days from the day the referral was received to the day of first contact (a contact "
                "on the next working day is 1). Cases not yet contacted are not included."
            ),
            denominator="cases referred in the period and contacted",
        ),
        KpiDefinition(
            key="engagement_rate",
            title="Engagement rate",
            kind="rate",
            definition=(
                "Of the cases allocated to a caseworker in the period, the share that engaged (have an "
                "engagement date, at any time up to today). Cases still awaiting or attempting contact are "
                "not counted until they engage or are recorded as unable to engage or closed."
            ),
            numerator="cases that engaged",
            denominator="cases allocated in the period, with contact resolved",
        ),
        KpiDefinition(
            key="feeling_safer_at_exit_rate",
            title="Feeling safer at exit",
            kind="rate",
            definition=(
                "Of the clients whose exit outcomes were recorded in the period, the share who scored feeling "
                "safe higher at exit than at intake on the case (1 to 5 scale). Clients without both scores "
                "are not counted. Children's measures are reported on the case, not in this figure."
            ),
            numerator="clients feeling safer",
            denominator="clients with feeling safe scored at intake and exit",
        ),
        KpiDefinition(
            key="wellbeing_improved_at_exit_rate",
            title="Wellbeing improved at exit",
            kind="rate",
            definition=(
                "As feeling safer, for the wellbeing score: of the clients with wellbeing scored at intake and "
                "at an exit recorded in the period, the share whose score was higher at exit."
            ),
            numerator="clients whose wellbeing improved",
            denominator="clients with wellbeing scored at intake and exit",
        ),
        KpiDefinition(
            key="quality_of_life_improved_at_exit_rate",
            title="Quality of life improved at exit",
            kind="rate",
            definition=(
                "As feeling safer, for the quality of life score: of the clients with it scored at intake and "
                "at an exit recorded in the period, the share whose score was higher at exit."
            ),
            numerator="clients whose quality of life improved",
            denominator="clients with quality of life scored at intake and exit",
        ),
        KpiDefinition(
            key="abuse_at_exit",
            title="Abuse stopped or reduced at exit, by type",
            kind="table",
            definition=(
                "For each type of abuse, of the clients whose exit outcomes were recorded in the period and "
                "who said at intake on the same case that it was happening (any answer but 'not happening'), "
                "and who answered at exit: ceased is the share for whom it was not happening at exit; "
                "reduced is the share for whom it happened less often but had not stopped (for example "
                "weekly to monthly); the rest stayed the same or rose. Types not asked at intake or at exit "
                "are not counted for that client."
            ),
            numerator="clients for whom it stopped, or reduced",
            denominator="clients for whom it was happening at intake, answered at exit",
        ),
    ]


def definitions() -> list[KpiDefinition]:
    """Every KPI's written definition, in the order the dashboard shows them."""
    return _definitions()


def definition_of(key: str) -> KpiDefinition:
    for item in _definitions():
        if item.key == key:
            return item
    raise KeyError(key)


RECORD_KEYS = tuple(d.key for d in _definitions())


# --- results ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One record behind a KPI, classified: ``counted`` is in the numerator, ``in_denominator`` in
    the denominator (a record can be neither: pending, or not measurable, with ``result`` saying why)."""

    model: str  # "case" or "referral"
    pk: Any
    on: date  # the date that puts it in the period (received, engaged, referred, allocated, exit)
    result: str
    counted: bool = False
    in_denominator: bool = False
    person_id: Any = None
    kind: str = ""  # for abuse_at_exit: the abuse type


@dataclass
class KpiResult:
    key: str
    value: Any  # float | int | None; ``Suppressed`` once the disclosure rule has been applied
    numerator: int | None = None
    denominator: int | None = None
    breakdown: dict[str, int] = field(default_factory=dict)
    records: list[Record] = field(default_factory=list)
    excluded: int = 0  # records neither in the numerator nor the denominator (pending, not measurable)

    @property
    def definition(self) -> KpiDefinition:
        return definition_of(self.key)


@dataclass
class AbuseRow:
    kind: str
    label: str
    denominator: int
    ceased: int
    reduced: int
    unchanged: int
    increased: int

    @property
    def ceased_rate(self) -> float | None:
        return _rate(self.ceased, self.denominator)

    @property
    def reduced_rate(self) -> float | None:
        return _rate(self.reduced, self.denominator)

    @property
    def ceased_or_reduced_rate(self) -> float | None:
        return _rate(self.ceased + self.reduced, self.denominator)


@dataclass
class Outcomes:
    start: date
    end: date
    as_of: date
    kpis: dict[str, KpiResult]
    abuse: list[AbuseRow]

    def __getitem__(self, key: str) -> KpiResult:
        return self.kpis[key]


def _rate(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _rate_result(key: str, records: list[Record]) -> KpiResult:
    numerator = sum(r.counted for r in records)
    denominator = sum(r.in_denominator for r in records)
    breakdown: dict[str, int] = defaultdict(int)
    for record in records:
        breakdown[record.result] += 1
    excluded = sum(1 for r in records if not r.in_denominator)
    return KpiResult(key, _rate(numerator, denominator), numerator, denominator, dict(breakdown), records, excluded)


# --- the computations, one per KPI ----------------------------------------------------------


class ScopeRequired(ValueError):
    """A KPI was asked for without saying whose records count: it fails closed."""


def _scope(
    cases: QuerySet[Any] | None, referrals: QuerySet[Any] | None, partnership_wide: bool
) -> tuple[QuerySet[Any], QuerySet[Any]]:
    """The records a computation counts: the viewer's scope (``cases`` and ``referrals``, both), or
    every record when the caller says so by name (``partnership_wide=True``: the partnership's
    aggregate figures, counts only). Neither, or both, is refused: no scope never means "all"."""
    from waymark.cases.models import Case
    from waymark.referrals.models import Referral

    if partnership_wide:
        if cases is not None or referrals is not None:
            raise ScopeRequired("Give either the viewer's scope or partnership_wide=True, not both.")
        return Case.objects.all(), Referral.objects.all()
    if cases is None or referrals is None:
        raise ScopeRequired(
            "Say whose records count: cases= and referrals= (the viewer's visible_to scopes), "
            "or partnership_wide=True for the partnership's aggregate figures."
        )
    return cases, referrals


def referred_records(start: date, end: date, cases: QuerySet[Any], referrals: QuerySet[Any]) -> list[Record]:
    records = [
        Record("referral", pk, on, "Referral received", counted=True, in_denominator=True)
        for pk, on in referrals.filter(received_on__range=(start, end)).values_list("pk", "received_on")
    ]
    imported = cases.filter(referral__isnull=True, referred_on__range=(start, end)).values_list("pk", "referred_on")
    records += [
        Record("case", pk, on, "Imported case (referral date on the case)", counted=True, in_denominator=True)
        for pk, on in imported
    ]
    return records


def engaged_cases(start: date, end: date, cases: QuerySet[Any]) -> QuerySet[Any]:
    return cases.filter(engaged_on__range=(start, end))


def engaged_rows(start: date, end: date, cases: QuerySet[Any]) -> list[tuple[Any, Any, date]]:
    return list(engaged_cases(start, end, cases).values_list("pk", "person_id", "engaged_on"))


def supported_records(rows: Iterable[tuple[Any, Any, date]]) -> list[Record]:
    return [
        Record("case", pk, on, "Engaged", counted=True, in_denominator=True, person_id=person)
        for pk, person, on in rows
    ]


def _assessments_by_person(person_ids: QuerySet[Any], until: date) -> dict[Any, list[tuple[date, str]]]:
    """Current (not archived) assessments of these people up to ``until``, oldest first."""
    from waymark.risk.models import RiskAssessment

    by_person: dict[Any, list[tuple[date, str]]] = defaultdict(list)
    rows = (
        RiskAssessment.objects.filter(archived_at__isnull=True, person_id__in=person_ids, assessed_on__lte=until)
        .order_by("person_id", "assessed_on", "created_at")
        .values_list("person_id", "assessed_on", "final_level")
    )
    for person_id, assessed_on, level in rows:
        by_person[person_id].append((assessed_on, level))
    return by_person


_RISK_RANK = {level.value: level.rank for level in RiskLevel}


def risk_result(before_rank: int | None, after_rank: int | None, *, pending: bool) -> str:
    """The risk-reduction rule on ranks (the level at engagement, the level after, and whether the
    window is still open): "unmeasured", "pending", "none", "reduced", "unchanged" or "raised"."""
    if before_rank is None:
        return "unmeasured"
    if pending:
        return "pending"
    if after_rank is None:
        return "none"
    if after_rank < before_rank:
        return "reduced"
    return "unchanged" if after_rank == before_rank else "raised"


def classify_risk_reduction(
    engaged_on: date, assessments: list[tuple[date, str]], *, as_of: date, window: int
) -> tuple[str, bool, bool]:
    """(result, counted, in_denominator) for one engaged case, from its person's assessments
    (oldest first). The rule, in words, is the KPI's definition above."""
    baseline = None
    for assessed_on, level in assessments:
        if assessed_on <= engaged_on:
            baseline = level
    window_end = engaged_on + timedelta(days=window)
    after = None
    for assessed_on, level in assessments:
        if engaged_on < assessed_on <= window_end:
            after = level
    code = risk_result(
        None if baseline is None else _RISK_RANK[baseline],
        None if after is None else _RISK_RANK[after],
        pending=as_of <= window_end,
    )
    return _risk_labels()[code], code in _COUNTED["risk"], code in _IN_DENOMINATOR["risk"]


def reduced_risk_records(rows: list[tuple[Any, Any, date]], person_ids: QuerySet[Any], *, as_of: date) -> list[Record]:
    window = risk_window_days()
    if not rows:
        return []
    latest_needed = max(on for _, _, on in rows) + timedelta(days=window)
    by_person = _assessments_by_person(person_ids, latest_needed)
    records = []
    for pk, person, engaged_on in rows:
        result, counted, in_denominator = classify_risk_reduction(
            engaged_on, by_person.get(person, []), as_of=as_of, window=window
        )
        records.append(Record("case", pk, engaged_on, result, counted, in_denominator, person_id=person))
    return records


def _local_date(moment: Any, zone: Any) -> date:
    """``timezone.localdate`` for many rows: the zone is looked up once, not per row."""
    return moment.astimezone(zone).date()


def first_contact_rows(start: date, end: date, cases: QuerySet[Any]) -> list[SimpleNamespace]:
    zone = timezone.get_current_timezone()
    return [
        SimpleNamespace(
            pk=pk,
            referred_on=referred_on,
            contacted_on=None if first_contact_at is None else _local_date(first_contact_at, zone),
        )
        # The current episode's clock: the referral, or the reopening (waymark/cases/service_standard.py).
        for pk, referred_on, first_contact_at in cases.annotate(episode_start=episode_start_expression())
        .filter(episode_start__range=(start, end))
        .values_list("pk", "episode_start", "first_contact_at")
    ]


def first_contact_records(rows: list[SimpleNamespace], *, as_of: date) -> list[Record]:
    """The service standard's rule, set-based: ``first_contact_met_standard`` and
    ``first_contact_overdue`` (``waymark.cases.service_standard``) compare the local date of the
    first contact, and today, with ``first_contact_due_on(referred_on)``; so does this, working
    out each referral date's last day once (tests/outcomes/test_kpis.py checks they agree)."""
    due_on: dict[date, date] = {}
    records = []
    for row in rows:
        due = due_on.get(row.referred_on)
        if due is None:
            due = due_on[row.referred_on] = first_contact_due_on(row.referred_on)
        if row.contacted_on is not None and row.contacted_on <= due:
            record = Record("case", row.pk, row.referred_on, "Contacted within the standard", True, True)
        elif row.contacted_on is not None:
            record = Record("case", row.pk, row.referred_on, "Contacted after the standard", False, True)
        elif as_of > due:
            record = Record("case", row.pk, row.referred_on, "Not contacted, past the standard", False, True)
        else:
            record = Record("case", row.pk, row.referred_on, "Not contacted yet, within the standard", False, False)
        records.append(record)
    return records


def time_to_contact_records(rows: list[SimpleNamespace]) -> tuple[float | None, list[Record]]:
    days: list[int] = []
    records = []
    between: dict[tuple[date, date], int] = {}
    for row in rows:
        if row.contacted_on is None:
            continue
        pair = (row.referred_on, row.contacted_on)
        count = between.get(pair)
        if count is None:
            count = between[pair] = working_days_between(*pair)
        days.append(count)
        label = "1 working day" if count == 1 else f"{count} working days"
        records.append(Record("case", row.pk, row.referred_on, label, counted=True, in_denominator=True))
    return (float(statistics.median(days)) if days else None), records


_ENGAGED_STATUSES = {CaseStatus.ENGAGED, CaseStatus.ACTIVE}
_CONTACT_PENDING = {CaseStatus.AWAITING_ALLOCATION, CaseStatus.ALLOCATED, CaseStatus.CONTACT_ATTEMPTED}


def _start_of(day: date) -> Any:
    """Midnight at the start of ``day`` in the service's time zone (for indexed range filters)."""
    return timezone.make_aware(datetime.combine(day, time.min))


def engagement_records(start: date, end: date, cases: QuerySet[Any]) -> list[Record]:
    rows = cases.filter(
        allocated_at__gte=_start_of(start), allocated_at__lt=_start_of(end + timedelta(days=1))
    ).values_list("pk", "allocated_at", "engaged_on", "status")
    records = []
    zone = timezone.get_current_timezone()
    for pk, allocated_at, engaged_on, status in rows:
        on = _local_date(allocated_at, zone)
        if engaged_on is not None or status in _ENGAGED_STATUSES:
            records.append(Record("case", pk, on, "Engaged", True, True))
        elif status in _CONTACT_PENDING:
            records.append(Record("case", pk, on, "Contact not resolved yet: not counted", False, False))
        else:
            records.append(Record("case", pk, on, "Did not engage", False, True))
    return records


ABUSE_KINDS: tuple[str, ...] = tuple(AbuseKind.values)  # looked up once: ``.values`` rebuilds a list
NOT_HAPPENING = Frequency.NONE.value
_MEASURE_FIELDS = ["case_id", "measured_on", *ABUSE_KINDS, "feeling_safe", "wellbeing", "quality_of_life"]


def exit_pairs(start: date, end: date, cases: QuerySet[Any]) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """(exit, intake or None) for each client's exit measure in the period: the client's own
    measures only (subject is the case's person), the earliest intake on the same case."""
    client = OutcomeMeasure.objects.filter(case__in=cases, subject_id=F("case__person_id"))
    exit_measures = client.filter(stage=Stage.EXIT, measured_on__range=(start, end))
    exits = list(exit_measures.order_by("case_id", "measured_on", "created_at").values(*_MEASURE_FIELDS))
    intakes: dict[Any, dict[str, Any]] = {}
    if exits:
        for row in (
            client.filter(stage=Stage.INTAKE, case_id__in=exit_measures.values("case_id"))
            .order_by("-measured_on", "-created_at")
            .values(*_MEASURE_FIELDS)
        ):
            intakes[row["case_id"]] = row  # the earliest wins: rows come latest first
    return [(exit_row, intakes.get(exit_row["case_id"])) for exit_row in exits]


def scale_records(pairs: list[tuple[dict[str, Any], dict[str, Any] | None]], scale: str, better: str) -> list[Record]:
    records = []
    for exit_row, intake in pairs:
        on, pk = exit_row["measured_on"], exit_row["case_id"]
        if intake is None:
            records.append(Record("case", pk, on, "No intake measure: not counted"))
        elif intake[scale] is None or exit_row[scale] is None:
            records.append(Record("case", pk, on, "Not scored at intake and exit: not counted"))
        elif exit_row[scale] > intake[scale]:
            records.append(Record("case", pk, on, better, True, True))
        elif exit_row[scale] == intake[scale]:
            records.append(Record("case", pk, on, "Same score", False, True))
        else:
            records.append(Record("case", pk, on, "Lower score", False, True))
    return records


ABUSE_RESULTS = {
    "ceased": "Stopped",
    "reduced": "Reduced",
    "unchanged": "Same",
    "increased": "Rose",
}


def classify_abuse(intake_value: str, exit_value: str) -> str | None:
    """'ceased', 'reduced', 'unchanged' or 'increased'; None when it is not counted (not answered,
    or not happening at intake)."""
    if not intake_value or not exit_value or intake_value == NOT_HAPPENING:
        return None
    if exit_value == NOT_HAPPENING:
        return "ceased"
    before, after = FREQUENCY_ORDER[intake_value], FREQUENCY_ORDER[exit_value]
    if after < before:
        return "reduced"
    return "unchanged" if after == before else "increased"


def abuse_records(pairs: list[tuple[dict[str, Any], dict[str, Any] | None]]) -> tuple[list[AbuseRow], list[Record]]:
    records = []
    tallies: dict[str, defaultdict[str, int]] = {kind: defaultdict(int) for kind in ABUSE_KINDS}
    for exit_row, intake in pairs:
        if intake is None:
            continue
        for kind in ABUSE_KINDS:
            result = classify_abuse(intake[kind], exit_row[kind])
            if result is None:
                continue
            tallies[kind][result] += 1
            counted = result in ("ceased", "reduced")
            on, pk = exit_row["measured_on"], exit_row["case_id"]
            records.append(Record("case", pk, on, ABUSE_RESULTS[result], counted, True, kind=kind))
    rows = [
        AbuseRow(
            kind=kind,
            label=str(AbuseKind(kind).label),
            denominator=sum(tallies[kind].values()),
            ceased=tallies[kind]["ceased"],
            reduced=tallies[kind]["reduced"],
            unchanged=tallies[kind]["unchanged"],
            increased=tallies[kind]["increased"],
        )
        for kind in ABUSE_KINDS
    ]
    return rows, records


# --- everything at once -----------------------------------------------------------------------


def compute_outcomes(
    start: date,
    end: date,
    *,
    as_of: date | None = None,
    cases: QuerySet[Any] | None = None,
    referrals: QuerySet[Any] | None = None,
    partnership_wide: bool = False,
) -> Outcomes:
    """Every KPI for cases (and referrals) in [start, end], as of ``as_of`` (default today).

    ``cases`` and ``referrals`` are the records that count (the records page passes the viewer's
    scope); ``partnership_wide=True`` counts every record (the partnership's aggregate figures).
    Given neither, it raises ``ScopeRequired``: it fails closed."""
    cases, referrals = _scope(cases, referrals, partnership_wide)
    if end < start:
        raise ValueError("The end date is before the start date.")
    as_of = as_of or timezone.localdate()

    kpis: dict[str, KpiResult] = {}
    referred = referred_records(start, end, cases, referrals)
    kpis["referred"] = KpiResult("referred", len(referred), records=referred)

    engaged = engaged_rows(start, end, cases)
    supported = supported_records(engaged)
    kpis["supported"] = KpiResult("supported", len(supported), records=supported)
    kpis["people_supported"] = KpiResult("people_supported", len({r.person_id for r in supported}), records=supported)
    kpis["reduced_risk_within_3_months_rate"] = _rate_result(
        "reduced_risk_within_3_months_rate",
        reduced_risk_records(engaged, engaged_cases(start, end, cases).values("person_id"), as_of=as_of),
    )

    contact_rows = first_contact_rows(start, end, cases)
    kpis["first_contact_within_standard_rate"] = _rate_result(
        "first_contact_within_standard_rate", first_contact_records(contact_rows, as_of=as_of)
    )
    median, timing = time_to_contact_records(contact_rows)
    kpis["median_working_days_to_first_contact"] = KpiResult(
        "median_working_days_to_first_contact", median, None, len(timing), records=timing
    )
    kpis["engagement_rate"] = _rate_result("engagement_rate", engagement_records(start, end, cases))

    pairs = exit_pairs(start, end, cases)
    kpis["feeling_safer_at_exit_rate"] = _rate_result(
        "feeling_safer_at_exit_rate", scale_records(pairs, "feeling_safe", "Feels safer")
    )
    kpis["wellbeing_improved_at_exit_rate"] = _rate_result(
        "wellbeing_improved_at_exit_rate", scale_records(pairs, "wellbeing", "Wellbeing improved")
    )
    kpis["quality_of_life_improved_at_exit_rate"] = _rate_result(
        "quality_of_life_improved_at_exit_rate", scale_records(pairs, "quality_of_life", "Quality of life improved")
    )
    abuse, abuse_recs = abuse_records(pairs)
    kpis["abuse_at_exit"] = _rate_result("abuse_at_exit", abuse_recs)
    return Outcomes(start=start, end=end, as_of=as_of, kpis=kpis, abuse=abuse)


# --- the trend, from the same classified records ----------------------------------------------


TREND_KEYS = (
    "referred",
    "supported",
    "reduced_risk_within_3_months_rate",
    "first_contact_within_standard_rate",
    "engagement_rate",
)


@dataclass
class TrendRow:
    label: str
    start: date
    end: date
    values: dict[str, KpiResult]


def trend(outcomes: Outcomes, *, max_quarters: int = 12) -> tuple[str, list[TrendRow]]:
    """The headline KPIs per financial quarter of the period (per financial year when the period
    spans more than ``max_quarters`` quarters), from the records already classified."""
    from waymark.marac.reports.selectors import periods_between

    by = "quarter"
    periods = periods_between(outcomes.start, outcomes.end, by)
    if len(periods) > max_quarters:
        by = "financial-year"
        periods = periods_between(outcomes.start, outcomes.end, by)
    rows = []
    for period in periods:
        if period.start > outcomes.as_of:
            continue  # a quarter that has not begun would read as a collapse to zero
        start, end = max(period.start, outcomes.start), min(period.end, outcomes.end)
        values: dict[str, KpiResult] = {}
        for key in TREND_KEYS:
            records = [r for r in outcomes[key].records if start <= r.on <= end]
            if key in ("referred", "supported"):  # counts of referrals and of cases engaged
                values[key] = KpiResult(key, len(records))
            else:
                values[key] = _rate_result(key, records)
        rows.append(TrendRow(period.label, start, end, values))
    return ("quarter" if by == "quarter" else "financial year"), rows


# --- the query form: the same rules, computed in the database ---------------------------------
#
# ``compute_outcomes`` above classifies every record in Python, so that the records page can list
# each record with how it counted. The dashboards, downloads, reports, board pack and API need only
# the figures: ``outcome_figures`` computes them in the database, as counts grouped by period (and
# by a dimension such as the provider), in a fixed number of queries whatever the number of
# records. Each rule below is the same rule as the function above it, in SQL (Case/When over the
# same fields); tests/outcomes/test_kpis_query.py proves the two agree on random data.


@dataclass(frozen=True)
class Dimension:
    """A way to split the figures: the lookup to the value from a case and from a referral."""

    key: str
    label: str
    case_path: str
    referral_path: str
    # Builds the value from the path (for example, a category grouped into its census group);
    # the value is the field at the path when not given.
    expression: Callable[[str], Any] | None = None

    def value(self, path: str) -> Any:
        return self.expression(path) if self.expression else F(path)


RISK_RESULTS = ("reduced", "unchanged", "raised", "none", "pending", "unmeasured")
CONTACT_RESULTS = ("within", "after", "missed", "pending")
ENGAGEMENT_RESULTS = ("engaged", "not", "pending")
SCALE_RESULTS = ("better", "same", "lower", "unscored", "no_intake")
SCALES = (
    ("feeling_safer_at_exit_rate", "feeling_safe", "Feels safer"),
    ("wellbeing_improved_at_exit_rate", "wellbeing", "Wellbeing improved"),
    ("quality_of_life_improved_at_exit_rate", "quality_of_life", "Quality of life improved"),
)


def _risk_labels() -> dict[str, str]:
    window = risk_window_days()
    return {
        "reduced": "Risk reduced",
        "unchanged": "Risk unchanged",
        "raised": "Risk raised",
        "none": f"No reassessment within {window} days",
        "pending": f"Within {window} days of engaging: not counted yet",
        "unmeasured": "No risk assessment on or before engagement: not measured",
    }


CONTACT_LABELS = {
    "within": "Contacted within the standard",
    "after": "Contacted after the standard",
    "missed": "Not contacted, past the standard",
    "pending": "Not contacted yet, within the standard",
}
ENGAGEMENT_LABELS = {
    "engaged": "Engaged",
    "not": "Did not engage",
    "pending": "Contact not resolved yet: not counted",
}
SCALE_LABELS = {
    "same": "Same score",
    "lower": "Lower score",
    "unscored": "Not scored at intake and exit: not counted",
    "no_intake": "No intake measure: not counted",
}
_COUNTED = {"risk": {"reduced"}, "contact": {"within"}, "engagement": {"engaged"}, "scale": {"better"}}
_IN_DENOMINATOR = {
    "risk": {"reduced", "unchanged", "raised", "none"},
    "contact": {"within", "after", "missed"},
    "engagement": {"engaged", "not"},
    "scale": {"better", "same", "lower"},
}


@dataclass
class Tally:
    """Counts for one period bucket and one dimension value; tallies add up (``merge``)."""

    referred: int = 0
    supported: int = 0
    people: int = 0  # distinct people supported: NOT additive, set from its own query
    risk: Counter[str] = field(default_factory=Counter)
    contact: Counter[str] = field(default_factory=Counter)
    days: Counter[int] = field(default_factory=Counter)  # working days to first contact -> cases
    engagement: Counter[str] = field(default_factory=Counter)
    # By scale and by abuse type, each counter made when first counted into: a page makes
    # thousands of tallies (a quarter's by group, and by every combination of the board pack's
    # seven equality splits), most counting no exit at all, and thirteen empty counters each were
    # a tenth of the board pack's time.
    scales: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    abuse: defaultdict[str, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))

    def merge(self, other: Tally) -> None:
        self.referred += other.referred
        self.supported += other.supported
        # Only the counters with something in them: a page adds up thousands of tallies (a
        # quarter's by group, into periods and coarser groups), most of whose 23 counters are
        # empty, and ``Counter.update`` costs a call even for nothing.
        counters: tuple[tuple[Counter[Any], Counter[Any]], ...] = (
            (self.risk, other.risk),
            (self.contact, other.contact),
            (self.days, other.days),
            (self.engagement, other.engagement),
        )
        for mine, theirs in counters:
            if theirs:
                mine.update(theirs)
        for scale, counts in other.scales.items():
            if counts:
                self.scales[scale].update(counts)
        for kind, counts in other.abuse.items():
            if counts:
                self.abuse[kind].update(counts)


def _median(histogram: Counter[int]) -> float | None:
    """``statistics.median`` of the values the histogram counts."""
    total = sum(histogram.values())
    if not total:
        return None
    wanted = [(total - 1) // 2, total // 2]
    found: list[int] = []
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        while len(found) < 2 and wanted[len(found)] < seen:
            found.append(value)
    return float((found[0] + found[1]) / 2)


def _counted_result(key: str, family: str, counts: Counter[str], labels: dict[str, str]) -> KpiResult:
    numerator = sum(n for code, n in counts.items() if code in _COUNTED[family])
    denominator = sum(n for code, n in counts.items() if code in _IN_DENOMINATOR[family])
    excluded = sum(n for code, n in counts.items() if code not in _IN_DENOMINATOR[family])
    # In the labels' order, not the order the database happened to return the counts in.
    breakdown = {label: counts[code] for code, label in labels.items() if counts.get(code)}
    return KpiResult(key, _rate(numerator, denominator), numerator, denominator, breakdown, excluded=excluded)


def outcomes_from_tally(tally: Tally, start: date, end: date, as_of: date) -> Outcomes:
    """The figures of one tally as an ``Outcomes`` (without records): what the pages show."""
    kpis: dict[str, KpiResult] = {
        "referred": KpiResult("referred", tally.referred),
        "supported": KpiResult("supported", tally.supported),
        "people_supported": KpiResult("people_supported", tally.people),
        "reduced_risk_within_3_months_rate": _counted_result(
            "reduced_risk_within_3_months_rate", "risk", tally.risk, _risk_labels()
        ),
        "first_contact_within_standard_rate": _counted_result(
            "first_contact_within_standard_rate", "contact", tally.contact, CONTACT_LABELS
        ),
        "engagement_rate": _counted_result("engagement_rate", "engagement", tally.engagement, ENGAGEMENT_LABELS),
    }
    contacted = sum(tally.days.values())
    kpis["median_working_days_to_first_contact"] = KpiResult(
        "median_working_days_to_first_contact",
        _median(tally.days),
        None,
        contacted,
        {("1 working day" if d == 1 else f"{d} working days"): n for d, n in tally.days.items()},
    )
    for key, scale, better in SCALES:
        kpis[key] = _counted_result(key, "scale", tally.scales[scale], {**SCALE_LABELS, "better": better})
    abuse_rows = []
    abuse_total: Counter[str] = Counter()
    for kind in ABUSE_KINDS:
        counts = tally.abuse[kind]
        abuse_total.update(counts)
        abuse_rows.append(
            AbuseRow(
                kind=kind,
                label=str(AbuseKind(kind).label),
                denominator=sum(counts.values()),
                ceased=counts["ceased"],
                reduced=counts["reduced"],
                unchanged=counts["unchanged"],
                increased=counts["increased"],
            )
        )
    ceased_or_reduced = abuse_total["ceased"] + abuse_total["reduced"]
    denominator = sum(abuse_total.values())
    kpis["abuse_at_exit"] = KpiResult(
        "abuse_at_exit",
        _rate(ceased_or_reduced, denominator),
        ceased_or_reduced,
        denominator,
        {label: abuse_total[code] for code, label in ABUSE_RESULTS.items() if abuse_total.get(code)},
    )
    return Outcomes(start=start, end=end, as_of=as_of, kpis=kpis, abuse=abuse_rows)


def _bucket(field_name: str, buckets: list[tuple[date, date]], *, edge: Callable[[date], Any] | None = None) -> Any:
    """The index of the bucket (a period) the column's value falls in, as a SQL expression; -1
    outside them all (and for NULL). ``edge`` turns a day into the value compared with the column
    at that day's start (for a timestamp column, the local midnight); by default the day itself."""
    if len(buckets) == 1:
        return Value(0, output_field=IntegerField())
    at = edge or (lambda day: day)
    edges, labels = [at(buckets[0][0])], []
    for index, (first, last) in enumerate(buckets):
        if at(first) != edges[-1]:  # a gap before this bucket belongs to none
            if at(first) < edges[-1]:
                raise ValueError("buckets must be in order and must not overlap")
            labels.append(-1)
            edges.append(at(first))
        labels.append(index)
        edges.append(at(last + timedelta(days=1)))
    return _Segments(F(field_name), edges, labels)


class _Segments(Func):
    """Which of the segments [edges[i], edges[i + 1]) a value falls in (its label), found by a
    binary search written as nested CASEs: about log2(n) comparisons a row where a CASE with a
    WHEN per bucket made up to n (since April 2013 is 55 quarters; the flat CASE took about a
    quarter of the time of the report's largest queries on SQLite). -1 below the first edge, from
    the last edge on, and for NULL. Edges are parameters, adapted as Django adapts the column's."""

    output_field = IntegerField()

    def __init__(self, expression: Any, edges: list[Any], labels: list[int]) -> None:
        super().__init__(expression)
        if len(edges) != len(labels) + 1:
            raise ValueError("one more edge than labels")
        self.edges, self.labels = edges, labels

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        column, column_params = compiler.compile(self.source_expressions[0])
        field = self.source_expressions[0].output_field
        ops = connection.ops
        adapt = ops.adapt_datetimefield_value if isinstance(field, DateTimeField) else ops.adapt_datefield_value
        params: list[Any] = []

        def below(edge: Any) -> str:
            params.extend([*column_params, adapt(edge)])
            return f"{column} < %s"

        def search(low: int, high: int) -> str:  # the segments low..high (inclusive)
            if low == high:
                return str(self.labels[low])
            middle = (low + high + 1) // 2
            test = below(self.edges[middle])
            left = search(low, middle - 1)
            return f"CASE WHEN {test} THEN {left} ELSE {search(middle, high)} END"

        params.extend(column_params)
        outside = f"{column} IS NULL OR {below(self.edges[0])} OR NOT ({below(self.edges[-1])})"
        sql = f"CASE WHEN {outside} THEN -1 ELSE {search(0, len(self.labels) - 1)} END"
        return sql, params


class AddDays(Func):
    """A date column plus a whole number of days, natively on each backend (Django's date plus
    duration goes through a Python function per row on SQLite)."""

    output_field = DateField()

    def __init__(self, expression: Any, days: int) -> None:
        super().__init__(expression)
        self.days = int(days)

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql}, '{self.days:+d} days')", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"({sql} + {self.days})", params


class UtcDate(Func):
    """The UTC calendar day of a timestamp, natively (no per-row Python function on SQLite)."""

    output_field = DateField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date({sql})", params

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        sql, params = compiler.compile(self.source_expressions[0])
        return f"(({sql}) AT TIME ZONE 'UTC')::date", params


def _offset_changes(zone: Any, first_year: int, last_year: int) -> list[tuple[datetime, timedelta]]:
    """The moments (in UTC, on the hour) the zone's offset from UTC changes between the years,
    each with the offset from then on."""
    from datetime import UTC

    def offset_at(moment: datetime) -> timedelta:
        return moment.astimezone(zone).utcoffset() or timedelta(0)

    changes = []
    noon = datetime(first_year, 1, 1, 12, tzinfo=UTC)
    offset = offset_at(noon)
    while noon.year <= last_year:
        following = noon + timedelta(days=1)
        if offset_at(following) != offset:
            moment = noon
            while offset_at(moment) == offset:
                moment += timedelta(hours=1)
            offset = offset_at(moment)
            changes.append((moment, offset))
        noon = following
    return changes


def local_date(field_name: str, start: date, end: date) -> Any:
    """The local day (service time zone) of a timestamp column, for rows in [start, end] (a year
    either side is allowed for): on PostgreSQL ``TruncDate``; on SQLite the UTC day shifted by the
    zone's offset in force at the moment, found among the zone's offset changes by the same binary
    search as ``_bucket`` (no per-row Python)."""
    from datetime import UTC

    from django.db import connection
    from django.db.models.functions import TruncDate

    zone = timezone.get_current_timezone()
    if connection.vendor != "sqlite":
        return TruncDate(field_name, tzinfo=zone)
    changes = _cached_offset_changes(zone, start.year - 1, end.year + 1)
    first = datetime(start.year - 1, 1, 1, tzinfo=zone).utcoffset() or timedelta(0)
    # Segments between the changes, each labelled with its offset in seconds; the first and last
    # run to the ends of time.
    edges = [datetime(1, 1, 2, tzinfo=UTC), *(moment for moment, _ in changes), datetime(9999, 12, 30, tzinfo=UTC)]
    seconds = [int(offset.total_seconds()) for offset in [first, *(offset for _, offset in changes)]]
    if not any(seconds):
        return UtcDate(F(field_name))
    return _ShiftedDate(F(field_name), _Segments(F(field_name), edges, seconds))


class _ShiftedDate(Func):
    """SQLite only: the UTC day of a timestamp moved by a number of seconds (an expression; used by
    ``local_date``), in one call of SQLite's ``date`` with a modifier (through ``datetime`` first,
    it cost a sixth more per row)."""

    output_field = DateField()

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> Any:  # type: ignore[override]
        moment, moment_params = compiler.compile(self.source_expressions[0])
        seconds, seconds_params = compiler.compile(self.source_expressions[1])
        return f"date({moment}, ({seconds}) || ' seconds')", [*moment_params, *seconds_params]


_OFFSETS: dict[tuple[str, int, int], list[tuple[datetime, timedelta]]] = {}


def _cached_offset_changes(zone: Any, first_year: int, last_year: int) -> list[tuple[datetime, timedelta]]:
    key = (str(zone), first_year, last_year)
    if key not in _OFFSETS:
        _OFFSETS[key] = _offset_changes(zone, first_year, last_year)
    return _OFFSETS[key]


def _rank(expression: Any, ranks: dict[str, int]) -> Any:
    from django.db.models import Case, IntegerField, Value, When

    return Case(
        *[When(**{expression: value}, then=Value(rank)) for value, rank in ranks.items()],
        default=Value(None),
        output_field=IntegerField(),
    )


def _code(*whens: Any, default: str) -> Any:
    from django.db.models import Case, CharField, Value

    return Case(*whens, default=Value(default), output_field=CharField())


class _Grouped:
    """Rows of ``values(bucket, group, ...).annotate(...)`` added into tallies keyed (bucket, group).

    Split by several dimensions at once (``outcome_figures_compared_each``: the board pack's seven
    equality splits), each row carries every dimension's value ("g", "g1", ...), and the database
    counts each dimension's groups apart (``_counts``' ``each``): the group is then (the dimension's
    index, its value), and ``_rolled_up`` picks one dimension's tallies. The records are read once
    instead of once a dimension, and a dimension's counts are the same whichever way they were read
    (each record falls in exactly one group of each)."""

    def __init__(self, dimension: Dimension | Sequence[Dimension] | None) -> None:
        if dimension is None:
            self.dimensions: list[Dimension] = []
        elif isinstance(dimension, Dimension):
            self.dimensions = [dimension]
        else:
            self.dimensions = list(dimension)
        self.names = ["g", *(f"g{i}" for i in range(1, len(self.dimensions)))] if self.dimensions else []
        # The keys ``_counts`` counts each apart: several dimensions' (one alone is simply grouped).
        self.each = self.names if len(self.names) > 1 else []
        self.tallies: dict[tuple[int, Any], Tally] = defaultdict(Tally)

    def group(self, source: str) -> dict[str, Any]:
        """The annotations for the dimensions' values, from a case ("case"), a referral or a measure."""
        found = {}
        for name, dimension in zip(self.names, self.dimensions, strict=True):
            path = {"case": dimension.case_path, "referral": dimension.referral_path}[source]
            found[name] = dimension.value(path)
        return found

    def keys(self, *extra: str) -> list[str]:
        return ["b", *self.names, *extra]

    def key(self, row: dict[str, Any]) -> tuple[int, Any]:
        """The (bucket, group) of a row of counts."""
        return (row["b"], row["g"] if self.names else None)

    def tally(self, row: dict[str, Any]) -> Tally:
        return self.tallies[self.key(row)]


def _rolled_up_to_none(tallies: dict[tuple[int, Any], Tally], *, apart: bool) -> dict[tuple[int, Any], Tally]:
    """Tallies split by a dimension added up to no split (the group None). ``apart``: several
    dimensions counted apart (``_Grouped``): the first one's groups are added up, since every
    record is in one of them."""
    rolled: dict[tuple[int, Any], Tally] = defaultdict(Tally)
    for (b, group), tally in tallies.items():
        if not apart or group[0] == 0:
            rolled[(b, None)].merge(tally)
    return dict(rolled)


def _rolled_up(tallies: dict[tuple[int, Any], Tally], index: int) -> dict[tuple[int, Any], Tally]:
    """The tallies of the ``index``-th of several dimensions counted apart (``_Grouped``)."""
    return {(b, group): tally for (b, (of, group)), tally in tallies.items() if of == index}


def _keyed(queryset: QuerySet[Any], keys: list[str]) -> tuple[str, list[Any], Any, list[Any]] | None:
    """The SQL of ``queryset.values(*keys)`` (each key an annotation), its parameters, the
    connection and the converters Django would apply to each key; None when it selects nothing."""
    from django.core.exceptions import EmptyResultSet
    from django.db import connections

    inner = queryset.order_by().values(*keys)
    connection = connections[inner.db]
    try:
        sql, params = inner.query.get_compiler(inner.db).as_sql()
    except EmptyResultSet:
        return None
    converters = []
    for index, key in enumerate(keys):
        expression = inner.query.annotations[key]
        for converter in connection.ops.get_db_converters(expression) + expression.get_db_converters(connection):
            converters.append((index, converter, expression))
    return sql, list(params), connection, converters


def _keyed_together(querysets: list[QuerySet[Any]], keys: list[str]) -> tuple[str, list[Any], Any, list[Any]] | None:
    """``_keyed`` of each queryset (the same annotations, on one database), their rows together
    (UNION ALL), converted as the first's; None when none selects anything."""
    found = [keyed for queryset in querysets if (keyed := _keyed(queryset, keys)) is not None]
    if not found:
        return None
    if len(found) == 1:
        return found[0]
    _, _, connection, converters = found[0]
    sql = " UNION ALL ".join(f"SELECT * FROM ({part}) part{index}" for index, (part, *_) in enumerate(found))  # noqa: S608 (Django's SQL)
    return sql, [param for _, params, _, _ in found for param in params], connection, converters


@contextmanager
def _without_nested_loops(connection: Any, wanted: bool) -> Iterator[None]:
    """PostgreSQL told to join without nested loops, for one query. Joining a case to its
    client's measures matches two columns (the case and the client), and the planner multiplies
    their selectivities: it expects one row where there are hundreds of thousands, and looks each
    one's intake up by index (2.9 s at ten times the demo, 1.5 s hashed). ``SET LOCAL`` in a
    savepoint, put back before it ends: nothing after this query is planned differently."""
    if not wanted or connection.vendor != "postgresql":
        yield
        return
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_nestloop = off")
        yield
        # Put back on success only: after an error the transaction takes no command, and rolling
        # the savepoint back undoes the SET LOCAL anyway.
        cursor.execute("SET LOCAL enable_nestloop TO DEFAULT")


def _converted(found: list[Any], converters: list[tuple[int, Any, Any]], connection: Any) -> list[list[Any]]:
    """``found``'s rows as lists, their key columns converted as Django would (``converters``: the
    compiler's (index, converter, expression), chained in order), column by column and each
    distinct value once: tens of thousands of rows share a few thousand days, and on SQLite a date
    is text that Django's converter parses each time it is given."""
    rows = [list(values) for values in found]
    for index, converter, expression in converters:
        try:
            distinct = {row[index] for row in rows}
        except TypeError:  # a value that cannot be hashed: converted every time
            for row in rows:
                row[index] = converter(row[index], expression, connection)
            continue
        as_converted = {value: converter(value, expression, connection) for value in distinct}
        for row in rows:
            row[index] = as_converted[row[index]]
    return rows


def _counts(
    queryset: QuerySet[Any] | list[QuerySet[Any]],
    keys: list[str],
    tallied: Mapping[str, Iterable[str]] | None = None,
    *,
    per_row: tuple[list[tuple[str, str]], list[Any], str] | None = None,
    carried: tuple[str, ...] = (),
    hash_joins: bool = False,
    tuples: bool = False,
    each: Sequence[str] = (),
) -> list[Any]:
    """``queryset.values(*keys).annotate(n=Count("pk"))`` with each key worked out once a row, and
    for each code in ``tallied`` (also annotations) the rows with each of its results.

    Every key and code is an annotation of ``queryset`` (a bucket, the dimension's group, a result
    code). Grouped by Django, each key's whole expression (a CASE, a correlated subquery) is repeated
    in the GROUP BY, and counted per result it would be repeated in every count: here the keys and
    codes are computed once a row in a materialized derived table ("keyed") and grouped and counted
    by name outside it. A code's counts are ``row[code][result]``; the rows' values are converted as
    Django converts them (dates on SQLite, UUIDs), so they are those ``values().annotate()`` gives.
    ``per_row`` is more columns worked out for each row of "keyed", grouped too: ((name, SQL over
    "keyed"), ...), their parameters and a join beside "keyed" they may read (or ""); ``carried`` more annotations "keyed" holds for them (not
    grouped). ``hash_joins``: on PostgreSQL, join without nested loops (``_without_nested_loops``).
    ``tuples``: each row as a tuple (the keys, then the count) rather than a dict, for a caller
    reading tens of thousands of rows (first contact's pairs of days). ``queryset`` may be a list of
    querysets with the same annotations, whose rows are counted together (UNION ALL).

    ``each``: several keys (several dimensions' groups) counted each on its own rather than in
    combination (``_each_apart``): each row then holds the group of one of them, as (that key's
    index in ``each``, the group), under the name ``each[0]`` (first in a tuple), and the other keys
    of ``each`` are left out."""
    tallied = tallied or {}
    found_sql = _keyed_together(queryset if isinstance(queryset, list) else [queryset], [*keys, *tallied, *carried])
    if found_sql is None:
        return []
    sql, params, connection, converters = found_sql
    quote = connection.ops.quote_name
    counted = [(code, result) for code, results in tallied.items() for result in results]
    # A filtered count where the database has one (PostgreSQL, SQLite 3.30+): about 15% quicker
    # than adding up a CASE per row, over the exits' forty-five counts.
    if connection.features.supports_aggregate_filter_clause:
        sums: list[str] = [f"COUNT(*) FILTER (WHERE keyed.{quote(code)} = %s)" for code, _ in counted]
    else:  # pragma: no cover - an older SQLite
        sums = [f"SUM(CASE WHEN keyed.{quote(code)} = %s THEN 1 ELSE 0 END)" for code, _ in counted]
    results = [result for _, result in counted]
    worked: tuple[str, list[str], list[Any]] | None = None  # (SQL of "keyed" with them, their names, parameters)
    extra = [] if per_row is None else [name for name, _ in per_row[0]]
    if per_row is not None:
        worked_columns, more_params, joined = per_row
        worked_out = ", ".join(f"{expression} AS {quote(name)}" for name, expression in worked_columns)
        worked = (f"SELECT keyed.*, {worked_out} FROM keyed{joined}", [f"keyed.{quote(n)}" for n in extra], more_params)  # noqa: S608 (as above)
    if len(each) > 1:
        query, params, read = _each_apart(sql, params, keys, list(each), sums, results, worked, connection)
        with _without_nested_loops(connection, hash_joins), connection.cursor() as cursor:
            cursor.execute(query, params)
            found = cursor.fetchall()
        keys, converted = read(found, converters)
    else:
        names = [f"keyed.{quote(key)}" for key in keys]
        source, more, more_params = "keyed", [], []
        if worked is not None:
            source, more, more_params = f"({worked[0]}) keyed", worked[1], worked[2]
        grouping = ", ".join([*names, *more])
        query = (
            f"WITH keyed AS MATERIALIZED ({sql}) SELECT {', '.join([*names, *more, 'COUNT(*)', *sums])} "  # noqa: S608 (Django's SQL, quoted names, placeholders)
            f"FROM {source} GROUP BY {grouping}"
        )
        params = [*params, *results, *more_params]  # in the order they appear
        with _without_nested_loops(connection, hash_joins), connection.cursor() as cursor:
            cursor.execute(query, params)
            found = cursor.fetchall()
        of_keys = [(i, c, e) for i, c, e in converters if i < len(keys)]
        converted = _converted(found, of_keys, connection) if of_keys else found
    if tuples and not counted and per_row is None:
        return converted if converted is found else [tuple(row) for row in converted]
    rows = []
    for row in converted:
        item: dict[str, Any] = dict(zip([*keys, *extra], row, strict=False))
        item["n"] = row[len(keys) + len(extra)]
        sums_found = row[len(keys) + len(extra) + 1 :]
        for (code, result), n in zip(counted, sums_found, strict=True):
            item.setdefault(code, {})[result] = int(n or 0)
        rows.append(item)
    return rows


def _each_apart(
    sql: str,
    params: list[Any],
    keys: list[str],
    each: list[str],
    sums: list[str],
    results: list[Any],
    worked: tuple[str, list[str], list[Any]] | None,
    connection: Any,
) -> tuple[str, list[Any], Callable[[list[Any], list[Any]], tuple[list[str], list[list[Any]]]]]:
    """``_counts``' statement grouping by each of the keys ``each`` on its own (with the other
    keys), and how to read its rows: (the statement, its parameters, a function of the rows fetched
    and the converters giving the keys of a row and the rows, converted).

    Why: the board pack splits a quarter by seven equality characteristics at once. Grouped by all
    seven together the rows are every combination of their groups (thousands), and each
    characteristic's counts were those combinations added up in Python, over a fifth of the pack's
    time. Grouped by each apart, the database adds them up and returns a few rows a group.
    PostgreSQL groups by GROUPING SETS in one pass over the rows, naming the grouping set of a row
    with GROUPING() (a bit for each of ``each`` left out, the last one lowest); SQLite has no
    grouping sets, so it reads the materialized rows once a key (UNION ALL, the other keys of
    ``each`` NULL), naming the key by its index. Every key's column stays in its own place, so
    groups of different types (a text, a number) are never put in one column."""
    quote = connection.ops.quote_name
    others = [key for key in keys if key not in each]
    grouped_by = [f"keyed.{quote(key)}" for key in others]
    more = [] if worked is None else worked[1]
    more_params = [] if worked is None else worked[2]
    width = len(each)
    if connection.vendor == "postgresql":
        source = "keyed" if worked is None else f"({worked[0]}) keyed"
        columns = ", ".join(f"keyed.{quote(key)}" for key in each)
        sets = ", ".join(f"({', '.join([f'keyed.{quote(key)}', *grouped_by, *more])})" for key in each)
        query = (
            f"WITH keyed AS MATERIALIZED ({sql}) SELECT GROUPING({columns}), "  # noqa: S608 (Django's SQL, quoted names, placeholders)
            f"{', '.join([columns, *grouped_by, *more, 'COUNT(*)', *sums])} FROM {source} GROUP BY GROUPING SETS ({sets})"
        )
        everything = (1 << width) - 1
        index_of = {everything ^ (1 << (width - 1 - index)): index for index in range(width)}
        params = [*params, *results, *more_params]
    else:
        # The worked-out columns (risk at engaging) once a row, not once a key.
        ctes = f"keyed AS MATERIALIZED ({sql})"
        source = "keyed"
        if worked is not None:
            ctes += f", worked AS MATERIALIZED ({worked[0]})"
            source = "worked keyed"
        selects = []
        for index, key in enumerate(each):
            placed = [f"keyed.{quote(k)}" if k == key else "NULL" for k in each]
            selects.append(
                f"SELECT {index}, {', '.join([*placed, *grouped_by, *more, 'COUNT(*)', *sums])} FROM {source} "  # noqa: S608 (as above)
                f"GROUP BY {', '.join([f'keyed.{quote(key)}', *grouped_by, *more])}"
            )
        query = f"WITH {ctes} " + " UNION ALL ".join(selects)
        index_of = {index: index for index in range(width)}
        params = [*params, *more_params, *(results * width)]

    def read(found: list[Any], converters: list[Any]) -> tuple[list[str], list[list[Any]]]:
        """Each row as (its key's index, its group), the other keys, the rest: each key's groups
        converted as Django converts that key's values."""
        by_key: dict[int, list[list[Any]]] = defaultdict(list)
        for row in found:
            index = index_of[row[0]]
            by_key[index].append([row[1 + index], *row[1 + width :]])
        rows: list[list[Any]] = []
        for index, placed in by_key.items():
            position = {each[index]: 0, **{key: 1 + i for i, key in enumerate(others)}}
            mine = [(position[keys[i]], c, e) for i, c, e in converters if i < len(keys) and keys[i] in position]
            for row in _converted(placed, mine, connection) if mine else placed:
                row[0] = (index, row[0])
                rows.append(row)
        return [each[0], *others], rows

    return query, params, read


# The working-day calendar, kept for the process: it is the ``holidays`` package's and the
# standard's, never the records', and a page since April 2013 asks for about five thousand days of
# it (worked out for each page, the days were about 15% of the dashboard's Python time).
_WORKED: list[dict[date, int]] = [{}]  # one running count of working days over a run of days
_DUE_ON: dict[int, dict[date, date]] = {}  # the standard's working days -> day -> its due day


def _working_day_counts(first: date, last: date) -> dict[date, int]:
    """For every day from ``first`` to ``last`` (at least): the working days after the count's
    first day up to and including it (so ``working_days_between(a, b)`` is the difference)."""
    known = _WORKED[0]
    if first in known and last in known:  # the days run without a gap from the first to the last
        return known
    if known:
        first, last = min(first, min(known)), max(last, max(known))
    day, counts, running = first, {}, 0
    while day <= last:
        counts[day] = running
        day += timedelta(days=1)
        if is_working_day(day):
            running += 1
    _WORKED[0] = counts  # replaced whole: a page reading the old one still reads a whole count
    return counts


def _due_days() -> dict[date, date]:
    """``first_contact_due_on`` of the days asked so far under the standard in force (filled in
    by ``_due_on``)."""
    return _DUE_ON.setdefault(int(settings.CASES_FIRST_CONTACT_WORKING_DAYS), {})


def _due_on(day: date, known: dict[date, date]) -> date:
    due = known.get(day)
    if due is None:
        due = known[day] = first_contact_due_on(day)
    return due


def _consecutive_starts(buckets: list[tuple[date, date]]) -> list[date]:
    """The buckets' first days, for finding a day's bucket by bisection: only right when each
    bucket starts the day after the one before ends (as ``_quarters_of`` gives them)."""
    if any(later != end + timedelta(days=1) for (_, end), (later, _) in itertools.pairwise(buckets)):
        raise ValueError("The buckets must follow one another day by day.")
    return [start for start, _ in buckets]


def _per_bucket_by_day(records: QuerySet[Any], day: str, buckets: list[tuple[date, date]]) -> Counter[int]:
    """How many of ``records`` (all within the buckets) fall in each bucket of ``day`` (a date
    field), by the index of the bucket. Counted per day by the database, which reads an index on
    the day in its order and groups without a sort; each day's count is put in its bucket here (a
    few hundred days a year). (Bucketed per row, SQLite worked a CASE out for every referral and
    sorted them: five times as long for this year's referrals at ten times the demo.)"""
    from django.db.models import Count

    starts = _consecutive_starts(buckets)
    counted: Counter[int] = Counter()
    for on, n in records.order_by().values(day).annotate(n=Count("*")).values_list(day, "n"):
        counted[bisect_right(starts, on) - 1] += n
    return counted


def _referred_counts(
    grouped: _Grouped, buckets: list[tuple[date, date]], cases: QuerySet[Any], referrals: QuerySet[Any]
) -> list[tuple[tuple[int, Any], int]]:
    """Referred (``referred_records``): referrals by the date received, and imported cases by the
    referral date on the case, as ((bucket, group), count) pairs (``grouped``'s keys; it is only
    read: the counts are added in by the caller, ``_add_referred``)."""
    start, end = buckets[0][0], buckets[-1][1]
    found: list[tuple[tuple[int, Any], int]] = []
    if not grouped.names:
        for records, day in (
            (referrals.filter(received_on__range=(start, end)), "received_on"),
            (cases.filter(referral__isnull=True, referred_on__range=(start, end)), "referred_on"),
        ):
            found += [((b, None), n) for b, n in _per_bucket_by_day(records, day, buckets).items()]
        return found
    for records, source, day in (
        (referrals.filter(received_on__range=(start, end)), "referral", "received_on"),
        (cases.filter(referral__isnull=True, referred_on__range=(start, end)), "case", "referred_on"),
    ):
        rows = _counts(
            records.annotate(b=_bucket(day, buckets), **grouped.group(source)), grouped.keys(), each=grouped.each
        )
        found += [(grouped.key(row), row["n"]) for row in rows]
    return found


def _add_referred(grouped: _Grouped, counts: list[tuple[tuple[int, Any], int]]) -> None:
    for key, n in counts:
        grouped.tallies[key].referred += n


def _referred_into(
    grouped: _Grouped, buckets: list[tuple[date, date]], cases: QuerySet[Any], referrals: QuerySet[Any]
) -> None:
    """Referred (``_referred_counts``), added into ``grouped``'s tallies."""
    _add_referred(grouped, _referred_counts(grouped, buckets, cases, referrals))


def referred_by_period(
    start: date,
    end: date,
    by: str = "financial-year",
    *,
    cases: QuerySet[Any] | None = None,
    referrals: QuerySet[Any] | None = None,
    partnership_wide: bool = False,
) -> list[tuple[str, date, date, int]]:
    """Referrals received per period (the ``referred`` KPI alone, in two grouped queries). The
    records counted as for ``compute_outcomes``: a scope, or ``partnership_wide=True``."""
    cases, referrals = _scope(cases, referrals, partnership_wide)
    from waymark.marac.reports.selectors import periods_between

    parts = [(p.label, max(p.start, start), min(p.end, end)) for p in periods_between(start, end, by)]
    grouped = _Grouped(None)
    _referred_into(grouped, [(s, e) for _, s, e in parts], cases, referrals)
    return [(label, s, e, grouped.tallies[(i, None)].referred) for i, (label, s, e) in enumerate(parts)]


def referred_by_period_and_group(
    start: date,
    end: date,
    by: str,
    dimension: Dimension,
    *,
    cases: QuerySet[Any] | None = None,
    referrals: QuerySet[Any] | None = None,
    partnership_wide: bool = False,
) -> tuple[list[tuple[str, date, date]], dict[tuple[int, Any], int]]:
    """The ``referred`` KPI per period and per group of ``dimension``, in two grouped queries:
    (the periods, {(period index, group): referred}). The groups of a period add up to its
    ``referred_by_period`` figure (every record falls in exactly one group)."""
    parts, each = referred_by_period_and_group_each(
        start, end, by, [dimension], cases=cases, referrals=referrals, partnership_wide=partnership_wide
    )
    return parts, each[0]


def referred_by_period_and_group_each(
    start: date,
    end: date,
    by: str,
    dimensions: list[Dimension],
    *,
    cases: QuerySet[Any] | None = None,
    referrals: QuerySet[Any] | None = None,
    partnership_wide: bool = False,
) -> tuple[list[tuple[str, date, date]], list[dict[tuple[int, Any], int]]]:
    """``referred_by_period_and_group`` for each of several dimensions, from one reading of the
    records (two grouped queries whatever the number of dimensions: each record carries every
    dimension's group, ``_Grouped``): (the periods, one {(period index, group): referred} a
    dimension, in their order)."""
    cases, referrals = _scope(cases, referrals, partnership_wide)
    from waymark.marac.reports.selectors import periods_between

    parts = [(p.label, max(p.start, start), min(p.end, end)) for p in periods_between(start, end, by)]
    distinct = list(dict.fromkeys(dimensions))
    grouped = _Grouped(distinct[0] if len(distinct) == 1 else distinct)
    _referred_into(grouped, [(s, e) for _, s, e in parts], cases, referrals)
    # Each dimension's counts (counted apart by the database when there are several).
    by_dimension: list[dict[tuple[int, Any], int]] = [{} for _ in distinct]
    for (b, group), tally in grouped.tallies.items():
        if tally.referred and by_dimension:  # no dimension asked for: nothing to split
            index, value = group if grouped.each else (0, group)
            by_dimension[index][(b, value)] = tally.referred
    return parts, [by_dimension[distinct.index(dimension)] for dimension in dimensions]


# The risk rule's "pending" code for a case whose window after engaging is still open (a constant
# the SQL of ``_risk_levels`` names: never a user's value).
_WINDOW_OPEN = "y"


def _latest_rank_sql(pid: str, within: str) -> tuple[str, list[Any]]:
    """The SQL of the rank of a person's latest current assessment ``within`` a range of days
    (``pid`` and ``within`` are SQL over names from the models and constants only; the levels are
    placeholders): latest by the day assessed and then by when it was recorded, as
    ``classify_risk_reduction`` takes the last in that order; NULL where there is none. One search
    of the index on (person, day assessed, recorded, level) of current assessments, read backwards
    to its first entry. Both the reports (``_risk_levels``) and the kept facts
    (``waymark.outcomes.facts``) use it: one form of the rule in SQL."""
    from django.db import connection

    from waymark.risk.models import RiskAssessment

    quote = connection.ops.quote_name
    table = quote(RiskAssessment._meta.db_table)
    column = {
        f: quote(str(cast("Field[Any, Any]", RiskAssessment._meta.get_field(f)).column))
        for f in ("person", "assessed_on", "created_at", "final_level", "archived_at")
    }
    whens = " ".join("WHEN %s THEN %s" for _ in _RISK_RANK)
    ranks: list[Any] = [item for level, rank in _RISK_RANK.items() for item in (level, rank)]
    within = within.replace("{assessed_on}", f"a.{column['assessed_on']}")
    return (
        f"(SELECT CASE a.{column['final_level']} {whens} ELSE NULL END FROM {table} a"  # noqa: S608 (as above)
        f" WHERE a.{column['person']} = {pid} AND a.{column['archived_at']} IS NULL AND {within}"
        f" ORDER BY a.{column['assessed_on']} DESC, a.{column['created_at']} DESC LIMIT 1)"
    ), ranks


def risk_rank_sql(pid: str, eng: str, wend: str) -> tuple[list[tuple[str, str]], list[Any]]:
    """The risk rule's two ranks of a case as SQL columns ("before": the latest current assessment
    of the person on or before the day of engaging ``eng``; "after": the latest after it, up to the
    window's end ``wend``), and their parameters in order."""
    before, before_params = _latest_rank_sql(pid, f"{{assessed_on}} <= {eng}")
    after, after_params = _latest_rank_sql(pid, f"{{assessed_on}} > {eng} AND {{assessed_on}} <= {wend}")
    return [("before", before), ("after", after)], [*before_params, *after_params]


def _risk_levels(
    window: int, *, kept: bool, engaged: tuple[date, date]
) -> tuple[list[tuple[str, str]], list[Any], str]:
    """The columns ``_counts`` works out for each engaged case ("keyed": its id, person, day of
    engaging, end of the risk window and whether that is still open, "pending" = ``_WINDOW_OPEN``)
    for the risk rule: the case's rank at engagement ("before") and after ("after"), as
    ``risk_rank_sql`` gives them, and (``kept``) the join that reads them kept instead.

    A case's kept ranks (``RiskFact``) are read when they are current: the same person, day of
    engaging and risk window as this reading, and the person not marked as changed since they were
    worked out (``OutcomeFactStale``, written by the database in the change's own transaction).
    In one statement, the marks, the facts and the records are read from one snapshot, so a kept
    rank is never older than the records beside it. A case without a current row is worked out from
    the records: two searches of the assessments' index (on SQLite about 0.4x the time of ranking
    every assessment of every case with a window function).

    ``engaged``: the first and last day of engaging the cases are read for. The kept rows are
    read for those days only (the same rows join, since a current one has the case's day of
    engaging): for this year's figures PostgreSQL then hashes this year's kept rows, not every
    case's since records began (half the home page's statement at ten times the demo)."""
    from django.db import connection

    from waymark.outcomes.models import OutcomeFactStale, RiskFact

    quote = connection.ops.quote_name
    cid, pid, eng, wend, pending = (f"keyed.{quote(name)}" for name in ("cid", "pid", "eng", "wend", "pending"))
    ((_, before), (_, after)), rank_params = risk_rank_sql(pid, eng, wend)
    if not kept:
        after_only = f"CASE WHEN {pending} = '{_WINDOW_OPEN}' THEN NULL ELSE {after} END"
        return [("before", before), ("after", after_only)], rank_params, ""
    facts, marks = quote(RiskFact._meta.db_table), quote(OutcomeFactStale._meta.db_table)
    join = (
        f" LEFT JOIN {facts} f ON f.case_id = {cid} AND f.person_id = {pid} AND f.engaged_on = {eng}"  # noqa: S608 (names from the models)
        f" AND f.engaged_on BETWEEN %s AND %s AND f.window_days = %s AND f.rule_version = %s"
        f" AND {pid} NOT IN (SELECT m.person_id FROM {marks} m WHERE m.person_id IS NOT NULL)"
    )
    columns = [
        ("before", f"CASE WHEN f.case_id IS NOT NULL THEN f.before_rank ELSE {before} END"),
        # While the window is open the rule says "pending" whatever came after: not searched for
        # (a third of a year's cases on the home page).
        (
            "after",
            f"CASE WHEN {pending} = '{_WINDOW_OPEN}' THEN NULL"
            f" WHEN f.case_id IS NOT NULL THEN f.after_rank ELSE {after} END",
        ),
    ]
    return columns, [*rank_params, *engaged, window, rules_version()], join  # the parameters in the order they appear


def _every_case(cases: QuerySet[Any]) -> bool:
    """Whether ``cases`` is every case, each once, as the partnership-wide figures count: no
    condition, join, annotation, DISTINCT, slice or combination (anything else is read the other
    way, each case joined to its kept row)."""
    from waymark.cases.models import Case

    query = cases.query
    return (
        cases.model is Case
        and not query.where
        and not query.is_sliced
        and query.combinator is None
        and not query.distinct
        and not query.annotations
        and not query.extra
        and len(query.alias_map) <= 1
    )


def risk_facts_complete(window: int, using: str = "default") -> bool:
    """Whether a refresh has kept the ranks of every engaged case by this form of the rules and
    this risk window (``RiskFactsComplete``): the partnership's unsplit figures then read the kept
    rows alone (``_ranks_kept_alone``, which asks again in its own statement)."""
    from waymark.outcomes.models import RiskFactsComplete

    return RiskFactsComplete.objects.using(using).filter(rule_version=rules_version(), window_days=window).exists()


def _ranks_kept_alone(
    buckets: list[tuple[date, date]], as_of: date, window: int, cases: QuerySet[Any]
) -> list[dict[str, Any]]:
    """The risk rule's counts per (bucket, window open or not, rank before, rank after) of every
    engaged case, for the partnership's unsplit figures once every engaged case's ranks are kept
    (``risk_facts_complete``), as ``_counts`` gives them (the group None).

    In one statement (marks, kept rows, the completeness record and the records from one
    snapshot): the kept rows of unmarked people, counted per (day of engaging, ranks) from the kept
    rows alone (no case joined: each kept row carries its day), and the engaged cases of marked
    people, worked out from the records (``risk_rank_sql``). The marks keep an unmarked person's
    kept rows exactly her engaged cases' current ones (``RiskFactsComplete``), so the two are every
    engaged case once. The caller chose this form because the record was there; should a refresh
    by another form of the rules or another window (another process, mid-deployment) have removed
    it since, the statement sees no record, reads no kept row and works every case out instead (a
    part the database skips, without reading a row, while the record is there).
    Each day's counts are then put in their bucket here: a few thousand rows since April 2013.
    (Joined to its kept row, each case cost a search of the kept rows' index; counted per day, the
    kept rows are read in the order of their index and never sorted.)"""
    from django.db.models import Count, Exists, When

    from waymark.outcomes.models import OutcomeFactStale, RiskFact, RiskFactsComplete

    start, end = buckets[0][0], buckets[-1][1]
    marked = OutcomeFactStale.objects.filter(person_id__isnull=False).values("person_id")
    complete = Exists(RiskFactsComplete.objects.filter(rule_version=rules_version(), window_days=window))
    kept = (
        RiskFact.objects.using(cases.db)
        .filter(complete, engaged_on__range=(start, end), window_days=window, rule_version=rules_version())
        .exclude(person_id__in=marked)
        .order_by()
        .values("engaged_on", "before_rank", "after_rank")
        .annotate(n=Count("*"))
    )
    kept_sql, kept_params = kept.query.get_compiler(kept.db).as_sql()
    opens = as_of - timedelta(days=window)  # a case engaged on or after it: its window is still open
    engaged = engaged_cases(start, end, cases).annotate(
        pid=F("person_id"),
        eng=F("engaged_on"),
        wend=AddDays("engaged_on", window),
        pending=_code(When(engaged_on__gte=opens, then=Value(_WINDOW_OPEN)), default="n"),
    )
    worked = _keyed_together(
        [engaged.filter(person_id__in=marked), engaged.filter(~complete).exclude(person_id__in=marked)],
        ["pid", "eng", "wend", "pending"],
    )
    assert worked is not None  # a filter on a column always selects something
    worked_sql, worked_params, connection, _ = worked
    quote = connection.ops.quote_name
    pid, eng, wend, pending = (f"keyed.{quote(name)}" for name in ("pid", "eng", "wend", "pending"))
    ((_, before), (_, after)), rank_params = risk_rank_sql(pid, eng, wend)
    # While the window is open the rule says "pending" whatever came after: not searched for.
    query = (
        f"SELECT ranks.eng, ranks.rb, ranks.ra, SUM(ranks.n) FROM ("  # noqa: S608 (Django's SQL, names from the models; values as placeholders)
        f"SELECT kept.engaged_on AS eng, kept.before_rank AS rb, kept.after_rank AS ra, kept.n AS n FROM ({kept_sql}) kept"
        f" UNION ALL SELECT {eng}, {before}, CASE WHEN {pending} = '{_WINDOW_OPEN}' THEN NULL ELSE {after} END, 1"
        f" FROM ({worked_sql}) keyed) ranks GROUP BY ranks.eng, ranks.rb, ranks.ra"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*kept_params, *rank_params, *worked_params])  # in the order they appear
        found = cursor.fetchall()
    starts = _consecutive_starts(buckets)
    days: dict[Any, date] = {}
    counted: Counter[tuple[int, str, Any, Any]] = Counter()
    for day, before_rank, after_rank, n in found:
        on = days.get(day)
        if on is None:
            on = days[day] = day if isinstance(day, date) else date.fromisoformat(str(day)[:10])
        pending = _WINDOW_OPEN if on >= opens else "n"
        counted[
            (bisect_right(starts, on) - 1, pending, before_rank, None if pending == _WINDOW_OPEN else after_rank)
        ] += n
    return [
        {"b": b, "pending": pending, "before": before_rank, "after": after_rank, "n": int(n)}
        for (b, pending, before_rank, after_rank), n in counted.items()
    ]


# Kept rows are read only while at most this many marks wait for the refresh. Each statement that
# reads them checks every case's person against the marks (``NOT IN``), which PostgreSQL answers
# from a hash of the marks only while it fits in memory; past that it would compare every case
# with every mark. After a bulk load marks everyone, the figures are counted from the records (as
# fast as before there were kept rows) until the refresh, the night's or the load's own.
MOST_MARKS_FOR_KEPT = 10_000


def _kept_rows_usable(queryset: QuerySet[Any]) -> bool:
    """Whether the figures read kept rows: few enough marks wait (``MOST_MARKS_FOR_KEPT``)."""
    from waymark.outcomes.models import OutcomeFactStale

    marks = OutcomeFactStale.objects.using(queryset.db).values("id")[: MOST_MARKS_FOR_KEPT + 1]
    return OutcomeFactStale.objects.using(queryset.db).filter(id__in=marks).count() <= MOST_MARKS_FOR_KEPT


def _people_counted(
    periods: list[tuple[date, date]],
    cases: QuerySet[Any],
    columns: Mapping[str, Any],
    groupings: list[tuple[str, ...]],
) -> list[dict[tuple[Any, ...], list[int]]]:
    """Different people supported (``engaged_cases``: a case engaged; a person counted once) in
    each of ``periods``, for each grouping: a tuple of names of ``columns`` (annotations of a case,
    such as the dimension's group), () for everyone. One {the grouping's values: [people in each
    period]} per grouping, in one query whatever the groupings and periods.

    Distinct people do not add up, so each grouping is counted on its own; one query each read
    the engaged cases (and the dimension's joins) again, four to six times on a split's page. Here
    they are read once into "keyed", and once more into "per_value" (one row per person and value of
    every column, with whether she was supported in each period); a grouping is then those rows
    per person and its own values (one row, supported in a period if in any of them), counted.
    (A ``COUNT(DISTINCT ...)`` per grouping and period sorted every case once for each: on SQLite
    about 1.6 times as long for a split's page since April 2013.) The groupings are joined by
    ``UNION ALL`` (a first branch that selects nothing gives each column its type, so a grouping
    without it can select NULL there)."""
    first, last = min(s for s, _ in periods), max(e for _, e in periods)
    names = list(columns)
    found = _keyed(
        engaged_cases(first, last, cases).annotate(pid=F("person_id"), eng=F("engaged_on"), **columns),
        [*names, "pid", "eng"],
    )
    if found is None:
        return [{} for _ in groupings]
    sql, params, connection, converters = found
    quote = connection.ops.quote_name
    period_params: list[Any] = []
    supported = []
    for index, (start, end) in enumerate(periods):
        if (start, end) == (first, last):  # every row of "keyed" is in it
            supported.append(f"1 AS p{index}")
        else:
            supported.append(f"MAX(CASE WHEN keyed.eng >= %s AND keyed.eng <= %s THEN 1 ELSE 0 END) AS p{index}")
            period_params += [connection.ops.adapt_datefield_value(day) for day in (start, end)]
    flags = [f"p{index}" for index in range(len(periods))]
    selected = [quote(name) for name in names]
    every = ", ".join([*(f"keyed.{column}" for column in selected), "keyed.pid"])
    per_value = f"SELECT {every}, {', '.join(supported)} FROM keyed GROUP BY {every}"  # noqa: S608 (quoted names, placeholders)
    branches = [f"SELECT -1, {', '.join([*selected, *('0' for _ in periods)])} FROM per_value WHERE 1 = 0"]  # noqa: S608 (quoted names)
    for level, grouping in enumerate(groupings):
        chosen = [column if name in grouping else "NULL" for name, column in zip(names, selected, strict=True)]
        grouped_by = [column for name, column in zip(names, selected, strict=True) if name in grouping]
        if set(grouping) == set(names):  # "per_value" is already one row per person and these values
            source = "per_value"
        else:
            per_person = ", ".join(f"MAX({flag}) AS {flag}" for flag in flags)
            source = f"(SELECT {', '.join([*grouped_by, 'pid'])}, {per_person} FROM per_value GROUP BY {', '.join([*grouped_by, 'pid'])}) person"  # noqa: S608 (quoted names)
        sums = ", ".join(f"SUM({flag})" for flag in flags)
        branches.append(
            f"SELECT {level}, {', '.join([*chosen, sums])} FROM {source}"  # noqa: S608 (quoted names)
            + (f" GROUP BY {', '.join(grouped_by)}" if grouped_by else "")
        )
    query = (
        f"WITH keyed AS MATERIALIZED ({sql}), per_value AS MATERIALIZED ({per_value}) {' UNION ALL '.join(branches)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(query, [*params, *period_params])
        rows = cursor.fetchall()
    found_by: list[dict[tuple[Any, ...], list[int]]] = [{} for _ in groupings]
    for level, *values in rows:
        grouping = groupings[level]
        for index, converter, expression in converters:
            if index < len(names) and names[index] in grouping:
                values[index] = converter(values[index], expression, connection)
        key = tuple(values[names.index(name)] for name in grouping)
        found_by[level][key] = [int(n or 0) for n in values[len(names) :]]
    return found_by


def exit_results() -> dict[str, tuple[str, ...]]:
    """The change at exit's nine codes (three scales, six abuse types) and each one's results."""
    return {
        **{f"s_{scale}": SCALE_RESULTS for _, scale, _ in SCALES},
        **{f"a_{kind}": tuple(ABUSE_RESULTS) for kind in ABUSE_KINDS},
    }


def exit_codes() -> dict[str, Any]:
    """``classify_abuse`` and the scales' rule in SQL: each code of a case annotated with its
    client's exit measure ("x") and intake ("i", ``with_exit_and_intake``). Used by the reports and by the
    kept facts (``waymark.outcomes.facts``): one form of the rule in SQL."""
    from django.db.models import Case, CharField, Q, When
    from django.db.models.lookups import Exact, GreaterThan

    codes: dict[str, Any] = {}
    for _, name, _ in SCALES:
        codes[f"s_{name}"] = _code(
            When(i__id__isnull=True, then=Value("no_intake")),
            When(Q(**{f"i__{name}__isnull": True}) | Q(**{f"x__{name}__isnull": True}), then=Value("unscored")),
            When(**{f"x__{name}__gt": F(f"i__{name}")}, then=Value("better")),
            When(**{f"x__{name}": F(f"i__{name}")}, then=Value("same")),
            default="lower",
        )
    for kind in ABUSE_KINDS:
        not_counted = (
            Q(i__id__isnull=True)
            | Q(**{f"i__{kind}__isnull": True})
            | Q(**{f"i__{kind}": ""})
            | Q(**{f"i__{kind}": NOT_HAPPENING})
            | Q(**{f"x__{kind}__isnull": True})
            | Q(**{f"x__{kind}": ""})
        )
        before, after = _rank(f"i__{kind}", FREQUENCY_ORDER), _rank(f"x__{kind}", FREQUENCY_ORDER)
        codes[f"a_{kind}"] = Case(
            When(not_counted, then=Value("")),
            When(**{f"x__{kind}": NOT_HAPPENING}, then=Value("ceased")),
            When(GreaterThan(before, after), then=Value("reduced")),
            When(Exact(before, after), then=Value("unchanged")),
            default=Value("increased"),
            output_field=CharField(),
        )
    return codes


def with_exit_and_intake(cases: QuerySet[Any]) -> QuerySet[Any]:
    """``cases`` joined to the client's exit measure ("x") and intake ("i") on each."""
    from django.db.models import FilteredRelation, Q

    client = Q(outcome_measures__subject_id=F("person_id"))
    return cases.annotate(
        x=FilteredRelation("outcome_measures", condition=client & Q(outcome_measures__stage=Stage.EXIT)),
        i=FilteredRelation("outcome_measures", condition=client & Q(outcome_measures__stage=Stage.INTAKE)),
    )


def exits_with_kept(cases: QuerySet[Any]) -> QuerySet[Any]:
    """``cases`` joined to the client's exit measure and intake (``with_exit_and_intake``) and to
    the case's kept change at exit ("k", ``ExitFact``) kept for the case's own person by this
    form of the rules (``rules_version``)."""
    from django.db.models import FilteredRelation

    return with_exit_and_intake(cases).annotate(k=FilteredRelation("exit_fact", condition=current_exit_fact()))


def current_exit_fact() -> Any:
    """The condition on a case under which its kept change at exit ("exit_fact") may be read,
    marks aside: kept for the case's own person by this form of the rules. The one statement of it,
    for the reports (``exits_kept_and_worked_out``) and the refresh (``facts``)."""
    from django.db.models import Q

    return Q(exit_fact__person_id=F("person_id"), exit_fact__rule_version=rules_version())


def exits_kept_and_worked_out(
    cases: QuerySet[Any], start: date, end: date, columns: Callable[[str], dict[str, Any]]
) -> list[QuerySet[Any]]:
    """The exits measured from ``start`` to ``end`` of ``cases``, each once, with its nine codes
    (``exit_results``), as querysets whose rows are counted together (``_counts``, UNION ALL):

    - kept: the exits of unmarked people whose case has a current kept change at exit
      (``current_exit_fact``; marks: ``OutcomeFactStale``, written by the database in the change's
      own transaction), read from the kept row alone, its day of exit included, no measure joined;
    - marked: the exits of marked people, worked out from the exit and the intake (``exit_codes``);
    - missing: the exits of unmarked people with no current kept row, worked out too, but only
      while no refresh has kept every case's by this form of the rules (``ExitFactsComplete``):
      after one, the marks keep every unmarked person's exits kept, and the database skips this
      part without reading a row (a condition on no row, evaluated once).

    A current kept row is the case's exit as it stands (a change to the measures or the case marks
    the person), so the parts are every exit in the period once. One statement: marks, kept rows
    and records come from one snapshot. ``columns(day)``: the further annotations of each row (its
    bucket and group), given the path of its day of exit. (Worked out beside the kept codes in one
    row, every exit was joined to its measures; looking for missing rows, to its kept row.)"""
    from django.db.models import Exists

    from waymark.outcomes.models import ExitFactsComplete, OutcomeFactStale

    marked = OutcomeFactStale.objects.filter(person_id__isnull=False).values("person_id")
    complete = ExitFactsComplete.objects.filter(rule_version=rules_version())
    kept = (
        cases.filter(current_exit_fact(), exit_fact__measured_on__range=(start, end))
        .exclude(person_id__in=marked)
        .annotate(**columns("exit_fact__measured_on"), **{code: F(f"exit_fact__{code}") for code in exit_results()})
    )
    exits = with_exit_and_intake(cases).filter(x__measured_on__range=(start, end))
    of_marked = exits.filter(person_id__in=marked).annotate(**columns("x__measured_on"), **exit_codes())
    missing = (
        exits_with_kept(cases)
        .filter(x__measured_on__range=(start, end), k__case_id__isnull=True)
        .filter(~Exists(complete))
        .exclude(person_id__in=marked)
        .annotate(**columns("x__measured_on"), **exit_codes())
    )
    return [kept, of_marked, missing]


@functools.cache
def _rules_version(vendor: str) -> str:
    from waymark.cases.models import Case

    risk = risk_rank_sql("pid", "eng", "wend")
    exits = with_exit_and_intake(Case.objects.all()).annotate(**exit_codes()).values(*exit_results())
    text = repr((vendor, risk, exits.query.sql_with_params()))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def rules_version() -> str:
    """A fingerprint of the SQL form of the rules whose results are kept (``risk_rank_sql``,
    ``exit_codes``): a kept row is read only if it was worked out by the same form, so a release
    that changes a rule (a level re-ranked, a frequency added, a fix to the SQL) leaves every older
    row to be worked out again. Worked out once a process: the rules change only with the code."""
    from django.db import connection

    return _rules_version(connection.vendor)


def _tallies(
    buckets: list[tuple[date, date]],
    *,
    as_of: date,
    cases: QuerySet[Any],
    referrals: QuerySet[Any],
    dimension: Dimension | Sequence[Dimension] | None,
    risk_only: bool = False,
    headline_only: bool = False,
    alongside: Callable[[], Any] | None = None,
) -> tuple[dict[tuple[int, Any], Tally], Any]:
    """Every KPI's counts per (bucket, dimension value), in seven grouped queries, but not the
    different people supported (counted distinct, so not per bucket: each caller counts them over
    its own periods, ``_people_counted``, and may pass that count as ``alongside``). With
    ``risk_only`` only referred, supported and risk reduced are counted, in three queries: the
    others count nothing. ``headline_only``: those and first contact.

    Each family of KPIs is read by its own statements, which share nothing until their counts are
    added up here: they are read side by side (``waymark.core.parallel_reads``), the longest
    first, with ``alongside`` (a read of the same database) among them. The tallies and
    ``alongside``'s result."""
    grouped = _Grouped(dimension)
    # The kept rows' state is read once, before any family: each family's statement checks the
    # marks again itself (``_risk_levels``, ``exits_kept_and_worked_out``).
    kept = _kept_rows_usable(cases)
    window = risk_window_days()
    alone = kept and not grouped.names and _every_case(cases) and risk_facts_complete(window, cases.db)
    families: list[tuple[Callable[[], Any], Callable[[Any], None]]] = []
    if not (risk_only or headline_only):
        families.append(
            (lambda: _exit_rows(grouped, buckets, cases, kept=kept), lambda rows: _add_exits(grouped, rows))
        )
    families.append(
        (
            lambda: _risk_rows(grouped, buckets, as_of, cases, window=window, kept=kept, alone=alone),
            lambda rows: _add_risk(grouped, rows),
        )
    )
    if alongside is not None:
        families.append((alongside, lambda _: None))
    if not risk_only:
        families.append(
            (lambda: _contact_counts(grouped, buckets, as_of, cases), lambda found: _add_contact(grouped, found))
        )
    if not (risk_only or headline_only):
        families.append(
            (lambda: _engagement_rows(grouped, buckets, cases), lambda rows: _add_engagement(grouped, rows))
        )
    families.append(
        (lambda: _referred_counts(grouped, buckets, cases, referrals), lambda found: _add_referred(grouped, found))
    )
    found = read_together([read for read, _ in families], using=cases.db)
    besides = None
    for (read, add), result in zip(families, found, strict=True):
        add(result)  # in this thread, in this order: the tallies are not shared with the readers
        if read is alongside:
            besides = result
    return grouped.tallies, besides


def _risk_rows(
    grouped: _Grouped,
    buckets: list[tuple[date, date]],
    as_of: date,
    cases: QuerySet[Any],
    *,
    window: int,
    kept: bool,
    alone: bool,
) -> list[dict[str, Any]]:
    """Supported, and risk reduced within the window of engaging: counts per (rank at engagement,
    rank after, window over or not), each combination classified by ``risk_result``. The ranks
    come from the latest current assessment each side of the day of engaging (``_risk_levels``):
    each case's kept ranks where they are current, otherwise a backward read of the covering
    index of current assessments per case and side, with no sort. ``alone``: the partnership's
    unsplit figures with every engaged case's ranks kept (``_ranks_kept_alone``)."""
    from django.db.models import When

    if alone:
        return _ranks_kept_alone(buckets, as_of, window, cases)
    start, end = buckets[0][0], buckets[-1][1]
    engaged = engaged_cases(start, end, cases).annotate(
        b=_bucket("engaged_on", buckets),
        pending=_code(When(engaged_on__gte=as_of - timedelta(days=window), then=Value(_WINDOW_OPEN)), default="n"),
        cid=F("pk"),
        pid=F("person_id"),
        eng=F("engaged_on"),
        wend=AddDays("engaged_on", window),
        **grouped.group("case"),
    )
    return _counts(
        engaged,
        grouped.keys("pending"),
        per_row=_risk_levels(window, kept=kept, engaged=(start, end)),
        carried=("cid", "pid", "eng", "wend"),
        each=grouped.each,
    )


def _add_risk(grouped: _Grouped, rows: list[dict[str, Any]]) -> None:
    for row in rows:
        tally = grouped.tally(row)
        tally.supported += row["n"]
        tally.risk[risk_result(row["before"], row["after"], pending=row["pending"] == _WINDOW_OPEN)] += row["n"]


def _contact_counts(
    grouped: _Grouped, buckets: list[tuple[date, date]], as_of: date, cases: QuerySet[Any]
) -> tuple[Counter[tuple[int, Any, str]], Counter[tuple[int, Any, int]]]:
    """First contact: counts per (episode start, day of first contact), classified and bucketed
    here with ``first_contact_due_on`` and ``working_days_between`` once per distinct pair of days
    (tens of thousands of pairs since April 2013: read as tuples, added up per bucket, group and
    result, and only then into the tallies): ({(bucket, group, result): cases}, {(bucket, group,
    working days waited): cases})."""
    start, end = buckets[0][0], buckets[-1][1]
    contact_rows = _counts(
        cases.annotate(episode_start=episode_start_expression())
        .filter(episode_start__range=(start, end))
        .annotate(contacted=local_date("first_contact_at", start, end), **grouped.group("case")),
        [*grouped.names, "episode_start", "contacted"],
        tuples=True,
        each=grouped.each,
    )
    if not grouped.names:  # the group first, as when split (with ``each``, a (dimension, group) pair): none
        contact_rows = [(None, *row) for row in contact_rows]
    if contact_rows and isinstance(contact_rows[0][1], datetime):  # pragma: no cover - a backend that returns datetimes
        contact_rows = [(g, referred_on.date(), contacted_on, n) for g, referred_on, contacted_on, n in contact_rows]
    # ``working_days_between(a, b)`` is the working days in (a, b]: the difference of a running
    # count of working days.
    spanned = [day for _, referred_on, contacted_on, _ in contact_rows for day in (referred_on, contacted_on) if day]
    worked = _working_day_counts(min(spanned), max(spanned)) if spanned else {}
    starts = _consecutive_starts(buckets)
    known_due = _due_days()
    contacted: Counter[tuple[int, Any, str]] = Counter()
    waited: Counter[tuple[int, Any, int]] = Counter()
    # Each pair of days classified once: split by a group, the same pair comes back in each group.
    classified: dict[tuple[date, date | None], tuple[int, str, int | None]] = {}
    for g, referred_on, contacted_on, n in contact_rows:
        found = classified.get((referred_on, contacted_on))
        if found is None:
            b = bisect_right(starts, referred_on) - 1
            due = _due_on(referred_on, known_due)
            if contacted_on is not None:
                days = max(0, worked[contacted_on] - worked[referred_on])
                found = (b, "within" if contacted_on <= due else "after", days)
            else:
                found = (b, "missed" if as_of > due else "pending", None)
            classified[(referred_on, contacted_on)] = found
        b, result, waited_days = found
        contacted[(b, g, result)] += n
        if waited_days is not None:
            waited[(b, g, waited_days)] += n
    return contacted, waited


def _add_contact(grouped: _Grouped, found: tuple[Counter[tuple[int, Any, str]], Counter[tuple[int, Any, int]]]) -> None:
    contacted, waited = found
    for (b, g, result), n in contacted.items():
        grouped.tallies[(b, g)].contact[result] += n
    for (b, g, days), n in waited.items():
        grouped.tallies[(b, g)].days[days] += n


def _engagement_rows(grouped: _Grouped, buckets: list[tuple[date, date]], cases: QuerySet[Any]) -> list[Any]:
    """Engagement: cases allocated in the period (by the local day of allocation: the buckets are
    compared with local midnights, so no per-row time zone conversion is needed)."""
    from django.db.models import Q, When

    start, end = buckets[0][0], buckets[-1][1]
    allocated_buckets = _bucket("allocated_at", buckets, edge=_start_of)
    return _counts(
        cases.filter(allocated_at__gte=_start_of(start), allocated_at__lt=_start_of(end + timedelta(days=1))).annotate(
            b=allocated_buckets,
            result=_code(
                When(Q(engaged_on__isnull=False) | Q(status__in=_ENGAGED_STATUSES), then=Value("engaged")),
                When(status__in=_CONTACT_PENDING, then=Value("pending")),
                default="not",
            ),
            **grouped.group("case"),
        ),
        grouped.keys("result"),
        each=grouped.each,
    )


def _add_engagement(grouped: _Grouped, rows: list[Any]) -> None:
    for row in rows:
        grouped.tally(row).engagement[row["result"]] += row["n"]


def _exit_rows(grouped: _Grouped, buckets: list[tuple[date, date]], cases: QuerySet[Any], *, kept: bool) -> list[Any]:
    """Change at exit: each client's exit measure in the period against the client's intake on the
    same case (at most one of each per case: the model's constraints), joined, not looked up per
    row; the case's kept codes where they are current (``exits_kept_and_worked_out``).

    Each exit's nine codes are worked out once a row (in ``_counts``' derived table) and counted
    per result outside it: one row per bucket and group. (Counted with a filter per code and
    result in one SELECT, every count repeated its code's whole CASE expression, about 45 times
    a row; grouped by the nine codes, the combinations ran to thousands of rows.)"""
    start, end = buckets[0][0], buckets[-1][1]

    def by_bucket_and_group(day: str) -> dict[str, Any]:
        return {"b": _bucket(day, buckets), **grouped.group("case")}

    if kept:
        exits = exits_kept_and_worked_out(cases, start, end, by_bucket_and_group)
    else:
        worked_out = with_exit_and_intake(cases).filter(x__measured_on__range=(start, end))
        exits = [worked_out.annotate(**by_bucket_and_group("x__measured_on"), **exit_codes())]
    return _counts(exits, grouped.keys(), exit_results(), hash_joins=True, each=grouped.each)


def _add_exits(grouped: _Grouped, rows: list[Any]) -> None:
    results = exit_results()
    for row in rows:
        tally = grouped.tally(row)
        for code in results:  # an abuse type not counted for an exit has no result ("")
            for result, n in row[code].items():
                if n:
                    if code.startswith("s_"):
                        tally.scales[code[2:]][result] += n
                    else:
                        tally.abuse[code[2:]][result] += n


@dataclass
class PeriodFigures:
    label: str
    start: date  # within the figures' period (a quarter cut at its first or last day)
    end: date
    begins: date  # the whole quarter's or year's first day
    by_group: dict[Any, Outcomes]

    def outcomes(self, group: Any = None) -> Outcomes:
        return self.by_group[group]


@dataclass
class Unit:
    """One quarter of the figures' period (cut at the period's first or last day): the counts per
    dimension value. The disclosure rule is applied to each quarter on its own, and a figure
    withheld in a quarter is withheld in every period containing it (``waymark.outcomes.disclosure``),
    so that no figure comes back by comparing two periods. Different people are not counted here."""

    start: date
    end: date
    by_group: dict[Any, Tally]


def _units(
    buckets: list[tuple[date, date]], tallies: dict[tuple[int, Any], Tally], inside: Iterable[int]
) -> list[Unit]:
    found: dict[int, dict[Any, Tally]] = {i: {} for i in inside}
    for (index, g), tally in tallies.items():
        if index in found:
            found[index][g] = tally
    return [Unit(buckets[i][0], buckets[i][1], found[i]) for i in sorted(found)]


def _quarters_of(start: date, end: date) -> list[tuple[date, date]]:
    from waymark.marac.reports.selectors import periods_between

    return [(max(q.start, start), min(q.end, end)) for q in periods_between(start, end, "quarter")]


@dataclass
class OutcomeFigures:
    """The figures for [start, end] as a whole and per sub-period (``by``), per dimension value
    (``None`` when not split), and per quarter (``units``: counted in quarters, whatever ``by``)."""

    start: date
    end: date
    as_of: date
    by: str
    groups: list[Any]
    total: dict[Any, Outcomes]
    periods: list[PeriodFigures]
    # Split by a dimension: the whole period's figures for everyone (the groups' counts added up,
    # since every record falls in exactly one group; people counted distinct in one more query), so
    # a page showing the split and its "All" row computes the figures once.
    overall: Outcomes | None = None
    units: list[Unit] = field(default_factory=list)
    # Different people supported per group of another split (``outcome_figures_compared``'s
    # ``people_by``), counted distinct.
    people_by: dict[Any, int] = field(default_factory=dict)
    # The whole period's counts per dimension value (``total`` before it is read as figures), for
    # a caller that adds them up another way (a coarser split's groups).
    tallies: dict[Any, Tally] = field(default_factory=dict)

    def outcomes(self, group: Any = None) -> Outcomes:
        return self.total[group]

    def trend_rows(self, group: Any = None) -> list[TrendRow]:
        """The sub-periods that have begun by ``as_of``, as the dashboard's trend rows."""
        return [
            TrendRow(p.label, p.start, p.end, {key: p.by_group[group][key] for key in TREND_KEYS})
            for p in self.periods
            if p.begins <= self.as_of  # a quarter that has not begun would read as a collapse to zero
        ]


def outcome_figures(
    start: date,
    end: date,
    *,
    as_of: date | None = None,
    by: str = "auto",
    cases: QuerySet[Any] | None = None,
    referrals: QuerySet[Any] | None = None,
    partnership_wide: bool = False,
    dimension: Dimension | None = None,
    max_quarters: int = 12,
    risk_only: bool = False,
    headline_only: bool = False,
) -> OutcomeFigures:
    """Every KPI for [start, end] computed in the database (the query form of ``compute_outcomes``).

    ``by`` is "none", "quarter", "financial-year" or "auto" (quarters, or financial years when the
    period spans more than ``max_quarters`` quarters, as ``trend`` does). The whole period's
    figures are the sub-periods' counts added up (the rules classify each record on its own date),
    except different people supported, counted distinct over the whole period. The records counted
    as for ``compute_outcomes``: a scope, or ``partnership_wide=True``; neither raises.

    ``risk_only=True`` counts only referred, supported, different people supported and risk
    reduced (half the queries), for a caller that shows nothing else (the board pack's equality
    tables): every other figure then reads as nothing counted.
    ``headline_only=True`` counts those and first contact too (the home panel's figures)."""
    from waymark.marac.reports.selectors import periods_between

    cases, referrals = _scope(cases, referrals, partnership_wide)
    if end < start:
        raise ValueError("The end date is before the start date.")
    as_of = as_of or timezone.localdate()
    label = "quarter"
    if by == "auto":
        by = "quarter"
        if len(periods_between(start, end, "quarter")) > max_quarters:
            by, label = "financial-year", "financial year"
    elif by == "financial-year":
        label = "financial year"
    if by == "none":
        parts = [(f"{start.isoformat()} to {end.isoformat()}", start, end, start)]
    else:
        parts = [(p.label, max(p.start, start), min(p.end, end), p.start) for p in periods_between(start, end, by)]
    # Counted in quarters (each part, a quarter, a financial year or the whole period, is a run of
    # them): the quarters are the units the disclosure rule is applied to.
    buckets = _quarters_of(start, end)
    same = [(s, e) for _, s, e, _ in parts] == buckets
    # Different people: per part (when there is more than one, or the parts are the quarters:
    # then each quarter's tally, and so its unit, holds them), per group over the whole period,
    # and everyone (for a split), all from one query, read alongside the tallies.
    by_part = len(parts) > 1 or (same and by != "none")
    tallies, (per_part, per_group, everyone) = _tallies(
        buckets,
        as_of=as_of,
        cases=cases,
        referrals=referrals,
        dimension=dimension,
        risk_only=risk_only,
        headline_only=headline_only,
        alongside=lambda: _people_of(
            [(s, e) for _, s, e, _ in parts], cases, dimension, by_part=by_part, everyone=dimension is not None
        ),
    )
    if same:
        for (index, g), n in per_part.items():
            tallies[(index, g)].people = n
    units = _units(buckets, tallies, range(len(buckets)))
    if not same:
        merged: dict[tuple[int, Any], Tally] = defaultdict(Tally)
        for index, (_, s, e, _) in enumerate(parts):
            for (b, g), tally in tallies.items():
                if s <= buckets[b][0] and buckets[b][1] <= e:
                    merged[(index, g)].merge(tally)
        for (index, g), n in per_part.items():
            merged[(index, g)].people = n
        tallies = dict(merged)
    figures = _assemble(start, end, as_of, label, parts, tallies, dimension, per_group, everyone)
    figures.units = units
    return figures


def _people_of(
    parts: list[tuple[date, date]],
    cases: QuerySet[Any],
    dimension: Dimension | None,
    *,
    by_part: bool,
    everyone: bool,
) -> tuple[dict[tuple[int, Any], int], dict[Any, int], int | None]:
    """Different people supported from the first part's first day to the last part's last (the
    parts are consecutive): ({(part's index, group): people} when ``by_part``, {group: people}
    over the whole period (the group None when not split), everyone's when ``everyone``), in one
    query (``_people_counted``)."""
    whole = (parts[0][0], parts[-1][1])
    columns: dict[str, Any] = {}
    if by_part:
        columns["b"] = _bucket("engaged_on", parts)
    if dimension is not None:
        columns["g"] = dimension.value(dimension.case_path)
    group = ("g",) if dimension is not None else ()
    groupings = [*([("b", *group)] if by_part else []), group, *([()] if everyone else [])]
    found = _people_counted([whole], cases, columns, groupings)
    per_part: dict[tuple[int, Any], int] = {}
    if by_part:
        per_part = {(key[0], key[1] if group else None): n[0] for key, n in found[0].items()}
    per_group = {(key[0] if group else None): n[0] for key, n in found[int(by_part)].items()}
    total = found[-1].get((), [0])[0] if everyone else None
    return per_part, per_group, total


def _assemble(
    start: date,
    end: date,
    as_of: date,
    label: str,
    parts: list[tuple[str, date, date, date]],
    tallies: dict[tuple[int, Any], Tally],
    dimension: Dimension | None,
    people: dict[Any, int],
    everyone_people: int | None,
) -> OutcomeFigures:
    """The figures from the tallies of each part (keyed by the part's index and the group), with
    the different people supported over the whole period (``people``, by group: the group None
    when not split; and ``everyone_people`` for a split's "All"), counted by the caller (and over
    the one part when there is only one: a part's own count is not needed then)."""
    groups = sorted({g for _, g in tallies}, key=lambda g: (g is None, str(g)))
    if dimension is None:
        groups = [None]
    totals: dict[Any, Tally] = {g: Tally() for g in groups}
    for (_, g), tally in tallies.items():
        totals[g].merge(tally)
    for g, n in people.items():
        if g in totals:  # a group with no records this period has none supported in it
            totals[g].people = n
    if len(parts) == 1:  # the one part is the whole period
        tallies = {(0, g): totals[g] for g in groups}
    periods = [
        PeriodFigures(
            text, s, e, begins, {g: outcomes_from_tally(tallies.get((index, g), Tally()), s, e, as_of) for g in groups}
        )
        for index, (text, s, e, begins) in enumerate(parts)
    ]
    total = {g: outcomes_from_tally(totals[g], start, end, as_of) for g in groups}
    overall = None
    if dimension is not None:
        everyone = Tally()
        for tally in totals.values():
            everyone.merge(tally)
        everyone.people = everyone_people or 0
        overall = outcomes_from_tally(everyone, start, end, as_of)
    return OutcomeFigures(start, end, as_of, label, groups, total, periods, overall, tallies=totals)


def outcome_figures_compared(
    periods: list[tuple[date, date]],
    *,
    as_of: date | None = None,
    cases: QuerySet[Any] | None = None,
    referrals: QuerySet[Any] | None = None,
    partnership_wide: bool = False,
    dimension: Dimension | None = None,
    people_by: Dimension | None = None,
) -> list[OutcomeFigures]:
    """``outcome_figures(start, end, by="none", ...)`` for each of several periods (a period and
    the same period a year earlier), with the records read once: the days from the earliest
    start to the latest end are cut into consecutive buckets at every period's first day and the
    day after its last, so that each period is a run of whole buckets, and each period's counts
    are its buckets' counts added up (the rules classify each record on its own date, as for the
    sub-periods of ``outcome_figures``). Different people supported are counted distinct over
    each period, every period's in one query. "Since April 2013" and the year before it overlap
    in all but two years: read once, not twice.

    ``people_by``: another split (the coarser of linked splits) whose groups' different people
    supported each period are counted in the same query (``OutcomeFigures.people_by``)."""
    return outcome_figures_compared_each(
        periods,
        [(dimension, people_by)],
        as_of=as_of,
        cases=cases,
        referrals=referrals,
        partnership_wide=partnership_wide,
    )[0]


def outcome_figures_compared_each(
    periods: list[tuple[date, date]],
    splits: Sequence[tuple[Dimension | None, Dimension | None]],
    *,
    as_of: date | None = None,
    cases: QuerySet[Any] | None = None,
    referrals: QuerySet[Any] | None = None,
    partnership_wide: bool = False,
) -> list[list[OutcomeFigures]]:
    """``outcome_figures_compared`` for each of several splits ((dimension, people_by) pairs), the
    records read once for all of them: each row carries every split's group (``_Grouped``) and each
    split's counts are those added up over the others' groups; the different people of every split
    are counted in one query. The board pack's seven equality splits of a quarter: seven queries'
    worth instead of forty-nine. One list of figures (one a period) per split, in their order."""
    cases, referrals = _scope(cases, referrals, partnership_wide)
    if any(end < start for start, end in periods):
        raise ValueError("The end date is before the start date.")
    as_of = as_of or timezone.localdate()
    # Cut at every quarter's first day as well: each period's quarters are its disclosure units.
    first, last = min(s for s, _ in periods), max(e for _, e in periods)
    quarter_starts = {s for s, _ in _quarters_of(first, last)}
    cuts = sorted({day for start, end in periods for day in (start, end + timedelta(days=1))} | quarter_starts)
    buckets = [(cuts[i], cuts[i + 1] - timedelta(days=1)) for i in range(len(cuts) - 1)]
    # Each different dimension read once (two splits may be counted by the same one: the ethnic
    # groups and the categories are both counted by category).
    dimensions: list[Dimension] = []
    for dimension, _ in splits:
        if dimension is not None and dimension not in dimensions:
            dimensions.append(dimension)
    columns: dict[str, Any] = {f"g{i}": d.value(d.case_path) for i, d in enumerate(dimensions)}
    coarser: list[Dimension] = []
    for _, people_by in splits:
        if people_by is not None and people_by not in coarser:
            coarser.append(people_by)
    columns.update({f"c{j}": d.value(d.case_path) for j, d in enumerate(coarser)})
    groupings: list[tuple[str, ...]] = [(), *((name,) for name in columns)]
    counted, people_found = _tallies(
        buckets,
        as_of=as_of,
        cases=cases,
        referrals=referrals,
        dimension=dimensions[0] if len(dimensions) == 1 else dimensions or None,
        alongside=lambda: _people_counted(list(periods), cases, columns, groupings),
    )
    people = dict(zip(groupings, people_found, strict=True))
    every_split = []
    for dimension, people_by in splits:
        if dimension is None:
            tallies = counted if not dimensions else _rolled_up_to_none(counted, apart=len(dimensions) > 1)
        elif len(dimensions) == 1:
            tallies = counted
        else:
            tallies = _rolled_up(counted, dimensions.index(dimension))
        group_column = f"g{dimensions.index(dimension)}" if dimension is not None else None
        found = []
        for position, (start, end) in enumerate(periods):
            inside = {i for i, (s, e) in enumerate(buckets) if start <= s and e <= end}
            merged: dict[tuple[int, Any], Tally] = defaultdict(Tally)
            for (index, g), tally in tallies.items():
                if index in inside:
                    merged[(0, g)].merge(tally)
            parts = [(f"{start.isoformat()} to {end.isoformat()}", start, end, start)]
            if group_column is None:
                by_group = {None: people[()].get((), [0] * len(periods))[position]}
                everyone = None
            else:
                by_group = {key[0]: n[position] for key, n in people[(group_column,)].items()}
                everyone = people[()].get((), [0] * len(periods))[position]
            figures = _assemble(start, end, as_of, "quarter", parts, dict(merged), dimension, by_group, everyone)
            figures.units = _units(buckets, tallies, sorted(inside))
            if people_by is not None:
                by_coarse = people[(f"c{coarser.index(people_by)}",)]
                figures.people_by = {key[0]: n[position] for key, n in by_coarse.items() if n[position]}
            found.append(figures)
        every_split.append(found)
    return every_split
