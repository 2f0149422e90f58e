"""The live measures an action can be tied to: counted over the four whole quarters before today's,
and withheld (no value) where the disclosure rule withholds what they count in any of those quarters,
so that a measure less the quarters other pages show gives no withheld count away."""

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
    python = compute_outcomes(date(2025, 10, 1), date(2026, 9, 30), as_of=TODAY, partnership_wide=True)
    expected = python["reduced_risk_within_3_months_rate"]
    assert (expected.numerator, expected.denominator) == (20, 32)
    assert measure_value("reduced_risk_3_months", TODAY) == 62.5


def test_the_risk_measure_is_withheld_when_its_count_would_be(settings):
    _cases(AgencyFactory(), reduced=20, not_reduced=3)  # 3 not reduced: the rule withholds them
    assert measure_value("reduced_risk_3_months", TODAY) is None
    settings.DISCLOSURE_SUPPRESS_BELOW = 1
    assert measure_value("reduced_risk_3_months", TODAY) == round(20 / 23 * 100, 1)


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2026, 12, 2), (date(2025, 10, 1), date(2026, 9, 30))),
        (date(2026, 10, 1), (date(2025, 10, 1), date(2026, 9, 30))),
        (date(2026, 4, 1), (date(2025, 4, 1), date(2026, 3, 31))),
        (date(2024, 2, 29), (date(2023, 1, 1), date(2023, 12, 31))),
    ],
)
def test_measures_count_the_four_whole_quarters_before_todays(today, expected):
    from waymark.strategy.measures import measured_quarters

    assert measured_quarters(today) == expected


def test_a_training_measure_is_withheld_when_a_course_quarter_is_small():
    """12 attended one course in August and 3 another in October 2025: the figures by course show
    the 12 and withhold the 3, so the total of 15 is not given (15 less 12 is the 3)."""
    from tests.factories import make_member
    from tests.training.factories import record_attended
    from waymark.core.roles import Role
    from waymark.training.choices import Audience, CourseKind, Sector
    from waymark.training.models import Booking, Course, TrainingSession

    coordinator = make_member(Role.TRAINING_COORDINATOR)
    for code, day, n in (("awareness", date(2026, 8, 1), 12), ("champions", date(2025, 10, 20), 3)):
        course = Course.objects.create(code=code, name=code.title(), kind=CourseKind.AWARENESS)
        session = TrainingSession.objects.create(
            course=course, starts_on=day, ends_on=day, trainer="T", venue="V", capacity=20
        )
        record_attended(coordinator, session, [(f"{code} {i}", Audience.COMMUNITY, Sector.COMMUNITY) for i in range(n)])
    assert measure_value("training_attendance", TODAY) is None
    Booking.objects.filter(session__course__code="champions").delete()
    assert measure_value("training_attendance", TODAY) == 12.0
