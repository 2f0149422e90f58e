"""The reason for cancelling a MARAC meeting is the audit row's justification, kept in the hash
chain after the cases listed at it are disposed of: a postcode, phone number or street address in
it is refused, and the meeting, its cases and the trail are left as they were
(``waymark.core.keptreasons``). The "same person" reason is covered in ``test_referrals.py``."""

from __future__ import annotations

import datetime as dt
from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from tests.clock import on_day
from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case, make_meeting
from waymark.audit.models import AuditAction, AuditEvent, Justification
from waymark.core.keptreasons import HINT
from waymark.marac.meetings.actions import meeting_cancel
from waymark.marac.models import MaracCaseStatus, MeetingKind, MeetingStatus

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 1)
MEETING_DAY = dt.date(2026, 12, 10)


@pytest.fixture(autouse=True)
def fixed_day():
    with on_day(TODAY):
        yield


@pytest.fixture
def meeting(police_agency, housing_agency):
    return make_meeting(
        held_on=MEETING_DAY, kind=MeetingKind.REGULAR, agencies=[police_agency, housing_agency], venue="Civic Centre"
    )


def _left_alone(meeting, case, version):
    meeting.refresh_from_db()
    case.refresh_from_db()
    assert meeting.status == MeetingStatus.SCHEDULED
    assert (case.meeting_id, case.status, case.version) == (meeting.pk, MaracCaseStatus.LISTED, version)
    assert not AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id__in=[str(meeting.pk), str(case.pk)])
    assert not Justification.objects.exists()


@pytest.mark.parametrize(
    "reason",
    [
        "The victim on case 2 has moved to CF9 7ZQ and cannot attend",
        "Chair unwell; ring her on 07700 900461 to rearrange",
        "Room lost; the only case is at 17 Canarywood Close now",
    ],
)
def test_a_locating_cancellation_reason_is_refused_and_nothing_is_saved(coordinator, meeting, reason):
    case = listed_case(meeting)
    version, trail = case.version, AuditEvent.objects.count()
    with pytest.raises(ValidationError) as refused:
        meeting_cancel(actor=coordinator, meeting=meeting, reason=reason)
    (message,) = refused.value.message_dict["reason"]
    assert message.startswith("The reason must not include a")
    assert reason not in message
    _left_alone(meeting, case, version)
    assert AuditEvent.objects.count() == trail


def test_an_ordinary_cancellation_reason_still_cancels(coordinator, meeting):
    meeting_cancel(actor=coordinator, meeting=meeting, reason="The civic centre room is no longer available")
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CANCELLED
    assert Justification.objects.count() == 1


def test_the_cancel_page_shows_the_refusal_on_the_field_with_the_hint(client_for, coordinator, meeting):
    case = listed_case(meeting)
    version = case.version
    url = reverse("marac:meeting-cancel", kwargs={"meeting_id": meeting.pk})
    client = client_for(coordinator)
    assert HINT in unescape(client.get(url).content.decode())
    response = client.post(url, {"reason": "Chair unwell; ring her on 07700 900461"})
    assert response.status_code == 200
    assert response.context["form"].errors["reason"][0].startswith("The reason must not include a phone number")
    assert "The reason must not include a phone number" in unescape(response.content.decode())
    _left_alone(meeting, case, version)
