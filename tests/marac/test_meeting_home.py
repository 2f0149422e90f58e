"""The MARAC meetings home panel: next meeting, agenda against capacity, research still to do, actions open."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case
from waymark.marac.meetings.actions import research_record
from waymark.marac.models import MaracAction

pytestmark = pytest.mark.django_db


def panel_text(client):
    body = client.get(reverse("home")).content.decode()
    start = body.index("MARAC meetings</h3>")
    return body[start : start + 3000]


def test_representative_sees_their_research_to_do_and_actions(client_for, police_rep, police_agency, meeting):
    first, second = listed_case(meeting), listed_case(meeting)
    research_record(
        actor=police_rep, meeting=meeting, marac_case=first, agency=police_agency, body="", no_information_held=True
    )
    MaracAction.objects.create(
        marac_case=first, agreed_at=meeting, description="x", owner_agency=police_agency, due_on=meeting.held_on
    )
    text = panel_text(client_for(police_rep))
    assert "2 of 16" in text
    assert "Research still to do</dt>" in text and '<dd class="govuk-summary-list__value">1</dd>' in text
    assert "Your agency&#x27;s open actions" in text
    assert second.victim.given_name not in text  # figures only


def test_coordinator_counts_every_invited_agencys_research(client_for, coordinator, meeting):
    listed_case(meeting)
    text = panel_text(client_for(coordinator))
    # One case, two agencies invited: two entries still to record.
    assert "Research still to do</dt>" in text and '<dd class="govuk-summary-list__value">2</dd>' in text


def test_no_meeting_scheduled(client_for, probation_rep, meeting):
    assert "None scheduled" in panel_text(client_for(probation_rep))
