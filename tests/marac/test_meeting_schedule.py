"""The schedule: regular meetings every MARAC_MEETING_INTERVAL_DAYS, idempotent, moved off bank
holidays and the Christmas closure; emergency meetings; invitations default to the core MARAC
agencies. The module runs on a fixed day (``TODAY``): a schedule read from the wall clock would
cross Christmas in some weeks of the year and not others."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.clock import on_day
from tests.factories import AgencyFactory
from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import in_days
from waymark.audit.models import AuditAction, AuditEvent
from waymark.marac.meetings.actions import (
    MeetingError,
    meeting_agencies_set,
    meeting_emergency_create,
    meeting_schedule_create,
)
from waymark.marac.models import MaracMeeting, MeetingKind
from waymark.organisations.models import AgencyKind

TODAY = dt.date(2026, 9, 1)  # a Tuesday, well before Christmas


@pytest.fixture(autouse=True)
def fixed_day():
    with on_day(TODAY):
        yield


pytestmark = pytest.mark.django_db


def test_fortnightly_for_twelve_weeks_makes_six_meetings(coordinator, settings):
    settings.MARAC_MEETING_INTERVAL_DAYS = 14
    first = in_days(3)
    created = meeting_schedule_create(actor=coordinator, first_on=first, weeks=12, chair="Police")
    assert [m.held_on for m in created] == [first + dt.timedelta(days=14 * i) for i in range(6)]
    assert {m.kind for m in created} == {MeetingKind.REGULAR}
    assert {m.capacity for m in created} == {16}
    assert AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="marac.maracmeeting").count() == 6


def test_the_schedule_is_idempotent(coordinator):
    first = in_days(3)
    meeting_schedule_create(actor=coordinator, first_on=first, weeks=12)
    assert meeting_schedule_create(actor=coordinator, first_on=first, weeks=12) == []
    # An overlapping, longer run adds only the missing meetings.
    more = meeting_schedule_create(actor=coordinator, first_on=first, weeks=16)
    assert [m.held_on for m in more] == [first + dt.timedelta(days=84), first + dt.timedelta(days=98)]
    assert MaracMeeting.objects.filter(kind=MeetingKind.REGULAR).count() == 8


def test_interval_and_capacity_come_from_settings(coordinator, settings):
    settings.MARAC_MEETING_INTERVAL_DAYS = 7
    settings.MARAC_MEETING_CAPACITY = 20
    created = meeting_schedule_create(actor=coordinator, first_on=in_days(1), weeks=3)
    assert len(created) == 3 and {m.capacity for m in created} == {20}


def test_schedule_refuses_the_past_and_silly_ranges(coordinator):
    with pytest.raises(ValidationError) as error:
        meeting_schedule_create(actor=coordinator, first_on=in_days(-1), weeks=0)
    assert set(error.value.message_dict) == {"first_on", "weeks"}
    assert not MaracMeeting.objects.exists()


def test_new_meetings_invite_the_core_agencies_only(coordinator, police_agency, council):
    inactive = AgencyFactory(kind=AgencyKind.HOUSING, is_active=False)
    (meeting,) = meeting_schedule_create(actor=coordinator, first_on=in_days(1), weeks=1)
    invited = set(meeting.agencies.values_list("agency_id", flat=True))
    assert police_agency.pk in invited
    assert council.pk not in invited  # the coordinator's own council team is not a core agency
    assert inactive.pk not in invited


def test_emergency_meetings_can_share_a_day(coordinator):
    day = in_days(0)
    first = meeting_emergency_create(actor=coordinator, held_on=day, chair="Police")
    second = meeting_emergency_create(actor=coordinator, held_on=day)
    assert first.kind == second.kind == MeetingKind.EMERGENCY
    assert first.ref != second.ref


def test_invitations_can_change_but_not_drop_an_agency_that_researched(
    coordinator, meeting, police_agency, housing_agency, police_rep
):
    from tests.marac.meeting_fixtures import listed_case
    from waymark.marac.meetings.actions import research_record

    probation = AgencyFactory(kind=AgencyKind.PROBATION)
    meeting_agencies_set(actor=coordinator, meeting=meeting, agencies=[police_agency, housing_agency, probation])
    assert meeting.agencies.count() == 3
    case = listed_case(meeting)
    research_record(
        actor=police_rep, meeting=meeting, marac_case=case, agency=police_agency, body="", no_information_held=True
    )
    with pytest.raises(MeetingError, match="stay invited"):
        meeting_agencies_set(actor=coordinator, meeting=meeting, agencies=[housing_agency])
    meeting_agencies_set(actor=coordinator, meeting=meeting, agencies=[police_agency])
    assert list(meeting.agencies.values_list("agency_id", flat=True)) == [police_agency.pk]


def test_schedule_page_creates_meetings_and_says_what_was_skipped(client_for, coordinator):
    client = client_for(coordinator)
    first = in_days(5)
    data = {"first_on_0": first.day, "first_on_1": first.month, "first_on_2": first.year, "weeks": 4, "chair": "Police"}
    response = client.post(reverse("marac:meeting-schedule"), data, follow=True)
    assert "2 meetings scheduled." in response.content.decode()
    response = client.post(reverse("marac:meeting-schedule"), data, follow=True)
    assert "0 meetings scheduled; 2 already in the schedule." in response.content.decode()


def test_schedule_page_shows_errors_and_saves_nothing(client_for, coordinator):
    response = client_for(coordinator).post(reverse("marac:meeting-schedule"), {"weeks": "many"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body and "Enter date of the first meeting" in body
    assert not MaracMeeting.objects.exists()


def test_emergency_page(client_for, coordinator):
    day = in_days(1)
    response = client_for(coordinator).post(
        reverse("marac:meeting-emergency"),
        {"held_on_0": day.day, "held_on_1": day.month, "held_on_2": day.year, "chair": "DI Shah"},
    )
    meeting = MaracMeeting.objects.get()
    assert response.status_code == 302 and response.url == reverse("marac:meeting", kwargs={"meeting_id": meeting.pk})
    assert meeting.kind == MeetingKind.EMERGENCY and meeting.chair == "DI Shah"


def test_meeting_list_shows_upcoming_and_past(client_for, coordinator, meeting):
    from tests.marac.meeting_fixtures import make_meeting

    past = make_meeting(held_on=in_days(-14))
    body = client_for(coordinator).get(reverse("marac:meetings")).content.decode()
    assert meeting.ref in body and past.ref in body
    assert body.index("Upcoming") < body.index(meeting.ref) < body.index("Recent meetings") < body.index(past.ref)


# --- Bank holidays and the Christmas closure (a walkthrough found a meeting on 24 December) -----


def d(year: int, month: int, day: int) -> dt.date:
    return dt.date(year, month, day)


def test_a_meeting_due_on_christmas_eve_moves_to_the_first_working_day_of_january(coordinator, settings):
    settings.MARAC_MEETING_INTERVAL_DAYS = 14
    created = meeting_schedule_create(actor=coordinator, first_on=d(2026, 12, 10), weeks=8)
    # Thursday 24 December 2026: the closure, then Friday 1 January (a bank holiday), a weekend.
    assert [m.held_on for m in created] == [d(2026, 12, 10), d(2027, 1, 4), d(2027, 1, 7), d(2027, 1, 21)]
    assert [m.ref for m in created][1] == "MARAC-2027-01-04"
    # Idempotent with the move: running it again adds nothing.
    assert meeting_schedule_create(actor=coordinator, first_on=d(2026, 12, 10), weeks=8) == []


def test_two_weekly_meetings_moved_onto_one_day_make_one_meeting(coordinator, settings):
    """Weekly meetings on Fridays: 25 December 2026 and 1 January 2027 both move to Monday 4
    January. One meeting is held that day; none is held for 25 December (a meeting is never
    brought forward into the closure, and two regular meetings never share a day)."""
    from waymark.marac.meetings.selectors import regular_schedule

    settings.MARAC_MEETING_INTERVAL_DAYS = 7
    schedule = regular_schedule(d(2026, 12, 18), 4)
    assert [(r.due_on, r.held_on) for r in schedule] == [
        (d(2026, 12, 18), d(2026, 12, 18)),
        (d(2026, 12, 25), None),
        (d(2027, 1, 1), d(2027, 1, 4)),
        (d(2027, 1, 8), d(2027, 1, 8)),
    ]
    created = meeting_schedule_create(actor=coordinator, first_on=d(2026, 12, 18), weeks=4)
    assert [m.held_on for m in created] == [d(2026, 12, 18), d(2027, 1, 4), d(2027, 1, 8)]


def test_the_schedule_page_says_which_meetings_moved(client_for, coordinator, settings):
    settings.MARAC_MEETING_INTERVAL_DAYS = 14
    first = d(2026, 12, 10)
    data = {"first_on_0": first.day, "first_on_1": first.month, "first_on_2": first.year, "weeks": 4}
    page = client_for(coordinator).post(reverse("marac:meeting-schedule"), data, follow=True).content.decode()
    assert "2 meetings scheduled." in page
    assert "24 December 2026 moved to Monday 4 January 2027" in page


def test_the_next_first_date_keeps_the_rhythm_after_a_moved_meeting(client_for, coordinator, settings):
    """After Thursday 24 December was held on Monday 4 January, the next meeting is due on
    Thursday 7 January, not a fortnight after the 4th."""
    settings.MARAC_MEETING_INTERVAL_DAYS = 14
    meeting_schedule_create(actor=coordinator, first_on=d(2026, 11, 26), weeks=6)
    assert MaracMeeting.objects.order_by("-held_on").first().held_on == d(2027, 1, 4)
    page = client_for(coordinator).get(reverse("marac:meeting-schedule")).content.decode()
    for name, value in (("first_on_0", "7"), ("first_on_1", "1"), ("first_on_2", "2027")):
        assert f'name="{name}" type="text" inputmode="numeric" autocomplete="off" value="{value}"' in page, name
