"""Audit rows cannot be changed: the ORM refuses everywhere, the database itself on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, connection, transaction

from tests.audit.helpers import make_events, postgres_only, row, verify
from waymark.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def test_saving_an_existing_event_is_refused():
    event = make_events(1)[0]
    event.object_id = "changed"
    with pytest.raises(PermissionError, match="append-only"):
        event.save()
    assert row(1).object_id != "changed"


def test_deleting_an_event_is_refused():
    event = make_events(1)[0]
    with pytest.raises(PermissionError, match="append-only"):
        event.delete()
    assert AuditEvent.objects.count() == 1


def test_queryset_update_is_refused():
    make_events(2)
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.filter(sequence=1).update(object_id="changed")
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.all().update(outcome="denied")
    assert not AuditEvent.objects.filter(object_id="changed").exists()


def test_queryset_delete_is_refused():
    make_events(2)
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.all().delete()
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.filter(sequence=2).delete()
    assert AuditEvent.objects.count() == 2


def test_bulk_update_is_refused():
    events = make_events(2)
    for event in events:
        event.object_id = "changed"
    with pytest.raises(PermissionError, match="append-only"), transaction.atomic():
        AuditEvent.objects.bulk_update(events, ["object_id"])
    assert not AuditEvent.objects.filter(object_id="changed").exists()


def test_bulk_create_is_refused_so_rows_only_arrive_chained():
    with pytest.raises(PermissionError, match="audit_record"):
        AuditEvent.objects.bulk_create([AuditEvent(sequence=1, action="view")])
    assert AuditEvent.objects.count() == 0


def test_update_or_create_of_an_existing_event_is_refused():
    make_events(1)
    with pytest.raises(PermissionError, match="append-only"):
        AuditEvent.objects.update_or_create(sequence=1, defaults={"object_id": "changed"})
    assert row(1).object_id != "changed"


# --- PostgreSQL: the trigger refuses raw SQL too -------------------------------------------


@pytest.mark.parametrize(
    "sql",
    [
        "UPDATE audit_auditevent SET object_id = 'changed' WHERE sequence = 1",
        "UPDATE audit_auditevent SET sequence = sequence + 100",
        "DELETE FROM audit_auditevent WHERE sequence = 1",
        "DELETE FROM audit_auditevent",
    ],
)
@postgres_only
def test_the_database_refuses_raw_update_and_delete(sql):
    make_events(2)
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert AuditEvent.objects.count() == 2
    assert "2 events" in verify()


@postgres_only
def test_the_trigger_is_installed_for_update_and_delete():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT event_manipulation FROM information_schema.triggers "
            "WHERE event_object_table = 'audit_auditevent' AND trigger_name = 'audit_auditevent_append_only'"
        )
        operations = {name for (name,) in cursor.fetchall()}
    assert operations == {"UPDATE", "DELETE"}


@postgres_only
def test_the_database_still_accepts_new_rows():
    make_events(3)
    assert "3 events" in verify()
