"""Migration cases/0002 encrypts closure notes and status-change reasons written as plain text
before it, and its reverse decrypts them (run on SQLite and PostgreSQL). The field change itself
is text to text in the database; the data step is tested on rows written raw, as they were."""

from __future__ import annotations

import importlib
import uuid
from types import SimpleNamespace

import pytest
from django.apps import apps
from django.db import connection
from django.utils import timezone

from tests.factories import AgencyFactory
from tests.people.factories import PersonFactory

pytestmark = pytest.mark.django_db

migration = importlib.import_module("waymark.cases.migrations.0002_reopened_on_and_encrypted_notes")
PLAIN = "Gone to her sister's in Hartlepool"


def _id(value: uuid.UUID):
    return value.hex if connection.vendor == "sqlite" else value


def _raw():
    with connection.cursor() as cursor:
        cursor.execute("SELECT closure_note FROM cases_case WHERE number = 'C-MIG-1'")
        note = cursor.fetchone()[0]
        cursor.execute("SELECT reason FROM cases_casestatuschange WHERE to_status = 'closed'")
        reason = cursor.fetchone()[0]
    return note, reason


def test_existing_rows_are_encrypted_and_read_back_and_the_reverse_decrypts():
    agency = AgencyFactory()
    person = PersonFactory(held_by=agency)
    case_id, now = uuid.uuid4(), timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO cases_case (id, created_at, modified_at, number, person_id, agency_id, status,"
            " status_before_closure_request, referred_on, opened_on, closure_reason, closure_note,"
            # Columns added by later migrations, with the values those migrations gave old rows.
            " version, closed_high_risk_without_marac, no_marac_reason)"
            " VALUES (%s, %s, %s, 'C-MIG-1', %s, %s, 'closed', '', '2020-01-01', '2020-01-01', 'moved_away', %s,"
            " 1, %s, '')",
            [_id(case_id), now, now, _id(person.pk), _id(agency.pk), PLAIN, False],
        )
        cursor.execute(
            "INSERT INTO cases_casestatuschange (id, created_at, modified_at, case_id, from_status, to_status,"
            " reason, changed_at) VALUES (%s, %s, %s, %s, 'active', 'closed', %s, %s)",
            [_id(uuid.uuid4()), now, now, _id(case_id), PLAIN, now],
        )
    editor = SimpleNamespace(connection=connection)
    migration.encrypt_existing(apps, editor)
    note, reason = _raw()
    assert "Hartlepool" not in note and "Hartlepool" not in reason
    assert note.startswith("v1:") and reason.startswith("v1:")
    from waymark.cases.models import Case, CaseStatusChange

    assert Case.objects.get(number="C-MIG-1").closure_note == PLAIN
    assert CaseStatusChange.objects.get(to_status="closed").reason == PLAIN
    # Running it again leaves encrypted rows alone.
    migration.encrypt_existing(apps, editor)
    assert _raw() == (note, reason)
    migration.decrypt_existing(apps, editor)
    assert _raw() == (PLAIN, PLAIN)
