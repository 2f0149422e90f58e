"""Each case's risk ranks and change at exit kept, so that the outcome figures read them (ADR 0008).

The two costliest parts of the outcome figures are worked out per case: the risk rule (for every
engaged case, the rank of the person's latest current assessment on or before the day of engaging
and the latest within the window after: two index searches per case) and the change at exit (each
exit measure joined to the client's intake on the case and classified in nine codes). ``RiskFact``
keeps the two ranks per engaged case and ``ExitFact`` the nine codes per case with an exit, each
worked out by the rule's own SQL (``kpis.risk_rank_sql``, ``kpis.exit_codes``).

Why a kept row does not make a figure wrong, so long as every change goes through the triggers:

- the database marks a person (``OutcomeFactStale``) whenever one of her assessments, cases or
  outcome measures changes in a way the rules read, by triggers (migrations 0004 and 0005), in the
  change's own transaction: an action, an import, a merge, a retention run, a bulk copy or a
  test's factory alike;
- a report uses a kept row only for a person with no mark. Joined to its case (a scope's figures,
  every split, every change at exit), the row must also be the case's own: the row's person (and,
  for the ranks, the same day of engaging and risk window: ``kpis._risk_levels``,
  ``kpis.exits_kept_and_worked_out``); every other case is worked out from the records, as before.
  One statement reads marks, kept rows and records from one snapshot;
- ``outcome_facts_refresh`` reads the marks, then works their people's cases out again and deletes
  exactly the marks it read: a change committed meanwhile leaves a mark of its own behind;
- the refresh also works out every case with no current kept row, removes every kept rank no
  engaged case matches, and then records that it did, by this form of the rules (and risk window:
  ``RiskFactsComplete``, ``ExitFactsComplete``): from then on an unmarked person's kept rows are
  exactly her cases' current ones (a case engaged, re-dated, moved or deleted, an exit added,
  changed, moved or removed, or an assessment changed, marks the people concerned), so a report
  looks for cases without one among marked people only, and the partnership's unsplit figures
  read the kept ranks of unmarked people alone, without joining each to its case
  (``kpis._ranks_kept_alone``); before the first refresh, or after a release that changed a rule,
  every case is looked at.

So a refresh makes the reports faster, not different. A row written around the triggers (below the
ORM and the database's own triggers: triggers disabled, a restore without them) is what
``manage.py outcome_facts --check`` is for: it compares every kept row a report reads with the
records, and names engaged cases without one. The refresh runs in the daily jobs and after the
demo's bulk loads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef
from django.utils import timezone

from waymark.cases.models import Case
from waymark.core.bulk import chunks
from waymark.core.daily import register_daily
from waymark.outcomes.kpis import (
    AddDays,
    _keyed,
    current_exit_fact,
    exit_codes,
    exit_results,
    risk_facts_complete,
    risk_rank_sql,
    risk_window_days,
    rules_version,
    with_exit_and_intake,
)
from waymark.outcomes.models import ExitFact, ExitFactsComplete, OutcomeFactStale, RiskFact, RiskFactsComplete

# People worked out per statement: well inside every database's limit on parameters.
CHUNK = 500


def _current(window: int) -> Any:
    """Kept rows that are current for their case: same person, day of engaging and window."""
    return RiskFact.objects.filter(
        case_id=OuterRef("pk"),
        person_id=OuterRef("person_id"),
        engaged_on=OuterRef("engaged_on"),
        window_days=window,
        rule_version=rules_version(),
    )


def _matching_case() -> Any:
    """The engaged case a kept rank is of: the row's case, person and day of engaging."""
    return Case.objects.filter(
        pk=OuterRef("case_id"), person_id=OuterRef("person_id"), engaged_on=OuterRef("engaged_on")
    )


def people_without_current_facts(window: int) -> set[UUID]:
    """People with an engaged case that has no current kept row (never worked out, or worked out
    for another person, day of engaging or risk window)."""
    missing = Case.objects.filter(engaged_on__isnull=False).exclude(Exists(_current(window)))
    return set(missing.values_list("person_id", flat=True).distinct())


def _exits_worked_out(cases: Any) -> Any:
    """``cases`` with a client's exit measure, each with its change at exit's nine codes."""
    return (
        with_exit_and_intake(cases)
        .filter(x__id__isnull=False)
        .annotate(cid=F("pk"), pid=F("person_id"), xon=F("x__measured_on"), **exit_codes())
    )


def people_without_current_exit_facts() -> set[UUID]:
    """People with a case whose client has an exit measure and no current kept change at exit."""
    current = Case.objects.filter(current_exit_fact(), pk=OuterRef("pk"))
    missing = with_exit_and_intake(Case.objects.all()).filter(x__id__isnull=False).exclude(Exists(current))
    return set(missing.values_list("person_id", flat=True).distinct())


def _insert_exits(people: Sequence[UUID]) -> None:
    """Work out and keep the change at exit of every case of ``people`` with an exit measure."""
    codes = list(exit_results())
    found = _keyed(_exits_worked_out(Case.objects.filter(person_id__in=people)), ["cid", "pid", "xon", *codes])
    if found is None:
        return
    sql, params, _, _ = found
    quote = connection.ops.quote_name
    table = quote(ExitFact._meta.db_table)
    columns = ", ".join(["case_id", "person_id", "measured_on", *codes, "rule_version"])
    selected = ", ".join(f"keyed.{quote(name)}" for name in ["cid", "pid", "xon", *codes])
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {selected}, %s FROM ({sql}) keyed",  # noqa: S608 (names from the models; values as placeholders)
            [rules_version(), *params],
        )


def _insert(people: Sequence[UUID], window: int) -> None:
    """Work out and keep the ranks of every engaged case of ``people`` (none kept for them now)."""
    sql, params, _, keyed = _engaged_keyed(window, Case.objects.filter(person_id__in=people))
    ((_, before), (_, after)), rank_params = risk_rank_sql(keyed["pid"], keyed["eng"], keyed["wend"])
    table = connection.ops.quote_name(RiskFact._meta.db_table)
    statement = (
        f"INSERT INTO {table} (case_id, person_id, engaged_on, window_days, rule_version, before_rank, after_rank)"  # noqa: S608 (names from the models; values as placeholders)
        f" SELECT {keyed['cid']}, {keyed['pid']}, {keyed['eng']}, %s, %s, {before}, {after} FROM ({sql}) keyed"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [window, rules_version(), *rank_params, *params])


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
        people = sorted(
            {person for _, person in marks if person is not None}
            | people_without_current_facts(window)
            | people_without_current_exit_facts()
        )
        for chunk in chunks(people, CHUNK):
            # A case moved from another person keeps a row under its old person until it is
            # worked out again: removed by case as well as by person, so the key is free.
            moved = Case.objects.filter(person_id__in=chunk).values("pk")
            for kept in (RiskFact, ExitFact):
                kept.objects.filter(person_id__in=chunk).delete()
                kept.objects.filter(case_id__in=moved).delete()
            _insert(chunk, window)
            _insert_exits(chunk)
        for ids in chunks([mark_id for mark_id, _ in marks], CHUNK):
            OutcomeFactStale.objects.filter(id__in=ids).delete()
        # A kept rank no engaged case matches (its case gone, or no longer this person's or
        # engaged that day) can only have been left by a change the triggers did not see; the
        # partnership's figures would count it, so it goes before completeness is recorded.
        RiskFact.objects.exclude(Exists(_matching_case())).delete()
        # Every engaged case and every case with an exit now has a current kept row, but for
        # people marked since the marks were read: from here the marks keep it so
        # (``RiskFactsComplete``, ``ExitFactsComplete``).
        now = timezone.now()
        RiskFactsComplete.objects.exclude(rule_version=rules_version(), window_days=window).delete()
        RiskFactsComplete.objects.update_or_create(
            rule_version=rules_version(), window_days=window, defaults={"refreshed_at": now}
        )
        ExitFactsComplete.objects.exclude(rule_version=rules_version()).delete()
        ExitFactsComplete.objects.update_or_create(rule_version=rules_version(), defaults={"refreshed_at": now})
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
    """Cases whose kept risk ranks or change at exit differ from the records, among people not
    marked (whose rows no report reads): none, unless something wrote the tables around the
    triggers. One reading of every engaged case and every exit, for ``manage.py outcome_facts
    --check``."""
    window = risk_window_days()
    marked = OutcomeFactStale.objects.filter(person_id__isnull=False).values("person_id")
    kept = {
        case_id: (person_id, engaged_on, before, after)
        for case_id, person_id, engaged_on, before, after in RiskFact.objects.filter(
            window_days=window, rule_version=rules_version()
        )
        .exclude(person_id__in=marked)
        .values_list("case_id", "person_id", "engaged_on", "before_rank", "after_rank")
    }
    sql, params, converters, keyed = _engaged_keyed(window, Case.objects.exclude(person_id__in=marked))
    columns, rank_params = risk_rank_sql(keyed["pid"], keyed["eng"], keyed["wend"])
    selected = ", ".join(expression for _, expression in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {keyed['cid']}, {keyed['pid']}, {keyed['eng']}, {selected} FROM ({sql}) keyed",  # noqa: S608 (names from the models; values as placeholders)
            [*rank_params, *params],
        )
        found = cursor.fetchall()
    worked_out = {}
    for row in found:
        values = list(row)
        for index, converter, expression in converters:
            if index < 3:  # the case, the person and the day of engaging, as Django reads them
                values[index] = converter(values[index], expression, connection)
        worked_out[values[0]] = tuple(values[1:])
    # A kept row read by a report must be its case's as it stands: the same person and day of
    # engaging, and the same ranks. Once a refresh has kept every engaged case's
    # (``RiskFactsComplete``), the partnership's figures read the kept rows alone, so a kept row
    # with no such case, or an unmarked person's engaged case with none, would be counted wrongly.
    differing = [case_id for case_id, row in kept.items() if worked_out.get(case_id, row) != row]
    if risk_facts_complete(window):
        differing += [case_id for case_id in worked_out if case_id not in kept]
        differing += [case_id for case_id in kept if case_id not in worked_out]
    # The change at exit: every kept row read by a report against the records (its person too: a
    # row kept for another person is not read), and, once a refresh has kept every case's
    # (``ExitFactsComplete``), every exit of an unmarked person without one (no report counts it).
    codes = list(exit_results())
    kept_exits = {
        row[0]: row[1:]
        for row in ExitFact.objects.filter(rule_version=rules_version())
        .exclude(person_id__in=marked)
        .values_list("case_id", "person_id", "measured_on", *codes)
    }
    worked_out = {
        row[0]: row[1:]
        for row in _exits_worked_out(Case.objects.exclude(person_id__in=marked)).values_list(
            "cid", "pid", "xon", *codes
        )
    }
    missing: set[Any] = set()
    if ExitFactsComplete.objects.filter(rule_version=rules_version()).exists():
        missing = worked_out.keys() - kept_exits.keys()
    for case_id in [*kept_exits, *sorted(missing, key=str)]:
        if (case_id in missing or worked_out.get(case_id) != kept_exits[case_id]) and case_id not in differing:
            differing.append(case_id)
    return differing


@register_daily(
    "outcome-facts",
    "Work out again the kept risk ranks and changes at exit of cases changed since yesterday, so the "
    "outcome figures read them instead of working every case out from the records.",
)
def refresh_daily(day: Any) -> int:
    return outcome_facts_refresh().people
