"""MARAC representatives are reminded of their agency's actions falling due (counts only)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case
from waymark.marac.models import ActionStatus, MaracAction
from waymark.operations.reminders import reminder_items

pytestmark = pytest.mark.django_db


def test_representative_counts_their_agencys_open_actions_due_and_overdue(police_rep, police_agency, meeting):
    case = listed_case(meeting)
    day = meeting.held_on
    for due_on, status in [
        (day - timedelta(days=2), ActionStatus.OPEN),
        (day + timedelta(days=3), ActionStatus.OPEN),
        (day + timedelta(days=7), ActionStatus.OPEN),
        (day + timedelta(days=8), ActionStatus.OPEN),  # beyond the week
        (day - timedelta(days=9), ActionStatus.DONE),  # done: not due
    ]:
        MaracAction.objects.create(
            marac_case=case,
            agreed_at=meeting,
            description="x",
            owner_agency=police_agency,
            due_on=due_on,
            status=status,
        )
    items = {item.label: item.count for item in reminder_items(police_rep, day)}
    assert items == {"MARAC actions overdue": 1, "MARAC actions due in the next 7 days": 2}


def test_another_agencys_representative_is_not_counted_in(probation_rep, police_agency, meeting):
    case = listed_case(meeting)
    MaracAction.objects.create(
        marac_case=case, agreed_at=meeting, description="x", owner_agency=police_agency, due_on=meeting.held_on
    )
    assert reminder_items(probation_rep, meeting.held_on) == []
