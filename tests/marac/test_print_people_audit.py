"""The agenda and minutes name every case's victim and person causing harm: reading them (in print or
on screen) writes, besides the meeting's row, one row on each person named, in the same
transaction, so that her "Who has viewed this record" page lists the reader (found by a security
probe: a police representative printed a 16-case agenda and the trail named nobody on it)."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case, make_meeting
from tests.people.factories import PersonFactory
from waymark.audit.chain import verify_chain
from waymark.audit.models import AuditAction, AuditEvent
from waymark.marac import named
from waymark.people.choices import PersonRole

pytestmark = pytest.mark.django_db

FIXED_NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))
PAGES = [
    ("agenda-print", AuditAction.PRINT, {"document": "agenda"}),
    ("minutes-print", AuditAction.PRINT, {"document": "minutes"}),
    ("minutes", AuditAction.VIEW, {"page": "minutes"}),
]


@pytest.fixture(autouse=True)
def fixed_clock():
    """Every test at one instant: the fixtures' meeting dates and the rows' times alike."""
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


def harmer(**fields):
    return PersonFactory(primary_role=PersonRole.PERSON_CAUSING_HARM, **fields)


def with_pair(meeting):
    """A case on the agenda, with its victim and a person causing harm."""
    return listed_case(meeting, perpetrator=harmer())


def url(name, meeting):
    return reverse(f"marac:{name}", kwargs={"meeting_id": meeting.pk})


@pytest.mark.parametrize(("name", "action", "said"), PAGES)
def test_each_person_named_gets_a_row_of_their_own_with_the_meeting_row(
    client_for, police_rep, meeting, name, action, said
):
    first, second = with_pair(meeting), with_pair(meeting)
    alone = listed_case(meeting)  # no person causing harm known
    again = listed_case(meeting, perpetrator=first.perpetrator)  # he harmed two people on this agenda
    client = client_for(police_rep)
    before = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0

    assert client.get(url(name, meeting)).status_code == 200

    rows = list(AuditEvent.objects.filter(sequence__gt=before).order_by("sequence"))
    assert (rows[0].object_type, rows[0].object_id, rows[0].action) == (
        "marac.maracmeeting",
        str(meeting.pk),
        action,
    )
    named = [case.victim_id for case in (first, second, alone, again)] + [first.perpetrator_id, second.perpetrator_id]
    people = rows[1:]
    assert sorted(row.object_id for row in people) == sorted(str(pk) for pk in named)  # each once
    for row in people:
        assert row.object_type == "people.person"
        assert row.action == action
        assert row.actor == police_rep
        assert row.detail == {**said, "meeting": str(meeting.pk)}  # which document, never its contents
        assert row.request_id == rows[0].request_id
    assert verify_chain().problem is None


def test_a_failed_row_for_a_person_takes_the_meetings_row_with_it(client_for, police_rep, meeting, monkeypatch):
    """One transaction: a print whose row for a person cannot be written leaves no trace of itself
    (and shows nothing), rather than a print recorded without the people it named."""
    with_pair(meeting)
    written = named.audit_records

    def fails_for_a_person(**kwargs):
        if any(object_type == "people.person" for object_type, _ in kwargs.get("records", [])):
            raise RuntimeError("the audit trail refused the row")
        return written(**kwargs)

    monkeypatch.setattr(named, "audit_records", fails_for_a_person)
    with pytest.raises(RuntimeError):
        client_for(police_rep).get(url("agenda-print", meeting))
    assert not AuditEvent.objects.filter(action=AuditAction.PRINT).exists()


def _printing(client, meeting):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url("agenda-print", meeting)).status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    return statements, [sql for sql in statements if sql.startswith('INSERT INTO "audit_auditevent"')]


def test_printing_takes_the_same_queries_however_many_cases_the_agenda_holds(
    client_for, police_rep, police_agency, housing_agency
):
    small = make_meeting(agencies=[police_agency, housing_agency])
    large = make_meeting(agencies=[police_agency, housing_agency])
    for _ in range(2):
        with_pair(small)
    for _ in range(6):
        with_pair(large)
    client = client_for(police_rep)
    _printing(client, small)  # the first request of a session reads what later ones have cached

    small_queries, small_inserts = _printing(client, small)
    large_queries, large_inserts = _printing(client, large)

    assert len(large_queries) == len(small_queries), "a query per case or per person crept into the print"
    assert len(small_inserts) == len(large_inserts) == 2  # the meeting's row; then every person's, at once
    assert AuditEvent.objects.filter(object_type="people.person", action=AuditAction.PRINT).count() == 2 * (2 + 2 + 6)
