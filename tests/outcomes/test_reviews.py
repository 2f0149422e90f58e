"""When the next outcome review is due, for one case and for a whole queryset (they must agree)."""

from __future__ import annotations

from datetime import date

import pytest
from django.test import override_settings

from tests.outcomes.factories import make_case, make_measure, make_person
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.outcomes.models import OutcomeMeasure
from waymark.outcomes.reviews import cases_with_review_due, latest_measured_on_or_before_due, next_review_due_on

pytestmark = pytest.mark.django_db


def _due(case):
    """The answer asked of the database, checked against the answer from the case's measures as
    the case page has read them (no query): the two must agree."""
    asked = next_review_due_on(case)
    measures = list(OutcomeMeasure.objects.filter(case=case))
    assert next_review_due_on(case, measures=measures) == asked
    return asked


def test_no_review_before_intake(specialist_agency):
    case = make_case(agency=specialist_agency)
    assert _due(case) is None


def test_review_due_three_months_after_intake(specialist_agency):
    case = make_case(agency=specialist_agency)
    make_measure(case, "intake", date(2025, 1, 31), physical="weekly")
    # Calendar months, clamped to the month's end.
    assert _due(case) == date(2025, 4, 30)


def test_latest_review_counts(specialist_agency):
    case = make_case(agency=specialist_agency)
    make_measure(case, "intake", date(2025, 1, 10), physical="weekly")
    make_measure(case, "review", date(2025, 4, 20), physical="monthly")
    assert _due(case) == date(2025, 7, 20)


def test_a_childs_measures_do_not_move_the_clients_review(specialist_agency):
    case = make_case(agency=specialist_agency)
    make_measure(case, "intake", date(2025, 1, 10), physical="weekly")
    make_measure(case, "review", date(2025, 3, 1), subject=make_person(specialist_agency), wellbeing=3)
    assert _due(case) == date(2025, 4, 10)


def test_closed_case_and_exit_measure_have_no_review(specialist_agency):
    closed = make_case(agency=specialist_agency, status=CaseStatus.CLOSED)
    make_measure(closed, "intake", date(2025, 1, 10), physical="weekly")
    exited = make_case(agency=specialist_agency)
    make_measure(exited, "intake", date(2025, 1, 10), physical="weekly")
    make_measure(exited, "exit", date(2025, 2, 10), physical="none")
    assert _due(closed) is None
    assert _due(exited) is None


@override_settings(CASES_REVIEW_INTERVAL_MONTHS=6)
def test_interval_is_configurable(specialist_agency):
    case = make_case(agency=specialist_agency)
    make_measure(case, "intake", date(2025, 1, 10), physical="weekly")
    assert _due(case) == date(2025, 7, 10)


@pytest.mark.parametrize(
    ("on", "threshold"),
    [
        (date(2025, 4, 30), date(2025, 1, 31)),  # 29, 30 and 31 January are all due on 30 April
        (date(2025, 4, 29), date(2025, 1, 29)),
        (date(2025, 5, 1), date(2025, 2, 1)),
        (date(2024, 5, 31), date(2024, 2, 29)),
    ],
)
def test_threshold_for_month_ends(on, threshold):
    assert latest_measured_on_or_before_due(on) == threshold


def test_set_based_query_agrees_with_the_single_case_answer(specialist_agency, django_assert_max_num_queries):
    intakes = [date(2025, 1, d) for d in (27, 28, 29, 30, 31)] + [date(2025, 2, 1), date(2024, 11, 5)]
    for day in intakes:
        make_measure(make_case(agency=specialist_agency), "intake", day, physical="daily")
    make_case(agency=specialist_agency)  # no intake yet
    closed = make_case(agency=specialist_agency, status=CaseStatus.CLOSED)
    make_measure(closed, "intake", date(2024, 1, 1), physical="daily")

    for on in (date(2025, 4, 28), date(2025, 4, 29), date(2025, 4, 30), date(2025, 5, 1)):
        with django_assert_max_num_queries(1):
            due = {case.pk for case in cases_with_review_due(Case.objects.all(), on)}
        expected = {case.pk for case in Case.objects.all() if (d := next_review_due_on(case)) is not None and d <= on}
        assert due == expected
    assert len(due) == 7  # on 1 May: all five January intakes, 1 February and November
