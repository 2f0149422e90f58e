"""orders_expiring boundaries (the caseload dashboard calls it), children_of, people_on_case."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from tests.support.conftest import days_ago, make_case
from waymark.cases.models import Case
from waymark.support import selectors
from waymark.support.models import CaseChild, LegalOrder

pytestmark = pytest.mark.django_db


def _order(case, against, *, expires_in, status="granted", kind="non_molestation", granted_ago=100):
    today = timezone.localdate()
    return LegalOrder.objects.create(
        case=case,
        kind=kind,
        status=status,
        applied_on=today - timedelta(days=granted_ago + 5),
        granted_on=today - timedelta(days=granted_ago) if status != "applied" else None,
        expires_on=None if expires_in is None else today + timedelta(days=expires_in),
        against=against,
        recorded_by=case.caseworker,
    )


def _ids(**kwargs):
    return set(selectors.orders_expiring(Case.objects.all(), **kwargs).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("expires_in", "included"),
    [
        (0, True),  # today
        (28, True),  # the last day of the default window
        (29, False),
        (-1, True),  # expired yesterday: still an alert
        (-14, True),  # the last day of the grace period
        (-15, False),  # history now
    ],
)
def test_default_window_boundaries(case, harmer, expires_in, included):
    order = _order(case, harmer, expires_in=expires_in)
    assert (order.pk in _ids()) is included


@override_settings(SUPPORT_ORDER_EXPIRY_ALERT_DAYS=7)
def test_window_follows_the_setting_unless_given(case, harmer):
    near, far = _order(case, harmer, expires_in=7), _order(case, harmer, expires_in=8, kind="occupation")
    assert _ids() == {near.pk}
    assert _ids(within_days=8) == {near.pk, far.pk}


def test_only_granted_orders_with_an_expiry_date(case, harmer):
    _order(case, harmer, expires_in=None)
    _order(case, harmer, expires_in=None, status="applied")
    _order(case, harmer, expires_in=5, status="discharged", kind="occupation")
    _order(case, harmer, expires_in=5, status="refused", kind="restraining")
    assert _ids() == set()


def test_a_renewed_order_does_not_alert(case, harmer):
    old = _order(case, harmer, expires_in=10, granted_ago=300)
    assert _ids() == {old.pk}
    renewal = _order(case, harmer, expires_in=365, granted_ago=1)
    assert _ids() == set()
    # A renewal of another kind of order does not count.
    renewal.kind = "occupation"
    renewal.save()
    assert _ids() == {old.pk}


def test_only_the_cases_given(case, harmer, client_person, specialist_agency, idva):
    other = make_case(person=client_person, agency=specialist_agency, caseworker=idva)
    mine, theirs = _order(case, harmer, expires_in=3), _order(other, harmer, expires_in=3)
    assert set(selectors.orders_expiring(Case.objects.filter(pk=case.pk)).values_list("pk", flat=True)) == {mine.pk}
    assert theirs.pk in _ids()


def test_soonest_first(case, harmer):
    later = _order(case, harmer, expires_in=20)
    sooner = _order(case, harmer, expires_in=2, kind="occupation")
    assert list(selectors.orders_expiring(Case.objects.all())) == [sooner, later]


def test_children_of(case, child, idva, client_person, specialist_agency):
    assert list(selectors.children_of(case)) == []
    CaseChild.objects.create(
        case=case, child=child, relationship_to_client="child", linked_on=days_ago(0), linked_by=idva
    )
    other = make_case(person=client_person, agency=specialist_agency)
    assert list(selectors.children_of(case)) == [child]
    assert list(selectors.children_of(other)) == []


def test_people_on_case_are_the_client_children_and_related_people_the_user_sees(case, harmer, child, idva):
    CaseChild.objects.create(
        case=case, child=child, relationship_to_client="child", linked_on=days_ago(0), linked_by=idva
    )
    assert set(selectors.people_on_case(idva, case)) == {case.person, harmer, child}
    assert set(selectors.may_be_protected(idva, case)) == {case.person, child}
