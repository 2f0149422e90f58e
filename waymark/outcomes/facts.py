"""Each engaged case's risk ranks kept, so that the outcome figures join them (ADR 0008).

The risk rule needs, for every engaged case, the rank of the person's latest current assessment on
or before the day of engaging and the latest within the window after: two index searches per case,
a third of the time of the dashboard "since April 2013" on PostgreSQL. ``RiskFact`` keeps both
ranks per case, worked out by the rule's own SQL (``kpis.risk_rank_sql``).

Why a kept rank can never make a figure wrong:

- the database marks a person (``OutcomeFactStale``) whenever one of her assessments or cases
  changes in a way the rule reads, by triggers (migration 0004), in the change's own transaction:
  an action, an import, a merge, a retention run, a bulk copy or a test's factory alike;
- a report uses a kept row only for a case whose person has no mark, and only when the row's
  person, day of engaging and risk window are the case's now (``kpis._risk_levels``); every other
  case is worked out from the records, as before. One statement reads marks, facts and records
  from one snapshot;
- ``outcome_facts_refresh`` reads the marks, then works their people's cases out again and deletes
  exactly the marks it read: a change committed meanwhile leaves a mark of its own behind.

So a refresh only makes the reports faster, never different; it runs in the daily jobs and after
the demo's bulk loads. ``manage.py check_outcome_facts`` compares every kept row with the records.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef

from waymark.cases.models import Case
from waymark.core.daily import register_daily
from waymark.outcomes.kpis import AddDays, _keyed, risk_rank_sql, risk_window_days
from waymark.outcomes.models import OutcomeFactStale, RiskFact

# People worked out per statement: well inside every database's limit on parameters.
CHUNK = 500


def _chunks(items: Sequence[Any], size: int = CHUNK) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _current(window: int) -> Any:
    """Kept rows that are current for their case: same person, day of engaging and window."""
    return RiskFact.objects.filter(
        case_id=OuterRef("pk"), person_id=OuterRef("person_id"), engaged_on=OuterRef("engaged_on"), window_days=window
    )


def people_without_current_facts(window: int) -> set[UUID]:
    """People with an engaged case that has no current kept row (never worked out, or worked out
    for another person, day of engaging or risk window)."""
    missing = Case.objects.filter(engaged_on__isnull=False).exclude(Exists(_current(window)))
    return set(missing.values_list("person_id", flat=True).distinct())


def _insert(people: Sequence[UUID], window: int) -> None:
    """Work out and keep the ranks of every engaged case of ``people`` (none kept for them now)."""
    sql, params, _, keyed = _engaged_keyed(window, Case.objects.filter(person_id__in=people))
    ((_, before), (_, after)), rank_params = risk_rank_sql(keyed["pid"], keyed["eng"], keyed["wend"])
    table = connection.ops.quote_name(RiskFact._meta.db_table)
    statement = (
        f"INSERT INTO {table} (case_id, person_id, engaged_on, window_days, before_rank, after_rank)"  # noqa: S608 (names from the models; values as placeholders)
        f" SELECT {keyed['cid']}, {keyed['pid']}, {keyed['eng']}, %s, {before}, {after} FROM ({sql}) keyed"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [window, *rank_params, *params])


@dataclass(frozen=True)
class Refreshed:
    people: int  # whose cases were worked out again
    marks: int  # marks removed


def outcome_facts_refresh() -> Refreshed:
    """Work out again the kept ranks of every marked person and of every engaged case without a
    current row, in one transaction, and delete the marks read at the start (and only those)."""
    window = risk_window_days()
    with transaction.atomic():
        marks = list(OutcomeFactStale.objects.values_list("id", "person_id"))
        people = sorted({person for _, person in marks if person is not None} | people_without_current_facts(window))
        for chunk in _chunks(people):
            # A case moved from another person keeps a row under its old person until it is
            # worked out again: removed by case as well as by person, so the key is free.
            moved = Case.objects.filter(person_id__in=chunk).values("pk")
            RiskFact.objects.filter(person_id__in=chunk).delete()
            RiskFact.objects.filter(case_id__in=moved).delete()
            _insert(chunk, window)
        for ids in _chunks([mark_id for mark_id, _ in marks]):
            OutcomeFactStale.objects.filter(id__in=ids).delete()
    return Refreshed(people=len(people), marks=len(marks))


def _engaged_keyed(window: int, cases: Any) -> tuple[str, list[Any], list[Any], dict[str, str]]:
    """The SQL of ``cases`` engaged, keyed by id, person, day of engaging and the window's end."""
    found = _keyed(
        cases.filter(engaged_on__isnull=False).annotate(
            cid=F("pk"), pid=F("person_id"), eng=F("engaged_on"), wend=AddDays("engaged_on", window)
        ),
        ["cid", "pid", "eng", "wend"],
    )
    assert found is not None  # a filter on a column always selects something
    sql, params, _, converters = found
    quote = connection.ops.quote_name
    return sql, params, converters, {name: f"keyed.{quote(name)}" for name in ("cid", "pid", "eng", "wend")}


def outcome_facts_differing() -> list[UUID]:
    """Cases whose current kept ranks differ from the records, among people not marked (whose
    rows no report reads) : none, unless something wrote the tables around the triggers. One
    reading of every engaged case, for ``manage.py check_outcome_facts``."""
    window = risk_window_days()
    marked = OutcomeFactStale.objects.filter(person_id__isnull=False).values("person_id")
    kept = {
        case_id: (before, after)
        for case_id, before, after in RiskFact.objects.filter(window_days=window)
        .exclude(person_id__in=marked)
        .values_list("case_id", "before_rank", "after_rank")
    }
    sql, params, converters, keyed = _engaged_keyed(window, Case.objects.exclude(person_id__in=marked))
    columns, rank_params = risk_rank_sql(keyed["pid"], keyed["eng"], keyed["wend"])
    selected = ", ".join(expression for _, expression in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {keyed['cid']}, {selected} FROM ({sql}) keyed", [*rank_params, *params])  # noqa: S608 (names from the models; values as placeholders)
        found = cursor.fetchall()
    to_id = [(converter, expression) for index, converter, expression in converters if index == 0]
    differing = []
    for case_id, before, after in found:
        for converter, expression in to_id:
            case_id = converter(case_id, expression, connection)
        if case_id in kept and kept[case_id] != (before, after):
            differing.append(case_id)
    return differing


@register_daily(
    "outcome-facts",
    "Work out again the kept risk ranks of cases changed since yesterday, so the outcome figures read "
    "them instead of searching every case's assessments.",
)
def refresh_daily(day: Any) -> int:
    return outcome_facts_refresh().people
