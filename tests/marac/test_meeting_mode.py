"""Meeting mode: open, attendance by agency, attendees and the observers' confidentiality gate,
the discussion and actions per case, marking heard, completing the minutes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import (
    accepted_case,
    in_days,
    listed_case,
    make_meeting,
    open_on_its_day,
)
from waymark.audit.models import AuditEvent
from waymark.marac.meetings.actions import (
    CONFIDENTIALITY_STATEMENT,
    MeetingError,
    action_add,
    attendance_record,
    attendee_add,
    attendee_agree,
    meeting_case_hear,
    meeting_case_record,
    meeting_complete,
    meeting_open,
)
from waymark.marac.models import ActionStatus, AttendeeCapacity, MaracCaseStatus, MeetingStatus

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def running(coordinator, meeting):
    return open_on_its_day(actor=coordinator, meeting=meeting)


def url(name, meeting, **kwargs):
    return reverse(f"marac:{name}", kwargs={"meeting_id": meeting.pk, **kwargs})


def test_open_only_once(coordinator, meeting):
    open_on_its_day(actor=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS and meeting.started_at
    with pytest.raises(MeetingError):
        open_on_its_day(actor=coordinator, meeting=meeting)


def test_cases_are_heard_only_in_a_running_meeting(coordinator, meeting):
    case = listed_case(meeting)
    with pytest.raises(MeetingError, match="Open the meeting first"):
        meeting_case_record(actor=coordinator, meeting=meeting, marac_case=case, summary="x", risks="")


def test_an_observer_who_has_not_agreed_blocks_every_case(coordinator, running, police_agency):
    case = listed_case(running)
    observer = attendee_add(actor=coordinator, meeting=running, name="Student social worker", capacity="observer")
    with pytest.raises(MeetingError, match="not agreed the confidentiality statement"):
        meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary="Shared", risks="")
    with pytest.raises(MeetingError, match="not agreed"):
        action_add(
            actor=coordinator,
            meeting=running,
            marac_case=case,
            description="x",
            owner_agency=police_agency,
            owner_name="",
            due_on=in_days(14),
        )
    with pytest.raises(MeetingError, match="not agreed"):
        meeting_case_hear(actor=coordinator, meeting=running, marac_case=case)
    attendee_agree(actor=coordinator, attendee=observer)
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary="Shared", risks="Weapons")
    meeting_case_hear(actor=coordinator, meeting=running, marac_case=case)
    case.refresh_from_db()
    assert case.status == MaracCaseStatus.HEARD


def test_representatives_do_not_need_the_observer_statement(coordinator, running, police_agency):
    case = listed_case(running)
    attendee_add(
        actor=coordinator,
        meeting=running,
        name="DS Turner",
        capacity=AttendeeCapacity.REPRESENTATIVE,
        agency=police_agency,
    )
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary="Shared", risks="")


def test_the_statement_is_shown_in_full_and_agreement_is_recorded(client_for, coordinator, running):
    client = client_for(coordinator)
    client.post(url("attendee-add", running), {"name": "Observer One", "capacity": "observer"})
    page = client.get(url("meeting-run", running)).content.decode()
    assert CONFIDENTIALITY_STATEMENT.replace("'", "&#x27;") in page
    assert "1 observer must agree the statement" in page
    observer = running.attendees.get()
    # Without ticking the box nothing is recorded.
    client.post(url("attendee-agree", running, attendee_id=observer.pk), {})
    observer.refresh_from_db()
    assert observer.confidentiality_agreed_at is None
    client.post(url("attendee-agree", running, attendee_id=observer.pk), {"agreed": "yes"})
    observer.refresh_from_db()
    assert observer.confidentiality_agreed_at is not None


def test_a_case_page_refuses_while_an_observer_waits(client_for, coordinator, running):
    case = listed_case(running)
    attendee_add(actor=coordinator, meeting=running, name="Observer", capacity="observer")
    client = client_for(coordinator)
    response = client.post(url("meeting-case", running, case_id=case.pk), {"summary": "Shared", "risks": ""})
    assert response.status_code == 200 and "not agreed the confidentiality statement" in response.content.decode()
    case.refresh_from_db()
    assert case.discussion_summary == ""


def test_summary_is_needed_before_heard(coordinator, running):
    case = listed_case(running)
    with pytest.raises(MeetingError, match="summary"):
        meeting_case_hear(actor=coordinator, meeting=running, marac_case=case)


def test_discussion_and_actions_through_the_pages(client_for, coordinator, running, police_agency):
    case = listed_case(running)
    client = client_for(coordinator)
    client.post(url("meeting-case", running, case_id=case.pk), {"summary": "Canary-summary", "risks": "Canary-risks"})
    due = in_days(30)
    response = client.post(
        url("action-add", running, case_id=case.pk),
        {
            "action-description": "Canary-action: flag the address",
            "action-owner_agency": police_agency.pk,
            "action-owner_name": "DS Turner",
            "action-due_on_0": due.day,
            "action-due_on_1": due.month,
            "action-due_on_2": due.year,
        },
    )
    assert response.status_code == 302
    action = case.actions.get()
    assert (action.owner_agency, action.owner_name, action.due_on, action.status) == (
        police_agency,
        "DS Turner",
        due,
        ActionStatus.OPEN,
    )
    client.post(url("case-heard", running, case_id=case.pk))
    case.refresh_from_db()
    assert case.status == MaracCaseStatus.HEARD
    assert case.discussion_summary == "Canary-summary" and case.risks_identified == "Canary-risks"
    assert not any("Canary" in str(e.detail) for e in AuditEvent.objects.all())


def test_an_action_needs_description_agency_and_a_real_due_date(client_for, coordinator, running):
    case = listed_case(running)
    response = client_for(coordinator).post(url("action-add", running, case_id=case.pk), {"action-due_on_0": "31"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "Describe the action" in body and "Choose the agency that owns the action" in body
    assert not case.actions.exists()


def test_due_date_before_the_meeting_is_refused(coordinator, running, police_agency):
    case = listed_case(running)
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        action_add(
            actor=coordinator,
            meeting=running,
            marac_case=case,
            description="x",
            owner_agency=police_agency,
            owner_name="",
            due_on=running.held_on.replace(year=running.held_on.year - 1),
        )


def test_complete_needs_every_case_heard_and_attendance(coordinator, running, police_agency, housing_agency):
    case = listed_case(running)
    with pytest.raises(MeetingError, match="not yet marked heard"):
        meeting_complete(actor=coordinator, meeting=running)
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary="Shared", risks="")
    meeting_case_hear(actor=coordinator, meeting=running, marac_case=case)
    with pytest.raises(MeetingError, match="attendance"):
        meeting_complete(actor=coordinator, meeting=running)
    attendance_record(actor=coordinator, meeting=running, attended_agency_ids=[police_agency.pk])
    assert dict(running.agencies.values_list("agency_id", "attended")) == {
        police_agency.pk: True,
        housing_agency.pk: False,
    }
    meeting_complete(actor=coordinator, meeting=running)
    running.refresh_from_db()
    assert running.status == MeetingStatus.HELD and running.minutes_completed_by == coordinator


def test_minutes_page_shows_the_record(client_for, coordinator, police_rep, running, police_agency):
    case = listed_case(running)
    attendee_add(actor=coordinator, meeting=running, name="Obs Erver", capacity="observer")
    attendee_agree(actor=coordinator, attendee=running.attendees.get())
    meeting_case_record(actor=coordinator, meeting=running, marac_case=case, summary="Canary-shared", risks="Canary-r")
    action_add(
        actor=coordinator,
        meeting=running,
        marac_case=case,
        description="Canary-act",
        owner_agency=police_agency,
        owner_name="",
        due_on=in_days(30),
    )
    meeting_case_hear(actor=coordinator, meeting=running, marac_case=case)
    attendance_record(actor=coordinator, meeting=running, attended_agency_ids=[police_agency.pk])
    meeting_complete(actor=coordinator, meeting=running)
    body = client_for(police_rep).get(url("minutes", running)).content.decode()
    for text in ("Canary-shared", "Canary-r", "Canary-act", "Obs Erver", "agreed the confidentiality statement"):
        assert text in body


def test_case_page_of_a_meeting_not_in_progress_is_read_only(client_for, coordinator, meeting):
    case = listed_case(meeting)
    body = client_for(coordinator).get(url("meeting-case", meeting, case_id=case.pk)).content.decode()
    assert "The meeting is not in progress" in body
    assert 'id="discussion-form"' not in body and 'id="action-form"' not in body
    assert "Mark the case heard" not in body


def test_the_summary_is_required_when_saving_the_discussion(client_for, coordinator, running):
    case = listed_case(running)
    response = client_for(coordinator).post(url("meeting-case", running, case_id=case.pk), {"risks": "Canary"})
    assert "Enter the summary of information shared" in response.content.decode()
    case.refresh_from_db()
    assert case.risks_identified == ""


def test_meeting_mode_is_refused_before_the_meetings_date(client_for, coordinator, meeting):
    """Issue 10, item 4: attendance, hearings and actions are recorded as they happen."""
    day_before = dt.datetime.combine(meeting.held_on - dt.timedelta(days=1), dt.time(17, 0), tzinfo=LONDON)
    with time_machine.travel(day_before, tick=False):
        with pytest.raises(MeetingError, match="can be opened on that day, not before"):
            meeting_open(actor=coordinator, meeting=meeting)
        response = client_for(coordinator).post(url("meeting-open", meeting), follow=True)
        assert "not before" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    just_after_midnight = dt.datetime.combine(meeting.held_on, dt.time(0, 5), tzinfo=LONDON)
    with time_machine.travel(just_after_midnight, tick=False):
        meeting_open(actor=coordinator, meeting=meeting)
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.IN_PROGRESS


def test_a_case_in_meeting_mode_shows_its_place_the_next_case_and_her_earlier_actions(
    client_for, coordinator, meeting, police_agency
):
    from waymark.marac.models import MaracAction

    earlier = make_meeting(held_on=meeting.held_on - dt.timedelta(days=14), status=MeetingStatus.HELD)
    first = listed_case(meeting)
    second = listed_case(meeting)
    old_case = accepted_case(victim=first.victim)
    MaracAction.objects.create(
        marac_case=old_case,
        agreed_at=earlier,
        description="Canary-earlier-action",
        owner_agency=police_agency,
        due_on=earlier.held_on,
    )
    running = open_on_its_day(actor=coordinator, meeting=meeting)
    body = client_for(coordinator).get(url("meeting-case", running, case_id=first.pk)).content.decode()
    assert "Case 1 of 2" in body and f"Next case: {second.ref}" in body and 'rel="next"' in body
    assert "Canary-earlier-action" in body and str(first.victim) in body
    after = client_for(coordinator).get(url("meeting-case", running, case_id=second.pk)).content.decode()
    assert f"Previous case: {first.ref}" in after and "Canary-earlier-action" not in after


def test_meeting_mode_has_a_short_overview_and_keyboard_shortcuts(client_for, coordinator, meeting):
    """Issue 10, item 4: usable live. The overview says how far the meeting has got and opens the
    next case to hear; each case page lists the agenda with each case's status, and its previous,
    next and overview links carry access keys (modifier keys, never a single letter)."""
    first = listed_case(meeting)
    second = listed_case(meeting)
    running = open_on_its_day(actor=coordinator, meeting=meeting)
    client = client_for(coordinator)
    overview = client.get(url("meeting-run", running)).content.decode()
    assert "Cases: 0 of 2 heard" in overview
    assert f"Hear the next case: {first.ref}, {first.victim}" in overview
    meeting_case_record(actor=coordinator, meeting=running, marac_case=first, summary="Shared.", risks="")
    meeting_case_hear(actor=coordinator, meeting=running, marac_case=first)
    overview = client.get(url("meeting-run", running)).content.decode()
    assert "Cases: 1 of 2 heard" in overview
    assert f"Hear the next case: {second.ref}, {second.victim}" in overview and 'accesskey="n"' in overview

    body = client.get(url("meeting-case", running, case_id=second.pk)).content.decode()
    assert f"{first.ref}: {first.victim}</a>: heard" in body
    assert f'aria-current="page"><strong>{second.ref}: {second.victim}</strong></a>: to hear' in body
    assert 'id="previous-case" accesskey="p" aria-keyshortcuts="Alt+Shift+P"' in body
    assert 'id="next-case"' not in body  # the last case: no next
    assert 'accesskey="o"' in body and "N for the next case, P for the previous case" in body

    meeting_case_record(actor=coordinator, meeting=running, marac_case=second, summary="Shared.", risks="")
    meeting_case_hear(actor=coordinator, meeting=running, marac_case=second)
    overview = client.get(url("meeting-run", running)).content.decode()
    assert "Cases: 2 of 2 heard" in overview and "Every case on the agenda has been heard." in overview
    assert "Hear the next case" not in overview


def test_minutes_list_each_invited_agency_once_without_stray_separators(
    client_for, coordinator, police_rep, running, police_agency, housing_agency
):
    """Present, not present, or invited after attendance was taken (not recorded): every invited
    agency is in exactly one list, and a list ends without a separator."""
    from tests.factories import AgencyFactory
    from waymark.marac.models import MeetingAgency

    attendance_record(actor=coordinator, meeting=running, attended_agency_ids=[police_agency.pk])
    meeting_complete(actor=coordinator, meeting=running)
    late = AgencyFactory(name="Young People's Service")
    MeetingAgency.objects.create(meeting=running, agency=late)  # an invitation with no attendance taken
    body = client_for(police_rep).get(url("minutes", running)).content.decode()

    def listed(key: str) -> str:
        return body.split(f'<dt class="govuk-summary-list__key">{key}</dt>')[1].split("</dd>")[0].split(">", 1)[1]

    assert listed("Agencies present") == police_agency.name
    assert listed("Agencies invited, not present") == housing_agency.name
    assert listed("Agencies invited, attendance not recorded") == "Young People&#x27;s Service"
