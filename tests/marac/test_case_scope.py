"""One spelling for the MARAC case scope: ``MaracCase.objects.visible_to(user)``, and the meeting
pages fetch their case through the object check (``get_for_user``), never by id alone."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import ImproperlyConfigured
from django.http import Http404
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import accepted_case, listed_case
from waymark.audit.models import AuditAction, AuditEvent
from waymark.audit.scoping import get_for_user
from waymark.marac.meetings.access import get_meeting_case_for_user
from waymark.marac.models import MaracCase

pytestmark = pytest.mark.django_db


def test_the_coordinator_sees_every_case(coordinator, meeting):
    on_agenda, waiting = listed_case(meeting), accepted_case()
    assert set(MaracCase.objects.visible_to(coordinator)) == {on_agenda, waiting}


def test_a_representative_sees_only_the_cases_of_meetings_they_take_part_in(
    police_rep, probation_rep, meeting, other_meeting
):
    here, there, waiting = listed_case(meeting), listed_case(other_meeting), accepted_case()
    # The police are invited to both meetings: both agendas, never a referral still waiting.
    assert set(MaracCase.objects.visible_to(police_rep)) == {here, there}
    assert waiting not in MaracCase.objects.visible_to(police_rep)
    # Probation is invited to neither: no case at all.
    assert not MaracCase.objects.visible_to(probation_rep).exists()


def test_nobody_signed_in_sees_nothing(meeting):
    listed_case(meeting)
    assert not MaracCase.objects.visible_to(AnonymousUser()).exists()


def test_the_object_check_refuses_a_queryset_that_is_not_the_users_scope(coordinator, meeting):
    case = listed_case(meeting)
    with pytest.raises(ImproperlyConfigured):
        get_for_user(MaracCase.objects.all(), case.pk, actor=coordinator)


def test_a_case_on_another_meetings_agenda_is_not_found_through_this_meeting(coordinator, meeting, other_meeting):
    elsewhere = listed_case(other_meeting)
    with pytest.raises(Http404):
        get_meeting_case_for_user(coordinator, meeting, elsewhere.pk, page="test")
    with pytest.raises(Http404):
        get_meeting_case_for_user(coordinator, meeting, "not-an-id", page="test")


def test_the_meeting_case_page_writes_one_view_row_from_the_object_check(client_for, coordinator, meeting):
    case = listed_case(meeting)
    response = client_for(coordinator).get(
        reverse("marac:meeting-case", kwargs={"meeting_id": meeting.pk, "case_id": case.pk})
    )
    assert response.status_code == 200
    rows = AuditEvent.objects.filter(action=AuditAction.VIEW, object_id=str(case.pk))
    assert rows.count() == 1
    assert rows.get().detail["page"] == "meeting mode: case"


def test_adding_an_unknown_referral_to_the_agenda_is_a_404(client_for, coordinator, meeting):
    response = client_for(coordinator).post(
        reverse("marac:agenda-add", kwargs={"meeting_id": meeting.pk}), {"case": "00000000-0000-0000-0000-000000000000"}
    )
    assert response.status_code == 404
