import uuid
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from tests.factories import make_member
from tests.risk.conftest import make_person
from waymark.core.roles import Role
from waymark.risk.access import assessments_visible_to, get_risk_assessment_for_user
from waymark.risk.actions import risk_assessment_record
from waymark.risk.models import RiskAssessment

pytestmark = pytest.mark.django_db


@pytest.fixture
def assessment(idva, person, dash24):
    return risk_assessment_record(
        actor=idva, person=person, instrument=dash24, assessed_on=date(2025, 1, 1), yes_count=5
    )


@pytest.mark.parametrize("role", [Role.CASEWORKER, Role.TEAM_MANAGER, Role.MARAC_COORDINATOR])
def test_risk_roles_in_the_holding_agency_see_it(role, specialist_agency, assessment):
    user = make_member(role, agency=specialist_agency)
    assert list(RiskAssessment.objects.visible_to(user)) == [assessment]
    assert get_risk_assessment_for_user(user, assessment.pk) == assessment


@pytest.mark.parametrize("role", [Role.HOUSING_OFFICER])
def test_other_roles_who_can_see_the_person_get_403(role, specialist_agency, assessment):
    user = make_member(role, agency=specialist_agency)
    assert not assessments_visible_to(user).exists()
    with pytest.raises(PermissionDenied):
        get_risk_assessment_for_user(user, assessment.pk)


def test_programme_worker_in_the_same_agency_gets_404(specialist_agency, assessment):
    # The firewall (docs/perpetrator-programme.md): a survivor does not exist for them.
    user = make_member(Role.PERPETRATOR_WORKER, agency=specialist_agency)
    assert not assessments_visible_to(user).exists()
    with pytest.raises(Http404):
        get_risk_assessment_for_user(user, assessment.pk)


def test_a_risk_role_in_another_agency_gets_404(police_agency, assessment):
    user = make_member(Role.CASEWORKER, agency=police_agency)
    assert not RiskAssessment.objects.visible_to(user).exists()
    with pytest.raises(Http404):
        get_risk_assessment_for_user(user, assessment.pk)


def test_outsider_and_referrer_get_404(outsider, police_referrer, assessment):
    for user in (outsider, police_referrer):
        assert not RiskAssessment.objects.visible_to(user).exists()
        with pytest.raises(Http404):
            get_risk_assessment_for_user(user, assessment.pk)


def test_unknown_and_malformed_ids_are_404(idva, assessment):
    for bad in (uuid.uuid4(), "not-a-uuid"):
        with pytest.raises(Http404):
            get_risk_assessment_for_user(idva, bad)


def test_archived_assessments_are_hidden(idva, assessment):
    RiskAssessment.objects.filter(pk=assessment.pk).update(archived_at="2025-02-01T00:00:00Z")
    with pytest.raises(Http404):
        get_risk_assessment_for_user(idva, assessment.pk)


def test_only_people_the_user_can_see(idva, police_agency, dash24, assessment):
    other = make_person(police_agency)
    risk_assessment_record(actor=None, person=other, instrument=dash24, assessed_on=date(2025, 1, 1), yes_count=2)
    assert list(RiskAssessment.objects.visible_to(idva)) == [assessment]
