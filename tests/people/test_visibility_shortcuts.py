"""The one-person answers (``can_see_person``, ``can_see_location``, risk's ``visible_among``) answer
from the person's ``held_by`` when that condition decides, with no query, and otherwise ask the
whole rule: either way exactly what the scopes say (issue 15, item 4)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone

from tests.factories import MembershipFactory, make_member
from tests.people.factories import PersonFactory
from tests.risk.conftest import dash24  # noqa: F401  (the shipped checklist fixture)
from waymark.accounts.models import User
from waymark.cases.models import Case
from waymark.cases.states import CaseStatus
from waymark.core.roles import Role
from waymark.people.access import can_see_location, can_see_person, locations_visible_to, people_visible_to
from waymark.risk.access import assessments_about, assessments_visible_to, visible_among
from waymark.risk.actions import risk_assessment_record

pytestmark = pytest.mark.django_db


@pytest.fixture
def held_elsewhere_client(police_agency, specialist_agency, idva, idva_team):
    """Held by the police, and the client of a case allocated to the IDVA: visible to her through
    the cases grant only (not by ``held_by``), and not locatable by her."""
    person = PersonFactory(held_by=police_agency, given_name="Iris", family_name="Held-Elsewhere")
    today = timezone.localdate()
    Case.objects.create(
        number="C-2026-990001",
        person=person,
        agency=specialist_agency,
        caseworker=idva,
        team=idva_team,
        status=CaseStatus.ACTIVE,
        referred_on=today,
        opened_on=today,
    )
    return person


@pytest.fixture
def stranger(police_agency):
    return PersonFactory(held_by=police_agency, given_name="Nobody", family_name="Of-Ours")


def _users(idva, manager, specialist_agency, police_referrer, programme_worker_same_agency):
    both = make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency)
    MembershipFactory(user=both, agency=specialist_agency, role=Role.CASEWORKER)
    return [
        idva,
        manager,
        police_referrer,
        programme_worker_same_agency,
        User.objects.get(pk=both.pk),
        make_member(Role.HOUSING_OFFICER, agency=specialist_agency),
        make_member(Role.COMMISSIONER, agency=specialist_agency),
    ]


def test_one_person_answers_agree_with_the_scopes(
    idva, manager, specialist_agency, police_referrer, programme_worker_same_agency, survivor, harmer,
    held_elsewhere_client, stranger,
):  # fmt: skip
    users = _users(idva, manager, specialist_agency, police_referrer, programme_worker_same_agency)
    people = [survivor, harmer, held_elsewhere_client, stranger]
    seen = set()
    for user in users:
        for person in people:
            sees = people_visible_to(user).filter(pk=person.pk).exists()
            locates = locations_visible_to(user).filter(pk=person.pk).exists()
            assert can_see_person(user, person) == sees, (user.roles, person)
            assert can_see_location(user, person) == locates, (user.roles, person)
            seen.add((sees, locates))
    # The matrix reaches every answer the rules can give: neither, both, and seen but not located.
    assert seen == {(False, False), (True, True), (True, False)}


def test_held_by_decides_without_a_query(idva, survivor, django_assert_num_queries):
    idva.roles  # noqa: B018  (her memberships, read once per request by the access middleware)
    with django_assert_num_queries(0):
        assert can_see_person(idva, survivor)
        assert can_see_location(idva, survivor)


def test_a_grant_held_elsewhere_is_asked_of_the_rule(idva, held_elsewhere_client, django_assert_num_queries):
    idva.roles  # noqa: B018
    with django_assert_num_queries(1):
        assert can_see_person(idva, held_elsewhere_client)
    with django_assert_num_queries(1):
        assert not can_see_location(idva, held_elsewhere_client)


def test_a_perpetrator_worker_is_always_asked_of_the_whole_location_rule(
    programme_worker_same_agency, specialist_agency, survivor, django_assert_num_queries
):
    MembershipFactory(user=programme_worker_same_agency, agency=specialist_agency, role=Role.CASEWORKER)
    both = User.objects.get(pk=programme_worker_same_agency.pk)
    both.roles  # noqa: B018
    with django_assert_num_queries(1):
        assert not can_see_location(both, survivor)


def test_risk_reads_of_one_person_and_of_a_few_assessments_follow_the_rule(
    idva,
    survivor,
    held_elsewhere_client,
    stranger,
    dash24,  # noqa: F811
):
    made = {
        person.pk: risk_assessment_record(
            actor=None, person=person, instrument=dash24, assessed_on=date(2025, 1, 1), yes_count=3
        )
        for person in (survivor, held_elsewhere_client, stranger)
    }
    visible = set(assessments_visible_to(idva).values_list("pk", flat=True))
    assert visible == {made[survivor.pk].pk, made[held_elsewhere_client.pk].pk}
    assert visible_among(idva, [a.pk for a in made.values()]) == visible
    for person in (survivor, held_elsewhere_client, stranger):
        assert set(assessments_about(idva, person).values_list("pk", flat=True)) == visible & {made[person.pk].pk}
