"""The firewall in waymark/people/access.py, one test per condition: a perpetrator-programme
worker sees only their own programme's participants (referred by another service, or verified
self-referrals); not the people causing harm or household members their agency holds; never a
survivor or child, whose pages are 404 (never 403) to them."""

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, MembershipFactory, make_member
from tests.people.factories import PersonFactory
from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.people.access import can_see_location, get_person_for_user
from waymark.people.choices import PersonRole
from waymark.people.models import Person
from waymark.perpetrators.models import Enrolment

pytestmark = pytest.mark.django_db


def _sees(user, person):
    return Person.objects.visible_to(user).filter(pk=person.pk).exists()


@pytest.mark.parametrize("role", [PersonRole.PERSON_CAUSING_HARM, PersonRole.HOUSEHOLD_MEMBER])
def test_does_not_see_the_people_causing_harm_or_household_members_their_agency_holds(
    programme_worker_same_agency, specialist_agency, role
):
    """The front door: they do not pick from every person causing harm (issue 11)."""
    person = PersonFactory(held_by=specialist_agency, primary_role=role)
    assert not _sees(programme_worker_same_agency, person)


def test_sees_a_person_causing_harm_once_referred_to_their_programme(
    programme_worker_same_agency, harmer, specialist_agency
):
    Enrolment.objects.create(participant=harmer, agency=specialist_agency, referred_on="2026-01-05", source="probation")
    assert _sees(programme_worker_same_agency, harmer)


def test_locates_own_participant_who_causes_harm(programme_worker_same_agency, harmer, specialist_agency):
    Enrolment.objects.create(participant=harmer, agency=specialist_agency, referred_on="2026-01-05", source="self")
    assert can_see_location(programme_worker_same_agency, harmer)


def test_never_locates_a_person_causing_harm_who_is_not_their_participant(programme_worker_same_agency, harmer):
    """Their agency may hold him (her IDVA recorded him on her case), but until he is referred to
    the programme he is not their client, and he may still live with her."""
    assert not _sees(programme_worker_same_agency, harmer)
    assert not can_see_location(programme_worker_same_agency, harmer)


def test_never_locates_a_household_member_who_may_live_with_the_victim(programme_worker_same_agency, specialist_agency):
    member = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.HOUSEHOLD_MEMBER)
    assert not can_see_location(programme_worker_same_agency, member)
    # Not even through another role the same account holds there.
    MembershipFactory(user=programme_worker_same_agency, agency=specialist_agency, role=Role.CASEWORKER)
    assert not can_see_location(User.objects.get(pk=programme_worker_same_agency.pk), member)


def test_never_locates_a_household_member_even_if_enrolled(programme_worker_same_agency, specialist_agency):
    """Rows written before the referral refused household members (or imported) must not open
    her address: only a person causing harm is a participant whose location they may see."""
    member = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.HOUSEHOLD_MEMBER)
    Enrolment.objects.create(participant=member, agency=specialist_agency, referred_on="2026-01-05", source="self")
    assert not can_see_location(programme_worker_same_agency, member)


def test_never_sees_a_household_member_held_elsewhere_through_an_enrolment(
    programme_worker_same_agency, specialist_agency
):
    member = PersonFactory(held_by=AgencyFactory(), primary_role=PersonRole.HOUSEHOLD_MEMBER)
    Enrolment.objects.create(participant=member, agency=specialist_agency, referred_on="2026-01-05", source="self")
    assert not _sees(programme_worker_same_agency, member)
    assert not can_see_location(programme_worker_same_agency, member)


def test_caseworker_still_locates_household_members(idva, specialist_agency):
    member = PersonFactory(held_by=specialist_agency, primary_role=PersonRole.HOUSEHOLD_MEMBER)
    assert can_see_location(idva, member)


@pytest.mark.parametrize("role", [PersonRole.SURVIVOR, PersonRole.CHILD])
def test_never_sees_survivors_or_children_of_own_agency(programme_worker_same_agency, specialist_agency, role):
    person = PersonFactory(held_by=specialist_agency, primary_role=role)
    assert not _sees(programme_worker_same_agency, person)
    assert not can_see_location(programme_worker_same_agency, person)


def test_sees_and_locates_own_participant_held_elsewhere(programme_worker_same_agency, specialist_agency):
    participant = PersonFactory(held_by=AgencyFactory(), primary_role=PersonRole.PERSON_CAUSING_HARM)
    assert not _sees(programme_worker_same_agency, participant)
    Enrolment.objects.create(
        participant=participant, agency=specialist_agency, referred_on="2026-01-05", source="probation"
    )
    assert _sees(programme_worker_same_agency, participant)
    assert can_see_location(programme_worker_same_agency, participant)


def test_participant_recorded_as_survivor_is_never_seen_or_located(programme_worker_same_agency, specialist_agency):
    person = PersonFactory(held_by=AgencyFactory(), primary_role=PersonRole.SURVIVOR)
    Enrolment.objects.create(participant=person, agency=specialist_agency, referred_on="2026-01-05", source="probation")
    assert not _sees(programme_worker_same_agency, person)
    assert not can_see_location(programme_worker_same_agency, person)


def test_another_programmes_participant_is_not_seen(programme_worker_elsewhere, specialist_agency, harmer):
    Enrolment.objects.create(participant=harmer, agency=specialist_agency, referred_on="2026-01-05", source="probation")
    assert not _sees(programme_worker_elsewhere, harmer)


def test_survivor_is_404_not_403(programme_worker_same_agency, survivor):
    from django.http import Http404

    with pytest.raises(Http404):
        get_person_for_user(programme_worker_same_agency, survivor.pk)


@pytest.mark.parametrize("page", ["detail", "contact", "edit", "address_add", "channel_add"])
def test_survivor_pages_are_404(client_for, programme_worker_same_agency, survivor, page):
    response = client_for(programme_worker_same_agency).get(reverse(f"people:{page}", args=[survivor.pk]))
    assert response.status_code == 404


def test_referrer_in_the_same_agency_still_gets_403(referrer_same_agency, survivor):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        get_person_for_user(referrer_same_agency, survivor.pk)


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TEAM_MANAGER, Role.HOUSING_OFFICER, Role.MARAC_COORDINATOR])
def test_other_person_record_roles_unchanged(role, specialist_agency, survivor):
    user = make_member(role, agency=specialist_agency)
    assert _sees(user, survivor) and can_see_location(user, survivor)


def test_dual_role_account_sees_survivor_through_caseworker_role_never_where(
    programme_worker_same_agency, specialist_agency, survivor
):
    MembershipFactory(user=programme_worker_same_agency, agency=specialist_agency, role=Role.CASEWORKER)
    both = User.objects.get(pk=programme_worker_same_agency.pk)
    assert _sees(both, survivor)
    assert not can_see_location(both, survivor)


def test_the_veto_is_stated_in_one_place():
    """Each app once spelled "holds the programme role" itself (five places); one that forgot it
    (MARAC) leaked a victim's research to a programme worker. Now every app asks
    ``behind_programme_firewall`` and nothing else tests the role's membership directly."""
    import re
    from pathlib import Path

    import waymark

    spelled = re.compile(r"PERPETRATOR_WORKER\s+(not\s+)?in\b")
    root = Path(waymark.__file__).parent
    found = sorted(
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "migrations" not in path.parts and spelled.search(path.read_text())
    )
    assert found == ["people/access.py"]
