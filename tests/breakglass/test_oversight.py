"""Oversight of emergency access (found by an attacker's probe): a refused attempt is in the audit
trail, a person cannot open record after record, the service holding the record is told, and the
reviewer sees what was done while it was open."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from tests.breakglass.test_break_glass import NOW, WHY, open_for
from tests.factories import AgencyFactory, make_member
from tests.operations.conftest import run_worker
from tests.people.factories import PersonFactory
from waymark.audit.models import AuditEvent, AuditOutcome
from waymark.breakglass.actions import MAX_OPENED_PER_DAY, break_glass_open
from waymark.breakglass.models import BreakGlassReason
from waymark.core.roles import Role
from waymark.organisations.models import AgencyKind

pytestmark = pytest.mark.django_db


@pytest.fixture
def survivor(specialist_agency):
    return PersonFactory(held_by=specialist_agency, given_name="Rosa", family_name="Client")


@pytest.fixture
def other_service_worker():
    return make_member(Role.CASEWORKER, agency=AgencyFactory(kind=AgencyKind.DA_SPECIALIST), full_name="Ola Other")


def refusals(user):
    return AuditEvent.objects.filter(actor=user, outcome=AuditOutcome.DENIED, detail__break_glass=True)


def test_a_reference_that_names_no_record_is_refused_and_audited(other_service_worker):
    with pytest.raises(ValidationError):
        break_glass_open(
            actor=other_service_worker,
            person_id="8f0c4b1e-0000-4000-8000-000000000000",
            reason=BreakGlassReason.IMMEDIATE_RISK,
            justification=WHY,
            hours=1,
        )
    (row,) = refusals(other_service_worker)
    assert row.detail["refused"] == "no such record"
    assert "8f0c4b1e" not in str(row.detail) and "missing" not in str(row.detail)


def test_a_role_that_may_not_is_refused_and_audited(survivor):
    worker = make_member(Role.PERPETRATOR_WORKER, full_name="Pat Programme")
    with pytest.raises(PermissionDenied):
        open_for(worker, survivor)
    assert refusals(worker).get().detail["refused"] == "role"


def test_no_more_than_the_days_limit(other_service_worker, specialist_agency):
    people = [PersonFactory(held_by=specialist_agency) for _ in range(MAX_OPENED_PER_DAY + 1)]
    with time_machine.travel(NOW, tick=False):
        for person in people[:MAX_OPENED_PER_DAY]:
            open_for(other_service_worker, person, hours=1)
        with pytest.raises(PermissionDenied, match="the most allowed"):
            open_for(other_service_worker, people[-1], hours=1)
        assert refusals(other_service_worker).get().detail["refused"] == "too many in a day"
    # A day after the first, one more may be opened.
    with time_machine.travel(NOW + timedelta(days=1, minutes=1), tick=False):
        open_for(other_service_worker, people[-1], hours=1)


def test_references_that_name_no_record_count_towards_the_limit(other_service_worker, survivor):
    """The review of the limit: someone trying reference after reference was never stopped."""
    missing = "8f0c4b1e-0000-4000-8000-000000000000"
    with time_machine.travel(NOW, tick=False):
        for _ in range(MAX_OPENED_PER_DAY):
            with pytest.raises(ValidationError):
                break_glass_open(
                    actor=other_service_worker,
                    person_id=missing,
                    reason=BreakGlassReason.IMMEDIATE_RISK,
                    justification=WHY,
                    hours=1,
                )
        with pytest.raises(PermissionDenied, match="the most allowed"):
            open_for(other_service_worker, survivor, hours=1)
    assert [row.detail["refused"] for row in refusals(other_service_worker).order_by("sequence")] == [
        "no such record"
    ] * MAX_OPENED_PER_DAY + ["too many in a day"]
    with time_machine.travel(NOW + timedelta(days=1, minutes=1), tick=False):
        open_for(other_service_worker, survivor, hours=1)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks are PostgreSQL's; SQLite has one writer")
def test_the_count_is_taken_under_a_lock_on_the_users_row(other_service_worker, survivor):
    """Requests sent together each wait for the one before to commit before counting, so they
    cannot all pass the limit at once."""
    with CaptureQueriesContext(connection) as queries:
        open_for(other_service_worker, survivor, hours=1)
    sql = [query["sql"] for query in queries.captured_queries]
    locked = next(i for i, text in enumerate(sql) if "FOR UPDATE" in text and "accounts_user" in text)
    counted = next(i for i, text in enumerate(sql) if "COUNT(" in text and "breakglass_breakglassgrant" in text)
    assert locked < counted


def test_the_form_says_so_in_plain_words(client_for, other_service_worker, specialist_agency):
    people = [PersonFactory(held_by=specialist_agency) for _ in range(MAX_OPENED_PER_DAY + 1)]
    with time_machine.travel(NOW, tick=False):
        for person in people[:MAX_OPENED_PER_DAY]:
            open_for(other_service_worker, person, hours=1)
        response = client_for(other_service_worker).post(
            reverse("breakglass:open"),
            {
                "person_reference": str(people[-1].pk),
                "reason": BreakGlassReason.IMMEDIATE_RISK,
                "justification": WHY,
                "hours": "1",
            },
        )
    assert response.status_code == 400
    assert "the most allowed" in response.content.decode()


def test_the_holding_services_managers_are_told_without_the_persons_details(
    survivor, other_service_worker, specialist_agency
):
    managers = [make_member(Role.TEAM_MANAGER, agency=specialist_agency, full_name=f"Manager {n}") for n in (1, 2)]
    make_member(Role.CASEWORKER, agency=specialist_agency, full_name="Not told")
    with time_machine.travel(NOW, tick=False):
        open_for(other_service_worker, survivor, hours=2)
    run_worker()
    sent = {tuple(message.to): message for message in mail.outbox}
    assert set(sent) == {(m.email,) for m in managers}
    body = next(iter(sent.values())).body
    assert "Ola Other" in body and str(survivor.pk) in body
    assert "Someone is at immediate risk of serious harm" in body
    assert "Rosa" not in body and "Client" not in body and WHY not in body


def test_the_reviewer_sees_what_was_done_while_it_was_open(client_for, survivor, other_service_worker, auditor):
    with time_machine.travel(NOW, tick=False):
        grant = open_for(other_service_worker, survivor, hours=1)
        client_for(other_service_worker).get(reverse("people:detail", args=[survivor.pk]))
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        client_for(other_service_worker).get(reverse("people:detail", args=[survivor.pk]))  # after: 404, not listed
        page = client_for(auditor).get(reverse("breakglass:review", args=[grant.pk])).content.decode()
    assert "What they did while it was open" in page
    assert "This record" in page
    section = page.split('id="done-under"', 1)[1]
    assert (
        section.count('<tr class="govuk-table__row">')
        == 1 + AuditEvent.objects.filter(actor=other_service_worker, occurred_at__lte=NOW + timedelta(hours=1)).count()
    )
