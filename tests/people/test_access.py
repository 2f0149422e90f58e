"""One test per condition in waymark/people/access.py."""

import uuid

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import AgencyFactory, MembershipFactory, make_member
from tests.people.factories import PersonFactory
from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.people.access import (
    can_edit_location,
    can_edit_person,
    can_see_location,
    get_person_for_user,
    locations_visible_to,
    people_visible_to,
)
from waymark.people.choices import PersonRole
from waymark.people.models import Address, Person
from waymark.perpetrators.models import Enrolment

pytestmark = pytest.mark.django_db


def _sees(user, person):
    return Person.objects.visible_to(user).filter(pk=person.pk).exists()


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER, Role.MARAC_COORDINATOR])
def test_person_record_roles_in_holding_agency_see_person_and_location(role, specialist_agency, survivor):
    user = make_member(role, agency=specialist_agency)
    assert _sees(user, survivor)
    assert can_see_location(user, survivor)


@pytest.mark.parametrize(
    "role", [Role.REFERRER, Role.COMMISSIONER, Role.PARTNERSHIP_LEAD, Role.AUDITOR, Role.SYSTEM_ADMINISTRATOR]
)
def test_other_roles_in_holding_agency_see_no_person(role, specialist_agency, survivor):
    user = make_member(role, agency=specialist_agency)
    assert not _sees(user, survivor)
    assert not can_see_location(user, survivor)


def test_caseworker_in_another_agency_sees_nothing(caseworker_elsewhere, survivor):
    assert not _sees(caseworker_elsewhere, survivor)
    assert not can_see_location(caseworker_elsewhere, survivor)


def test_role_counts_only_in_the_agency_where_it_is_held(specialist_agency, survivor):
    # Caseworker somewhere else, only a referrer at the holding agency: no sight of the person.
    user = make_member(Role.CASEWORKER, agency=AgencyFactory())
    MembershipFactory(user=user, agency=specialist_agency, role=Role.REFERRER)
    user = User.objects.get(pk=user.pk)
    assert not _sees(user, survivor)


def test_ended_membership_removes_sight_at_once(idva, survivor):
    assert _sees(idva, survivor)
    idva.memberships.update(is_active=False)
    assert not _sees(User.objects.get(pk=idva.pk), survivor)


def test_anonymous_and_roleless_users_see_nothing(outsider, survivor):
    assert not people_visible_to(AnonymousUser()).exists()
    assert not people_visible_to(outsider).exists()
    assert not locations_visible_to(outsider).exists()


def test_programme_worker_sees_only_their_participants_never_survivors(
    programme_worker_same_agency, survivor, harmer, specialist_agency
):
    # The firewall (docs/perpetrator-programme.md): more in tests/people/test_firewall.py.
    assert not _sees(programme_worker_same_agency, survivor)
    assert not _sees(programme_worker_same_agency, harmer)
    Enrolment.objects.create(participant=harmer, agency=specialist_agency, referred_on="2026-01-05", source="police")
    assert _sees(programme_worker_same_agency, harmer)


def test_programme_worker_may_locate_their_client(programme_worker_same_agency, harmer, specialist_agency):
    # Their client: a person causing harm on their programme (tests/people/test_firewall.py).
    Enrolment.objects.create(participant=harmer, agency=specialist_agency, referred_on="2026-01-05", source="self")
    assert can_see_location(programme_worker_same_agency, harmer)


@pytest.mark.parametrize("victim_role", [PersonRole.SURVIVOR, PersonRole.CHILD])
def test_programme_worker_never_locates_a_victim_or_child(programme_worker_same_agency, specialist_agency, victim_role):
    victim = PersonFactory(held_by=specialist_agency, primary_role=victim_role)
    assert not can_see_location(programme_worker_same_agency, victim)


def test_programme_role_vetoes_location_even_with_a_caseworker_role(
    programme_worker_same_agency, specialist_agency, survivor
):
    MembershipFactory(user=programme_worker_same_agency, agency=specialist_agency, role=Role.CASEWORKER)
    both = User.objects.get(pk=programme_worker_same_agency.pk)
    assert _sees(both, survivor)
    assert not can_see_location(both, survivor)


def test_programme_worker_elsewhere_sees_nothing(programme_worker_elsewhere, survivor, harmer):
    assert not _sees(programme_worker_elsewhere, survivor)
    assert not can_see_location(programme_worker_elsewhere, harmer)


def test_addresses_scoped_by_location_rule(idva, programme_worker_same_agency, survivor):
    Address.objects.create(person=survivor, line1="1 Test Street")
    assert Address.objects.visible_to(idva).count() == 1
    assert Address.objects.visible_to(programme_worker_same_agency).count() == 0


def test_get_person_for_user_finds_visible_person(idva, survivor):
    assert get_person_for_user(idva, survivor.pk) == survivor


@pytest.mark.parametrize("person_id", [uuid.uuid4(), "not-a-uuid"])
def test_get_person_for_user_404_when_missing(idva, person_id):
    with pytest.raises(Http404):
        get_person_for_user(idva, person_id)


def test_get_person_for_user_404_when_not_yours(caseworker_elsewhere, survivor):
    with pytest.raises(Http404):
        get_person_for_user(caseworker_elsewhere, survivor.pk)


def test_get_person_for_user_403_when_yours_but_not_your_role(referrer_same_agency, survivor):
    with pytest.raises(PermissionDenied):
        get_person_for_user(referrer_same_agency, survivor.pk)


def test_editing_needs_an_editor_role_in_holding_agency(
    idva, specialist_agency, survivor, programme_worker_same_agency
):
    coordinator = make_member(Role.MARAC_COORDINATOR, agency=specialist_agency)
    assert can_edit_person(idva, survivor) and can_edit_location(idva, survivor)
    assert not can_edit_person(coordinator, survivor)
    assert not can_edit_person(programme_worker_same_agency, survivor)


def test_archiving_needs_team_manager_in_holding_agency(idva, manager, survivor, specialist_agency):
    from waymark.people.access import can_archive_person

    assert can_archive_person(manager, survivor)
    assert not can_archive_person(idva, survivor)
    assert not can_archive_person(make_member(Role.TEAM_MANAGER, agency=AgencyFactory()), survivor)
