"""An order in force keeps its terms.

Her case closed in May 2019 is disposed of on 15 June 2026, six years on, and every word on it
goes, but the terms of an order still in force that day (``LegalOrder.objects.in_force_on``:
granted and not expired; no expiry date, until discharged): police and housing enforce it by them
("not to go within 100 metres of her home") while it protects her. Once it has expired or been
discharged, the first run after that blanks them (``order_terms_left``), though the case, in the
ledger, is never disposed of again, with an audit row per order, once. A hold on the case keeps
them until it ends. Every date is explicit and the clock is travelled.
"""

from __future__ import annotations

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

import pytest
import time_machine

from tests.dataprotection.conftest import run_retention
from tests.dataprotection.test_retention_marac import _person
from tests.outcomes.factories import make_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.states import CaseStatus
from waymark.dataprotection.actions import retention_hold_place
from waymark.dataprotection.retention import order_terms_left
from waymark.people.choices import PersonRole, Sex
from waymark.support.choices import OrderKind, OrderStatus
from waymark.support.models import LegalOrder

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
D = dt.date
TODAY = D(2026, 6, 15)
CLOSED = D(2019, 5, 30)  # over six years before the run
TERMS = "Not to go within 100 metres of 17 Canarywood Close"
_numbers = itertools.count()  # a person's ref is unique, and ``_person`` makes it from the given name


@pytest.fixture(autouse=True)
def today():
    with time_machine.travel(dt.datetime(2026, 6, 15, 12, 0, tzinfo=LONDON), tick=False):
        yield


def _on(day, moment=dt.time(12)):
    return time_machine.travel(dt.datetime.combine(day, moment, tzinfo=LONDON), tick=False)


def _case(agency, idva, *, closed_on=CLOSED):
    return make_case(
        agency=agency,
        person=_person(agency, f"Leah{next(_numbers)}", "Brightwater"),
        caseworker=idva,
        status=CaseStatus.CLOSED,
        referred_on=D(2018, 9, 3),
        closed_on=closed_on,
    )


def _order(case, idva, *, status=OrderStatus.GRANTED, expires_on=None):
    respondent = _person(
        case.agency, f"Dale{next(_numbers)}", "Fenwick", role=PersonRole.PERSON_CAUSING_HARM, sex=Sex.MALE
    )
    order = LegalOrder.objects.create(
        case=case,
        kind=OrderKind.NON_MOLESTATION,
        status=status,
        applied_on=D(2019, 1, 7),
        granted_on=D(2019, 1, 14) if status in (OrderStatus.GRANTED, OrderStatus.DISCHARGED) else None,
        expires_on=expires_on,
        against=respondent,
        terms=TERMS,
        recorded_by=idva,
    )
    order.protects.add(case.person)
    return order


def _terms(order):
    return LegalOrder.objects.get(pk=order.pk).terms


def _order_archives():
    return list(
        AuditEvent.objects.filter(action=AuditAction.ARCHIVE, object_type="support.legalorder").values_list(
            "object_id", "detail"
        )
    )


@pytest.mark.parametrize("moment", [dt.time(0, 30), dt.time(23, 30)])  # London days, in summer time
def test_an_order_in_force_keeps_its_terms_until_a_run_after_it_has_expired(moment, specialist_agency, idva, dpo):
    case = _case(specialist_agency, idva)
    in_force = _order(case, idva, expires_on=D(2027, 3, 31))
    expired = _order(case, idva, expires_on=D(2024, 1, 14))
    # Closed in 2022, inside its six years: not disposed of, so its expired order keeps its terms.
    recent = _order(_case(specialist_agency, idva, closed_on=D(2022, 2, 1)), idva, expires_on=D(2023, 2, 1))

    run = run_retention(dpo)
    assert run.counts["closed_case"] == 1
    assert (_terms(in_force), _terms(expired), _terms(recent)) == (TERMS, "", TERMS)
    assert _order_archives() == []  # the expired one went with the case, under its audit row

    with _on(D(2027, 3, 31), moment):  # the last day it is in force
        assert run_retention(dpo).counts["closed_case"] == 0
    assert _terms(in_force) == TERMS

    with _on(D(2027, 4, 1), moment):
        run = run_retention(dpo)
    assert sum(run.counts.values()) == 0  # the case is in the ledger: not disposed of again
    assert (_terms(in_force), _terms(recent)) == ("", TERMS)
    assert _order_archives() == [
        (
            str(in_force.pk),
            {
                "retention": "closed_case",
                "method": "anonymised",
                "fields": ["terms"],
                "case": str(case.pk),
                "run": str(run.pk),
                "left_by_earlier_run": True,
            },
        )
    ]
    # Once blanked, not reached again.
    with _on(D(2027, 4, 2)):
        assert not order_terms_left(D(2027, 4, 2)).exists()
        run_retention(dpo)
    assert len(_order_archives()) == 1


def test_an_order_with_no_expiry_keeps_its_terms_until_it_is_discharged(specialist_agency, idva, dpo):
    """Granted with no expiry date, it is in force until the court discharges it; one discharged
    before the case went loses its terms with the case, one discharged later at the next run."""
    case = _case(specialist_agency, idva)
    standing = _order(case, idva)
    discharged = _order(case, idva, status=OrderStatus.DISCHARGED)
    never_granted = _order(case, idva, status=OrderStatus.APPLIED)

    assert run_retention(dpo).counts["closed_case"] == 1
    assert (_terms(standing), _terms(discharged), _terms(never_granted)) == (TERMS, "", "")

    with _on(D(2031, 6, 15)):  # years on, still standing
        run_retention(dpo)
    assert _terms(standing) == TERMS

    LegalOrder.objects.filter(pk=standing.pk).update(status=OrderStatus.DISCHARGED)
    with _on(D(2031, 6, 16)):
        assert list(order_terms_left(D(2031, 6, 16)).values_list("pk", flat=True)) == [standing.pk]
        run_retention(dpo)
    assert _terms(standing) == ""
    assert [pk for pk, _ in _order_archives()] == [str(standing.pk)]


def test_a_hold_on_the_disposed_case_keeps_its_orders_terms_until_it_ends(specialist_agency, idva, dpo):
    case = _case(specialist_agency, idva)
    order = _order(case, idva, expires_on=D(2026, 12, 31))
    assert run_retention(dpo).counts["closed_case"] == 1
    retention_hold_place(
        actor=dpo,
        record_type="closed_case",
        record_id=str(case.pk),
        reason="Domestic homicide review",
        until=D(2027, 6, 30),
    )

    with _on(D(2027, 6, 30)):  # expired, but the hold's last day
        run_retention(dpo)
    assert _terms(order) == TERMS
    with _on(D(2027, 7, 1)):
        run_retention(dpo)
    assert _terms(order) == ""


def test_the_orders_left_are_found_in_one_query(specialist_agency, idva, dpo, django_assert_num_queries):
    """However many cases were disposed of, one query finds the orders whose terms are left."""
    orders = [_order(_case(specialist_agency, idva), idva, expires_on=D(2026, 12, 31)) for _ in range(3)]
    run_retention(dpo)
    with django_assert_num_queries(2):  # the holds on cases, then the orders
        left = set(order_terms_left(D(2027, 1, 1)).values_list("pk", flat=True))
    assert left == {order.pk for order in orders}
