"""Reopening starts a new episode (docs/casework.md): the first-contact clock and engagement
count from the reopening, one rule in waymark/cases/service_standard.py that the dashboards and
the outcomes KPI share; the status history keeps the first episode. And the free text of closure
and status changes is encrypted at rest."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from tests.cases.conftest import at, record_exit_outcomes
from waymark.cases import actions
from waymark.cases.models import Case, CaseStatusChange
from waymark.cases.selectors import overdue_first_contacts
from waymark.cases.service_standard import (
    episode_started_on,
    first_contact_due_on,
    first_contact_met_standard,
    first_contact_overdue,
)
from waymark.cases.states import CaseStatus
from waymark.core.dates import add_working_days

pytestmark = pytest.mark.django_db


def _closed_after_support(case_factory, idva, idva_team, manager, *, referred_on):
    case = case_factory(
        status=CaseStatus.ACTIVE,
        caseworker=idva,
        team=idva_team,
        referred_on=referred_on,
        opened_on=referred_on,
        first_contact_at=at(referred_on + timedelta(days=1)),
        engaged_on=referred_on + timedelta(days=2),
    )
    CaseStatusChange.objects.create(
        case=case, from_status=CaseStatus.CONTACT_ATTEMPTED, to_status=CaseStatus.ENGAGED, changed_at=at(referred_on)
    )
    record_exit_outcomes(case)
    actions.case_request_closure(actor=idva, case=case, reason="support_completed", note="Goals met")
    actions.case_approve_closure(actor=manager, case=case)
    return case


def test_reopening_starts_a_new_episode_and_keeps_the_history(case_factory, idva, idva_team, manager):
    referred = timezone.localdate() - timedelta(days=200)
    case = _closed_after_support(case_factory, idva, idva_team, manager, referred_on=referred)
    actions.case_reopen(actor=manager, case=case, reason="New incident")
    case.refresh_from_db()
    assert case.reopened_on == timezone.localdate()
    assert (case.first_contact_at, case.engaged_on) == (None, None)
    assert case.referred_on == referred  # the original referral stays
    assert episode_started_on(case) == timezone.localdate()
    assert CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.ENGAGED).exists()
    assert CaseStatusChange.objects.filter(case=case, to_status=CaseStatus.CLOSED).exists()


def test_a_reopened_case_falls_overdue_for_first_contact_from_its_reopening(case_factory, idva, idva_team, manager):
    today = timezone.localdate()
    case = _closed_after_support(case_factory, idva, idva_team, manager, referred_on=today - timedelta(days=200))
    actions.case_reopen(actor=manager, case=case, reason="New incident")
    case.refresh_from_db()
    assert first_contact_due_on(episode_started_on(case)) == add_working_days(today, 2)
    assert not first_contact_overdue(case)
    # Ten days on, nobody has reached her: overdue, on the case and on the dashboards alike.
    Case.objects.filter(pk=case.pk).update(reopened_on=today - timedelta(days=10))
    case.refresh_from_db()
    assert first_contact_overdue(case)
    assert list(overdue_first_contacts(Case.objects.all(), today)) == [case]
    # The same case not reopened (the old behaviour: first contact kept) would never show.
    assert first_contact_met_standard(case) is None


def test_first_contact_of_the_new_episode_is_measured_from_the_reopening(case_factory, idva, idva_team, manager):
    today = timezone.localdate()
    case = _closed_after_support(case_factory, idva, idva_team, manager, referred_on=today - timedelta(days=200))
    actions.case_reopen(actor=manager, case=case, reason="New incident")
    actions.case_allocate(actor=manager, case=case, caseworker=idva)
    # A contact from the first episode, logged late, is not the new episode's first contact.
    actions.contact_attempt_record(
        actor=idva, case=case, kind="in_person", outcome="met", attempted_at=at(today - timedelta(days=150))
    )
    case.refresh_from_db()
    assert case.first_contact_at is None
    actions.contact_attempt_record(actor=idva, case=case, kind="in_person", outcome="met", attempted_at=timezone.now())
    case.refresh_from_db()
    assert case.first_contact_at is not None and first_contact_met_standard(case) is True
    actions.case_mark_engaged(actor=idva, case=case)
    case.refresh_from_db()
    assert case.engaged_on == today


def test_the_kpi_counts_a_reopened_case_in_its_new_episode_by_the_same_rule(case_factory, idva, idva_team, manager):
    from waymark.outcomes.kpis import first_contact_records, first_contact_rows

    today = timezone.localdate()
    case = _closed_after_support(case_factory, idva, idva_team, manager, referred_on=today - timedelta(days=400))
    actions.case_reopen(actor=manager, case=case, reason="New incident")
    Case.objects.filter(pk=case.pk).update(reopened_on=today - timedelta(days=10))
    case.refresh_from_db()
    rows = first_contact_rows(today - timedelta(days=30), today, Case.objects.all())
    assert [(row.pk, row.referred_on) for row in rows] == [(case.pk, today - timedelta(days=10))]
    [record] = first_contact_records(rows, as_of=today)
    assert record.in_denominator and not record.counted and first_contact_overdue(case)
    # The first episode's period no longer counts it (its history is in the status changes).
    assert first_contact_rows(today - timedelta(days=400), today - timedelta(days=300), Case.objects.all()) == []


# --- Encrypted free text -----------------------------------------------------------------------

SECRET = "Moved to her sister's in Hartlepool"


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk.hex if connection.vendor == "sqlite" else pk])
        return cursor.fetchone()[0]


def test_closure_note_and_status_change_reason_are_encrypted_at_rest(case_factory, idva, idva_team):
    case = case_factory(
        status=CaseStatus.ENGAGED, caseworker=idva, team=idva_team, first_contact_at=timezone.now(), engaged_on=None
    )
    actions.case_request_closure(actor=idva, case=case, reason="moved_away", note=SECRET)
    case.refresh_from_db()
    assert case.closure_note == SECRET
    change = CaseStatusChange.objects.get(case=case, to_status=CaseStatus.CLOSURE_REQUESTED)
    assert change.reason == SECRET
    assert "Hartlepool" not in _raw("cases_case", "closure_note", case.pk)
    assert "Hartlepool" not in _raw("cases_casestatuschange", "reason", change.pk)
    assert _raw("cases_case", "closure_note", case.pk).startswith("v1:")


def test_the_case_page_says_when_it_was_reopened(client_for, case_factory, idva, idva_team, manager):
    case = _closed_after_support(
        case_factory, idva, idva_team, manager, referred_on=timezone.localdate() - timedelta(days=200)
    )
    actions.case_reopen(actor=manager, case=case, reason="New incident")
    body = client_for(manager).get(f"/cases/{case.pk}/").content.decode()
    assert "reopened" in body and "a new episode" in body
