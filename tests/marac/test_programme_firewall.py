"""The perpetrator-programme firewall at MARAC (found by an attacker's probe): an account holding the
programme role anywhere takes part in no meeting, whatever MARAC role it also holds.

Before the fix a programme worker who was also granted "MARAC representative" at an agency invited
to every meeting read the research on his own participant's victim ("moved to emergency TA in
Croydon"), the agenda, the minutes and his agency's actions; and one also granted "MARAC
coordinator" read everything, the flags and the raw figures.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.factories import AgencyFactory, MembershipFactory
from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import in_days, listed_case, make_meeting
from waymark.accounts.models import User
from waymark.core.roles import Role
from waymark.marac.meetings.access import (
    actions_visible_to,
    is_coordinator,
    is_participant,
    meetings_visible_to,
    research_visible_to,
)
from waymark.marac.meetings.actions import research_record
from waymark.marac.models import MaracAction, MaracCase, MeetingStatus
from waymark.marac.referrals.access import flags_visible_to, marac_referrals_visible_to
from waymark.marac.reports.disclosure import sees_raw_figures
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db

SECRET = "Canary-moved-to-emergency-TA-in-Croydon"


def with_programme_role(user: User) -> User:
    """``user`` also granted the perpetrator-programme role, at a programme agency."""
    programme = AgencyFactory(name="Southmere Change Programme", kind=AgencyKind.OTHER)
    MembershipFactory(user=user, agency=programme, role=Role.PERPETRATOR_WORKER)
    return User.objects.get(pk=user.pk)


@pytest.fixture
def researched(meeting, housing_rep, housing_agency):
    case = listed_case(meeting)
    research_record(
        actor=housing_rep,
        meeting=meeting,
        marac_case=case,
        agency=housing_agency,
        body=SECRET,
        no_information_held=False,
    )
    return case


@pytest.fixture
def police_action(police_agency):
    held = make_meeting(held_on=in_days(-14), status=MeetingStatus.HELD, agencies=[police_agency])
    return MaracAction.objects.create(
        marac_case=listed_case(held),
        agreed_at=held,
        description="Canary-action at her new address",
        owner_agency=police_agency,
        due_on=in_days(3),
    )


def test_a_representative_with_the_programme_role_takes_part_in_no_meeting(police_rep, meeting, researched):
    assert is_participant(police_rep, meeting)  # the control: the same account before the grant
    rep = with_programme_role(police_rep)
    assert not is_participant(rep, meeting)
    assert not meetings_visible_to(rep).exists()
    assert not research_visible_to(rep, meeting).exists()
    assert not MaracCase.objects.visible_to(rep).exists()


def test_a_coordinator_with_the_programme_role_is_not_a_coordinator(coordinator, meeting, researched):
    assert is_coordinator(coordinator) and sees_raw_figures(coordinator)
    both = with_programme_role(coordinator)
    assert not is_coordinator(both)
    assert not is_participant(both, meeting)
    assert not marac_referrals_visible_to(both).exists()
    assert not flags_visible_to(both).exists() and flags_visible_to(both).model.__name__ == "FlagAlert"
    # The reports' small figures are withheld from him as from any other reader.
    assert not sees_raw_figures(both)


def test_the_representatives_actions_are_closed_to_him(police_rep, police_action):
    assert police_action in actions_visible_to(police_rep)
    assert not actions_visible_to(with_programme_role(police_rep)).exists()


def test_the_pages_show_him_nothing(client_for, police_rep, meeting, researched, police_action):
    client = client_for(with_programme_role(police_rep))
    urls = [
        reverse("marac:research", kwargs={"meeting_id": meeting.pk, "case_id": researched.pk}),
        reverse("marac:meeting", kwargs={"meeting_id": meeting.pk}),
        reverse("marac:minutes", kwargs={"meeting_id": meeting.pk}),
        reverse("marac:agenda-print", kwargs={"meeting_id": meeting.pk}),
        reverse("marac:action", kwargs={"action_id": police_action.pk}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code in (403, 404), url
        assert SECRET not in response.content.decode()
    for listing in ("marac:meetings", "marac:actions"):
        page = client.get(reverse(listing)).content.decode()
        assert meeting.ref not in page and "Canary-action" not in page


def test_his_home_page_says_marac_is_closed_to_the_account(client_for, police_rep, meeting):
    page = client_for(with_programme_role(police_rep)).get(reverse("home")).content.decode()
    assert "Closed to this account: it holds a perpetrator-programme role" in page
    assert meeting.ref not in page
