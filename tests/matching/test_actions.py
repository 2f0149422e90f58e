"""Confirming a link between two person records: explicit, scoped, audited."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from tests.matching.helpers import add_person
from waymark.audit.models import AuditAction, AuditEvent
from waymark.matching.actions import person_link_confirm
from waymark.matching.models import PersonLink

pytestmark = pytest.mark.django_db

REASON = "Same date of birth and previous address confirmed with her by phone"


@pytest.fixture
def pair(specialist_agency):
    new = add_person("Kate", "Smyth", date(1985, 3, 4), agency=specialist_agency)
    existing = add_person("Katherine", "Smith", date(1985, 3, 4), agency=specialist_agency)
    return new, existing


def test_link_is_recorded_and_audited_in_one_go(idva, pair):
    new, existing = pair
    link = person_link_confirm(actor=idva, new_person=new, existing_person=existing, reason=REASON)
    assert link.confirmed_by == idva
    assert link.score and link.score > 50
    event = AuditEvent.objects.get(action=AuditAction.LINK)
    assert event.object_id == str(link.pk)
    assert event.detail["new_person"] == str(new.pk)
    assert event.detail["existing_person"] == str(existing.pk)
    assert "Kate" not in str(event.detail) and "phone" not in event.justification


def test_confirming_twice_keeps_one_link_and_one_audit_row(idva, pair):
    new, existing = pair
    first = person_link_confirm(actor=idva, new_person=new, existing_person=existing, reason=REASON)
    again = person_link_confirm(actor=idva, new_person=new, existing_person=existing, reason=REASON)
    assert first.pk == again.pk
    assert AuditEvent.objects.filter(action=AuditAction.LINK).count() == 1


def test_a_reason_is_required_and_nothing_is_saved_without_it(idva, pair):
    new, existing = pair
    with pytest.raises(ValidationError) as error:
        person_link_confirm(actor=idva, new_person=new, existing_person=existing, reason="  ")
    assert "reason" in error.value.message_dict
    assert not PersonLink.objects.exists()
    assert not AuditEvent.objects.filter(action=AuditAction.LINK).exists()


def test_cannot_link_a_record_to_itself(idva, pair):
    new, _ = pair
    with pytest.raises(ValidationError):
        person_link_confirm(actor=idva, new_person=new, existing_person=new, reason=REASON)


def test_referrer_cannot_link(police_referrer, pair):
    new, existing = pair
    with pytest.raises(PermissionDenied):
        person_link_confirm(actor=police_referrer, new_person=new, existing_person=existing, reason=REASON)
    assert not PersonLink.objects.exists()


def test_cannot_link_to_a_record_one_cannot_see(idva, specialist_agency, police_agency):
    mine = add_person("Kate", "Smyth", date(1985, 3, 4), agency=specialist_agency)
    theirs = add_person("Katherine", "Smith", date(1985, 3, 4), agency=police_agency)
    with pytest.raises(PermissionDenied):
        person_link_confirm(actor=idva, new_person=mine, existing_person=theirs, reason=REASON)
    assert not PersonLink.objects.exists()
