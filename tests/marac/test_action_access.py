"""The meeting actions check who calls them (issue 5 review, item 6): the coordinator runs the
schedule, the agenda and meeting mode; a representative of the agency (or the coordinator)
records research and updates that agency's actions. Called directly with the wrong actor, each
raises PermissionDenied and changes nothing."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import (
    accepted_case,
    in_days,
    listed_case,
    make_meeting,
    open_on_its_day,
)
from waymark.marac.meetings import actions as m
from waymark.marac.models import (
    ActionStatus,
    Attendee,
    AttendeeCapacity,
    MaracAction,
    MaracCase,
    MaracCaseStatus,
    MaracMeeting,
    MeetingStatus,
    Research,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def running(police_agency, housing_agency):
    return make_meeting(held_on=in_days(0), status=MeetingStatus.IN_PROGRESS, agencies=[police_agency, housing_agency])


def coordinator_only_calls(meeting, running, police_agency):
    """Every coordinator-only action, as (name, call taking the actor)."""
    waiting = accepted_case()
    on_agenda = listed_case(meeting)
    heard = listed_case(running, discussion_summary="Summary")
    attendee = Attendee.objects.create(meeting=running, name="Obs", capacity=AttendeeCapacity.OBSERVER)
    return [
        ("schedule", lambda a: m.meeting_schedule_create(actor=a, first_on=in_days(30), weeks=4)),
        ("emergency", lambda a: m.meeting_emergency_create(actor=a, held_on=in_days(2))),
        ("invitations", lambda a: m.meeting_agencies_set(actor=a, meeting=meeting, agencies=[police_agency])),
        ("agenda_add", lambda a: m.agenda_add(actor=a, meeting=meeting, marac_case=waiting)),
        ("agenda_move", lambda a: m.agenda_move(actor=a, meeting=meeting, marac_case=on_agenda, direction="up")),
        ("agenda_remove", lambda a: m.agenda_remove(actor=a, meeting=meeting, marac_case=on_agenda)),
        ("open", lambda a: open_on_its_day(actor=a, meeting=meeting)),
        ("attendance", lambda a: m.attendance_record(actor=a, meeting=running, attended_agency_ids=[])),
        ("attendee_add", lambda a: m.attendee_add(actor=a, meeting=running, name="X", capacity="observer")),
        ("attendee_agree", lambda a: m.attendee_agree(actor=a, attendee=attendee)),
        ("attendee_remove", lambda a: m.attendee_remove(actor=a, attendee=attendee)),
        (
            "case_record",
            lambda a: m.meeting_case_record(actor=a, meeting=running, marac_case=heard, summary="s", risks="r"),
        ),
        (
            "action_add",
            lambda a: m.action_add(
                actor=a,
                meeting=running,
                marac_case=heard,
                description="d",
                owner_agency=police_agency,
                owner_name="",
                due_on=in_days(7),
            ),
        ),
        ("hear", lambda a: m.meeting_case_hear(actor=a, meeting=running, marac_case=heard)),
        ("complete", lambda a: m.meeting_complete(actor=a, meeting=running)),
    ]


NAMES = [
    "schedule", "emergency", "invitations", "agenda_add", "agenda_move", "agenda_remove", "open", "attendance",
    "attendee_add", "attendee_agree", "attendee_remove", "case_record", "action_add", "hear", "complete",
]  # fmt: skip


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("who", ["police_rep", "outsider"])
def test_coordinator_only_actions_refuse_anyone_else(request, name, who, meeting, running, police_agency):
    calls = dict(coordinator_only_calls(meeting, running, police_agency))
    assert set(calls) == set(NAMES)
    before = (MaracMeeting.objects.count(), MaracCase.objects.filter(meeting__isnull=False).count())
    with pytest.raises(PermissionDenied):
        calls[name](request.getfixturevalue(who))
    assert (MaracMeeting.objects.count(), MaracCase.objects.filter(meeting__isnull=False).count()) == before


def test_the_coordinator_may_run_the_agenda(coordinator, meeting):
    case = accepted_case()
    assert m.agenda_add(actor=coordinator, meeting=meeting, marac_case=case).status == MaracCaseStatus.LISTED


# --- Research ---------------------------------------------------------------------------------


def record(actor, meeting, case, agency):
    return m.research_record(
        actor=actor, meeting=meeting, marac_case=case, agency=agency, body="Canary", no_information_held=False
    )


def test_research_for_another_agency_is_refused(housing_rep, meeting, police_agency):
    case = listed_case(meeting)
    with pytest.raises(PermissionDenied):
        record(housing_rep, meeting, case, police_agency)
    assert not Research.objects.exists()


def test_research_by_a_representative_of_an_agency_not_invited_is_refused(probation_rep, probation_agency, meeting):
    case = listed_case(meeting)
    with pytest.raises(PermissionDenied):
        record(probation_rep, meeting, case, probation_agency)


def test_research_by_someone_with_no_marac_role_is_refused(outsider, meeting, police_agency):
    with pytest.raises(PermissionDenied):
        record(outsider, meeting, listed_case(meeting), police_agency)


def test_research_by_the_agencys_representative_or_the_coordinator(police_rep, coordinator, meeting, police_agency):
    case = listed_case(meeting)
    assert record(police_rep, meeting, case, police_agency).recorded_by == police_rep
    assert record(coordinator, meeting, case, police_agency).recorded_by == coordinator


# --- Actions ----------------------------------------------------------------------------------


@pytest.fixture
def police_action(police_agency):
    held = make_meeting(held_on=in_days(-14), status=MeetingStatus.HELD)
    return MaracAction.objects.create(
        marac_case=listed_case(held),
        agreed_at=held,
        description="Canary-action",
        owner_agency=police_agency,
        due_on=in_days(3),
    )


@pytest.mark.parametrize("who", ["housing_rep", "outsider"])
def test_another_agencys_action_cannot_be_updated(request, who, police_action):
    with pytest.raises(PermissionDenied):
        m.action_set_status(actor=request.getfixturevalue(who), action=police_action, status=ActionStatus.DONE)
    police_action.refresh_from_db()
    assert police_action.status == ActionStatus.OPEN


def test_the_owning_agency_and_the_coordinator_update_an_action(police_rep, coordinator, police_action):
    m.action_set_status(actor=police_rep, action=police_action, status=ActionStatus.DONE)
    m.action_set_status(actor=coordinator, action=police_action, status=ActionStatus.OPEN, note="Reopened")
    police_action.refresh_from_db()
    assert (police_action.status, police_action.status_changed_by) == (ActionStatus.OPEN, coordinator)


def test_a_review_is_recorded_only_at_a_meeting_the_actor_runs(police_rep, police_action, meeting):
    """Recording the review at a meeting is meeting mode: the coordinator's."""
    with pytest.raises(PermissionDenied):
        m.action_set_status(actor=police_rep, action=police_action, status=ActionStatus.DONE, reviewed_at=meeting)
