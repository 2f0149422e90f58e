"""The access log ("Who has viewed this record") lists everyone who read her through a page that
names her, not only those who opened her person record (found by a security probe: a police MARAC
representative printed the agenda, with her name, date of birth, the person causing harm and every
agency's research, and her service's page listed only her caseworker).

Her page counts the read rows (VIEW, PRINT, EXPORT) on her person record, which the MARAC agenda
and minutes now write for each person they name, and on the records about her as the person at
risk: the MARAC cases where she is the victim, her cases and the referrals about her."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.marac.meeting_fixtures import *  # noqa: F403
from tests.marac.meeting_fixtures import listed_case
from waymark.audit.models import AuditAction, AuditEvent

pytestmark = pytest.mark.django_db

LONDON = ZoneInfo("Europe/London")
MORNING = dt.datetime(2026, 11, 24, 9, 0, tzinfo=LONDON)
CASEWORKER_READS = dt.datetime(2026, 11, 24, 9, 30, tzinfo=LONDON)
POLICE_PRINTS = dt.datetime(2026, 11, 24, 11, 15, tzinfo=LONDON)
HER_SERVICE_LOOKS = dt.datetime(2026, 11, 24, 14, 0, tzinfo=LONDON)


@pytest.fixture(autouse=True)
def fixed_clock():
    """Every test from one instant (the fixtures' meeting dates included); each read at its own."""
    with time_machine.travel(MORNING, tick=False):
        yield


def access_log(person) -> str:
    return reverse("dataprotection:access_log", args=[person.pk])


def rows_by_name(response) -> dict[str, dict]:
    assert response.status_code == 200
    return {row["actor_label"]: row for row in response.context["rows"]}


def test_the_police_rep_who_printed_the_agenda_is_listed_for_her_service(
    client_for, idva, police_rep, victim, harmer, meeting
):
    """The probe's scenario: sixteen cases on the agenda, hers among them."""
    for _ in range(15):
        listed_case(meeting)
    listed_case(meeting, victim=victim, perpetrator=harmer)
    with time_machine.travel(CASEWORKER_READS, tick=False):
        assert client_for(idva).get(reverse("people:detail", args=[victim.pk])).status_code == 200
    with time_machine.travel(POLICE_PRINTS, tick=False):
        rep = client_for(police_rep)
        printed = rep.get(reverse("marac:agenda-print", kwargs={"meeting_id": meeting.pk}))
        assert printed.status_code == 200 and victim.full_name in printed.content.decode()
        # Reading her page is not the police representative's to do: who may open it is unchanged.
        assert rep.get(access_log(victim)).status_code == 403

    with time_machine.travel(HER_SERVICE_LOOKS, tick=False):
        response = client_for(idva).get(access_log(victim))
    rows = rows_by_name(response)
    assert list(rows) == [police_rep.full_name, idva.full_name]  # newest first, as before
    assert (rows[police_rep.full_name]["views"], rows[police_rep.full_name]["printed"]) == (1, 1)
    assert (rows[idva.full_name]["views"], rows[idva.full_name]["printed"]) == (1, 0)
    page = response.content.decode()
    assert "Southmere Police" in page
    assert "Printed or downloaded" in page
    assert "24 November 2026, 11:15" in page  # when he printed it
    # Her service's look at the page is recorded, as before.
    assert AuditEvent.objects.filter(
        action=AuditAction.VIEW, object_id=str(victim.pk), actor=idva, detail__section="access log"
    ).exists()


@pytest.mark.parametrize("name", ["agenda-print", "minutes-print", "minutes"])
def test_the_person_causing_harm_named_on_the_agenda_is_recorded_too(
    client_for, idva, police_rep, victim, harmer, meeting, name
):
    listed_case(meeting, victim=victim, perpetrator=harmer)
    with time_machine.travel(POLICE_PRINTS, tick=False):
        assert (
            client_for(police_rep).get(reverse(f"marac:{name}", kwargs={"meeting_id": meeting.pk})).status_code == 200
        )
    read = AuditEvent.objects.get(object_type="people.person", object_id=str(harmer.pk))
    assert (read.actor, read.detail["meeting"]) == (police_rep, str(meeting.pk))

    row = rows_by_name(client_for(idva).get(access_log(harmer)))[police_rep.full_name]
    assert row["views"] == 1
    assert row["printed"] == (0 if name == "minutes" else 1)


def test_reading_her_marac_case_lists_the_reader_on_her_page_not_on_his(
    client_for, idva, police_rep, victim, harmer, meeting
):
    """The research page audits the MARAC case it shows: a record about her, so her page counts it.
    His does not: a MARAC case or referral about her is read by the services supporting her."""
    marac_case = listed_case(meeting, victim=victim, perpetrator=harmer)
    with time_machine.travel(POLICE_PRINTS, tick=False):
        research = reverse("marac:research", kwargs={"meeting_id": meeting.pk, "case_id": marac_case.pk})
        assert client_for(police_rep).get(research).status_code == 200

    row = rows_by_name(client_for(idva).get(access_log(victim)))[police_rep.full_name]
    assert (row["views"], row["printed"]) == (1, 0)
    assert police_rep.full_name not in rows_by_name(client_for(idva).get(access_log(harmer)))


def test_her_case_and_the_referral_about_her_count_as_reads_of_her_in_constant_queries(
    world, client_for, idva, manager, victim, harmer
):
    """Her case file and the referral about her show her: opening them is reading her. The log
    finds those records in one query however many there are."""

    holder = client_for(idva)

    def log_of(person):
        with CaptureQueriesContext(connection) as captured:
            response = holder.get(access_log(person))
        return rows_by_name(response), len(captured.captured_queries)

    with time_machine.travel(CASEWORKER_READS, tick=False):
        client = client_for(manager)
        for person in (victim, harmer):
            assert client.get(reverse("people:detail", args=[person.pk])).status_code == 200
        assert client.get(reverse("cases:detail", args=[world["case"].pk])).status_code == 200
        assert client.get(reverse("referrals:detail", args=[world["referral"].pk])).status_code == 200

    log_of(victim)  # the first request of a session reads what later ones have cached
    his, queries_with_none = log_of(harmer)  # nothing about him as the person at risk

    hers, queries_with_three = log_of(victim)  # her referral, her case and her MARAC case
    assert hers[manager.full_name]["views"] == 3  # her person record, her case, the referral
    assert queries_with_three == queries_with_none
    # The referral names him as the person causing harm: that read is hers to see, not his holder's.
    assert his[manager.full_name]["views"] == 1  # his person record only
