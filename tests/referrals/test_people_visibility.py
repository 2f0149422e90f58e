"""The condition referrals add to people's access rule (waymark/people/access.py)."""

import pytest

from tests.factories import AgencyFactory, make_member
from tests.referrals.conftest import make_referral
from waymark.core.roles import Role
from waymark.people.access import people_visible_to
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def referral_of_someone_held_elsewhere(police_referrer):
    """A referral whose people are held by another agency (as imports can produce)."""
    referral = make_referral(police_referrer)
    elsewhere = AgencyFactory()
    Person.objects.filter(pk__in=[referral.subject_id, referral.person_causing_harm_id]).update(held_by=elsewhere)
    return referral


@pytest.mark.parametrize("persona", ["idva", "manager"])
def test_receiving_service_sees_the_people_referred_to_it(request, referral_of_someone_held_elsewhere, persona):
    visible = people_visible_to(request.getfixturevalue(persona))
    assert referral_of_someone_held_elsewhere.subject in visible
    assert referral_of_someone_held_elsewhere.person_causing_harm in visible


@pytest.mark.parametrize("persona", ["police_referrer", "other_service_manager", "auditor"])
def test_nobody_else_gains_them(request, referral_of_someone_held_elsewhere, persona):
    visible = people_visible_to(request.getfixturevalue(persona))
    assert referral_of_someone_held_elsewhere.subject not in visible


def test_other_roles_in_the_receiving_agency_do_not_gain_them(referral_of_someone_held_elsewhere, specialist_agency):
    housing = make_member(Role.HOUSING_OFFICER, agency=specialist_agency)
    assert referral_of_someone_held_elsewhere.subject not in people_visible_to(housing)
