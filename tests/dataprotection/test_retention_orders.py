"""An order in force keeps its parties.

A non-molestation order with no expiry date (in force until the court discharges it), or one
expiring after the run's day, on a case closed over six years ago: the case falls due and is
disposed of, but its respondent and the people it protects stay named while the order is in
force on the run's day (``LegalOrder.objects.in_force_on``, the rule the case page uses).
Anonymised, the order would be against a blank person and the next police referral naming him
would not match. Once it has expired (or was never granted) they go with the case. Every date is
explicit and the clock is travelled.
"""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.dataprotection.conftest import run_retention
from tests.dataprotection.test_retention_marac import _names, _person
from tests.outcomes.factories import make_case
from waymark.cases.states import CaseStatus
from waymark.dataprotection.retention import person_still_needed
from waymark.people.choices import PersonRole, Sex
from waymark.support.choices import OrderKind, OrderStatus
from waymark.support.models import LegalOrder

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _old_case_with_order(agency, idva, *, status=OrderStatus.GRANTED, expires_on=None):
    """Her case, closed in May 2019 (over six years before the run), with an order against him
    granted in 2019 that protects her and her son."""
    survivor = _person(agency, "Leah", "Brightwater")
    son = _person(agency, "Tomos", "Brightwater", role=PersonRole.CHILD, born=D(2012, 4, 1))
    respondent = _person(agency, "Dale", "Fenwick", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE)
    case = make_case(
        agency=agency,
        person=survivor,
        caseworker=idva,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 9, 3),
        closed_on=D(2019, 5, 30),
    )
    order = LegalOrder.objects.create(
        case=case,
        kind=OrderKind.NON_MOLESTATION,
        status=status,
        applied_on=D(2019, 1, 7),
        granted_on=D(2019, 1, 14) if status == OrderStatus.GRANTED else None,
        expires_on=expires_on,
        against=respondent,
        terms="Not to go within 100 metres of her home",
        recorded_by=idva,
    )
    order.protects.add(survivor, son)
    return {"survivor": survivor, "son": son, "respondent": respondent}


@pytest.mark.parametrize(
    "expires_on",
    [None, D(2026, 6, 15), D(2030, 1, 14)],  # no end date; ends on the run's day; ends later
)
def test_the_parties_to_an_order_in_force_stay_named(expires_on, specialist_agency, idva, dpo):
    people = _old_case_with_order(specialist_agency, idva, expires_on=expires_on)
    for person in people.values():
        assert person_still_needed(person.pk, TODAY)

    run = run_retention(dpo)
    assert run.counts["closed_case"] == 1  # the case's own words still go
    assert _names(people["respondent"]) == ("Dale", "Fenwick")
    assert _names(people["survivor"]) == ("Leah", "Brightwater")
    assert _names(people["son"]) == ("Tomos", "Brightwater")
    assert LegalOrder.objects.get().against.given_name == "Dale"


@pytest.mark.parametrize(
    ("status", "expires_on"),
    [
        (OrderStatus.GRANTED, D(2026, 6, 14)),  # expired the day before the run
        (OrderStatus.APPLIED, None),  # never granted: not in force
    ],
)
def test_the_parties_to_an_order_not_in_force_go_with_the_case(status, expires_on, specialist_agency, idva, dpo):
    people = _old_case_with_order(specialist_agency, idva, status=status, expires_on=expires_on)
    assert not person_still_needed(people["respondent"].pk, TODAY)

    assert run_retention(dpo).counts["closed_case"] == 1
    for person in people.values():
        assert _names(person) == ("", "")
