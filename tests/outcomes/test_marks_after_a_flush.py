"""A transactional test empties every table when it ends. On SQLite that is a DELETE per table, in
the order of a set of table names (it changes with each process's hash seed), and the database's
triggers mark the person of every case, assessment and outcome measure deleted after the marks'
own table was emptied: marks of people no later test made. They are cleared before the next test
(``tests/conftest.shipped_data_after_a_flush``); a later test counting the people a refresh works
out would otherwise find more than its own (once a run in CI, by the hash seed)."""

from __future__ import annotations

from datetime import date

import pytest

from tests.factories import AgencyFactory
from tests.outcomes.factories import make_assessment, make_case, make_measure
from waymark.outcomes.models import OutcomeFactStale


@pytest.mark.django_db(transaction=True)
def test_a_transactional_test_writes_cases_assessments_and_measures():
    case = make_case(agency=AgencyFactory(), engaged_on=date(2025, 5, 1))
    make_assessment(case.person, date(2025, 4, 29), "high")
    make_measure(case, "intake", date(2025, 5, 1), feeling_safe=2)
    assert OutcomeFactStale.objects.filter(person_id=case.person_id).exists()


@pytest.mark.django_db(transaction=True)
def test_the_next_test_finds_no_marks_left_by_the_flush():
    assert not OutcomeFactStale.objects.exists()
