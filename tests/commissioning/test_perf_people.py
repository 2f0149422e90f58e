"""Different people supported are counted in one query per page (``kpis._people_counted``: every
grouping and period from one reading of the engaged cases), and read the same as counting each
one on its own did: per group, everyone, each period of the two compared, per part of a long
period, and per group of the coarser of two linked splits (``people_by``)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_case, make_person
from waymark.cases.models import Case
from waymark.commissioning.dimensions import DIMENSIONS, people_supported_by
from waymark.organisations.models import AgencyKind
from waymark.outcomes.kpis import engaged_cases, outcome_figures, outcome_figures_compared

pytestmark = pytest.mark.django_db
NOW = (date(2025, 4, 1), date(2026, 3, 31))
BEFORE = (date(2024, 4, 1), date(2025, 3, 31))


@pytest.fixture
def world():
    """People supported twice (at one provider, and at both), in either year or both, of several
    ethnicities."""
    harbour = AgencyFactory(name="Harbour Advocacy", kind=AgencyKind.DA_SPECIALIST)
    haven = AgencyFactory(name="Haven", kind=AgencyKind.DA_SPECIALIST)
    days = [date(2024, 5, 2), date(2024, 11, 20), date(2025, 4, 1), date(2025, 9, 9), date(2026, 3, 31)]
    ethnicities = ["white_british", "white_irish", "black_african", "asian_indian", "not_known", ""]
    for i in range(24):
        person = make_person(harbour, ethnicity=ethnicities[i % len(ethnicities)])
        for j in range(1 + i % 3):
            day = days[(i + 2 * j) % len(days)]
            make_case(agency=(harbour, haven)[(i + j) % 2], person=person, referred_on=day, engaged_on=day)
    return harbour, haven


def by_hand(dimension, start, end):
    """Distinct people per group, counted in Python from the engaged cases."""
    found: dict = {}
    for case in engaged_cases(start, end, Case.objects.all()).select_related("person"):
        group = Case.objects.filter(pk=case.pk).values_list(dimension.value(dimension.case_path), flat=True)[0]
        found.setdefault(group, set()).add(case.person_id)
    return {g: len(people) for g, people in found.items()}


@pytest.mark.parametrize("key", ["provider", "ethnicity_category", "sex"])
def test_people_of_each_period_and_group_are_counted_distinct(world, key):
    dimension = DIMENSIONS[key]
    with CaptureQueriesContext(connection) as captured:
        now, before = outcome_figures_compared([NOW, BEFORE], dimension=dimension, partnership_wide=True)
    # One query for all: the one that reads each person's engaged cases per group ("per_value").
    assert sum("per_value AS MATERIALIZED" in q["sql"] for q in captured.captured_queries) == 1
    for figures, (start, end) in ((now, NOW), (before, BEFORE)):
        expected = by_hand(dimension, start, end)
        assert {g: figures.outcomes(g)["people_supported"].value for g in figures.groups if g in expected} == expected
        everyone = len(set(engaged_cases(start, end, Case.objects.all()).values_list("person_id", flat=True)))
        assert figures.overall is not None and figures.overall["people_supported"].value == everyone


def test_the_coarser_splits_people_are_counted_in_the_same_query(world):
    now, before = outcome_figures_compared(
        [NOW, BEFORE],
        dimension=DIMENSIONS["ethnicity_category"],
        partnership_wide=True,
        people_by=DIMENSIONS["ethnicity"],
    )
    assert now.people_by == {g: n for g, n in people_supported_by(DIMENSIONS["ethnicity"], *NOW).items() if n}
    assert before.people_by == {g: n for g, n in people_supported_by(DIMENSIONS["ethnicity"], *BEFORE).items() if n}
    assert now.people_by


@pytest.mark.parametrize("by", ["quarter", "financial-year", "none"])
def test_people_per_part_and_over_the_period(world, by):
    start, end = BEFORE[0], NOW[1]
    figures = outcome_figures(start, end, by=by, partnership_wide=True, dimension=DIMENSIONS["provider"])
    for part in figures.periods:
        expected = by_hand(DIMENSIONS["provider"], part.start, part.end)
        found = {g: part.outcomes(g)["people_supported"].value for g in figures.groups}
        if len(figures.periods) > 1:
            assert {g: n for g, n in found.items() if n} == expected
    assert {g: figures.outcomes(g)["people_supported"].value for g in figures.groups} == by_hand(
        DIMENSIONS["provider"], start, end
    )
