"""Scopes: one test per grant (tests/support/test_access.py is named in waymark/support/access.py),
and the people access line that lets a case's viewers see its children."""

from __future__ import annotations

import pytest

from tests.factories import AgencyFactory
from tests.people.factories import PersonFactory
from tests.support.conftest import days_ago
from waymark.organisations.models import AgencyKind
from waymark.people.access import get_person_for_user, people_visible_to
from waymark.people.choices import PersonRole
from waymark.support import actions
from waymark.support.access import get_on_case
from waymark.support.models import CaseChild, Goal, GoalProgress, Intervention, LegalOrder, Need, SafetyPlan

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(idva, case, harmer, counselling, child):
    actions.case_child_link(
        actor=idva, case=case, child=child, relationship_to_client="child", lives_in_household="yes"
    )
    need = actions.need_record(actor=idva, case=case, domain="housing", level="high", identified_on=days_ago(3))
    goal = actions.goal_add(actor=idva, need=need, description="Goal", set_on=days_ago(2), target_on=days_ago(-30))
    actions.goal_progress_record(actor=idva, goal=goal, status="in_progress", recorded_on=days_ago(1))
    actions.intervention_record(actor=idva, case=case, service=counselling, offered_on=days_ago(1))
    actions.legal_order_record(
        actor=idva,
        case=case,
        kind="non_molestation",
        status="applied",
        applied_on=days_ago(1),
        protects=[case.person],
        against=harmer,
    )
    actions.safety_plan_record(
        actor=idva, case=case, sections={"safe_contact": "x"}, reviewed_on=days_ago(0), next_review_on=days_ago(-30)
    )


CASE_MODELS = [Need, Goal, GoalProgress, Intervention, LegalOrder, CaseChild]


@pytest.mark.parametrize("model", CASE_MODELS)
@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("idva", True),  # the allocated caseworker
        ("colleague", True),  # a caseworker in the same team, covering
        ("manager", True),  # a team manager at the service
        ("dual_role_worker", True),  # a team caseworker who also runs the programme: the case, yes
        ("other_team_worker", False),
        ("caseworker_elsewhere", False),
        ("perpetrator_worker", False),
        ("police_referrer", False),
        ("outsider", False),
        ("auditor", False),
    ],
)
def test_case_records_follow_the_case(records, request, model, persona, sees):
    user = request.getfixturevalue(persona)
    assert model.objects.visible_to(user).exists() is sees


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("idva", True),
        ("colleague", True),
        ("manager", True),
        # Sees the case, but never where the client would go: the location veto applies.
        ("dual_role_worker", False),
        ("other_team_worker", False),
        ("perpetrator_worker", False),
        ("police_referrer", False),
        ("outsider", False),
    ],
)
def test_safety_plans_need_sight_of_the_clients_location_too(records, request, persona, sees):
    user = request.getfixturevalue(persona)
    assert SafetyPlan.objects.visible_to(user).exists() is sees


def test_get_on_case_is_404_for_another_cases_record(records, idva, case, client_person, specialist_agency):
    from django.http import Http404

    from tests.support.conftest import make_case

    need = Need.objects.get()
    assert get_on_case(Need, idva, case, need.pk) == need
    other = make_case(person=client_person, agency=specialist_agency, caseworker=idva)
    with pytest.raises(Http404):
        get_on_case(Need, idva, other, need.pk)
    with pytest.raises(Http404):
        get_on_case(Need, idva, case, "not-a-uuid")


# --- waymark/people/access.py: a child linked to a case the user may see -------------------------


@pytest.fixture
def child_held_elsewhere():
    """A child recorded by children's social care: not visible to the specialist service by holding."""
    return PersonFactory(
        held_by=AgencyFactory(kind=AgencyKind.CHILDRENS_SOCIAL_CARE),
        primary_role=PersonRole.CHILD,
        date_of_birth=days_ago(365 * 6),
    )


def test_child_on_a_case_is_visible_to_those_who_see_the_case(
    case, child_held_elsewhere, colleague, manager, other_team_worker, caseworker_elsewhere, perpetrator_worker
):
    assert not people_visible_to(colleague).filter(pk=child_held_elsewhere.pk).exists()
    CaseChild.objects.create(
        case=case,
        child=child_held_elsewhere,
        relationship_to_client="child",
        linked_on=days_ago(0),
        linked_by=colleague,
    )
    for user in (colleague, manager):
        assert get_person_for_user(user, child_held_elsewhere.pk) == child_held_elsewhere
    for user in (other_team_worker, caseworker_elsewhere, perpetrator_worker):
        assert not people_visible_to(user).filter(pk=child_held_elsewhere.pk).exists()


def test_child_line_gives_no_duplicates_and_nothing_for_cases_without_children(case, idva, child_held_elsewhere):
    before = people_visible_to(idva).count()
    CaseChild.objects.create(
        case=case, child=child_held_elsewhere, relationship_to_client="child", linked_on=days_ago(0), linked_by=idva
    )
    people = list(people_visible_to(idva))
    assert len(people) == len(set(people)) == before + 1
