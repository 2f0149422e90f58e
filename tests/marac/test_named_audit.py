"""Every MARAC meeting page that names victims or people causing harm writes a VIEW row on each
person it names, as the minutes on screen do (``waymark.marac.named``), so that her "Who has viewed
this record" page and a subject access request list everyone who saw her name (``reads_of``): the
meeting's page, agenda building, meeting mode, the list of the agenda on a meeting-case page and
the actions. Nobody the page does not show gets a row, and the page's statements do not grow with
its cases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import accepted_case, in_days, listed_case, make_meeting, open_on_its_day
from tests.people.factories import PersonFactory
from waymark.audit.chain import verify_chain
from waymark.audit.models import AuditAction, AuditEvent
from waymark.dataprotection.selectors import reads_of
from waymark.marac.models import MaracAction
from waymark.people.choices import PersonRole

pytestmark = pytest.mark.django_db

FIXED_NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def fixed_clock():
    """Every test at one instant: the fixtures' meeting dates and the rows' times alike."""
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


def harmer():
    return PersonFactory(primary_role=PersonRole.PERSON_CAUSING_HARM)


def with_pair(meeting):
    return listed_case(meeting, perpetrator=harmer())


def action_on(case, agency):
    return MaracAction.objects.create(
        marac_case=case, agreed_at=case.meeting, description="Canary-action", owner_agency=agency, due_on=in_days(3)
    )


def last_sequence() -> int:
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def person_rows(after: int, viewer) -> dict[str, AuditEvent]:
    rows = AuditEvent.objects.filter(sequence__gt=after, object_type="people.person")
    assert all(row.actor == viewer and row.action == AuditAction.VIEW for row in rows)
    by_person = {row.object_id: row for row in rows}
    assert len(by_person) == rows.count(), "a person named twice on a page gets one row"
    return by_person


def counts(viewer, person_id) -> bool:
    return reads_of(person_id).filter(actor=viewer).exists()


class World:
    """A meeting with three cases (two with a person causing harm known), a referral awaiting a
    meeting, and another meeting's case: who each page shows, and who it does not."""

    def __init__(self, meeting, other_meeting, police_agency):
        self.meeting = meeting
        self.first, self.second = with_pair(meeting), with_pair(meeting)
        self.alone = listed_case(meeting)
        self.waiting = accepted_case(perpetrator=harmer())
        self.elsewhere = with_pair(other_meeting)
        self.actions = [action_on(case, police_agency) for case in (self.first, self.alone)]
        self.elsewhere_action = action_on(self.elsewhere, police_agency)
        self.listed = [self.first, self.second, self.alone]

    def victims(self, cases):
        return {case.victim_id for case in cases}

    def harmers(self, cases):
        return {case.perpetrator_id for case in cases if case.perpetrator_id}


@pytest.fixture
def world(meeting, other_meeting, police_agency):
    return World(meeting, other_meeting, police_agency)


def meeting_url(name, world, **extra):
    return reverse(f"marac:{name}", kwargs={"meeting_id": world.meeting.pk, **extra})


def test_the_meeting_page_writes_a_row_on_each_victim_and_person_causing_harm(client_for, police_rep, world):
    before = last_sequence()
    page = client_for(police_rep).get(meeting_url("meeting", world))
    assert page.status_code == 200
    shown = world.victims(world.listed) | world.harmers(world.listed)
    assert str(world.first.perpetrator) in page.content.decode()

    rows = person_rows(before, police_rep)
    assert set(rows) == {str(pk) for pk in shown}
    assert {tuple(sorted(row.detail.items())) for row in rows.values()} == {
        (("meeting", str(world.meeting.pk)), ("page", "meeting"))
    }
    meeting_row = AuditEvent.objects.get(sequence__gt=before, object_type="marac.maracmeeting")
    assert all(row.request_id == meeting_row.request_id for row in rows.values())
    for person_id in shown:
        assert counts(police_rep, person_id)
    for person_id in world.victims([world.elsewhere, world.waiting]) | world.harmers([world.elsewhere]):
        assert not counts(police_rep, person_id)
    assert verify_chain().problem is None


def test_agenda_building_writes_a_row_on_each_victim_listed_or_awaiting(client_for, coordinator, world):
    before = last_sequence()
    page = client_for(coordinator).get(meeting_url("agenda", world))
    assert page.status_code == 200
    shown = world.victims([*world.listed, world.waiting])
    assert str(world.waiting.victim) in page.content.decode()

    rows = person_rows(before, coordinator)
    assert set(rows) == {str(pk) for pk in shown}
    assert all(row.detail == {"page": "agenda building", "meeting": str(world.meeting.pk)} for row in rows.values())
    for person_id in shown:
        assert counts(coordinator, person_id)
    # The page names victims only; and another meeting's case is not on it.
    not_shown = world.harmers([*world.listed, world.waiting]) | world.victims([world.elsewhere])
    for person_id in not_shown:
        assert not counts(coordinator, person_id)


def test_meeting_mode_writes_a_row_on_each_victim_on_the_agenda(client_for, coordinator, world):
    open_on_its_day(actor=coordinator, meeting=world.meeting)
    before = last_sequence()
    page = client_for(coordinator).get(meeting_url("meeting-run", world))
    assert page.status_code == 200
    shown = world.victims(world.listed)

    rows = person_rows(before, coordinator)
    assert set(rows) == {str(pk) for pk in shown}
    assert all(row.detail == {"page": "meeting mode", "meeting": str(world.meeting.pk)} for row in rows.values())
    for person_id in shown:
        assert counts(coordinator, person_id)
    for person_id in world.harmers(world.listed) | world.victims([world.elsewhere, world.waiting]):
        assert not counts(coordinator, person_id)


def test_meeting_mode_before_the_meeting_is_open_shows_nobody_and_writes_no_row(client_for, coordinator, world):
    before = last_sequence()
    assert client_for(coordinator).get(meeting_url("meeting-run", world)).status_code == 302
    assert not person_rows(before, coordinator)


def test_a_meeting_case_page_writes_a_row_on_each_victim_in_its_list_of_the_agenda(client_for, coordinator, world):
    """Her own case is counted through its row (the object check's): she is not written twice,
    so her access log counts one read for one page."""
    open_on_its_day(actor=coordinator, meeting=world.meeting)
    before = last_sequence()
    page = client_for(coordinator).get(meeting_url("meeting-case", world, case_id=world.first.pk))
    assert page.status_code == 200
    listed_victims = world.victims(world.listed)
    for case in world.listed:
        assert str(case.victim) in page.content.decode()

    rows = person_rows(before, coordinator)
    assert set(rows) == {str(pk) for pk in listed_victims - {world.first.victim_id}}
    assert all(row.detail == {"page": "meeting mode: case", "meeting": str(world.meeting.pk)} for row in rows.values())
    for person_id in listed_victims:
        assert reads_of(person_id).filter(actor=coordinator).count() == 1
    for person_id in world.harmers([world.second]) | world.victims([world.elsewhere, world.waiting]):
        assert not counts(coordinator, person_id)


@pytest.mark.parametrize("persona", ["coordinator", "police_rep", "housing_rep"])
def test_the_actions_page_writes_a_row_on_the_victim_of_each_action_shown(client_for, world, persona, request):
    """The coordinator sees every action, the police representative the police's (all of them
    here), the housing representative none: nobody the page does not show gets a row."""
    viewer = request.getfixturevalue(persona)
    before = last_sequence()
    page = client_for(viewer).get(reverse("marac:actions"))
    assert page.status_code == 200
    shown = world.victims([world.first, world.alone, world.elsewhere]) if persona != "housing_rep" else set()

    rows = person_rows(before, viewer)
    assert set(rows) == {str(pk) for pk in shown}
    assert all(row.detail == {"page": "actions"} for row in rows.values())
    for person_id in shown:
        assert str(person_id) in rows and counts(viewer, person_id)
    for person_id in world.victims([world.second, world.waiting]) | world.harmers(world.listed):
        assert not counts(viewer, person_id)


# --- The same statements whatever the number of cases -----------------------------------------------------


def _get(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    statements = [query["sql"] for query in captured.captured_queries]
    person_inserts = [sql for sql in statements if sql.startswith('INSERT INTO "audit_auditevent"')]
    return len(statements), len(person_inserts)


def _meetings(police_agency, housing_agency, coordinator, *, sizes=(2, 6)):
    made = []
    for size in sizes:
        meeting = make_meeting(agencies=[police_agency, housing_agency])
        cases = [with_pair(meeting) for _ in range(size)]
        for case in cases:
            action_on(case, police_agency)
        made.append((meeting, cases))
    return made


@pytest.mark.parametrize("name", ["meeting", "agenda", "meeting-run", "meeting-case"])
def test_meeting_pages_take_the_same_statements_however_many_cases(
    client_for, coordinator, police_agency, housing_agency, name
):
    made = _meetings(police_agency, housing_agency, coordinator)
    for meeting, _ in made:
        if name in ("meeting-run", "meeting-case"):
            open_on_its_day(actor=coordinator, meeting=meeting)
    client = client_for(coordinator)

    def url(meeting, cases):
        extra = {"case_id": cases[0].pk} if name == "meeting-case" else {}
        return reverse(f"marac:{name}", kwargs={"meeting_id": meeting.pk, **extra})

    _get(client, url(*made[0]))  # the first request of a session reads what later ones have cached
    small, large = (_get(client, url(*pair)) for pair in made)
    assert small == large, "a statement per case or per person crept into the page"
    # The page's own rows (the meeting's; a meeting-case page's also its case's), then every person's at once.
    assert small[1] == (3 if name == "meeting-case" else 2)


def test_the_actions_page_takes_the_same_statements_however_many_actions(
    client_for, coordinator, police_agency, housing_agency
):
    client = client_for(coordinator)
    _meetings(police_agency, housing_agency, coordinator, sizes=(2,))
    _get(client, reverse("marac:actions"))
    few = _get(client, reverse("marac:actions"))
    _meetings(police_agency, housing_agency, coordinator, sizes=(6,))
    many = _get(client, reverse("marac:actions"))
    assert few == many and few[1] == 2
    assert (
        AuditEvent.objects.filter(object_type="people.person", detail__page="actions", sequence__gt=0)
        .values("object_id")
        .distinct()
        .count()
        == 8
    )
