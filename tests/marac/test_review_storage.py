"""Research belongs to the meeting it was written for, and free text is encrypted at rest
(issue 5 review, items 2 and 5)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case
from waymark.incidents.models import Incident
from waymark.marac.meetings.access import research_visible_to
from waymark.marac.meetings.actions import agenda_add, agenda_remove, research_record
from waymark.marac.models import FlagAlert, MaracAction, MaracCase, MaracCaseStatus, Research

pytestmark = pytest.mark.django_db
SECRET_A = "Canary-research-for-meeting-A"


@pytest.fixture
def moved(coordinator, police_rep, police_agency, meeting, other_meeting):
    """Research recorded for a case at ``meeting`` (A); the case is then taken off A and listed at B."""
    case = listed_case(meeting)
    research_record(
        actor=police_rep,
        meeting=meeting,
        marac_case=case,
        agency=police_agency,
        body=SECRET_A,
        no_information_held=False,
    )
    agenda_remove(actor=coordinator, meeting=meeting, marac_case=case)
    agenda_add(actor=coordinator, meeting=other_meeting, marac_case=case)
    case.refresh_from_db()
    return case


def test_research_recorded_for_a_meeting_is_not_visible_through_another(moved, police_rep, coordinator, other_meeting):
    assert not research_visible_to(police_rep, other_meeting).exists()
    assert not research_visible_to(coordinator, other_meeting).exists()


def test_the_other_meetings_research_page_does_not_show_it(moved, client_for, police_rep, other_meeting):
    url = reverse("marac:research", kwargs={"meeting_id": other_meeting.pk, "case_id": moved.pk})
    body = client_for(police_rep).get(url).content.decode()
    assert SECRET_A not in body


def test_research_at_the_new_meeting_is_a_new_entry(moved, police_rep, police_agency, meeting, other_meeting):
    research_record(
        actor=police_rep,
        meeting=other_meeting,
        marac_case=moved,
        agency=police_agency,
        body="Canary-for-B",
        no_information_held=False,
    )
    assert Research.objects.get(meeting=meeting).body == SECRET_A  # A's record is kept, for A
    assert [r.body for r in research_visible_to(police_rep, other_meeting)] == ["Canary-for-B"]


def test_research_is_recorded_against_its_meeting(police_rep, police_agency, meeting):
    case = listed_case(meeting)
    entry = research_record(
        actor=police_rep, meeting=meeting, marac_case=case, agency=police_agency, body="x", no_information_held=False
    )
    assert entry.meeting_id == meeting.pk


# --- Free text encrypted at rest ----------------------------------------------------------


def raw(model, field, pk):
    table, column = model._meta.db_table, model._meta.get_field(field).column
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk])
        return cursor.fetchone()[0]


def test_decision_reason_is_encrypted(meeting):
    case = listed_case(meeting)
    MaracCase.objects.filter(pk=case.pk)  # the ORM writes through the field
    case.status, case.decision_reason = MaracCaseStatus.NOT_ACCEPTED, "Canary-decision"
    case.save()
    assert "Canary" not in raw(MaracCase, "decision_reason", case.pk)
    case.refresh_from_db()
    assert case.decision_reason == "Canary-decision"


def test_action_status_note_is_encrypted(meeting, police_agency):
    case = listed_case(meeting)
    action = MaracAction.objects.create(
        marac_case=case,
        agreed_at=meeting,
        description="d",
        owner_agency=police_agency,
        due_on=meeting.held_on,
        status_note="Canary-note",
    )
    assert "Canary" not in raw(MaracAction, "status_note", action.pk)


def test_flag_resolution_note_is_encrypted(meeting):
    case = listed_case(meeting)
    incident = Incident.objects.create(victim=case.victim, occurred_on=dt.date(2025, 1, 1))
    flag = FlagAlert.objects.create(
        incident=incident, earlier_case=case, raised_at=timezone.now(), resolution_note="Canary-resolution"
    )
    assert "Canary" not in raw(FlagAlert, "resolution_note", flag.pk)
