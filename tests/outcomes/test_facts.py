"""Each engaged case's kept risk ranks (``waymark/outcomes/facts.py``, ADR 0008): the database marks
every change the risk rule reads, a report reads a kept rank only when it is current, and a refresh
removes only the marks it read. tests/outcomes/test_kpis_query.py proves the figures equal the
Python definitions with the ranks kept, partly kept and not kept at all."""

from __future__ import annotations

import uuid
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import F
from django.test import override_settings

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_assessment, make_case, make_measure, make_person
from waymark.cases.models import Case
from waymark.outcomes import facts, kpis
from waymark.outcomes.facts import outcome_facts_differing, outcome_facts_refresh
from waymark.outcomes.kpis import outcome_figures, risk_facts_complete
from waymark.outcomes.models import (
    ExitFact,
    ExitFactsComplete,
    OutcomeFactStale,
    OutcomeMeasure,
    RiskFact,
    RiskFactsComplete,
)
from waymark.referrals.models import Referral
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db

ENGAGED = date(2025, 5, 1)
AS_OF = date(2026, 1, 10)  # every window over: each case's risk result is decided


def marked() -> set:
    return set(OutcomeFactStale.objects.values_list("person_id", flat=True))


def figures():
    found = outcome_figures(date(2025, 4, 1), date(2025, 12, 31), as_of=AS_OF, by="none", partnership_wide=True)
    return found.outcomes()["reduced_risk_within_3_months_rate"]


def reduced():
    result = figures()
    return (result.numerator, result.denominator)


@pytest.fixture
def engaged_case():
    """An engaged case assessed high before engaging and medium a month after: risk reduced."""
    agency = AgencyFactory()
    case = make_case(agency=agency, engaged_on=ENGAGED, referred_on=ENGAGED - timedelta(days=5))
    make_assessment(case.person, ENGAGED - timedelta(days=2), "high")
    make_assessment(case.person, ENGAGED + timedelta(days=30), "medium")
    return case


def test_every_change_the_risk_rule_reads_marks_the_person_in_its_own_transaction(engaged_case):
    person = engaged_case.person
    assert person.pk in marked()  # the case and the assessments were written by plain creates
    OutcomeFactStale.objects.all().delete()

    # A change the rule does not read marks nobody: a case's status, an assessment's notes.
    Case.objects.filter(pk=engaged_case.pk).update(status="closed")
    RiskAssessment.objects.filter(person=person).update(yes_count=1)
    assert marked() == set()

    # A bulk update the rule reads (no action, no save()) marks her.
    RiskAssessment.objects.filter(person=person).update(final_level="standard")
    assert marked() == {person.pk}
    OutcomeFactStale.objects.all().delete()

    # A case moved to another person marks both.
    other = make_person(engaged_case.agency)
    OutcomeFactStale.objects.all().delete()
    Case.objects.filter(pk=engaged_case.pk).update(person=other)
    assert marked() == {person.pk, other.pk}
    OutcomeFactStale.objects.all().delete()

    # A deleted assessment marks its person.
    RiskAssessment.objects.filter(person=person).first().delete()
    assert marked() == {person.pk}


def test_a_refresh_keeps_each_engaged_cases_ranks_and_clears_the_marks(engaged_case):
    outcome_facts_refresh()
    assert marked() == set()
    kept = RiskFact.objects.get(case_id=engaged_case.pk)
    assert (kept.person_id, kept.engaged_on, kept.before_rank, kept.after_rank) == (
        engaged_case.person_id,
        ENGAGED,
        2,  # high
        1,  # medium
    )
    assert outcome_facts_differing() == []
    assert reduced() == (1, 1)


def test_a_change_after_the_refresh_is_counted_at_once_without_another_refresh(engaged_case):
    outcome_facts_refresh()
    assert reduced() == (1, 1)
    # Written straight to the table (as an import or a test's factory would): the kept ranks say
    # "reduced", the records now say "raised".
    make_assessment(engaged_case.person, ENGAGED + timedelta(days=40), "high")
    make_assessment(engaged_case.person, ENGAGED + timedelta(days=60), "high")
    RiskAssessment.objects.filter(person=engaged_case.person, assessed_on=ENGAGED - timedelta(days=2)).update(
        final_level="medium"
    )
    assert reduced() == (0, 1)
    outcome_facts_refresh()
    assert reduced() == (0, 1)
    assert outcome_facts_differing() == []


def reduced_in_agency(agency):
    """As ``reduced``, counting one agency's cases: each case joined to its kept row."""
    found = outcome_figures(
        date(2025, 4, 1),
        date(2025, 12, 31),
        as_of=AS_OF,
        by="none",
        cases=Case.objects.filter(agency=agency),
        referrals=Referral.objects.filter(receiving_agency=agency),
    )
    result = found.outcomes()["reduced_risk_within_3_months_rate"]
    return (result.numerator, result.denominator)


def test_a_kept_row_is_read_only_for_the_same_person_day_of_engaging_and_window(engaged_case):
    """Joined to its case (a scope's figures, or a split's), a kept row is read only while it is the
    case's own: rows no trigger could have written (the triggers are bypassed by rewriting the kept
    row itself) are not read, and the case is worked out from the records."""
    agency = engaged_case.agency
    outcome_facts_refresh()
    RiskFact.objects.filter(case_id=engaged_case.pk).update(person_id=make_person(agency).pk)
    OutcomeFactStale.objects.all().delete()
    assert reduced_in_agency(agency) == (1, 1)
    outcome_facts_refresh()
    RiskFact.objects.filter(case_id=engaged_case.pk).update(engaged_on=ENGAGED - timedelta(days=1), before_rank=0)
    assert reduced_in_agency(agency) == (1, 1)
    # A row kept for another risk window is not read after the setting changes, on either path.
    outcome_facts_refresh()
    with override_settings(OUTCOMES_RISK_REDUCTION_WINDOW_DAYS=20):
        assert not risk_facts_complete(20)
        assert reduced() == (0, 1)  # the medium assessment is 30 days after: outside 20 days
        assert reduced_in_agency(agency) == (0, 1)
        assert facts.people_without_current_facts(20) == {engaged_case.person_id}
        outcome_facts_refresh()
        assert RiskFact.objects.get(case_id=engaged_case.pk).window_days == 20
        assert risk_facts_complete(20) and not risk_facts_complete(90)
        assert reduced() == (0, 1)


# Once a refresh has kept every engaged case's ranks (``RiskFactsComplete``), the partnership's
# unsplit figures read the kept rows of unmarked people alone (``kpis._ranks_kept_alone``).


def test_a_refresh_records_that_every_engaged_case_has_its_ranks_kept(engaged_case):
    assert not RiskFactsComplete.objects.exists()
    outcome_facts_refresh()
    assert risk_facts_complete(90)
    # A kept row rewritten around the triggers (high to high: not reduced) is read alone by the
    # partnership's figures, and still not by a scope's (its day is not the case's).
    RiskFact.objects.filter(case_id=engaged_case.pk).update(after_rank=F("before_rank"))
    assert reduced() == (0, 1)
    RiskFact.objects.filter(case_id=engaged_case.pk).update(engaged_on=ENGAGED + timedelta(days=1))
    assert reduced() == (0, 1)
    assert reduced_in_agency(engaged_case.agency) == (1, 1)
    # Such a row is what the check is for: it names the case.
    assert outcome_facts_differing() == [engaged_case.pk]


def test_once_every_engaged_case_is_kept_each_change_is_counted_at_once_through_its_mark(engaged_case):
    """The marks keep an unmarked person's kept rows exactly her engaged cases': every kind of
    change the triggers see, after the refresh and before the next, is counted at once and once."""
    agency = engaged_case.agency
    outcome_facts_refresh()
    assert reduced() == (1, 1)

    # A new engaged case (its insert marks its person): counted from the records.
    later = make_case(agency=agency, engaged_on=ENGAGED + timedelta(days=3), referred_on=ENGAGED)
    make_assessment(later.person, ENGAGED, "medium")
    make_assessment(later.person, ENGAGED + timedelta(days=20), "standard")
    assert reduced() == (2, 2) == reduced_in_agency(agency)
    outcome_facts_refresh()
    assert reduced() == (2, 2)

    # The day of engaging moved out of the period, then back in: its old kept row is not read.
    Case.objects.filter(pk=later.pk).update(engaged_on=date(2026, 2, 1))
    assert reduced() == (1, 1)
    outcome_facts_refresh()
    Case.objects.filter(pk=later.pk).update(engaged_on=ENGAGED + timedelta(days=3))
    assert reduced() == (2, 2)
    outcome_facts_refresh()

    # No longer engaged; then deleted: its kept row is not counted.
    Case.objects.filter(pk=later.pk).update(engaged_on=None)
    assert reduced() == (1, 1)
    outcome_facts_refresh()
    Case.objects.filter(pk=later.pk).update(engaged_on=ENGAGED + timedelta(days=3))
    outcome_facts_refresh()
    Case.objects.filter(pk=later.pk).delete()
    assert RiskFact.objects.filter(case_id=later.pk).exists()  # until the refresh
    assert reduced() == (1, 1)
    outcome_facts_refresh()
    assert not RiskFact.objects.filter(case_id=later.pk).exists()

    # Moved to another person (high before, standard after: reduced): counted once, as hers.
    other = make_person(agency)
    make_assessment(other, ENGAGED - timedelta(days=1), "high")
    make_assessment(other, ENGAGED + timedelta(days=10), "standard")
    outcome_facts_refresh()
    RiskFact.objects.filter(case_id=engaged_case.pk).update(after_rank=F("before_rank"))  # read: not reduced
    assert reduced() == (0, 1)
    Case.objects.filter(pk=engaged_case.pk).update(person=other)
    assert reduced() == (1, 1)
    # An assessment changed: the ranks worked out again.
    Case.objects.filter(pk=engaged_case.pk).update(person=engaged_case.person)
    outcome_facts_refresh()
    RiskAssessment.objects.filter(person=engaged_case.person, assessed_on=ENGAGED - timedelta(days=2)).update(
        final_level="standard"
    )
    assert reduced() == (0, 1)
    outcome_facts_refresh()
    assert reduced() == (0, 1)
    assert outcome_facts_differing() == []


def test_a_kept_row_is_read_for_any_period_holding_its_day_of_engaging(engaged_case):
    """The kept rows are read for the period's days of engaging only (``kpis._risk_levels``): the
    first and last day of a period are in it. A kept row rewritten around the triggers (high to
    high: not reduced) shows it was read, not worked out from the records (reduced)."""
    outcome_facts_refresh()
    RiskFact.objects.filter(case_id=engaged_case.pk).update(after_rank=F("before_rank"))

    def reduced_between(start, end):
        found = outcome_figures(start, end, as_of=AS_OF, by="none", partnership_wide=True)
        result = found.outcomes()["reduced_risk_within_3_months_rate"]
        return (result.numerator, result.denominator)

    day = timedelta(days=1)
    for start, end in [(ENGAGED, ENGAGED), (ENGAGED - 30 * day, ENGAGED), (ENGAGED, ENGAGED + 30 * day)]:
        assert reduced_between(start, end) == (0, 1), (start, end)
    assert reduced_between(ENGAGED + day, ENGAGED + 30 * day) == (0, 0)
    OutcomeFactStale.objects.create(person_id=engaged_case.person_id)  # marked: worked out again
    assert reduced_between(ENGAGED, ENGAGED) == (1, 1)


def test_a_row_changed_around_the_triggers_is_found_by_the_check(engaged_case):
    outcome_facts_refresh()
    call_command("outcome_facts", "--check")  # agrees
    RiskFact.objects.filter(case_id=engaged_case.pk).update(after_rank=2)
    assert outcome_facts_differing() == [engaged_case.pk]
    with pytest.raises(CommandError, match="1 cases' kept risk ranks or change at exit differ"):
        call_command("outcome_facts", "--check")
    call_command("outcome_facts")  # a refresh works it out again only for people marked or missing
    assert outcome_facts_differing() == [engaged_case.pk]
    OutcomeFactStale.objects.create(person_id=engaged_case.person_id)
    call_command("outcome_facts")
    assert outcome_facts_differing() == []


def test_a_refresh_deletes_only_the_marks_it_read(engaged_case, monkeypatch):
    """A change committed while a refresh works leaves its own mark behind for the next one."""
    later = make_person(engaged_case.agency)
    found = facts.people_without_current_facts

    def meanwhile(window):
        people = found(window)
        make_assessment(later, ENGAGED, "high")  # after the marks were read
        return people

    monkeypatch.setattr(facts, "people_without_current_facts", meanwhile)
    refreshed = outcome_facts_refresh()
    assert marked() == {later.pk}
    assert refreshed.marks >= 1


def test_a_refresh_removes_the_rows_of_a_case_no_longer_engaged_or_moved(engaged_case):
    outcome_facts_refresh()
    other = make_person(engaged_case.agency)
    Case.objects.filter(pk=engaged_case.pk).update(person=other)
    outcome_facts_refresh()
    assert RiskFact.objects.get(case_id=engaged_case.pk).person_id == other.pk
    Case.objects.filter(pk=engaged_case.pk).update(engaged_on=None)
    outcome_facts_refresh()
    assert not RiskFact.objects.filter(case_id=engaged_case.pk).exists()
    assert marked() == set()


def test_the_daily_job_refreshes(engaged_case):
    from waymark.core.daily import daily_jobs

    job = daily_jobs()["outcome-facts"]
    assert job.func(AS_OF) == 1
    assert RiskFact.objects.filter(case_id=engaged_case.pk).exists()


# The change at exit (``ExitFact``).


def feeling_safer():
    found = outcome_figures(date(2025, 4, 1), date(2025, 12, 31), as_of=AS_OF, by="none", partnership_wide=True)
    result = found.outcomes()["feeling_safer_at_exit_rate"]
    return (result.numerator, result.denominator)


@pytest.fixture
def exited_case(engaged_case):
    """The engaged case with an intake (feeling safe 2) and an exit (4): feels safer."""
    make_measure(engaged_case, "intake", ENGAGED, feeling_safe=2, physical="weekly")
    make_measure(engaged_case, "exit", ENGAGED + timedelta(days=100), feeling_safe=4, physical="none")
    return engaged_case


def test_every_change_to_a_measure_marks_the_case_person_and_the_person_measured(exited_case):
    OutcomeFactStale.objects.all().delete()
    OutcomeMeasure.objects.filter(case=exited_case).update(recorded_by=None)  # not read by the rule
    assert marked() == set()
    OutcomeMeasure.objects.filter(case=exited_case, stage="exit").update(feeling_safe=1)
    assert marked() == {exited_case.person_id}
    OutcomeFactStale.objects.all().delete()
    child = make_person(exited_case.agency)
    OutcomeMeasure.objects.filter(case=exited_case, stage="exit").update(subject=child)
    assert marked() == {exited_case.person_id, child.pk}
    OutcomeFactStale.objects.all().delete()
    OutcomeMeasure.objects.filter(case=exited_case, stage="intake").delete()
    assert marked() == {exited_case.person_id}


def test_a_kept_change_at_exit_is_read_while_current_and_a_change_is_counted_at_once(exited_case):
    assert feeling_safer() == (1, 1)
    outcome_facts_refresh()
    kept = ExitFact.objects.get(case_id=exited_case.pk)
    assert (kept.person_id, kept.measured_on, kept.s_feeling_safe, kept.a_physical) == (
        exited_case.person_id,
        ENGAGED + timedelta(days=100),
        "better",
        "ceased",
    )
    assert feeling_safer() == (1, 1)
    # Written straight to the table: counted from the records at once.
    OutcomeMeasure.objects.filter(case=exited_case, stage="exit").update(feeling_safe=2)
    assert feeling_safer() == (0, 1)
    outcome_facts_refresh()
    assert ExitFact.objects.get(case_id=exited_case.pk).s_feeling_safe == "same"
    assert feeling_safer() == (0, 1)
    # The exit moved out of the period: neither the kept row nor the records count it.
    OutcomeMeasure.objects.filter(case=exited_case, stage="exit").update(measured_on=date(2026, 2, 1))
    assert feeling_safer() == (0, 0)
    outcome_facts_refresh()
    assert feeling_safer() == (0, 0)
    # The exit deleted: its kept row goes with the next refresh, and is not read before it.
    OutcomeMeasure.objects.filter(case=exited_case, stage="exit").update(measured_on=ENGAGED + timedelta(days=100))
    outcome_facts_refresh()
    assert feeling_safer() == (0, 1)
    OutcomeMeasure.objects.filter(case=exited_case, stage="exit").delete()
    assert feeling_safer() == (0, 0)
    outcome_facts_refresh()
    assert not ExitFact.objects.filter(case_id=exited_case.pk).exists()
    assert outcome_facts_differing() == []


def test_a_kept_change_at_exit_for_another_person_is_not_read(exited_case):
    outcome_facts_refresh()
    ExitFactsComplete.objects.all().delete()  # as before the first refresh: exits without a row looked for
    ExitFact.objects.filter(case_id=exited_case.pk).update(
        person_id=make_person(exited_case.agency).pk, s_feeling_safe="lower"
    )
    OutcomeFactStale.objects.all().delete()
    assert feeling_safer() == (1, 1)  # worked out from the records
    assert facts.people_without_current_exit_facts() == {exited_case.person_id}
    ExitFact.objects.filter(case_id=exited_case.pk).update(person_id=exited_case.person_id)
    # A current row changed around the triggers is read (the kept rows are trusted) ...
    assert feeling_safer() == (0, 1)
    assert outcome_facts_differing() == [exited_case.pk]  # ... and the check finds it


def test_a_refresh_records_that_every_case_with_an_exit_has_its_change_kept(exited_case):
    from waymark.outcomes.kpis import rules_version

    assert not ExitFactsComplete.objects.exists()
    outcome_facts_refresh()
    assert list(ExitFactsComplete.objects.values_list("rule_version", flat=True)) == [rules_version()]
    outcome_facts_refresh()
    assert ExitFactsComplete.objects.count() == 1


def test_once_every_exit_is_kept_a_new_exit_is_counted_at_once_through_its_mark(exited_case):
    outcome_facts_refresh()
    other = make_case(agency=exited_case.agency, engaged_on=ENGAGED, referred_on=ENGAGED - timedelta(days=5))
    make_measure(other, "intake", ENGAGED, feeling_safe=3)
    make_measure(other, "exit", ENGAGED + timedelta(days=50), feeling_safe=2)
    assert other.person_id in marked()
    assert feeling_safer() == (1, 2)  # the new exit worked out, the kept one read
    # A case moved to another person (a merge): the exit is counted once, under its new person.
    newcomer = make_person(exited_case.agency)
    Case.objects.filter(pk=other.pk).update(person=newcomer)
    OutcomeMeasure.objects.filter(case=other).update(subject=newcomer)
    assert feeling_safer() == (1, 2)
    outcome_facts_refresh()
    assert feeling_safer() == (1, 2)
    assert outcome_facts_differing() == []


def test_once_every_exit_is_kept_an_exit_whose_row_went_around_the_triggers_is_found_by_the_check(exited_case):
    """The reports trust the marks: an exit of an unmarked person with no kept row (deleted around
    the triggers) is not counted; the check lists it, and a refresh works it out again."""
    outcome_facts_refresh()
    ExitFact.objects.filter(case_id=exited_case.pk).delete()
    assert feeling_safer() == (0, 0)
    assert outcome_facts_differing() == [exited_case.pk]
    ExitFactsComplete.objects.all().delete()  # before the first refresh: every exit looked at
    assert feeling_safer() == (1, 1)
    outcome_facts_refresh()
    assert feeling_safer() == (1, 1)
    assert outcome_facts_differing() == []


def test_with_many_marks_waiting_the_figures_are_counted_from_the_records(exited_case, monkeypatch):
    """Past ``MOST_MARKS_FOR_KEPT`` marks (a bulk load before its refresh), no statement reads kept
    rows, so none checks every case against a list of marks too long to hash; the figures agree."""
    from django.test.utils import CaptureQueriesContext

    from waymark.outcomes import kpis

    outcome_facts_refresh()
    monkeypatch.setattr(kpis, "MOST_MARKS_FOR_KEPT", 2)
    OutcomeFactStale.objects.bulk_create(
        OutcomeFactStale(person_id=make_person(exited_case.agency).pk) for _ in range(2)
    )
    with CaptureQueriesContext(connection) as few:
        assert (reduced(), feeling_safer()) == ((1, 1), (1, 1))
    assert any("outcomes_riskfact" in q["sql"] for q in few.captured_queries)
    OutcomeFactStale.objects.create(person_id=make_person(exited_case.agency).pk)
    with CaptureQueriesContext(connection) as many:
        assert (reduced(), feeling_safer()) == ((1, 1), (1, 1))
    assert not any("outcomes_riskfact" in q["sql"] or "outcomes_exitfact" in q["sql"] for q in many.captured_queries)


def test_rows_kept_by_another_form_of_the_rules_are_not_read_and_are_worked_out_again(exited_case, monkeypatch):
    """A release that changes a rule (here: medium ranked as high) leaves no kept row current."""
    from waymark.outcomes import kpis

    outcome_facts_refresh()
    assert reduced() == (1, 1)
    before = kpis.rules_version()
    monkeypatch.setitem(kpis._RISK_RANK, "medium", kpis._RISK_RANK["high"])
    kpis._rules_version.cache_clear()  # a new release starts new processes
    try:
        assert kpis.rules_version() != before
        assert reduced() == (0, 1)  # high then "high": unchanged, counted from the records
        assert facts.people_without_current_facts(kpis.risk_window_days()) == {exited_case.person_id}
        assert facts.people_without_current_exit_facts() == {exited_case.person_id}
        outcome_facts_refresh()  # nothing marked, but the daily job works the old rows out again
        assert RiskFact.objects.get(case_id=exited_case.pk).rule_version == kpis.rules_version()
        assert ExitFact.objects.get(case_id=exited_case.pk).rule_version == kpis.rules_version()
        assert reduced() == (0, 1)
        assert outcome_facts_differing() == []
    finally:
        monkeypatch.undo()
        kpis._rules_version.cache_clear()


def test_a_change_at_exit_kept_by_another_form_of_the_rules_is_not_read(exited_case):
    outcome_facts_refresh()
    # As a release finds them: every row, and the record that all were kept, by the older form.
    ExitFact.objects.filter(case_id=exited_case.pk).update(rule_version="older", s_feeling_safe="lower")
    ExitFactsComplete.objects.update(rule_version="older")
    assert feeling_safer() == (1, 1)  # worked out from the records on every database
    outcome_facts_refresh()
    assert ExitFact.objects.get(case_id=exited_case.pk).s_feeling_safe == "better"


def test_rows_around_the_triggers_are_named_by_the_check_and_put_right_by_the_refresh(engaged_case):
    """What the partnership's figures trust once complete: a kept rank no engaged case matches is
    counted, and an engaged case whose kept row went is not, until the refresh (and the check names
    both). Kept rows have no triggers of their own, so writing them directly goes around the marks."""
    outcome_facts_refresh()
    stray = make_person(engaged_case.agency)
    OutcomeFactStale.objects.all().delete()
    orphan = RiskFact.objects.create(
        case_id=uuid.uuid4(),
        person_id=stray.pk,
        engaged_on=ENGAGED,
        window_days=90,
        before_rank=2,
        after_rank=0,
        rule_version=facts.rules_version(),
    )
    assert reduced() == (2, 2)
    assert reduced_in_agency(engaged_case.agency) == (1, 1)  # joined to its case: not read
    assert outcome_facts_differing() == [orphan.case_id]
    outcome_facts_refresh()
    assert not RiskFact.objects.filter(case_id=orphan.case_id).exists()
    assert reduced() == (1, 1)

    RiskFact.objects.filter(case_id=engaged_case.pk).delete()
    assert reduced() == (0, 0)
    assert outcome_facts_differing() == [engaged_case.pk]
    outcome_facts_refresh()
    assert reduced() == (1, 1)
    assert outcome_facts_differing() == []


def test_completeness_is_read_again_in_the_statement(engaged_case, monkeypatch):
    """A refresh by another form of the rules or window (another process) removes the record after
    a page decided to read the kept rows alone: the statement then reads none and works every case
    out, rather than counting nothing for unmarked people."""
    outcome_facts_refresh()
    RiskFact.objects.filter(case_id=engaged_case.pk).update(after_rank=F("before_rank"))  # read: not reduced
    assert reduced() == (0, 1)
    RiskFactsComplete.objects.all().delete()
    monkeypatch.setattr(kpis, "risk_facts_complete", lambda window, using="default": True)
    assert reduced() == (1, 1)  # worked out from the records


def test_only_every_case_once_is_read_as_the_partnerships_figures():
    assert kpis._every_case(Case.objects.all())
    for scoped in (
        Case.objects.none(),
        Case.objects.filter(status="closed"),
        Case.objects.filter(pk__in=[]),
        Case.objects.distinct(),
        Case.objects.annotate(n=F("version")),
        Case.objects.filter(person__isnull=False),
        Case.objects.all()[:10],
        Case.objects.all().union(Case.objects.all()),
    ):
        assert not kpis._every_case(scoped), scoped.query


def test_days_are_put_in_buckets_only_when_the_buckets_follow_one_another():
    day = timedelta(days=1)
    buckets = [(date(2025, 4, 1), date(2025, 6, 30)), (date(2025, 7, 1), date(2025, 9, 30))]
    assert kpis._consecutive_starts(buckets) == [date(2025, 4, 1), date(2025, 7, 1)]
    with pytest.raises(ValueError, match="follow one another"):
        kpis._consecutive_starts([buckets[0], (date(2025, 7, 1) + day, date(2025, 9, 30))])
