"""The meeting pages compute repeats only for the victims on the agenda, and the reports page only
for its return's quarter (issue 5 review, item 7): the work does not grow with the whole history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from tests.factories import make_member
from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case
from waymark.core.roles import Role
from waymark.marac import repeats
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting, MeetingStatus
from waymark.people.models import Person

pytestmark = pytest.mark.django_db


@pytest.fixture
def spy(monkeypatch):
    """Records how many case rows each computation of the repeat rules was given."""
    calls: list[int] = []
    real = repeats.compute_repeats

    def counting(rows):
        rows = list(rows)
        calls.append(len(rows))
        return real(rows)

    monkeypatch.setattr(repeats, "compute_repeats", counting)
    return calls


def history(size: int) -> None:
    """``size`` heard cases of other victims, at a meeting two years ago."""
    old = MaracMeeting.objects.create(ref="OLD", held_on=dt.date(2024, 5, 2), status=MeetingStatus.HELD)
    for i in range(size):
        MaracCase.objects.create(
            ref=f"OLD-{i}",
            meeting=old,
            victim=Person.objects.create(ref=f"OLDV{i}"),
            referred_on=dt.date(2024, 4, 20),
            status=MaracCaseStatus.HEARD,
        )


@pytest.mark.parametrize("page", ["marac:meeting", "marac:agenda", "marac:research"])
def test_meeting_pages_compute_repeats_for_the_agenda_only(client_for, coordinator, meeting, spy, page):
    history(30)
    case = listed_case(meeting)
    kwargs = {"meeting_id": meeting.pk} | ({"case_id": case.pk} if page == "marac:research" else {})
    assert client_for(coordinator).get(reverse(page, kwargs=kwargs)).status_code == 200
    assert spy == [1]  # the one case on the agenda, not the 31 recorded


def test_the_reports_page_works_out_repeats_only_for_the_returns_quarter(client_for, spy):
    """The performance tables are counted in the database (``heard_tallies_between``); only the
    quarterly return works out repeats in Python, once, for its own quarter's cases."""
    history(5)  # heard on 2 May 2024: the first quarter of 2024/25
    commissioner = make_member(Role.COMMISSIONER)
    response = client_for(commissioner).get(reverse("marac:reports"), {"year": 2024, "quarter": 1})
    assert response.status_code == 200
    assert spy == [5]
    spy.clear()
    response = client_for(commissioner).get(reverse("marac:reports"), {"year": 2024, "quarter": 2})
    assert response.status_code == 200
    assert spy == [0]  # nothing heard that quarter: none of the history is read into Python
