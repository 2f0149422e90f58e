"""Moving and cancelling a MARAC meeting (``meeting_move``, ``meeting_cancel``), and the warning
for a meeting on a bank holiday or in the Christmas closure.

The module runs on a fixed day (``TODAY``, Tuesday 1 December 2026): Christmas 2026, Boxing Day's
substitute (Monday 28 December) and Easter Monday 2027 (29 March) are all ahead of it.
"""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tests.clock import on_day
from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case, make_meeting
from waymark.audit.justifications import given_for
from waymark.audit.models import AuditAction, AuditEvent, Justification
from waymark.core.versioning import StaleEdit
from waymark.marac.meetings.actions import MeetingError, agenda_remove, meeting_cancel, meeting_move
from waymark.marac.meetings.selectors import BANK_HOLIDAY_WARNING, CLOSURE_WARNING, cases_awaiting_a_meeting
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingKind, MeetingStatus, Research

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)  # a Tuesday
THURSDAY = dt.date(2026, 12, 10)  # an ordinary Thursday
CHRISTMAS_EVE = dt.date(2026, 12, 24)  # a regular date from before the schedule moved such meetings
CHRISTMAS_DAY = dt.date(2026, 12, 25)
NEW_DAY = dt.date(2027, 1, 7)  # a Thursday after the closure
EASTER_MONDAY = dt.date(2027, 3, 29)
REASON = "Canary-reason: the civic centre room is no longer available."


@pytest.fixture(autouse=True)
def fixed_day():
    with on_day(TODAY):
        yield


@pytest.fixture
def old_meeting(police_agency, housing_agency):
    """A regular meeting on Christmas Eve, made before the holiday rule, with a case listed."""
    return make_meeting(
        held_on=CHRISTMAS_EVE,
        ref="MARAC-2026-12-24",
        kind=MeetingKind.REGULAR,
        agencies=[police_agency, housing_agency],
        starts_at=dt.time(9, 30),
        venue="Civic Centre",
    )


def changes_to(obj) -> list[str]:
    return [
        e.detail.get("change", "") for e in AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(obj.pk))
    ]


def page_of(response) -> str:
    return unescape(response.content.decode())


def date_post(day: dt.date, **fields) -> dict:
    return {"held_on_0": day.day, "held_on_1": day.month, "held_on_2": day.year, **fields}


# --- Moving --------------------------------------------------------------------------------------


def test_a_move_keeps_the_ref_agenda_invitations_and_research_and_is_audited(
    coordinator, old_meeting, police_agency, police_rep
):
    case = listed_case(old_meeting)
    Research.objects.create(
        meeting=old_meeting,
        marac_case=case,
        agency=police_agency,
        body="Two call-outs.",
        recorded_by=police_rep,
        recorded_at=dt.datetime(2026, 11, 30, 10, tzinfo=dt.UTC),
    )

    moved = meeting_move(actor=coordinator, meeting=old_meeting, held_on=NEW_DAY, starts_at=dt.time(10, 0))

    moved.refresh_from_db()
    assert (moved.held_on, moved.ref, moved.starts_at, moved.venue) == (
        NEW_DAY,
        "MARAC-2026-12-24",
        dt.time(10, 0),
        "Civic Centre",
    )
    assert moved.status == MeetingStatus.SCHEDULED
    case.refresh_from_db()
    assert (case.meeting_id, case.status) == (moved.pk, MaracCaseStatus.LISTED)
    assert moved.agencies.count() == 2
    assert Research.objects.filter(meeting=moved, marac_case=case).count() == 1
    event = AuditEvent.objects.get(object_id=str(moved.pk), detail__change="moved")
    assert event.detail == {
        "change": "moved",
        "moved_from": "2026-12-24",
        "moved_to": "2027-01-07",
        "time_changed": True,
        "venue_changed": False,
    }


@pytest.mark.parametrize(
    ("day", "said"),
    [
        (dt.date(2026, 11, 30), "30 November 2026 is in the past"),
        (dt.date(2026, 12, 12), "12 December 2026 is a Saturday"),
        (dt.date(2026, 12, 13), "13 December 2026 is a Sunday"),
        (
            dt.date(2026, 12, 28),
            "28 December 2026 is in the Christmas closure (24 December to 1 January) and is a bank holiday",
        ),
        (EASTER_MONDAY, "29 March 2027 is a bank holiday"),
        (CHRISTMAS_DAY, "25 December 2026 is in the Christmas closure"),
        (dt.date(2026, 12, 30), "30 December 2026 is in the Christmas closure"),
        (dt.date(2027, 1, 1), "1 January 2027 is in the Christmas closure"),
    ],
)
def test_a_move_to_a_day_no_meeting_is_held_is_refused_and_saves_nothing(coordinator, old_meeting, day, said):
    with pytest.raises(ValidationError) as refused:
        meeting_move(actor=coordinator, meeting=old_meeting, held_on=day, venue="Town Hall")
    assert said in refused.value.message_dict["held_on"][0]
    old_meeting.refresh_from_db()
    assert (old_meeting.held_on, old_meeting.venue) == (CHRISTMAS_EVE, "Civic Centre")
    assert "moved" not in changes_to(old_meeting)


def test_a_regular_meeting_cannot_move_onto_another_regular_meetings_day(coordinator, old_meeting):
    make_meeting(held_on=NEW_DAY, ref="MARAC-2027-01-07", kind=MeetingKind.REGULAR)
    with pytest.raises(ValidationError) as refused:
        meeting_move(actor=coordinator, meeting=old_meeting, held_on=NEW_DAY)
    assert "already has a regular meeting (MARAC-2027-01-07)" in refused.value.message_dict["held_on"][0]
    old_meeting.refresh_from_db()
    assert old_meeting.held_on == CHRISTMAS_EVE


def test_a_cancelled_meeting_or_an_emergency_meeting_does_not_block_the_day(coordinator, old_meeting):
    make_meeting(held_on=NEW_DAY, ref="MARAC-2027-01-07", kind=MeetingKind.REGULAR, status=MeetingStatus.CANCELLED)
    make_meeting(held_on=NEW_DAY, ref="MARAC-2027-01-07-E1", kind=MeetingKind.EMERGENCY)
    assert meeting_move(actor=coordinator, meeting=old_meeting, held_on=NEW_DAY).held_on == NEW_DAY


def test_an_emergency_meeting_may_move_to_a_regular_meetings_day(coordinator):
    make_meeting(held_on=NEW_DAY, ref="MARAC-2027-01-07", kind=MeetingKind.REGULAR)
    emergency = make_meeting(held_on=THURSDAY, ref="MARAC-2026-12-10-E1", kind=MeetingKind.EMERGENCY)
    assert meeting_move(actor=coordinator, meeting=emergency, held_on=NEW_DAY).ref == "MARAC-2026-12-10-E1"


@pytest.mark.parametrize("status", [MeetingStatus.IN_PROGRESS, MeetingStatus.HELD, MeetingStatus.CANCELLED])
def test_only_a_scheduled_meeting_moves(coordinator, old_meeting, status):
    MaracMeeting.objects.filter(pk=old_meeting.pk).update(status=status)
    with pytest.raises(MeetingError):
        meeting_move(actor=coordinator, meeting=old_meeting, held_on=NEW_DAY)
    old_meeting.refresh_from_db()
    assert old_meeting.held_on == CHRISTMAS_EVE
    assert "moved" not in changes_to(old_meeting)


@pytest.mark.parametrize("persona", ["police_rep", "commissioner"])
def test_only_the_coordinator_moves_or_cancels(request, old_meeting, persona):
    actor = request.getfixturevalue(persona)
    with pytest.raises(PermissionDenied):
        meeting_move(actor=actor, meeting=old_meeting, held_on=NEW_DAY)
    with pytest.raises(PermissionDenied):
        meeting_cancel(actor=actor, meeting=old_meeting, reason=REASON)
    old_meeting.refresh_from_db()
    assert (old_meeting.held_on, old_meeting.status) == (CHRISTMAS_EVE, MeetingStatus.SCHEDULED)


# --- Cancelling ----------------------------------------------------------------------------------


def test_cancelling_returns_the_cases_to_awaiting_and_moves_their_versions_on(coordinator, old_meeting):
    first, second = listed_case(old_meeting), listed_case(old_meeting)
    read_at = {case.pk: case.version for case in (first, second)}

    meeting_cancel(actor=coordinator, meeting=old_meeting, reason=f"  {REASON} ")

    old_meeting.refresh_from_db()
    assert old_meeting.status == MeetingStatus.CANCELLED
    for case in (first, second):
        case.refresh_from_db()
        assert (case.meeting_id, case.status, case.agenda_position) == (None, MaracCaseStatus.ACCEPTED, None)
        assert case.version == read_at[case.pk] + 1
    assert set(cases_awaiting_a_meeting().values_list("pk", flat=True)) >= {first.pk, second.pk}
    # A form read before the cancellation is refused.
    later = make_meeting(held_on=NEW_DAY)
    stale = MaracCase.objects.get(pk=first.pk)
    with pytest.raises(StaleEdit):
        agenda_remove(actor=coordinator, meeting=later, marac_case=stale, read_version=read_at[first.pk])
    # Audited in the same transaction; the reason is kept encrypted beside the row, never in it.
    event = AuditEvent.objects.get(object_id=str(old_meeting.pk), detail__change="cancelled")
    assert event.detail == {"change": "cancelled", "cases_returned": 2}
    assert REASON not in str(event.detail) and event.justification
    assert [r.text for r in given_for(old_meeting)] == [REASON]
    assert "removed from agenda" in changes_to(first)


def test_cancelling_needs_a_reason_and_saves_nothing_without_one(coordinator, old_meeting):
    case = listed_case(old_meeting)
    with pytest.raises(ValidationError) as refused:
        meeting_cancel(actor=coordinator, meeting=old_meeting, reason="   ")
    assert "reason" in refused.value.message_dict
    with pytest.raises(ValidationError):
        meeting_cancel(actor=coordinator, meeting=old_meeting, reason="x" * 501)
    old_meeting.refresh_from_db()
    case.refresh_from_db()
    assert old_meeting.status == MeetingStatus.SCHEDULED
    assert (case.meeting_id, case.status) == (old_meeting.pk, MaracCaseStatus.LISTED)
    assert not Justification.objects.exists()


@pytest.mark.parametrize("status", [MeetingStatus.IN_PROGRESS, MeetingStatus.HELD, MeetingStatus.CANCELLED])
def test_only_a_scheduled_meeting_is_cancelled(coordinator, old_meeting, status):
    case = listed_case(old_meeting)
    version = case.version
    MaracMeeting.objects.filter(pk=old_meeting.pk).update(status=status)
    with pytest.raises(MeetingError):
        meeting_cancel(actor=coordinator, meeting=old_meeting, reason=REASON)
    case.refresh_from_db()
    assert (case.meeting_id, case.version) == (old_meeting.pk, version)
    assert "cancelled" not in changes_to(old_meeting)


# --- The pages -----------------------------------------------------------------------------------


def test_the_move_page_moves_and_redirects(client_for, coordinator, old_meeting):
    url = reverse("marac:meeting-move", kwargs={"meeting_id": old_meeting.pk})
    assert client_for(coordinator).get(url).status_code == 200
    response = client_for(coordinator).post(url, date_post(NEW_DAY, venue="Town Hall"))
    assert response.status_code == 302
    assert response.url == reverse("marac:meeting", kwargs={"meeting_id": old_meeting.pk})
    old_meeting.refresh_from_db()
    assert (old_meeting.held_on, old_meeting.venue, old_meeting.starts_at) == (NEW_DAY, "Town Hall", dt.time(9, 30))


def test_the_move_page_shows_a_refusal_in_the_error_summary(client_for, coordinator, old_meeting):
    url = reverse("marac:meeting-move", kwargs={"meeting_id": old_meeting.pk})
    response = client_for(coordinator).post(url, date_post(CHRISTMAS_DAY))
    page = page_of(response)
    assert response.status_code == 200
    assert "govuk-error-summary" in page and 'href="#id_held_on_0"' in page
    assert "25 December 2026 is in the Christmas closure" in page
    old_meeting.refresh_from_db()
    assert old_meeting.held_on == CHRISTMAS_EVE


def test_the_cancel_page_cancels_and_shows_the_reason(client_for, coordinator, old_meeting, police_rep):
    case = listed_case(old_meeting)
    url = reverse("marac:meeting-cancel", kwargs={"meeting_id": old_meeting.pk})
    blank = client_for(coordinator).post(url, {"reason": ""})
    assert blank.status_code == 200 and "Enter why the meeting is cancelled" in page_of(blank)
    response = client_for(coordinator).post(url, {"reason": REASON})
    assert response.status_code == 302
    case.refresh_from_db()
    assert case.status == MaracCaseStatus.ACCEPTED
    page = page_of(client_for(police_rep).get(reverse("marac:meeting", kwargs={"meeting_id": old_meeting.pk})))
    assert REASON in page and "Cancelled" in page
    # A cancelled meeting can be neither moved nor cancelled again.
    again = client_for(coordinator).get(url)
    assert again.status_code == 302


@pytest.mark.parametrize("name", ["meeting-move", "meeting-cancel"])
@pytest.mark.parametrize("method", ["get", "post"])
def test_the_pages_refuse_anyone_but_the_coordinator(client_for, old_meeting, police_rep, probation_rep, name, method):
    url = reverse(f"marac:{name}", kwargs={"meeting_id": old_meeting.pk})
    data = date_post(NEW_DAY) | {"reason": REASON}
    for person in (police_rep, probation_rep):
        client = client_for(person)
        response = client.get(url) if method == "get" else client.post(url, data)
        assert response.status_code == 403
    old_meeting.refresh_from_db()
    assert (old_meeting.held_on, old_meeting.status) == (CHRISTMAS_EVE, MeetingStatus.SCHEDULED)


def test_an_unknown_meeting_is_not_found(client_for, coordinator):
    import uuid

    url = reverse("marac:meeting-move", kwargs={"meeting_id": uuid.uuid4()})
    assert client_for(coordinator).get(url).status_code == 404


def test_an_opened_meeting_has_no_move_page(client_for, coordinator, old_meeting):
    MaracMeeting.objects.filter(pk=old_meeting.pk).update(status=MeetingStatus.IN_PROGRESS)
    url = reverse("marac:meeting-move", kwargs={"meeting_id": old_meeting.pk})
    response = client_for(coordinator).post(url, date_post(NEW_DAY))
    assert response.status_code == 302
    old_meeting.refresh_from_db()
    assert old_meeting.held_on == CHRISTMAS_EVE


# --- The warning ---------------------------------------------------------------------------------


def test_a_meeting_on_christmas_day_is_flagged_with_a_move_link(client_for, coordinator, police_rep, police_agency):
    christmas = make_meeting(held_on=CHRISTMAS_DAY, kind=MeetingKind.REGULAR, agencies=[police_agency])
    move = reverse("marac:meeting-move", kwargs={"meeting_id": christmas.pk})
    for url in (reverse("marac:meetings"), reverse("marac:meeting", kwargs={"meeting_id": christmas.pk})):
        page = page_of(client_for(coordinator).get(url))
        assert CLOSURE_WARNING in page and "govuk-warning-text" in page
        assert move in page
        rep_page = page_of(client_for(police_rep).get(url))
        assert CLOSURE_WARNING in rep_page
        assert move not in rep_page


def test_a_meeting_on_easter_monday_is_flagged_as_a_bank_holiday(client_for, coordinator):
    easter = make_meeting(held_on=EASTER_MONDAY, kind=MeetingKind.REGULAR)
    page = page_of(client_for(coordinator).get(reverse("marac:meeting", kwargs={"meeting_id": easter.pk})))
    assert BANK_HOLIDAY_WARNING in page and "govuk-warning-text" in page


def test_a_meeting_on_an_ordinary_thursday_is_not_flagged(client_for, coordinator):
    ordinary = make_meeting(held_on=THURSDAY, kind=MeetingKind.REGULAR)
    for url in (reverse("marac:meetings"), reverse("marac:meeting", kwargs={"meeting_id": ordinary.pk})):
        page = page_of(client_for(coordinator).get(url))
        assert "govuk-warning-text" not in page
        assert CLOSURE_WARNING not in page and BANK_HOLIDAY_WARNING not in page
