"""KPI values on small fixtures computed by hand, edge cases included."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.test import override_settings

from tests.outcomes.factories import at, make_assessment, make_case, make_measure, make_person
from waymark.cases.models import Case
from waymark.cases.service_standard import first_contact_met_standard, first_contact_overdue
from waymark.cases.states import CaseStatus
from waymark.outcomes.kpis import compute_outcomes, definitions, trend
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db

START, END = date(2025, 4, 1), date(2026, 3, 31)
AS_OF = date(2026, 9, 1)  # every risk window of the year is over
ENGAGED = date(2025, 6, 2)


def engaged_case(agency, *, engaged_on=ENGAGED, baseline="high", baseline_on=None, after=None, after_day=None):
    """A case engaged on ``engaged_on`` with a baseline assessment and, optionally, one reassessment."""
    case = make_case(agency=agency, engaged_on=engaged_on, referred_on=engaged_on - timedelta(days=7))
    if baseline:
        make_assessment(case.person, baseline_on or engaged_on - timedelta(days=3), baseline)
    if after:
        make_assessment(case.person, engaged_on + timedelta(days=after_day), after)
    return case


def result_of(outcomes, key, case):
    return next(r.result for r in outcomes[key].records if r.pk == case.pk)


class TestReducedRisk:
    def test_hand_computed_rate_with_every_edge_case(self, specialist_agency):
        a = specialist_agency
        reduced_89 = engaged_case(a, after="medium", after_day=89)
        reduced_90 = engaged_case(a, after="standard", after_day=90)
        day_91 = engaged_case(a, after="standard", after_day=91)  # too late: no reassessment in window
        unchanged = engaged_case(a, after="high", after_day=30)
        raised = engaged_case(a, baseline="medium", after="high", after_day=30)
        none_yet = engaged_case(a, engaged_on=date(2026, 3, 20), after="standard", after_day=10)  # window open
        no_baseline = engaged_case(a, baseline=None, after="standard", after_day=10)
        outside = engaged_case(a, engaged_on=date(2025, 3, 31), after="standard", after_day=10)

        outcomes = compute_outcomes(START, date(2026, 3, 31), as_of=date(2026, 4, 15), partnership_wide=True)
        kpi = outcomes["reduced_risk_within_3_months_rate"]
        # Denominator: 89, 90, 91 (no reassessment in window), unchanged, raised = 5; numerator 89 and 90.
        assert (kpi.numerator, kpi.denominator) == (2, 5)
        assert kpi.value == pytest.approx(0.4)
        assert result_of(outcomes, "reduced_risk_within_3_months_rate", reduced_89) == "Risk reduced"
        assert result_of(outcomes, "reduced_risk_within_3_months_rate", reduced_90) == "Risk reduced"
        assert result_of(outcomes, "reduced_risk_within_3_months_rate", day_91) == "No reassessment within 90 days"
        assert result_of(outcomes, "reduced_risk_within_3_months_rate", unchanged) == "Risk unchanged"
        assert result_of(outcomes, "reduced_risk_within_3_months_rate", raised) == "Risk raised"
        assert "not counted yet" in result_of(outcomes, "reduced_risk_within_3_months_rate", none_yet)
        assert "not measured" in result_of(outcomes, "reduced_risk_within_3_months_rate", no_baseline)
        assert outside.pk not in {r.pk for r in kpi.records}

    def test_window_over_is_the_day_after_day_90(self, specialist_agency):
        case = engaged_case(specialist_agency)  # no reassessment at all
        window_end = ENGAGED + timedelta(days=90)
        open_ = compute_outcomes(START, END, as_of=window_end, partnership_wide=True)[
            "reduced_risk_within_3_months_rate"
        ]
        over = compute_outcomes(START, END, as_of=window_end + timedelta(days=1), partnership_wide=True)[
            "reduced_risk_within_3_months_rate"
        ]
        assert (open_.numerator, open_.denominator, open_.value) == (0, 0, None)
        assert (over.numerator, over.denominator, over.value) == (0, 1, 0.0)
        assert over.records[0].pk == case.pk

    def test_baseline_is_the_latest_on_or_before_engagement(self, specialist_agency):
        case = make_case(agency=specialist_agency, engaged_on=ENGAGED)
        make_assessment(case.person, ENGAGED - timedelta(days=40), "medium")
        make_assessment(case.person, ENGAGED, "high")  # same day as engagement: the baseline
        make_assessment(case.person, ENGAGED + timedelta(days=20), "medium")
        kpi = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["reduced_risk_within_3_months_rate"]
        assert (kpi.numerator, kpi.denominator) == (1, 1)

    def test_latest_reassessment_in_the_window_decides(self, specialist_agency):
        case = engaged_case(specialist_agency, after="standard", after_day=20)
        make_assessment(case.person, ENGAGED + timedelta(days=60), "high")  # risen again
        kpi = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["reduced_risk_within_3_months_rate"]
        assert (kpi.numerator, kpi.denominator) == (0, 1)

    def test_archived_assessments_are_ignored(self, specialist_agency):
        case = engaged_case(specialist_agency)
        make_assessment(case.person, ENGAGED + timedelta(days=10), "standard", archived=True)
        kpi = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["reduced_risk_within_3_months_rate"]
        assert (kpi.numerator, kpi.denominator) == (0, 1)

    @override_settings(OUTCOMES_RISK_REDUCTION_WINDOW_DAYS=30)
    def test_window_is_configurable(self, specialist_agency):
        engaged_case(specialist_agency, after="standard", after_day=31)
        kpi = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["reduced_risk_within_3_months_rate"]
        assert (kpi.numerator, kpi.denominator) == (0, 1)

    def test_no_cases_is_none_not_zero(self, db):
        assert (
            compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["reduced_risk_within_3_months_rate"].value
            is None
        )


def test_supported_counts_episodes_and_people_engaged_in_the_period(specialist_agency):
    person = make_person(specialist_agency)
    make_case(agency=specialist_agency, person=person, engaged_on=date(2025, 5, 1))
    make_case(agency=specialist_agency, person=person, engaged_on=date(2025, 11, 1))  # same person again
    make_case(agency=specialist_agency, engaged_on=date(2026, 3, 31))  # last day counts
    make_case(agency=specialist_agency, engaged_on=date(2026, 4, 1))  # after the period
    make_case(agency=specialist_agency, status=CaseStatus.UNABLE_TO_ENGAGE)  # never engaged
    outcomes = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)
    assert outcomes["supported"].value == 3  # episodes of support, counted like referrals
    assert outcomes["people_supported"].value == 2  # the person supported twice counts once


def test_referred_counts_referrals_received_and_imported_cases(specialist_agency):
    person = make_person(specialist_agency)
    for received_on in (date(2025, 4, 1), date(2025, 9, 9), date(2026, 4, 1)):
        Referral.objects.create(
            number=f"R-{received_on:%Y%m%d}",
            received_on=received_on,
            source="professional",
            subject=person,
            receiving_agency=specialist_agency,
            consent="given",
        )
    make_case(agency=specialist_agency, referred_on=date(2025, 10, 1))  # imported: no referral row
    make_case(agency=specialist_agency, referred_on=date(2025, 3, 31))
    assert compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["referred"].value == 3


class TestFirstContact:
    # Friday 22 August 2025; Monday 25 August is the summer bank holiday: due Wednesday 27 August.
    FRIDAY = date(2025, 8, 22)

    def make(self, agency, contact_on):
        return make_case(agency=agency, referred_on=self.FRIDAY, first_contact_on=contact_on)

    def test_across_a_weekend_and_a_bank_holiday(self, specialist_agency):
        on_time = self.make(specialist_agency, date(2025, 8, 27))
        late = self.make(specialist_agency, date(2025, 8, 28))
        weekend = self.make(specialist_agency, date(2025, 8, 23))
        kpi = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["first_contact_within_standard_rate"]
        assert (kpi.numerator, kpi.denominator) == (2, 3)
        for case in (on_time, late, weekend):
            assert (result_of_case := next(r for r in kpi.records if r.pk == case.pk)).counted is bool(
                first_contact_met_standard(case)
            ), result_of_case

    def test_not_contacted_counts_as_missed_only_after_the_last_day(self, specialist_agency):
        self.make(specialist_agency, None)
        due = compute_outcomes(START, END, as_of=date(2025, 8, 27), partnership_wide=True)[
            "first_contact_within_standard_rate"
        ]
        past = compute_outcomes(START, END, as_of=date(2025, 8, 28), partnership_wide=True)[
            "first_contact_within_standard_rate"
        ]
        assert (due.numerator, due.denominator) == (0, 0)
        assert (past.numerator, past.denominator) == (0, 1)

    def test_agrees_with_the_service_standard_on_many_cases(self, specialist_agency):
        as_of = date(2026, 1, 5)
        start = date(2025, 12, 1)
        for offset in range(40):
            referred = start + timedelta(days=offset)
            for lag in (None, 0, 1, 2, 3, 5):
                contact = None if lag is None else referred + timedelta(days=lag)
                make_case(agency=specialist_agency, referred_on=referred, first_contact_on=contact)
        kpi = compute_outcomes(start, date(2026, 1, 9), as_of=as_of, partnership_wide=True)[
            "first_contact_within_standard_rate"
        ]
        cases = list(Case.objects.all())
        met = [c for c in cases if first_contact_met_standard(c) is True]
        missed = [
            c
            for c in cases
            if first_contact_met_standard(c) is False
            or (first_contact_met_standard(c) is None and first_contact_overdue(c, today=as_of))
        ]
        assert kpi.numerator == len(met)
        assert kpi.denominator == len(met) + len(missed)
        assert {r.pk for r in kpi.records if r.counted} == {c.pk for c in met}

    def test_median_working_days(self, specialist_agency):
        self.make(specialist_agency, date(2025, 8, 22))  # same day: 0
        self.make(specialist_agency, date(2025, 8, 26))  # Tue after the bank holiday: 1
        self.make(specialist_agency, date(2025, 8, 28))  # 3
        self.make(specialist_agency, date(2025, 9, 2))  # 6
        self.make(specialist_agency, None)
        kpi = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["median_working_days_to_first_contact"]
        assert kpi.value == 2.0
        assert kpi.denominator == 4


def test_engagement_rate(specialist_agency):
    allocated = date(2025, 7, 1)
    make_case(agency=specialist_agency, allocated_on=allocated, engaged_on=date(2025, 7, 3))
    make_case(agency=specialist_agency, allocated_on=allocated, status=CaseStatus.UNABLE_TO_ENGAGE, engaged_on=None)
    make_case(agency=specialist_agency, allocated_on=allocated, status=CaseStatus.CLOSED, engaged_on=None)
    make_case(agency=specialist_agency, allocated_on=allocated, status=CaseStatus.CONTACT_ATTEMPTED)  # pending
    make_case(agency=specialist_agency, allocated_on=date(2026, 4, 2), engaged_on=date(2026, 4, 3))  # outside
    make_case(agency=specialist_agency, status=CaseStatus.AWAITING_ALLOCATION)  # never allocated
    kpi = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["engagement_rate"]
    assert (kpi.numerator, kpi.denominator) == (1, 3)


class TestExit:
    def pair(self, agency, intake, exit_, exit_on=date(2025, 12, 1)):
        case = make_case(agency=agency, engaged_on=date(2025, 5, 1))
        make_measure(case, "intake", date(2025, 5, 1), **intake)
        make_measure(case, "exit", exit_on, **exit_)
        return case

    def test_cessation_and_reduction_per_abuse_type(self, specialist_agency):
        a = specialist_agency
        self.pair(a, {"physical": "daily", "online": "weekly"}, {"physical": "none", "online": "monthly"})
        self.pair(a, {"physical": "weekly", "online": "none"}, {"physical": "monthly", "online": "daily"})
        self.pair(a, {"physical": "monthly"}, {"physical": "monthly"})
        self.pair(a, {"physical": "less_than_monthly"}, {"physical": "weekly"})
        self.pair(a, {"physical": "daily"}, {"online": "none"})  # physical not asked at exit
        self.pair(a, {"physical": "daily"}, {"physical": "none"}, exit_on=date(2026, 4, 1))  # outside
        outcomes = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)
        rows = {row.kind: row for row in outcomes.abuse}
        physical = rows["physical"]
        assert (physical.denominator, physical.ceased, physical.reduced, physical.unchanged, physical.increased) == (
            4,
            1,
            1,
            1,
            1,
        )
        assert physical.ceased_rate == pytest.approx(0.25)
        assert physical.reduced_rate == pytest.approx(0.25)
        # Online: "none" at intake is not counted, so only the first pair.
        assert (rows["online"].denominator, rows["online"].reduced) == (1, 1)
        assert rows["sexual"].ceased_rate is None

    def test_feeling_safer_and_the_other_scales(self, specialist_agency):
        a = specialist_agency
        self.pair(a, {"feeling_safe": 2, "wellbeing": 3}, {"feeling_safe": 4, "wellbeing": 3})
        self.pair(a, {"feeling_safe": 3}, {"feeling_safe": 3})
        self.pair(a, {"feeling_safe": 4}, {"feeling_safe": 2})
        self.pair(a, {"feeling_safe": 4}, {"wellbeing": 2})  # not scored at exit
        case = make_case(agency=a)
        make_measure(case, "exit", date(2025, 12, 1), feeling_safe=5)  # no intake
        child = make_person(a)
        other = self.pair(a, {"feeling_safe": 1}, {"feeling_safe": 2})
        make_measure(other, "intake", date(2025, 5, 1), subject=child, feeling_safe=1)
        make_measure(other, "exit", date(2025, 12, 1), subject=child, feeling_safe=5)  # a child: not counted
        outcomes = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)
        safer = outcomes["feeling_safer_at_exit_rate"]
        assert (safer.numerator, safer.denominator) == (2, 4)
        wellbeing = outcomes["wellbeing_improved_at_exit_rate"]
        assert (wellbeing.numerator, wellbeing.denominator) == (0, 1)


def test_everything_in_a_handful_of_queries(specialist_agency, django_assert_max_num_queries):
    for i in range(30):
        case = engaged_case(
            specialist_agency, engaged_on=date(2025, 5, 1) + timedelta(days=i), after="medium", after_day=30
        )
        make_measure(case, "intake", case.engaged_on, physical="weekly", feeling_safe=2)
        make_measure(case, "exit", case.engaged_on + timedelta(days=100), physical="none", feeling_safe=4)
    with django_assert_max_num_queries(8):
        outcomes = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)
    assert outcomes["supported"].value == 30
    assert outcomes["reduced_risk_within_3_months_rate"].value == 1.0


def test_trend_by_quarter_comes_from_the_same_records(specialist_agency):
    engaged_case(specialist_agency, engaged_on=date(2025, 5, 1), after="medium", after_day=10)
    engaged_case(specialist_agency, engaged_on=date(2025, 8, 1), after="high", after_day=10)
    outcomes = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)
    by, rows = trend(outcomes)
    assert by == "quarter"
    assert [row.label for row in rows] == ["2025/26 Q1", "2025/26 Q2", "2025/26 Q3", "2025/26 Q4"]
    assert [row.values["supported"].value for row in rows] == [1, 1, 0, 0]
    assert [row.values["reduced_risk_within_3_months_rate"].value for row in rows] == [1.0, 0.0, None, None]


def test_long_periods_trend_by_financial_year(db):
    by, rows = trend(compute_outcomes(date(2013, 4, 1), date(2026, 3, 31), as_of=AS_OF, partnership_wide=True))
    assert by == "financial year"
    assert rows[0].label == "2013/14" and len(rows) == 13


def test_every_kpi_has_a_written_definition():
    for item in definitions():
        assert len(item.definition) > 80, item.key


def test_end_before_start_is_refused(db):
    with pytest.raises(ValueError):
        compute_outcomes(END, START, partnership_wide=True)


def test_contact_times_are_read_in_the_service_time_zone(specialist_agency):
    from datetime import UTC, datetime

    # Due Wednesday 27 August 2025. 23:30 UTC on the 27th is 00:30 on the 28th in London (BST): late.
    case = make_case(agency=specialist_agency, referred_on=date(2025, 8, 22))
    Case.objects.filter(pk=case.pk).update(first_contact_at=datetime(2025, 8, 27, 23, 30, tzinfo=UTC))
    kpi = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["first_contact_within_standard_rate"]
    assert (kpi.numerator, kpi.denominator) == (0, 1)
    Case.objects.filter(pk=case.pk).update(first_contact_at=at(date(2025, 8, 27), 23))
    kpi = compute_outcomes(START, END, as_of=AS_OF, partnership_wide=True)["first_contact_within_standard_rate"]
    assert (kpi.numerator, kpi.denominator) == (1, 1)


@pytest.mark.django_db
def test_the_trend_leaves_out_quarters_that_have_not_begun():
    """A quarter still to come would read as a collapse to zero on the commissioner's chart."""
    from datetime import date

    from waymark.outcomes.kpis import compute_outcomes, trend

    outcomes = compute_outcomes(date(2026, 4, 1), date(2027, 3, 31), as_of=date(2026, 11, 24), partnership_wide=True)
    by, rows = trend(outcomes)
    assert by == "quarter"
    assert len(rows) == 3  # Q1 to Q3 of 2026/27; Q4 has not begun
    assert rows[-1].start == date(2026, 10, 1)


def test_every_outcome_computation_fails_closed_without_a_scope():
    from waymark.cases.models import Case
    from waymark.outcomes.kpis import ScopeRequired, outcome_figures, referred_by_period
    from waymark.referrals.models import Referral

    for compute in (compute_outcomes, outcome_figures, referred_by_period):
        with pytest.raises(ScopeRequired):
            compute(START, END)
        # Half a scope is no scope: the cases alone would count every referral.
        with pytest.raises(ScopeRequired):
            compute(START, END, cases=Case.objects.none())
        with pytest.raises(ScopeRequired):
            compute(START, END, cases=Case.objects.none(), referrals=Referral.objects.none(), partnership_wide=True)
