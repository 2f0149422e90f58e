"""Actions: open / done / not possible because circumstances changed / not done by the agency; the
review of outstanding actions at the next meeting (last_reviewed_at); representatives see and
update the actions their agency owns, and nobody else's."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import (
    in_days,
    listed_case,
    make_meeting,
    open_on_its_day,
    read_at,
)
from waymark.marac.meetings.access import actions_visible_to
from waymark.marac.meetings.actions import action_set_status
from waymark.marac.meetings.selectors import actions_for_review
from waymark.marac.models import ActionStatus, MaracAction, MeetingStatus

pytestmark = pytest.mark.django_db


@pytest.fixture
def last_meeting(police_agency, housing_agency):
    return make_meeting(held_on=in_days(-14), status=MeetingStatus.HELD, agencies=[police_agency, housing_agency])


def make_action(meeting, agency, *, status=ActionStatus.OPEN, description="Canary-action"):
    case = listed_case(meeting)
    return MaracAction.objects.create(
        marac_case=case,
        agreed_at=meeting,
        description=description,
        owner_agency=agency,
        due_on=in_days(3),
        status=status,
    )


def test_outstanding_actions_from_earlier_meetings_come_back_for_review(last_meeting, meeting, police_agency):
    open_action = make_action(last_meeting, police_agency)
    make_action(last_meeting, police_agency, status=ActionStatus.DONE)
    todays = make_action(meeting, police_agency)
    later = make_meeting(held_on=in_days(40))
    make_action(later, police_agency)
    assert list(actions_for_review(meeting)) == [open_action]
    assert todays not in actions_for_review(meeting)


@pytest.mark.parametrize(
    ("status", "note"),
    [
        (ActionStatus.DONE, ""),
        (ActionStatus.NOT_POSSIBLE, "She moved out of the area"),
        (ActionStatus.NOT_DONE, "No officer available"),
        (ActionStatus.OPEN, "Still in progress"),
    ],
)
def test_review_records_status_and_meeting(coordinator, last_meeting, meeting, police_agency, status, note):
    action = make_action(last_meeting, police_agency)
    action_set_status(actor=coordinator, action=action, status=status, note=note, reviewed_at=meeting)
    action.refresh_from_db()
    assert action.status == status and action.last_reviewed_at == meeting
    # Reviewed this meeting: it stays in the review list, showing what was decided.
    assert action in actions_for_review(meeting)


@pytest.mark.parametrize("status", [ActionStatus.NOT_POSSIBLE, ActionStatus.NOT_DONE])
def test_not_possible_and_not_done_need_a_note(coordinator, last_meeting, police_agency, status):
    action = make_action(last_meeting, police_agency)
    with pytest.raises(ValidationError) as error:
        action_set_status(actor=coordinator, action=action, status=status, note="")
    assert "note" in error.value.message_dict
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN


def test_a_review_is_at_a_later_meeting(coordinator, meeting, police_agency):
    action = make_action(meeting, police_agency)
    with pytest.raises(ValidationError):
        action_set_status(actor=coordinator, action=action, status=ActionStatus.DONE, reviewed_at=meeting)


def test_review_through_meeting_mode(client_for, coordinator, last_meeting, meeting, police_agency):
    action = make_action(last_meeting, police_agency)
    open_on_its_day(actor=coordinator, meeting=meeting)
    client = client_for(coordinator)
    page = client.get(reverse("marac:meeting-run", kwargs={"meeting_id": meeting.pk})).content.decode()
    assert "Actions from earlier meetings" in page and "Canary-action" in page
    review = reverse("marac:action-review", kwargs={"meeting_id": meeting.pk, "action_id": action.pk})
    response = client.post(review, {"status": "not_done", **read_at(action)}, follow=True)
    assert "Say why" in response.content.decode()
    client.post(review, {"status": "not_possible", "note": "Moved to another borough", **read_at(action)})
    action.refresh_from_db()
    assert action.status == ActionStatus.NOT_POSSIBLE and action.last_reviewed_at == meeting
    assert action.status_note == "Moved to another borough" and action.status_changed_by == coordinator


def test_representatives_see_only_their_agencys_actions(police_rep, housing_rep, coordinator, meeting, police_agency):
    ours = make_action(meeting, police_agency)
    assert list(actions_visible_to(police_rep)) == [ours]
    assert not actions_visible_to(housing_rep).exists()
    assert list(actions_visible_to(coordinator)) == [ours]


def test_representative_updates_their_agencys_action(client_for, police_rep, meeting, police_agency):
    action = make_action(meeting, police_agency)
    client = client_for(police_rep)
    assert "Canary-action" in client.get(reverse("marac:actions")).content.decode()
    client.post(
        reverse("marac:action", kwargs={"action_id": action.pk}), {"status": "done", "note": "", **read_at(action)}
    )
    action.refresh_from_db()
    assert action.status == ActionStatus.DONE and action.last_reviewed_at is None


def test_another_agencys_representative_gets_404(client_for, housing_rep, meeting, police_agency):
    action = make_action(meeting, police_agency)
    client = client_for(housing_rep)
    assert "Canary-action" not in client.get(reverse("marac:actions")).content.decode()
    url = reverse("marac:action", kwargs={"action_id": action.pk})
    assert client.get(url).status_code == 404
    assert client.post(url, {"status": "done"}).status_code == 404
    action.refresh_from_db()
    assert action.status == ActionStatus.OPEN
