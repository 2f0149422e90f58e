"""The commissioner's pages and reports make the same number of queries whatever the number of
records: the MARAC reports page (performance and the quarterly return), the board pack (built,
viewed, downloaded), the provision map and the needs figures. The outcome pages have theirs in
tests/outcomes/test_views.py and the dashboard's splits in test_splits.py."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.outcomes.factories import make_assessment, make_case, make_measure
from waymark.commissioning.models import BoardPack
from waymark.commissioning.needs import needs_by_group, needs_rows
from waymark.marac.models import MaracCase, MaracCaseStatus, MaracMeeting
from waymark.people.models import Person

pytestmark = pytest.mark.django_db
TODAY = date(2026, 12, 2)


@pytest.fixture(autouse=True)
def pinned():
    with time_machine.travel(TODAY, tick=False):
        yield


def add_records(agency, count, offset):
    """``count`` cases over the last two years with every record a figure reads, and MARAC cases
    heard at this year's meetings (some repeats)."""
    meetings = [
        MaracMeeting.objects.get_or_create(ref=f"M-{day}", held_on=day)[0]
        for day in (date(2026, 5, 7), date(2026, 8, 6), date(2025, 11, 6))
    ]
    for index in range(count):
        day = TODAY - timedelta(days=20 + 37 * ((index + offset) % 18))
        case = make_case(agency=agency, referred_on=day, engaged_on=day, first_contact_on=day, allocated_on=day)
        make_assessment(case.person, day, "high")
        make_assessment(case.person, day + timedelta(days=20), "medium")
        make_measure(case, "intake", day, physical="weekly", feeling_safe=2)
        make_measure(case, "exit", day + timedelta(days=30), physical="none", feeling_safe=4)
        perpetrator = Person.objects.create(ref=f"P{index + offset}")
        for number, meeting in enumerate(meetings[: 1 + index % 3]):
            MaracCase.objects.create(
                ref=f"MC-{index + offset}-{number}",
                meeting=meeting,
                victim=case.person,
                perpetrator=perpetrator,
                referred_on=meeting.held_on - timedelta(days=10),
                status=MaracCaseStatus.HEARD,
            )


def test_commissioner_pages_make_the_same_queries_at_two_data_sizes(client_for, commissioner, specialist_agency):
    client = client_for(commissioner)
    client.post(reverse("commissioning:board_packs"), {"year": 2026, "quarter": 2})
    pack = BoardPack.objects.get()
    pages = [
        (reverse("marac:reports"), {}),
        (reverse("marac:reports"), {"year": 2025, "quarter": 3}),
        (reverse("commissioning:board_packs"), {}),
        (reverse("commissioning:board_pack", args=[pack.pk]), {}),
        (reverse("commissioning:board_pack_download", args=[pack.pk]), {}),
        (reverse("commissioning:provision"), {}),
        (reverse("api:commissioning-needs"), {"from_year": 2024, "to_year": 2026}),
    ]
    for url, params in pages:
        client.get(url, params)  # sessions and the like, once

    def counts():
        found = {}
        for url, params in pages:
            with CaptureQueriesContext(connection) as captured:
                assert client.get(url, params).status_code == 200, url
            found[url + str(params)] = len(captured)
        with CaptureQueriesContext(connection) as captured:
            assert client.post(reverse("commissioning:board_packs"), {"year": 2026, "quarter": 2}).status_code == 302
        found["generate a board pack"] = len(captured)
        with CaptureQueriesContext(connection) as captured:
            needs_rows(2013, 2026)
            needs_by_group(2013, 2026, "age")
        found["needs"] = len(captured)
        return found

    add_records(specialist_agency, 2, 0)
    small = counts()
    add_records(specialist_agency, 24, 2)
    assert MaracCase.objects.count() > 30
    assert counts() == small
