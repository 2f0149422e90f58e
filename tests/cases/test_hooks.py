"""Accepting a referral opens exactly one case, in the same transaction."""

from __future__ import annotations

import re

import pytest
from django.utils import timezone

from tests.referrals.conftest import make_referral
from waymark.audit.models import AuditAction, AuditEvent
from waymark.cases.actions import case_open_from_referral
from waymark.cases.hooks import open_case_for_accepted_referral
from waymark.cases.models import Case, CaseStatusChange
from waymark.cases.states import CaseStatus
from waymark.referrals.actions import ON_ACCEPTED, referral_transition

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def receiving_service(settings, specialist_agency):
    settings.REFERRALS_RECEIVING_AGENCY_REF = specialist_agency.ref


def accept(referral, manager):
    referral_transition(actor=manager, referral=referral, to_status="triaged")
    return referral_transition(actor=manager, referral=referral, to_status="accepted")


def test_the_hook_is_registered_once():
    assert ON_ACCEPTED.count(open_case_for_accepted_referral) == 1


def test_accepting_a_referral_opens_exactly_one_case(police_referrer, manager, specialist_agency):
    referral = make_referral(police_referrer)
    assert not Case.objects.exists()
    referral_transition(actor=manager, referral=referral, to_status="triaged")
    assert not Case.objects.exists()
    referral_transition(actor=manager, referral=referral, to_status="accepted")
    case = Case.objects.get()
    assert case.referral == referral and case.person == referral.subject and case.agency == specialist_agency
    assert case.status == CaseStatus.AWAITING_ALLOCATION and case.caseworker is None
    assert case.referred_on == referral.received_on and case.opened_on == timezone.localdate()
    assert re.fullmatch(rf"C-{timezone.localdate().year}-\d{{6}}", case.number)
    assert CaseStatusChange.objects.get(case=case).to_status == CaseStatus.AWAITING_ALLOCATION
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_id=str(case.pk)).count() == 1


def test_opening_again_returns_the_same_case(police_referrer, manager):
    referral = make_referral(police_referrer)
    accept(referral, manager)
    again = case_open_from_referral(actor=manager, referral=referral)
    assert Case.objects.count() == 1 and again == Case.objects.get()


def test_numbers_follow_in_sequence(police_referrer, manager):
    for _ in range(2):
        accept(make_referral(police_referrer), manager)
    numbers = sorted(Case.objects.values_list("number", flat=True))
    first, second = (int(n.rsplit("-", 1)[1]) for n in numbers)
    assert second == first + 1


def test_a_declined_referral_opens_no_case(police_referrer, manager):
    referral = make_referral(police_referrer)
    referral_transition(actor=manager, referral=referral, to_status="triaged")
    referral_transition(actor=manager, referral=referral, to_status="declined", reason_code="outside_area")
    assert not Case.objects.exists()


def test_if_opening_the_case_fails_the_referral_is_not_accepted(police_referrer, manager, monkeypatch):
    from waymark.cases import actions

    referral = make_referral(police_referrer)
    referral_transition(actor=manager, referral=referral, to_status="triaged")

    def broken(**kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr(actions, "case_open_from_referral", broken)
    with pytest.raises(RuntimeError):
        referral_transition(actor=manager, referral=referral, to_status="accepted")
    referral.refresh_from_db()
    assert referral.status == "triaged" and not Case.objects.exists()


def test_the_case_opened_is_held_where_her_record_is(police_referrer, manager, idva):
    """``cases.access.can_read_case_text`` asks the location rule of the case's person, which lets
    her own service read its case notes because the service holding the case also holds her
    record. Every case is opened here; a path that opened it elsewhere would lock her own
    caseworkers out of her notes."""
    from waymark.cases.access import can_read_case_text

    accept(make_referral(police_referrer), manager)
    case = Case.objects.get()
    assert case.person.held_by_id == case.agency_id
    assert can_read_case_text(idva, case) and can_read_case_text(manager, case)
