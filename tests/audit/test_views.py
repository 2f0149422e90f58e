"""The auditor's pages: search, one event, CSV export. Reading the trail is audited too."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime

import pytest
import time_machine
from django.test import Client
from django.urls import reverse

from tests.audit.helpers import make_events, tamper
from tests.factories import AgencyFactory, make_member
from waymark.audit.actions import audit_record
from waymark.audit.models import AuditAction, AuditEvent, AuditOutcome
from waymark.core import request_context
from waymark.core.roles import Role

pytestmark = pytest.mark.django_db

SEARCH = reverse("audit:search")
EXPORT = reverse("audit:export")


def event_url(sequence: int) -> str:
    return reverse("audit:event", args=[sequence])


def in_request(request_id: str, ip: str, **kwargs) -> AuditEvent:
    token = request_context.set_current(request_context.RequestContext(request_id, ip))
    try:
        return audit_record(**kwargs)
    finally:
        request_context.reset_current(token)


def body(response) -> str:
    return b"".join(response.streaming_content).decode() if response.streaming else response.content.decode()


def listed(response) -> list[int]:
    return [event.sequence for event in response.context["page"]]


# --- Access matrix --------------------------------------------------------------------------


@pytest.mark.parametrize("url", [SEARCH, EXPORT, "event"])
def test_auditor_may_use_every_page(url, auditor, client_for):
    make_events(1)
    response = client_for(auditor).get(event_url(1) if url == "event" else url)
    assert response.status_code == 200


@pytest.mark.parametrize("persona", ["administrator", "idva", "manager", "police_referrer", "outsider"])
@pytest.mark.parametrize("url", [SEARCH, EXPORT, "event"])
def test_everyone_else_is_refused(url, persona, client_for, request):
    make_events(1)
    user = request.getfixturevalue(persona)
    response = client_for(user).get(event_url(1) if url == "event" else url)
    # Not an auditor: 403, the outsider (no role at all) included, as the access policy answers
    # for any role-restricted page.
    assert response.status_code == 403
    assert not AuditEvent.objects.filter(action__in=[AuditAction.SEARCH, AuditAction.EXPORT]).exists()


@pytest.mark.parametrize("url", [SEARCH, EXPORT, "event"])
def test_anonymous_is_sent_to_sign_in(url):
    make_events(1)
    response = Client().get(event_url(1) if url == "event" else url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_an_auditor_without_mfa_is_sent_to_set_it_up(client_for):
    auditor = make_member(Role.AUDITOR, mfa=False)
    response = client_for(auditor).get(SEARCH)
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_searching_the_trail_only_reads(auditor, client_for):
    assert client_for(auditor).post(SEARCH, {}).status_code == 405


# --- Search -----------------------------------------------------------------------------------


@pytest.fixture
def trail(idva, police_referrer):
    """A small trail: an IDVA views two people, a referrer is refused one, a failed sign-in."""
    return {
        "viewed": in_request(
            "req-idva-0001",
            "192.0.2.10",
            actor=idva,
            action=AuditAction.VIEW,
            object_type="people.person",
            object_id="p-1",
        ),
        "viewed_other": in_request(
            "req-idva-0002",
            "192.0.2.10",
            actor=idva,
            action=AuditAction.VIEW,
            object_type="people.person",
            object_id="p-2",
        ),
        "refused": in_request(
            "req-police-01",
            "198.51.100.7",
            actor=police_referrer,
            action=AuditAction.ACCESS_DENIED,
            object_type="people.person",
            object_id="p-1",
            outcome=AuditOutcome.DENIED,
        ),
        "failed": in_request(
            "req-anon-0001", "203.0.113.5", actor=None, action=AuditAction.LOGIN_FAILED, outcome=AuditOutcome.FAILURE
        ),
    }


def test_no_criteria_lists_everything_newest_first(trail, auditor, client_for):
    client = client_for(auditor)  # signing in is event 5
    response = client.get(SEARCH)
    assert listed(response) == [5, 4, 3, 2, 1], "the page is read before the search audits itself"
    assert AuditEvent.objects.get(action=AuditAction.SEARCH).detail["results"] == 5


def test_search_by_record(trail, auditor, client_for):
    response = client_for(auditor).get(SEARCH, {"object_type": "people.person", "object_id": "p-1"})
    assert listed(response) == [trail["refused"].sequence, trail["viewed"].sequence]


def test_search_by_record_type_ignores_case(trail, auditor, client_for):
    response = client_for(auditor).get(SEARCH, {"object_type": "People.Person"})
    assert len(listed(response)) == 3


def test_search_by_user(trail, idva, auditor, client_for):
    response = client_for(auditor).get(SEARCH, {"actor": str(idva.pk)})
    assert listed(response) == [trail["viewed_other"].sequence, trail["viewed"].sequence]


def test_search_by_agency(trail, police_agency, auditor, client_for):
    response = client_for(auditor).get(SEARCH, {"actor_agency": str(police_agency.pk)})
    assert listed(response) == [trail["refused"].sequence]


def test_search_by_action(trail, auditor, client_for):
    response = client_for(auditor).get(SEARCH, {"action": AuditAction.LOGIN_FAILED})
    assert listed(response) == [trail["failed"].sequence]


def test_search_by_outcome(trail, auditor, client_for):
    response = client_for(auditor).get(SEARCH, {"outcome": AuditOutcome.DENIED})
    assert listed(response) == [trail["refused"].sequence]


def test_search_by_request_id(trail, auditor, client_for):
    response = client_for(auditor).get(SEARCH, {"request_id": "req-idva-0002"})
    assert listed(response) == [trail["viewed_other"].sequence]


def test_search_by_date_range_is_inclusive(auditor, client_for):
    for day in (1, 2, 3, 4):
        with time_machine.travel(datetime(2026, 3, day, 12, 0, tzinfo=UTC), tick=False):
            make_events(1)
    response = client_for(auditor).get(SEARCH, {"occurred_from": "2026-03-02", "occurred_to": "2026-03-03"})
    assert listed(response) == [3, 2]


def test_dates_are_uk_days_in_summer_time(auditor, client_for):
    # 23:30 UTC on 1 June is 00:30 BST on 2 June; 23:30 UTC on 2 June is 00:30 on 3 June.
    for moment in (datetime(2026, 6, 1, 22, 59, tzinfo=UTC), datetime(2026, 6, 1, 23, 30, tzinfo=UTC)):
        with time_machine.travel(moment, tick=False):
            make_events(1)
    with time_machine.travel(datetime(2026, 6, 2, 23, 30, tzinfo=UTC), tick=False):
        make_events(1)
    response = client_for(auditor).get(SEARCH, {"occurred_from": "2026-06-02", "occurred_to": "2026-06-02"})
    assert listed(response) == [2]


def test_a_date_range_that_ends_before_it_starts_is_an_error(auditor, client_for):
    make_events(2)
    response = client_for(auditor).get(SEARCH, {"occurred_from": "2026-03-03", "occurred_to": "2026-03-02"})
    assert response.status_code == 200
    assert "The end date must be the same as or after the start date" in body(response)
    assert listed(response) == []
    searched = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert searched.outcome == AuditOutcome.FAILURE
    assert searched.detail == {"criteria": ["occurred_from", "occurred_to"], "invalid": ["occurred_to"], "results": 0}


def test_an_unknown_user_or_bad_date_is_an_error_not_everything(trail, auditor, client_for):
    for criteria in ({"actor": "not-a-user"}, {"occurred_from": "31/02/2026"}, {"action": "made-up"}):
        response = client_for(auditor).get(SEARCH, criteria)
        assert response.status_code == 200
        assert listed(response) == []
        assert "There is a problem" in body(response)


def test_results_are_paginated(auditor, client_for):
    make_events(60)
    client = client_for(auditor)
    first = client.get(SEARCH, {"action": AuditAction.VIEW})
    second = client.get(SEARCH, {"action": AuditAction.VIEW, "page": 2})
    assert listed(first) == list(range(60, 10, -1))
    assert listed(second) == list(range(10, 0, -1))
    assert "page=2" in body(first)
    assert "action=view" in body(first)


def test_a_search_is_audited_with_criteria_names_and_count_never_values(trail, idva, auditor, client_for):
    client_for(auditor).get(SEARCH, {"object_id": "p-1", "actor": str(idva.pk), "request_id": "req-idva-0001"})
    searched = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert searched.actor == auditor
    assert searched.object_type == "audit.auditevent"
    assert searched.detail == {"criteria": ["actor", "object_id", "request_id"], "results": 1, "page": 1}
    recorded = f"{searched.object_id} {searched.justification} {searched.detail}"
    for value in ("p-1", str(idva.pk), "req-idva-0001"):
        assert value not in recorded


def test_results_show_request_id_ip_and_the_links_an_auditor_follows(trail, idva, auditor, client_for):
    page = body(client_for(auditor).get(SEARCH))
    assert "req-police-01" in page
    assert "198.51.100.7" in page
    assert f'href="{SEARCH}?actor={idva.pk}"' in page
    assert f'href="{SEARCH}?object_type=people.person&amp;object_id=p-1"' in page
    assert f'href="{SEARCH}?request_id=req-police-01"' in page
    assert f'href="{event_url(trail["refused"].sequence)}"' in page
    assert "Southmere Police" in page


def test_markup_in_recorded_text_is_escaped(auditor, client_for):
    audit_record(actor=None, action=AuditAction.VIEW, object_type="<script>alert(1)</script>")
    page = body(client_for(auditor).get(SEARCH))
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;" in page


# --- One event ----------------------------------------------------------------------------------


def test_an_event_page_shows_everything_and_is_audited(trail, auditor, client_for):
    refused = trail["refused"]
    page = body(client_for(auditor).get(event_url(refused.sequence)))
    for shown in (
        "Access refused",
        "Refused",
        "people.person",
        "p-1",
        "req-police-01",
        "198.51.100.7",
        "Daniel Hughes",
    ):
        assert shown in page
    assert "Contents match their hash: yes" in page
    assert "Links to the event before: yes" in page
    viewed = AuditEvent.objects.get(action=AuditAction.VIEW, actor=auditor)
    assert (viewed.object_type, viewed.object_id) == ("audit.auditevent", str(refused.pk))


def test_an_unknown_event_is_404(auditor, client_for):
    assert client_for(auditor).get(event_url(999)).status_code == 404


def test_an_edited_event_is_flagged_on_its_page(auditor, client_for):
    make_events(3)
    tamper("UPDATE audit_auditevent SET object_id = 'changed' WHERE sequence = 2")
    page = body(client_for(auditor).get(event_url(2)))
    assert "This event does not verify" in page
    assert "Contents match their hash: no" in page


# --- CSV export ---------------------------------------------------------------------------------


def rows_of(response) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body(response))))


def test_export_writes_the_searched_events_and_is_audited(trail, auditor, client_for):
    response = client_for(auditor).get(EXPORT, {"object_id": "p-1"})
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="audit-trail-')
    rows = rows_of(response)
    assert [int(r["sequence"]) for r in rows] == [trail["refused"].sequence, trail["viewed"].sequence]
    assert rows[0]["ip_address"] == "198.51.100.7"
    assert rows[0]["request_id"] == "req-police-01"
    assert rows[0]["actor_agency"] == "Southmere Police"
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert exported.actor == auditor
    assert exported.detail == {"criteria": ["object_id"], "rows": 2, "format": "csv"}
    assert "p-1" not in str(exported.detail)


def test_export_holds_exactly_the_rows_counted_not_its_own_event(auditor, client_for):
    make_events(3)
    client = client_for(auditor)  # signing in is event 4
    rows = rows_of(client.get(EXPORT))
    assert [int(r["sequence"]) for r in rows] == [4, 3, 2, 1]
    exported = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert exported.sequence == 5
    assert exported.detail["rows"] == 4


@pytest.mark.parametrize("dangerous", ['=HYPERLINK("http://x")', "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"])
def test_export_neutralises_formula_like_cells(dangerous, auditor, client_for):
    agency = AgencyFactory(name=dangerous)
    user = make_member(Role.CASEWORKER, agency=agency, full_name=dangerous)
    audit_record(actor=user, action=AuditAction.VIEW, justification=dangerous, object_type=dangerous)
    (row,) = rows_of(client_for(auditor).get(EXPORT, {"action": AuditAction.VIEW}))
    for column in ("actor_label", "actor_agency", "object_type"):
        assert row[column] == "'" + dangerous, column
    assert row["justification_given"] == "yes", "whether a reason was given, never its text"


def test_an_invalid_export_writes_nothing(auditor, client_for):
    make_events(1)
    response = client_for(auditor).get(EXPORT, {"occurred_from": "not-a-date"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html"), "the search page with its error, not a file"
    assert "There is a problem" in body(response)
    assert not AuditEvent.objects.filter(action=AuditAction.EXPORT).exists()
