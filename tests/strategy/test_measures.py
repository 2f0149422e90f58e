"""The live measures an action can be tied to: the risk measure is the dashboard's KPI over the 12
months to the day, counted in the database, and withheld (no value) when the disclosure rule would
withhold its count or the rest of its denominator."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_assessment, make_case
from waymark.outcomes.kpis import compute_outcomes
from waymark.strategy.measures import measure_value

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def _cases(agency, *, reduced, not_reduced):
    engaged = TODAY - timedelta(days=200)
    for n in range(reduced + not_reduced):
        case = make_case(agency=agency, referred_on=engaged, first_contact_on=engaged, engaged_on=engaged)
        make_assessment(case.person, engaged, "high")
        make_assessment(case.person, engaged + timedelta(days=30), "medium" if n < reduced else "high")


def test_the_risk_measure_is_the_kpi_over_the_last_12_months():
    _cases(AgencyFactory(), reduced=20, not_reduced=12)
    python = compute_outcomes(date(2025, 12, 3), TODAY, as_of=TODAY, partnership_wide=True)
    expected = python["reduced_risk_within_3_months_rate"]
    assert (expected.numerator, expected.denominator) == (20, 32)
    assert measure_value("reduced_risk_3_months", TODAY) == 62.5


def test_the_risk_measure_is_withheld_when_its_count_would_be(settings):
    _cases(AgencyFactory(), reduced=20, not_reduced=3)  # 3 not reduced: the rule withholds them
    assert measure_value("reduced_risk_3_months", TODAY) is None
    settings.DISCLOSURE_SUPPRESS_BELOW = 1
    assert measure_value("reduced_risk_3_months", TODAY) == round(20 / 23 * 100, 1)
