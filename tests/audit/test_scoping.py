"""The one object check (``waymark/audit/scoping.py``): scopes remember their user, the check
404s alike for missing, not-yours and malformed ids, refuses anything but the actor's own scope,
and writes the "viewed a record" audit row itself."""

from __future__ import annotations

import uuid

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.utils import timezone

from tests.cases.conftest import make_case
from tests.factories import make_member
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditAction, AuditEvent
from waymark.audit.scoping import get_for_user
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(specialist_agency, idva, idva_team):
    person = PersonFactory(held_by=specialist_agency)
    return make_case(
        person=person,
        agency=specialist_agency,
        status=CaseStatus.ALLOCATED,
        caseworker=idva,
        team=idva_team,
        allocated_at=timezone.now(),
    )


def views_of(obj) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(obj.pk)))


def test_the_check_returns_the_record_and_writes_one_view_row(case, idva):
    found = get_for_user(Case.objects.visible_to(idva), case.pk, actor=idva, detail={"page": "case"})
    assert found == case
    [row] = views_of(case)
    assert row.actor == idva and row.object_type == "cases.case" and row.detail == {"page": "case"}


@pytest.mark.parametrize("read_as", [AuditAction.PRINT, AuditAction.EXPORT])
def test_a_print_or_download_is_the_reads_one_row(case, idva, read_as):
    get_for_user(Case.objects.visible_to(idva), case.pk, actor=idva, detail={"format": "x"}, read_as=read_as)
    [row] = AuditEvent.objects.filter(object_id=str(case.pk))
    assert (row.action, row.detail) == (read_as, {"format": "x"})


@pytest.mark.parametrize("read_as", [AuditAction.UPDATE, AuditAction.CREATE, AuditAction.SEARCH])
def test_the_check_records_only_reads(case, idva, read_as):
    with pytest.raises(ImproperlyConfigured):
        get_for_user(Case.objects.visible_to(idva), case.pk, actor=idva, read_as=read_as)
    assert not AuditEvent.objects.filter(object_id=str(case.pk)).exists()


def test_a_string_id_is_as_good_as_a_uuid(case, idva):
    assert get_for_user(Case.objects.visible_to(idva), str(case.pk), actor=idva) == case


@pytest.mark.parametrize("object_id", ["missing", "not yours", "not-a-uuid", "", None, 12])
def test_missing_not_yours_and_malformed_are_the_same_404_and_write_nothing(case, idva, police_referrer, object_id):
    if object_id == "missing":
        object_id, user = uuid.uuid4(), idva
    elif object_id == "not yours":
        object_id, user = case.pk, police_referrer
    else:
        user = idva
    with pytest.raises(Http404) as refused:
        get_for_user(Case.objects.visible_to(user), object_id, actor=user)
    assert str(refused.value) == "No such case"
    assert not AuditEvent.objects.filter(action=AuditAction.VIEW).exists()


def test_narrowing_a_scope_keeps_it_a_scope(case, idva):
    scope = Case.objects.visible_to(idva).select_related("person").filter(person=case.person).order_by("number")
    assert get_for_user(scope, case.pk, actor=idva) == case


def test_an_unscoped_queryset_is_refused_loudly(case, idva):
    for unscoped in (Case.objects.all(), Case.objects.filter(pk=case.pk)):
        with pytest.raises(ImproperlyConfigured):
            get_for_user(unscoped, case.pk, actor=idva)
    assert not views_of(case)


def test_another_users_scope_is_refused(case, idva, manager):
    with pytest.raises(ImproperlyConfigured):
        get_for_user(Case.objects.visible_to(manager), case.pk, actor=idva)


def test_widening_a_scope_drops_the_mark(case, idva, police_referrer):
    # An OR or a union with an unscoped queryset could add records the user may not see.
    widened = [
        Case.objects.visible_to(idva) | Case.objects.all(),
        Case.objects.visible_to(idva) ^ Case.objects.all(),
        Case.objects.visible_to(idva).union(Case.objects.all()),
        Case.objects.visible_to(idva) | Case.objects.visible_to(police_referrer),
    ]
    for scope in widened:
        with pytest.raises(ImproperlyConfigured):
            get_for_user(scope, case.pk, actor=idva)
    # Two scopes of the same user stay a scope.
    same = Case.objects.visible_to(idva).filter(pk=case.pk) | Case.objects.visible_to(idva).none()
    assert get_for_user(same, case.pk, actor=idva) == case


def test_a_scope_for_nobody_finds_nothing(case, idva):
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not Case.objects.visible_to(anonymous).exists()
    with pytest.raises(ImproperlyConfigured):
        get_for_user(Case.objects.visible_to(anonymous), case.pk, actor=idva)


def test_a_fresh_scope_does_not_share_its_mark(case, idva):
    manager_scope = Case.objects.visible_to(make_member(Role.TEAM_MANAGER, agency=case.agency))
    idva_scope = Case.objects.visible_to(idva)
    assert idva_scope.is_scope_for(idva) and not manager_scope.is_scope_for(idva)
