"""The coordinator's referral pages that name victims or people causing harm write a VIEW row on
each person they name (``waymark.marac.named``, as the minutes on screen do), so that "Who has
viewed this record" and a subject access request list the reader (``reads_of``): the triage queue,
flag and tag, the repeat-referral form from an alert, and the people a referral's page offers as
known to MARAC. Nobody the page does not show gets a row."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.marac.test_referral_fixtures import *  # noqa: F403 (fixtures)
from tests.marac.test_referral_fixtures import earlier_referral
from waymark.audit.models import AuditAction, AuditEvent
from waymark.dataprotection.selectors import reads_of
from waymark.incidents.actions import incident_record
from waymark.marac.models import FlagAlert, MaracCase, MaracCaseStatus
from waymark.people.models import Person

pytestmark = pytest.mark.django_db

FIXED_NOW = dt.datetime(2026, 11, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))


@pytest.fixture(autouse=True)
def fixed_clock():
    with time_machine.travel(FIXED_NOW, tick=False):
        yield


def last_sequence() -> int:
    return AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0


def person_rows(after: int, viewer) -> dict[str, AuditEvent]:
    rows = AuditEvent.objects.filter(sequence__gt=after, object_type="people.person")
    assert all(row.actor == viewer and row.action == AuditAction.VIEW for row in rows)
    by_person = {row.object_id: row for row in rows}
    assert len(by_person) == rows.count(), "a person named twice on a page gets one row"
    return by_person


def counts(viewer, person) -> bool:
    return reads_of(person.pk).filter(actor=viewer).exists()


def pair(number):
    victim = Person.objects.create(given_name="Queued", family_name=f"Victim{number}")
    harm = Person.objects.create(given_name="Queued", family_name=f"Harmer{number}", primary_role="person_causing_harm")
    return victim, harm


def referred(number, status=MaracCaseStatus.REFERRED):
    victim, harm = pair(number)
    return earlier_referral(victim, harm, dt.date(2026, 11, 20), status=status)


def test_the_triage_queue_writes_a_row_on_each_victim_it_lists(client_for, coordinator):
    waiting = [referred(n) for n in range(3)]
    heard = referred(9, status=MaracCaseStatus.NOT_ACCEPTED)  # not on the "awaiting" list
    before = last_sequence()
    page = client_for(coordinator).get(reverse("marac:referrals"))
    assert page.status_code == 200
    assert str(waiting[0].victim) in page.content.decode()

    rows = person_rows(before, coordinator)
    assert set(rows) == {str(case.victim_id) for case in waiting}
    assert all(row.detail == {"page": "MARAC triage queue"} for row in rows.values())
    for case in waiting:
        assert counts(coordinator, case.victim)
        assert not counts(coordinator, case.perpetrator)  # the queue names victims only
    assert not counts(coordinator, heard.victim)


def test_the_triage_queue_takes_the_same_statements_however_many_referrals(client_for, coordinator):
    client = client_for(coordinator)

    def statements():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("marac:referrals")).status_code == 200
        sql = [query["sql"] for query in captured.captured_queries]
        return len(sql), len([s for s in sql if s.startswith('INSERT INTO "audit_auditevent"')])

    referred(100)
    statements()
    few = statements()
    for n in range(101, 106):
        referred(n)
    assert statements() == few and few[1] == 2


@pytest.fixture
def flagged(victim, harm):
    earlier = earlier_referral(victim, harm, dt.date(2026, 6, 1))
    incident_record(actor=None, victim=victim, perpetrator=harm, occurred_on=dt.date(2026, 11, 1))
    return FlagAlert.objects.get(earlier_case=earlier)


def test_flag_and_tag_writes_a_row_on_each_victim_and_person_causing_harm(client_for, coordinator, flagged):
    unrelated = referred(50)
    before = last_sequence()
    page = client_for(coordinator).get(reverse("marac:flags"))
    assert page.status_code == 200
    case = flagged.earlier_case
    assert f"{case.victim} and {case.perpetrator}" in page.content.decode()

    rows = person_rows(before, coordinator)
    assert set(rows) == {str(case.victim_id), str(case.perpetrator_id)}
    assert all(row.detail == {"page": "MARAC flag and tag"} for row in rows.values())
    assert counts(coordinator, case.victim) and counts(coordinator, case.perpetrator)
    assert not counts(coordinator, unrelated.victim) and not counts(coordinator, unrelated.perpetrator)


def test_the_repeat_referral_form_from_an_alert_writes_a_row_on_the_pair_it_names(client_for, coordinator, flagged):
    before = last_sequence()
    page = client_for(coordinator).get(reverse("marac:refer") + f"?flag={flagged.pk}")
    assert page.status_code == 200
    case = flagged.earlier_case
    rows = person_rows(before, coordinator)
    assert set(rows) == {str(case.victim_id), str(case.perpetrator_id)}
    assert all(row.detail == {"page": "MARAC referral form"} for row in rows.values())
    assert counts(coordinator, case.victim) and counts(coordinator, case.perpetrator)


def test_the_people_offered_as_known_to_marac_get_a_row_each(client_for, coordinator, specialist_agency):
    """The referral's victim is counted through the case's own row; each namesake offered as perhaps
    the same person is named on the page and gets a row; someone with another name does not."""
    new_victim, new_harm = pair(1)
    new = earlier_referral(new_victim, new_harm, dt.date(2026, 11, 20), status=MaracCaseStatus.REFERRED)
    namesakes = [
        Person.objects.create(held_by=specialist_agency, given_name=new_victim.given_name, family_name="Victim1")
        for _ in range(2)
    ]
    other = Person.objects.create(held_by=specialist_agency, given_name="Someone", family_name="Else")
    for person in [*namesakes, other]:
        earlier_referral(person, None, dt.date(2025, 3, 1))
    before = last_sequence()
    page = client_for(coordinator).get(reverse("marac:referral", args=[new.pk]))
    assert page.status_code == 200
    assert 'id="known-victim"' in page.content.decode()

    rows = person_rows(before, coordinator)
    assert set(rows) == {str(person.pk) for person in namesakes}
    assert all(row.detail == {"page": "MARAC triage"} for row in rows.values())
    for person in namesakes:
        assert counts(coordinator, person)
    assert reads_of(new_victim.pk).filter(actor=coordinator).count() == 1  # the case's row, once
    assert not counts(coordinator, other)
    assert MaracCase.objects.filter(victim=other).exists()
