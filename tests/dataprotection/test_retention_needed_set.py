"""The rule for whether someone is still needed is one set-based query.

``person_still_needed`` asked a query per kind of record and role (some twenty), for every person on
every record disposed of, and the sweep of people left named asked it again of everyone still
needed on any disposed record, on every run. ``still_needed`` is now one filter on ``Person``
(``EXISTS`` subqueries, no list of ids): one query answers it for one person, and the sweep finds,
in one query per schedule, only the people nothing keeps. Every date is explicit and the clock is
travelled.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.dataprotection.test_retention_left_named import _closed_2019, _disposed_by_an_earlier_run
from tests.dataprotection.test_retention_marac import _names, _person
from tests.outcomes.factories import make_case
from waymark.cases.states import CaseStatus
from waymark.dataprotection.actions import _anonymise_people_left_named
from waymark.dataprotection.models import RetentionRun
from waymark.dataprotection.retention import person_still_needed
from waymark.people.choices import PersonRole
from waymark.support.choices import ChildRelationship
from waymark.support.models import CaseChild

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _child_on(case, child, idva):
    CaseChild.objects.create(
        case=case,
        child=child,
        relationship_to_client=ChildRelationship.CHILD,
        linked_on=case.referred_on,
        linked_by=idva,
    )


def test_whether_she_is_still_needed_is_one_query(specialist_agency, idva):
    her = _person(specialist_agency, "Leah", "Brightwater")
    with CaptureQueriesContext(connection) as queries:
        assert not person_still_needed(her.pk, TODAY)
    assert len(queries) <= 2  # the holds (few, read once), then the rule


def _sweep_with(count, tag, specialist_agency, idva, dpo):
    """``count`` children left named on a case an earlier run disposed of, each still a child on
    her mother's open case, and one whom nothing keeps: the sweep's queries."""
    old = _closed_2019(specialist_agency, idva, _person(specialist_agency, f"Leah{tag}", "Brightwater"))
    live = make_case(agency=specialist_agency, person=old.person, status=CaseStatus.ACTIVE, referred_on=D(2025, 3, 1))
    for number in range(count):
        child = _person(
            specialist_agency, f"Child{tag}{number}", "Brightwater", role=PersonRole.CHILD, born=D(2014, 1, 1)
        )
        _child_on(old, child, idva)
        _child_on(live, child, idva)
    gone = _person(specialist_agency, f"Tomos{tag}", "Penhallow", role=PersonRole.CHILD, born=D(2012, 4, 1))
    _child_on(old, gone, idva)
    _disposed_by_an_earlier_run(old, "closed_case", dpo)
    run = RetentionRun.objects.create(requested_by=dpo, as_of=TODAY)
    with CaptureQueriesContext(connection) as queries:
        _anonymise_people_left_named(run)
    assert _names(gone) == ("", "")
    assert _names(old.person) == (f"Leah{tag}", "Brightwater")
    return len(queries)


def test_the_sweep_costs_the_same_whatever_the_number_still_needed(specialist_agency, idva, dpo):
    """Before, each of them cost a question of some twenty queries on every run."""
    _sweep_with(0, "W", specialist_agency, idva, dpo)  # the audit chain's first row costs more
    few = _sweep_with(2, "A", specialist_agency, idva, dpo)
    many = _sweep_with(12, "B", specialist_agency, idva, dpo)
    assert many == few
