"""The case page's legal orders section: one plain question on a case with no order, the two reads
on a case with any (issue 15, item 4)."""

from __future__ import annotations

import pytest

from tests.support.conftest import days_ago
from waymark.cases.access import get_case_for_user
from waymark.cases.sections import _SECTIONS
from waymark.support import actions
from waymark.support.choices import OrderStatus
from waymark.support.models import LegalOrder

pytestmark = pytest.mark.django_db


def _section(user, case):
    (section,) = [s for s in _SECTIONS if s.template == "support/_case_orders.html"]
    return section.build(user, case)


def test_a_case_with_no_order_asks_one_question(idva, case, django_assert_num_queries):
    checked = get_case_for_user(idva, case.pk)
    with django_assert_num_queries(1):
        built = _section(idva, checked)
    assert built["in_force"] == [] and built["expiring"] == []
    assert built["can_work"] is True


def test_a_case_with_orders_shows_those_in_force_and_expiring(idva, case, harmer):
    def order(**fields):
        values = {
            "kind": "non_molestation",
            "status": OrderStatus.GRANTED,
            "applied_on": days_ago(200),
            "granted_on": days_ago(180),
            "protects": [case.person],
            "against": harmer,
        }
        values.update(fields)
        return actions.legal_order_record(actor=idva, case=case, **values)

    expiring = order(expires_on=days_ago(-10))
    lasting = order(kind="occupation", expires_on=days_ago(-300))
    order(kind="restraining", expires_on=days_ago(60))  # long expired: neither in force nor an alert
    checked = get_case_for_user(idva, case.pk)
    built = _section(idva, checked)
    assert {o.pk for o in built["in_force"]} == {expiring.pk, lasting.pk}
    assert [o.pk for o in built["expiring"]] == [expiring.pk]
    assert LegalOrder.objects.filter(case=case).count() == 3
