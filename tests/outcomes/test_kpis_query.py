"""The query form of every KPI (``outcome_figures``, computed in the database) equals its Python
definition (``compute_outcomes``, which classifies each record) on random data: the whole period,
each quarter, and split by provider."""

from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from django.test import override_settings
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_assessment, make_case, make_measure, make_person
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.outcomes.facts import outcome_facts_refresh
from waymark.outcomes.kpis import (
    Dimension,
    Tally,
    compute_outcomes,
    outcome_figures,
    outcome_figures_compared,
    outcome_figures_compared_each,
    outcomes_from_tally,
    risk_facts_complete,
    risk_window_days,
    trend,
)
from waymark.outcomes.models import AbuseKind, Frequency, OutcomeFactStale
from waymark.referrals.models import Referral

pytestmark = pytest.mark.django_db(transaction=False)

BASE = date(2025, 3, 20)  # near a quarter and financial year boundary, and the Easter bank holidays
LONDON = ZoneInfo("Europe/London")
UTC = ZoneInfo("UTC")
PROVIDER = Dimension("provider", "Provider", "agency_id", "receiving_agency_id")
# A second split crossing the first (a person's cases may be at either provider).
PERSON = Dimension("person", "Person", "person_id", "subject_id")

offsets = st.integers(min_value=0, max_value=200)
small = st.integers(min_value=0, max_value=8)
frequency = st.sampled_from(["", *Frequency.values])
score = st.one_of(st.none(), st.integers(min_value=1, max_value=5))
measure = st.fixed_dictionaries(
    {
        "feeling_safe": score,
        "wellbeing": score,
        "quality_of_life": score,
        **{kind: frequency for kind in AbuseKind.values},
    }
)
case_spec = st.fixed_dictionaries(
    {
        "provider": st.integers(min_value=0, max_value=1),
        "same_person_as": st.one_of(st.none(), st.integers(min_value=0, max_value=5)),
        "referred": offsets,
        "reopened": st.one_of(st.none(), small),
        "engaged": st.one_of(st.none(), small),
        # A first contact or allocation at any hour, in UTC: late evening in summer is the next day
        # in London, which the rules must count by the London day.
        "contact": st.one_of(st.none(), st.tuples(small, st.integers(min_value=0, max_value=23))),
        "allocated": st.one_of(st.none(), st.tuples(small, st.integers(min_value=0, max_value=23))),
        "status": st.sampled_from(list(CaseStatus.values)),
        "assessments": st.lists(
            st.tuples(
                st.integers(min_value=-20, max_value=120),
                st.sampled_from(["standard", "medium", "high"]),
                st.booleans(),
            ),
            max_size=3,
        ),
        "intake": st.one_of(st.none(), st.tuples(st.integers(min_value=-5, max_value=5), measure)),
        "exit": st.one_of(st.none(), st.tuples(st.integers(min_value=0, max_value=150), measure)),
    }
)
scenario = st.fixed_dictionaries(
    {
        "cases": st.lists(case_spec, max_size=10),
        "referrals": st.lists(st.tuples(offsets, st.integers(min_value=0, max_value=1)), max_size=6),
        "start": st.integers(min_value=0, max_value=60),
        "length": st.integers(min_value=0, max_value=300),
        "shift": st.integers(min_value=0, max_value=400),  # the second period of a comparison: this many days earlier
        # As of any day, or as of a day next to the end of a case's risk window (its day 90).
        "as_of": st.one_of(
            st.integers(min_value=0, max_value=500),
            st.tuples(st.integers(min_value=0, max_value=9), st.integers(min_value=-1, max_value=1)),
        ),
    }
)


def _moment(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=UTC)


def build(data, providers):
    cases = []
    for spec in data["cases"]:
        agency = providers[spec["provider"]]
        person = None
        if spec["same_person_as"] is not None and spec["same_person_as"] < len(cases):
            person = cases[spec["same_person_as"]].person
        referred = BASE + timedelta(days=spec["referred"])
        reopened = None if spec["reopened"] is None else referred + timedelta(days=30 + spec["reopened"])
        episode = reopened or referred
        case = make_case(
            agency=agency,
            person=person or make_person(agency),
            status=spec["status"],
            referred_on=referred,
            reopened_on=reopened,
            engaged_on=None if spec["engaged"] is None else episode + timedelta(days=spec["engaged"]),
        )
        Case.objects.filter(pk=case.pk).update(
            first_contact_at=None
            if spec["contact"] is None
            else _moment(episode + timedelta(days=spec["contact"][0]), spec["contact"][1]),
            allocated_at=None
            if spec["allocated"] is None
            else _moment(referred + timedelta(days=spec["allocated"][0]), spec["allocated"][1]),
        )
        anchor = case.engaged_on or referred
        for offset, level, archived in spec["assessments"]:
            make_assessment(case.person, anchor + timedelta(days=offset), level, archived=archived)
        if spec["intake"] is not None:
            offset, answers = spec["intake"]
            make_measure(case, "intake", referred + timedelta(days=offset), **answers)
        if spec["exit"] is not None:
            offset, answers = spec["exit"]
            make_measure(case, "exit", referred + timedelta(days=offset), **answers)
        cases.append(case)
    for index, (offset, provider) in enumerate(data["referrals"]):
        Referral.objects.create(
            number=f"R-P-{index}",
            received_on=BASE + timedelta(days=offset),
            source="professional",
            subject=make_person(providers[provider]),
            receiving_agency=providers[provider],
            consent="given",
        )


def _as_of(choice) -> date:
    if isinstance(choice, int):
        return BASE + timedelta(days=choice)
    index, delta = choice
    engaged = list(
        Case.objects.filter(engaged_on__isnull=False).order_by("number").values_list("engaged_on", flat=True)
    )
    if not engaged:
        return BASE + timedelta(days=400)
    return engaged[index % len(engaged)] + timedelta(days=risk_window_days() + delta)


def comparable(result):
    return (result.value, result.numerator, result.denominator, result.excluded, result.breakdown)


def assert_same(python, query):
    for key, result in python.kpis.items():
        expected = comparable(result)
        if key in ("referred", "supported", "people_supported"):
            expected = (result.value, None, None, 0, {})
        elif key == "median_working_days_to_first_contact":
            expected = (result.value, None, result.denominator, 0, dict(_days_breakdown(result)))
        assert comparable(query[key]) == expected, key
    assert python.abuse == query.abuse


def _days_breakdown(result):
    counts: dict[str, int] = {}
    for record in result.records:
        counts[record.result] = counts.get(record.result, 0) + 1
    return counts


@settings(
    max_examples=int(os.environ.get("KPI_EXAMPLES", "30")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    phases=[Phase.explicit, Phase.reuse, Phase.generate] if os.environ.get("KPI_NO_SHRINK") else list(Phase),
)
@given(data=scenario)
def test_query_form_equals_python_definition(data):
    with transaction.atomic():
        providers = [AgencyFactory(), AgencyFactory()]
        build(data, providers)
        start = BASE + timedelta(days=data["start"])
        end = start + timedelta(days=data["length"])
        as_of = _as_of(data["as_of"])

        python = compute_outcomes(start, end, as_of=as_of, partnership_wide=True)
        figures = outcome_figures(start, end, as_of=as_of, by="quarter", partnership_wide=True)
        assert_same(python, figures.outcomes())
        # The same read from every case's kept risk ranks (``outcomes.facts``); then with every other
        # person marked as changed, so that the rest of this test counts from a mix of kept ranks
        # and cases worked out from the records.
        outcome_facts_refresh()
        assert_same(python, outcome_figures(start, end, as_of=as_of, by="quarter", partnership_wide=True).outcomes())
        marked = sorted(set(Case.objects.values_list("person_id", flat=True)))[::2]
        OutcomeFactStale.objects.bulk_create(OutcomeFactStale(person_id=person) for person in marked)
        assert_same(python, outcome_figures(start, end, as_of=as_of, by="quarter", partnership_wide=True).outcomes())
        # Each quarter: the trend's Python figures against the query's periods.
        _, python_trend = trend(python, max_quarters=100)
        query_trend = figures.trend_rows()
        assert [(r.label, r.start, r.end) for r in python_trend] == [(r.label, r.start, r.end) for r in query_trend]
        for p_row, q_row in zip(python_trend, query_trend, strict=True):
            for key, result in p_row.values.items():
                assert (result.value, result.numerator, result.denominator) == (
                    q_row.values[key].value,
                    q_row.values[key].numerator,
                    q_row.values[key].denominator,
                ), (p_row.label, key)
        for period in figures.periods:  # every KPI of each quarter, in full
            assert_same(
                compute_outcomes(period.start, period.end, as_of=as_of, partnership_wide=True), period.outcomes()
            )

        # Split by provider: each provider's figures are the Python figures over its own records.
        split = outcome_figures(start, end, as_of=as_of, by="none", dimension=PROVIDER, partnership_wide=True)
        for provider in providers:
            own = compute_outcomes(
                start,
                end,
                as_of=as_of,
                cases=Case.objects.filter(agency=provider),
                referrals=Referral.objects.filter(receiving_agency=provider),
            )
            if provider.pk in split.total:
                assert_same(own, split.outcomes(provider.pk))
            else:
                assert own["referred"].value == own["supported"].value == 0
                assert not any(r.in_denominator or r.counted for k in own.kpis for r in own[k].records)

        # Counting only referred, supported and risk reduced (the board pack's equality tables)
        # counts those the same.
        headline = outcome_figures(
            start, end, as_of=as_of, by="none", dimension=PROVIDER, partnership_wide=True, risk_only=True
        )
        headline_keys = ("referred", "supported", "people_supported", "reduced_risk_within_3_months_rate")
        assert set(headline.groups) <= set(split.groups)
        for g in [*split.groups, "overall"]:
            full = split.overall if g == "overall" else split.outcomes(g)
            if g != "overall" and g not in headline.groups:  # a group with none of these counted
                assert all(not full[key].value and not full[key].excluded for key in headline_keys), g
                continue
            only = headline.overall if g == "overall" else headline.outcomes(g)
            for key in headline_keys:
                assert comparable(only[key]) == comparable(full[key]), (g, key)

        # Counting only the home panel's figures counts those the same.
        panel = outcome_figures(start, end, as_of=as_of, by="none", partnership_wide=True, headline_only=True)
        for key in (*headline_keys, "first_contact_within_standard_rate", "median_working_days_to_first_contact"):
            assert comparable(panel.outcomes()[key]) == comparable(figures.outcomes()[key]), key

        # The quarters the disclosure rule protects one by one add up to the whole period.
        everyone = Tally()
        for unit in figures.units:
            for tally in unit.by_group.values():
                everyone.merge(tally)
        added = outcomes_from_tally(everyone, start, end, as_of)
        for key in figures.outcomes().kpis:
            if key != "people_supported":
                assert comparable(added[key]) == comparable(figures.outcomes()[key]), key
        assert [(u.start, u.end) for u in figures.units] == [(p.start, p.end) for p in figures.periods]

        # Two periods read at once (a period and one that overlaps it, or not) equal each alone.
        other = (start - timedelta(days=data["shift"]), end - timedelta(days=data["shift"]))
        for dimension in (None, PROVIDER):
            compared = outcome_figures_compared(
                [(start, end), other], as_of=as_of, dimension=dimension, partnership_wide=True
            )
            for (s, e), together in zip([(start, end), other], compared, strict=True):
                alone = outcome_figures(s, e, as_of=as_of, by="none", dimension=dimension, partnership_wide=True)
                assert together.groups == alone.groups
                for g in alone.groups:
                    assert same_figures(together.outcomes(g), alone.outcomes(g)), (s, e, g)
                    assert same_figures(together.periods[0].outcomes(g), alone.periods[0].outcomes(g))
                if dimension is not None:
                    assert same_figures(together.overall, alone.overall)

        # Several splits read at once (the board pack's equality splits) equal each read alone:
        # each split's groups, figures, quarters and people by a coarser split.
        splits = [(PROVIDER, None), (None, None), (PERSON, PROVIDER), (PROVIDER, PERSON)]
        each = outcome_figures_compared_each([(start, end), other], splits, as_of=as_of, partnership_wide=True)
        for (dimension, people_by), together in zip(splits, each, strict=True):
            alone = outcome_figures_compared(
                [(start, end), other], as_of=as_of, dimension=dimension, people_by=people_by, partnership_wide=True
            )
            for one, two in zip(together, alone, strict=True):
                assert one.groups == two.groups
                for g in two.groups:
                    assert same_figures(one.outcomes(g), two.outcomes(g)), (dimension, g)
                if dimension is not None:
                    assert same_figures(one.overall, two.overall)
                assert one.people_by == two.people_by
                assert [(u.start, u.end) for u in one.units] == [(u.start, u.end) for u in two.units]
                for u1, u2 in zip(one.units, two.units, strict=True):
                    # A group with nothing counted in a quarter may be there or not: the same.
                    for g in set(u1.by_group) | set(u2.by_group):
                        assert same_figures(
                            outcomes_from_tally(u1.by_group.get(g, Tally()), u1.start, u1.end, as_of),
                            outcomes_from_tally(u2.by_group.get(g, Tally()), u2.start, u2.end, as_of),
                        ), (dimension, g)
        transaction.set_rollback(True)


def same_figures(one, two):
    return {k: comparable(r) for k, r in one.kpis.items()} == {k: comparable(r) for k, r in two.kpis.items()} and (
        one.abuse == two.abuse
    )


def _spec(**fields):
    spec = {
        "provider": 0,
        "same_person_as": None,
        "referred": 0,
        "reopened": None,
        "engaged": None,
        "contact": None,
        "allocated": None,
        "status": CaseStatus.ACTIVE,
        "assessments": [],
        "intake": None,
        "exit": None,
    }
    spec.update(fields)
    return spec


def test_query_form_equals_python_definition_at_every_boundary(db):
    """The days either side of each rule's edge, as of each day around a risk window's end: random
    data rarely lands exactly on them."""
    # BASE + 14 is Thursday 3 April 2025; Good Friday is 18 April, Easter Monday 21 April.
    answers = {"feeling_safe": 2, "wellbeing": 3, "quality_of_life": None, **dict.fromkeys(AbuseKind.values, "weekly")}
    better = {"feeling_safe": 4, "wellbeing": 3, "quality_of_life": 4, "physical": "none", "sexual": "monthly"}
    cases = []
    for referred in (14, 26, 27, 28):  # the first-contact standard over the Easter bank holidays
        for contact_day in range(0, 6):
            cases.append(_spec(referred=referred, contact=(contact_day, 22)))  # 11pm in London (BST)
        cases.append(_spec(referred=referred, contact=None))
    # A contact dated before the referral, one the next year, and one years later (after the bank
    # holidays the query counts with: classified in Python), at noon so every backend's local day is
    # the same.
    for contact_day in (-3, 400, 2000):
        cases.append(_spec(referred=14, contact=(contact_day, 12)))
    for contact_day in (0, 1, 2, 3):  # referred on Saturday 5 April
        cases.append(_spec(referred=16, contact=(contact_day, 12)))
    for after_day in (89, 90, 91):
        cases.append(_spec(referred=5, engaged=3, assessments=[(0, "high", False), (after_day, "medium", False)]))
    cases.append(_spec(referred=5, engaged=3, assessments=[(-1, "medium", False), (30, "high", False)]))
    cases.append(_spec(referred=5, engaged=3, assessments=[(0, "high", True), (30, "standard", False)]))
    for status in CaseStatus.values:
        cases.append(_spec(referred=10, allocated=(0, 23), status=status))
    cases.append(_spec(referred=10, intake=(0, answers), exit=(60, {**answers, **better})))
    cases.append(_spec(referred=10, intake=(0, {**answers, "physical": "none"}), exit=(60, answers)))
    cases.append(_spec(referred=10, exit=(60, answers)))  # no intake
    providers = [AgencyFactory(), AgencyFactory()]
    build({"cases": cases, "referrals": [(0, 0), (31, 1)]}, providers)
    engaged_on = BASE + timedelta(days=8)
    start, end = BASE, BASE + timedelta(days=120)
    days = [engaged_on + timedelta(days=risk_window_days() + d) for d in (-1, 0, 1)]
    days += [BASE + timedelta(days=d) for d in (15, 29, 33, 34)]
    for as_of in days:
        python = compute_outcomes(start, end, as_of=as_of, partnership_wide=True)
        assert_same(python, outcome_figures(start, end, as_of=as_of, by="quarter", partnership_wide=True).outcomes())
        assert python["reduced_risk_within_3_months_rate"].denominator or as_of <= engaged_on + timedelta(days=90)
    # The same with every case's ranks kept and read alone (the window's end decided per day of
    # engaging in Python: ``kpis._ranks_kept_alone``).
    outcome_facts_refresh()
    assert risk_facts_complete(risk_window_days())
    for as_of in days:
        python = compute_outcomes(start, end, as_of=as_of, partnership_wide=True)
        assert_same(python, outcome_figures(start, end, as_of=as_of, by="quarter", partnership_wide=True).outcomes())
    assert compute_outcomes(start, end, as_of=end, partnership_wide=True)[
        "first_contact_within_standard_rate"
    ].numerator
    # Other standards, including none at all (due the day the episode starts, weekend or not).
    for standard in (0, 1, 5):
        with override_settings(CASES_FIRST_CONTACT_WORKING_DAYS=standard):
            for as_of in [BASE + timedelta(days=d) for d in (14, 15, 29, 33)]:
                python = compute_outcomes(start, end, as_of=as_of, partnership_wide=True)
                query = outcome_figures(start, end, as_of=as_of, by="quarter", partnership_wide=True).outcomes()
                assert_same(python, query)
